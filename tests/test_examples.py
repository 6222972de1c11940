"""The README's examples, run for real against a `python app.py` sandbox server: the sandbox
tour script (bash + curl), and the Python and JavaScript (node) examples — sending a message,
and a webhook receiver that checks the signature, fed by the real dispatcher."""
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.util import ROOT, ServerProcess, free_port, wait_until

KEY = "examples-test-key-0123456789"
ADMIN = {"X-API-Key": KEY}
EXAMPLES = os.path.join(ROOT, "examples")
NODE = shutil.which("node")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc = ServerProcess({"WILDCAT_API_KEY": KEY, "WILDCAT_WEBHOOK_BACKOFF_BASE": "0.05",
                          "WILDCAT_WEBHOOK_BACKOFF_CAP": "0.2"},
                         str(tmp_path_factory.mktemp("examples"))).start()
    yield proc
    proc.stop()


def env_for(server, **extra):
    return {**os.environ, "WILDCAT_URL": server.url, "WILDCAT_API_KEY": KEY, **extra}


def test_the_sandbox_tour_runs_end_to_end(server):
    if not (shutil.which("bash") and shutil.which("curl")):
        pytest.skip("the tour needs bash and curl")
    result = subprocess.run(["bash", os.path.join(EXAMPLES, "sandbox_tour.sh")], cwd=ROOT,
                            env=env_for(server, TOUR_ACCOUNT="tour"), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Tour complete" in result.stdout
    for step in range(1, 12):
        assert f"\n== {step}. " in result.stdout
    # It cleaned up after itself.
    assert requests.get(server.url + "/accounts/tour", headers=ADMIN,
                        timeout=10).status_code == 404
    assert requests.get(server.url + "/webhooks", headers=ADMIN, timeout=10).json()[
        "webhooks"] == []


def test_the_tour_stops_at_the_first_failing_step(server):
    if not (shutil.which("bash") and shutil.which("curl")):
        pytest.skip("the tour needs bash and curl")
    result = subprocess.run(["bash", os.path.join(EXAMPLES, "sandbox_tour.sh")], cwd=ROOT,
                            env=env_for(server, WILDCAT_API_KEY="wrong-key"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Tour complete" not in result.stdout
    assert "unauthorized" in result.stdout + result.stderr


def _connected(server, account_id, phone):
    requests.post(server.url + "/accounts", json={"id": account_id}, headers=ADMIN,
                  timeout=10).raise_for_status()
    wait_until(lambda: requests.get(f"{server.url}/accounts/{account_id}", headers=ADMIN,
                                    timeout=10).json()["account"]["hasQR"])
    requests.post(f"{server.url}/sandbox/accounts/{account_id}/scan", json={"phone": phone},
                  headers=ADMIN, timeout=10).raise_for_status()
    wait_until(lambda: requests.get(f"{server.url}/accounts/{account_id}/status",
                                    headers=ADMIN, timeout=10).json()["status"] == "connected")


class Receiver:
    """An example receiver as a child process; a thread collects its output lines."""

    def __init__(self, command, secret):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "WEBHOOK_SECRET": secret,
                                          "PORT": str(self.port)})
        self.lines = []
        threading.Thread(target=self._collect, daemon=True).start()
        self.wait_for("listening on")

    def _collect(self):
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def wait_for(self, text):
        def seen():
            if self.proc.poll() is not None and not any(text in x for x in self.lines):
                raise AssertionError(f"receiver exited: {self.lines}")
            return any(text in line for line in self.lines)
        wait_until(seen, timeout=20, message=f"{text!r} from the receiver ({self.lines})")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@pytest.mark.parametrize("language", ["python", "javascript"])
def test_send_and_verified_webhook_examples(server, language):
    if language == "javascript" and not NODE:
        pytest.skip("node is not installed: the JavaScript examples were not run")
    run = [sys.executable] if language == "python" else [NODE]
    ext = "py" if language == "python" else "mjs"
    account, secret = f"ex{ext}", f"example-secret-{ext}"
    _connected(server, account, "15550006000" if ext == "py" else "15550006001")
    receiver = Receiver(run + [os.path.join(EXAMPLES, f"webhook_receiver.{ext}")], secret)
    try:
        requests.post(server.url + "/webhooks", headers=ADMIN, timeout=10, json={
            "url": receiver.url, "accountId": account, "secret": secret,
            "events": ["message"]}).raise_for_status()
        requests.post(f"{server.url}/sandbox/accounts/{account}/inbound", headers=ADMIN,
                      json={"from": "15550007777", "text": f"hello {language}"},
                      timeout=10).raise_for_status()
        receiver.wait_for(f"verified message for {account}: hello {language}")
        # A forged request is refused.
        forged = requests.post(receiver.url, data=b'{"event":"message"}', timeout=10, headers={
            "X-Wildcat-Timestamp": str(int(time.time() * 1000)),
            "X-Wildcat-Signature": "sha256=" + "0" * 64})
        assert forged.status_code == 401
        receiver.wait_for("rejected: bad or missing signature")
    finally:
        receiver.stop()

    sent = subprocess.run(run + [os.path.join(EXAMPLES, f"send_message.{ext}"), account,
                                 "15550008888", f"sent by the {language} example"],
                          cwd=ROOT, env=env_for(server), capture_output=True, text=True,
                          timeout=60)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert sent.stdout.startswith("sent: 3EB0")
    network = requests.get(f"{server.url}/sandbox/accounts/{account}/sent", headers=ADMIN,
                           timeout=10).json()["sent"]
    assert network[-1]["text"] == f"sent by the {language} example"
    refused = subprocess.run(run + [os.path.join(EXAMPLES, f"send_message.{ext}"), "nobody",
                                    "15550008888", "x"], cwd=ROOT, env=env_for(server),
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "account_not_found" in refused.stdout + refused.stderr
