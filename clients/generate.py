"""Regenerate WILDCAT's typed clients from the app's OpenAPI document; no server needed.

    python clients/generate.py            # write clients/openapi.json, the Python package,
                                          # and the TypeScript types (when npm ci was run)
    python clients/generate.py --check    # exit 1 when a committed file is out of date

The spec is built in-process (the app factory, the sandbox driver, a throwaway SQLite store),
so it includes the sandbox routes. The Python client comes from openapi-python-client (pinned
in requirements-test.txt) with --fail-on-warning; the TypeScript types from openapi-typescript
(pinned in clients/typescript/package-lock.json). Files of wildcat_client listed in
HANDWRITTEN are ours and kept; every other file there is the generator's.
"""
import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CLIENTS = Path(__file__).resolve().parent
ROOT = CLIENTS.parent
SPEC = CLIENTS / "openapi.json"
PYTHON = CLIENTS / "python"
PACKAGE = PYTHON / "wildcat_client"
TYPESCRIPT = CLIENTS / "typescript"
TS_TYPES = TYPESCRIPT / "src" / "schema.d.ts"
HANDWRITTEN = {"gateway.py", "signatures.py", "py.typed"}
REGENERATE = "python clients/generate.py"


def build_spec_json() -> str:
    """The OpenAPI document exactly as `GET /openapi.json` serves it with the sandbox driver."""
    sys.path.insert(0, str(ROOT))
    from wildcat.config import load_config
    from wildcat.factory import create_app
    from wildcat.openapi import build_spec, spec_json
    from wildcat.store.sqlite import SQLiteStore
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(os.path.join(tmp, "wildcat.db"))
        app = create_app(load_config({}, driver="sandbox", data_dir=tmp), store=store)
        with app.app_context():
            text = spec_json(build_spec(app)) + "\n"
        store.close()
    return text


def binary_media_types(spec: dict) -> list[str]:
    """Media types of responses documented as bytes (`format: binary`: a QR PNG, an icon)
    other than application/octet-stream, the only binary type the generator knows."""
    found = set()
    for item in spec["paths"].values():
        for op in item.values():
            for response in (op.get("responses") or {}).values() if isinstance(op, dict) else ():
                for media, body in (response.get("content") or {}).items():
                    if (body.get("schema") or {}).get("format") == "binary" and \
                            "*" not in media and media != "application/octet-stream":
                        found.add(media)
    return sorted(found)


def generator_config(spec_path: Path, out_path: Path) -> Path:
    """generator.yaml plus `content_type_overrides` reading every binary media type of the
    document as bytes (so a route added with an image/... response needs no config edit)."""
    from ruamel.yaml import YAML
    config = YAML(typ="safe").load(PYTHON / "generator.yaml")
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    config["content_type_overrides"] = {
        media: "application/octet-stream" for media in binary_media_types(spec)}
    out_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    return out_path


def generate_python(spec_path: Path, out_dir: Path) -> subprocess.CompletedProcess:
    """Run openapi-python-client on `spec_path` into `out_dir` (a new directory); fails on
    any generator warning. Returns the finished process (stdout has the warnings)."""
    config = generator_config(spec_path, out_dir.parent / "generator-config.json")
    bin_dir = os.path.dirname(sys.executable)   # the generator's ruff post-hooks
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
               RUFF_NO_CACHE="true")
    return subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec_path),
         "--meta", "none", "--output-path", str(out_dir), "--fail-on-warning",
         "--config", str(config),
         "--custom-template-path", str(PYTHON / "templates")],
        capture_output=True, text=True, env=env, cwd=str(out_dir.parent), timeout=300)


def generated_files(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")
            if p.is_file() and not {"__pycache__", ".ruff_cache"} & set(p.parts)
            and str(p.relative_to(directory)) not in HANDWRITTEN}


def python_differences(fresh: Path, committed: Path = PACKAGE) -> list[str]:
    """Generated files that differ between a fresh generation and the committed package."""
    new, old = generated_files(fresh), generated_files(committed)
    diffs = [f"missing: {name}" for name in sorted(new - old)]
    diffs += [f"stale: {name}" for name in sorted(old - new)]
    diffs += [f"differs: {name}" for name in sorted(new & old)
              if not filecmp.cmp(fresh / name, committed / name, shallow=False)]
    return diffs


def install_python(fresh: Path, committed: Path = PACKAGE) -> None:
    for name in generated_files(committed):
        (committed / name).unlink()
    for directory in sorted((p for p in committed.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()) or directory.name == "__pycache__":
            shutil.rmtree(directory)
    for name in generated_files(fresh):
        (committed / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fresh / name, committed / name)


def typescript_tool() -> Path | None:
    tool = TYPESCRIPT / "node_modules" / ".bin" / "openapi-typescript"
    return tool if tool.exists() and shutil.which("node") else None


def generate_typescript(spec_path: Path, out_path: Path) -> subprocess.CompletedProcess:
    """openapi-typescript (from clients/typescript/node_modules) on `spec_path`."""
    return subprocess.run([str(typescript_tool()), str(spec_path), "--output", str(out_path)],
                          capture_output=True, text=True, cwd=str(TYPESCRIPT), timeout=300)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when a committed file is out of date")
    args = parser.parse_args(argv)
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        spec_text = build_spec_json()
        spec_path = tmp / "openapi.json"
        spec_path.write_text(spec_text, encoding="utf-8")
        if not SPEC.exists() or SPEC.read_text(encoding="utf-8") != spec_text:
            stale.append(str(SPEC.relative_to(ROOT)))
            if not args.check:
                SPEC.write_text(spec_text, encoding="utf-8")

        done = generate_python(spec_path, tmp / "wildcat_client")
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
            print("openapi-python-client failed (warnings count as failures)", file=sys.stderr)
            return 2
        diffs = python_differences(tmp / "wildcat_client")
        stale += [f"{PACKAGE.relative_to(ROOT)}: {d}" for d in diffs]
        if diffs and not args.check:
            install_python(tmp / "wildcat_client")

        if typescript_tool() is None:
            print("TypeScript types not checked: run `npm ci` in clients/typescript first "
                  "(needs node and npm)", file=sys.stderr)
        else:
            done = generate_typescript(spec_path, tmp / "schema.d.ts")
            if done.returncode != 0:
                print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
                return 2
            fresh = (tmp / "schema.d.ts").read_text(encoding="utf-8")
            if not TS_TYPES.exists() or TS_TYPES.read_text(encoding="utf-8") != fresh:
                stale.append(str(TS_TYPES.relative_to(ROOT)))
                if not args.check:
                    TS_TYPES.write_text(fresh, encoding="utf-8")
    for name in stale[:20]:
        print(("out of date: " if args.check else "regenerated: ") + name)
    if len(stale) > 20:
        print(f"... and {len(stale) - 20} more")
    if args.check and stale:
        print(f"run `{REGENERATE}` and commit the result", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
