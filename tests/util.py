"""Helpers for tests: waiting on conditions with a deadline, free ports, a server process."""
import os
import socket
import subprocess
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wait_until(condition, timeout=10.0, interval=0.02, message="condition"):
    """Poll `condition()` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`python app.py` as a real subprocess on a free port."""

    def __init__(self, env, data_dir, port=None, log_path=None, preexec_fn=None):
        self.port = port or free_port()
        self.preexec_fn = preexec_fn
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or os.path.join(data_dir, f"server-{self.port}.log")
        self.env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port),
                    "WILDCAT_DATA_DIR": data_dir, "WILDCAT_DRIVER": "sandbox",
                    "LOG_LEVEL": "INFO", **env}
        self.env.pop("MONGODB_URI", None)
        self.proc = None

    def start(self, timeout=30):
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=self.env,
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     preexec_fn=self.preexec_fn)
        wait_until(self._up, timeout, 0.1, f"server on port {self.port}")
        return self

    def _up(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"server exited with {self.proc.returncode}: {self.log()}")
        try:
            return requests.get(self.url + "/ping", timeout=1).ok
        except requests.RequestException:
            return False

    def worker_pid(self):
        """The gunicorn worker (the one process serving requests and holding accounts)."""
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
            children = [int(p) for p in f.read().split()]
        for pid in children:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"multiprocessing" not in f.read():
                    return pid
        raise AssertionError("no gunicorn worker process")

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")[-4000:]

    def stop(self, sig=15, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


def scan_account(client, account_id, phone="15550001111", headers=None):
    """Log an existing account in through the sandbox (Flask test client); returns its JID."""
    wait_until(lambda: client.get(f"/accounts/{account_id}", headers=headers)
               .json["account"]["hasQR"], message=f"{account_id} QR")
    assert client.post(f"/sandbox/accounts/{account_id}/scan", json={"phone": phone},
                       headers=headers).status_code == 200
    wait_until(lambda: client.get(f"/accounts/{account_id}/status", headers=headers)
               .json["status"] == "connected", message=f"{account_id} connected")
    return f"{phone}@s.whatsapp.net"


def connected_account(client, account_id, phone="15550001111", headers=None):
    """Create a sandbox account and log it in; returns the account id."""
    response = client.post("/accounts", json={"id": account_id}, headers=headers)
    assert response.status_code == 201, response.json
    scan_account(client, account_id, phone, headers)
    return account_id
