"""The typed clients stay generated from the live spec: openapi-python-client reads it without
a warning and produces exactly the committed package; openapi-typescript produces the
committed types, which `tsc --strict` accepts with the example; the served document is
UTF-8 that YAML-based readers (the openapi-spec-validator command) accept; and the
conformance checker used by every flow (tests/conformance.py) does catch violations."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conformance import SpecChecker
from tests.util import make_store, test_config
from wildcat.factory import create_app

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("wildcat_clients_generate",
                                               ROOT / "clients" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

REGENERATE = f"out of date: run `{generate.REGENERATE}` and commit the result"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The bytes of `GET /openapi.json` from a sandbox app (what a user generates from)."""
    tmp = tmp_path_factory.mktemp("clients")
    app = create_app(test_config(tmp, api_key="k"), store=make_store("sqlite", tmp))
    response = app.test_client().get("/openapi.json", headers={"X-API-Key": "k"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    path = tmp / "openapi.json"
    path.write_bytes(response.data)
    return path


def test_the_committed_spec_is_the_served_one(served):
    assert generate.SPEC.read_text(encoding="utf-8") == served.read_text(encoding="utf-8") + \
        "\n", REGENERATE


def test_the_served_spec_is_utf8_that_yaml_readers_accept(served):
    raw = served.read_bytes()
    assert "\U0001f44d".encode() in raw and b"\\ud83d" not in raw   # not a surrogate pair
    done = subprocess.run([sys.executable, "-m", "openapi_spec_validator", str(served)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_python_client_generates_without_warnings_and_is_committed(served, tmp_path):
    pytest.importorskip("openapi_python_client",
                        reason="openapi-python-client is not installed "
                        "(pip install -r requirements-test.txt)")
    done = generate.generate_python(served, tmp_path / "wildcat_client")
    assert done.returncode == 0, f"generator warnings or errors:\n{done.stdout}\n{done.stderr}"
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    differences = generate.python_differences(tmp_path / "wildcat_client")
    assert not differences, REGENERATE + "\n" + "\n".join(differences[:20])


def test_every_documented_response_parses_into_a_model(served):
    """The generated client kept every documented response (none dropped as unsupported),
    media and the PNG QR as bytes, the QR's JSON as its model."""
    spec = json.loads(served.read_text(encoding="utf-8"))
    package = generate.PACKAGE
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            module = next(package.glob(f"api/*/{op['operationId']}.py"))
            source = module.read_text(encoding="utf-8")
            for status in op["responses"]:
                if status != "101":   # a WebSocket handshake: no body to parse
                    assert f"response.status_code == {status}" in source, (path, method, status)
    media = (package / "api/messages/messages_get_media.py").read_text()
    assert "response_200 = File(payload=BytesIO(response.content))" in media
    assert "response_206 = File(payload=BytesIO(response.content))" in media
    qr = (package / "api/accounts/accounts_get_qr.py").read_text()
    assert "response_200 = File(payload=BytesIO(response.content))" in qr
    qr_json = (package / "api/accounts/accounts_get_qr_json.py").read_text()
    assert "response_200 = QrJsonResponse.from_dict(response.json())" in qr_json


def installed_as_locked(ts):
    """node_modules holds exactly package-lock.json's packages (npm's own record of what it
    installed, node_modules/.package-lock.json), so `npm ci` would change nothing."""
    try:
        locked = json.loads((ts / "package-lock.json").read_text())["packages"]
        installed = json.loads((ts / "node_modules" / ".package-lock.json").read_text())
    except (OSError, ValueError, KeyError):
        return False
    return {k: v for k, v in locked.items() if k} == installed.get("packages")


@pytest.mark.skipif(not (shutil.which("node") and shutil.which("npm")),
                    reason="node and npm are not installed (.ci/run installs them from Debian)")
def test_typescript_types_are_committed_and_compile_strictly(served, tmp_path):
    ts = generate.TYPESCRIPT
    if not installed_as_locked(ts):
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ts,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert installed_as_locked(ts)
    done = generate.generate_typescript(served, tmp_path / "schema.d.ts")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "schema.d.ts").read_text(encoding="utf-8") == \
        generate.TS_TYPES.read_text(encoding="utf-8"), REGENERATE
    done = subprocess.run([str(ts / "node_modules" / ".bin" / "tsc"), "--strict", "--noEmit",
                           "-p", str(ts)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, NO_COLOR="1"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_conformance_checker_catches_violations(served):
    """The check every flow runs (tests/conformance.py) is not a no-op."""
    from werkzeug.routing import Rule
    checker = SpecChecker(json.loads(served.read_text(encoding="utf-8")))
    rule = Rule("/accounts/<account_id>")
    good = {"ok": True, "account": {"_id": "a", "name": None, "currentStatus": "connected",
                                    "hasQR": False}}
    assert checker.problems(rule, "GET", 200, "application/json", json.dumps(good)) == []
    bad = dict(good, account={**good["account"], "currentStatus": "sleeping", "hasQR": "no"})
    problems = checker.problems(rule, "GET", 200, "application/json", json.dumps(bad))
    assert len(problems) == 2 and "sleeping" in " ".join(problems)
    assert "not documented" in checker.problems(rule, "GET", 418, "application/json", "{}")[0]
    assert "Content-Type" in checker.problems(rule, "GET", 200, "text/html", "<p>")[0]
    media = Rule("/accounts/<account_id>/messages/<message_id>/media")
    assert checker.problems(media, "GET", 206, "image/jpeg", None) == []
    deliveries = Rule("/webhooks/<webhook_id>/deliveries")
    delivery = {"id": "d", "webhookId": "w", "event": "message", "status": "lost",
                "createdAt": "yesterday"}
    problems = checker.problems(deliveries, "GET", 200, "application/json",
                                json.dumps({"ok": True, "deliveries": [delivery]}))
    assert any("lost" in p for p in problems) and any("yesterday" in p for p in problems)
