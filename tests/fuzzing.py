"""Schemathesis against a live sandbox server: shared by tests/test_fuzz.py and the bench.

`python -m tests.fuzzing --examples N ...` starts the server, seeds two connected accounts,
runs the schemathesis CLI and prints its output, then a JSON summary as the last line.
`isolated_command()` wraps that in a fresh network namespace (`unshare -n`, loopback only):
fuzzed webhook URLs can then never reach a real host, whatever the fuzzer invents.
"""
import argparse
import json
import shutil
import tempfile
import os
import subprocess
import sys
import time

import requests

from tests.util import ServerProcess, wait_until

KEY = "fuzz-admin-key-0123456789"
ADMIN = {"X-API-Key": KEY}
ACCOUNTS = ("fz1", "fz2")
# What a run checks: no 5xx, and every response matches what /openapi.json says of it.
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,response_headers_conformance")
# Real ids most of the time, so the fuzzer gets past 404 into the routes' logic; the
# destructive operations get their own account so they do not end the others' run early.
CONFIG = """
[dictionaries.accounts]
values = ["fz1", "fz2"]

[dictionaries.chats]
values = ["15550002002@s.whatsapp.net", "15550001001@s.whatsapp.net"]

[dictionaries.hooks]
values = ["http://127.0.0.1:9/hook", "http://127.0.0.1:9/other"]

[parameters]
"body.url" = {{ dictionary = "hooks", probability = 1.0 }}
"path.account_id" = {{ dictionary = "accounts", probability = 0.85 }}
"path.chat_id" = {{ dictionary = "chats", probability = 0.7 }}

[[operations]]
include-path-regex = "^/accounts/[{{]account_id[}}]$|/logout$|/unlink$|/drop$"
parameters = {{ "path.account_id" = "fzgone" }}

[[operations]]
include-path-regex = "^/dashboard/logout$"
enabled = false
"""


def start_server(data_dir, extra_env=None):
    """A sandbox server with an API key and two connected accounts that talk to each other."""
    env = {"WILDCAT_API_KEY": KEY, "WILDCAT_SEND_RATE_PER_MINUTE": "0",
           "WILDCAT_WEBHOOK_MAX_ATTEMPTS": "1", "LOG_LEVEL": "WARNING", **(extra_env or {})}
    server = ServerProcess(env, data_dir).start()
    for account_id, phone in zip(ACCOUNTS + ("fzgone",),
                                 ("15550001001", "15550002002", "15550003003")):
        url = f"{server.url}/accounts/{account_id}"
        requests.post(server.url + "/accounts", json={"id": account_id}, headers=ADMIN,
                      timeout=10).raise_for_status()
        wait_until(lambda: requests.get(url, headers=ADMIN, timeout=10).json()["account"]
                   ["hasQR"], message=f"{account_id} QR")
        requests.post(f"{server.url}/sandbox/accounts/{account_id}/scan", json={"phone": phone},
                      headers=ADMIN, timeout=10).raise_for_status()
    requests.post(server.url + "/accounts/fz1/message/send", headers=ADMIN, timeout=10,
                  json={"to": "15550002002@s.whatsapp.net", "message": "seed"})
    return server


def run_schemathesis(server, workdir, *, max_examples, seed=1, phases="examples,coverage,fuzzing",
                     max_time=None, checks=CHECKS, timeout=600):
    """Run the CLI; returns (exit code, output, the JSON report dict, seconds)."""
    config = os.path.join(workdir, "schemathesis.toml")
    with open(config, "w") as f:
        f.write(CONFIG.format())
    report = os.path.join(workdir, "report.json")
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", config, "run",
               f"{server.url}/openapi.json", "-H", f"X-API-Key: {KEY}", "--checks", checks,
               "-n", str(max_examples), "--seed", str(seed), "--phases", phases,
               "--workers", "1", "--request-timeout", "20", "--no-color",
               "--report", "json", "--report-json-path", report]
    if max_time:
        command += ["--max-time", str(max_time)]
    started = time.monotonic()
    proc = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
    elapsed = time.monotonic() - started
    try:
        with open(report) as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = {}
    return proc.returncode, proc.stdout + proc.stderr, data, elapsed


def summary(code, data, elapsed):
    """The figures of one run, for a test assertion or the bench's last line."""
    cases = data.get("test_cases", {})
    return {"exit_code": code, "seconds": round(elapsed, 1),
            "operations_tested": data.get("operations", {}).get("tested"),
            "test_cases": cases.get("generated"), "failures": data.get("failures", []),
            "errors": data.get("errors", []), "stop_reason": data.get("stop_reason"),
            "phases": {k: v.get("status") for k, v in data.get("phases", {}).items()}}


def isolated_command(args):
    """argv running `python -m tests.fuzzing args` in a loopback-only network namespace, or
    None when this machine cannot make one."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return None
    probe = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"],
                           capture_output=True)
    if probe.returncode != 0:
        return None
    inner = " ".join([sys.executable, "-m", "tests.fuzzing", *args])
    return ["unshare", "-n", "sh", "-c", f"ip link set lo up && exec {inner}"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-time", type=int, default=None)
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--checks", default=CHECKS)
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="wildcat-fuzz-")
    server = start_server(os.path.join(workdir, "data"))
    try:
        code, output, data, elapsed = run_schemathesis(
            server, workdir, max_examples=args.examples, seed=args.seed, phases=args.phases,
            max_time=args.max_time, checks=args.checks)
        health = requests.get(server.url + "/health", headers=ADMIN, timeout=10).status_code
    finally:
        server.stop()
    print(output)
    print(json.dumps({**summary(code, data, elapsed), "health_after": health}))
    shutil.rmtree(workdir, ignore_errors=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
