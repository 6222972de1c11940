"""Plain helpers for tests (fixtures live in conftest.py): waiting on conditions with a
deadline, free ports, a server process, a test config and store, accounts, messages, media."""
import functools
import io
import multiprocessing
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from types import SimpleNamespace

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

OWN = "15550001111@s.whatsapp.net"      # the sandbox account `mybot` (conftest's `account`)
PEER = "919876543210@s.whatsapp.net"
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


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


def live_status(url, account_id, http=requests):
    """An account's live status through the server at `url`; None while the account is
    between owners (503 account_moving: nobody holds its lease yet, e.g. just after a start)
    or its owner has just died (502 owner_unreachable): answers a client retries."""
    response = http.get(f"{url}/accounts/{account_id}/status")
    if response.status_code in (502, 503):
        assert response.json()["code"] in ("account_moving", "owner_unreachable")
        return None
    return response.json()["status"]


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


# -- the app under test ---------------------------------------------------------------------
def test_config(tmp_path, **overrides):
    """The sandbox config the fixtures use, with `overrides`; data under tmp_path/data."""
    from wildcat.config import load_config
    values = dict(driver="sandbox", data_dir=str(tmp_path / "data"), reconnect_backoff_base=0.05,
                  reconnect_backoff_cap=0.3, lease_ttl=3.0, webhook_backoff_base=0.05,
                  webhook_backoff_cap=0.5, webhook_timeout=2.0, send_rate_per_minute=0)
    values.update(overrides)
    return load_config({}, **values)


test_config.__test__ = False


_MONGOMOCK_WRITES = ("insert_one", "insert_many", "update_one", "update_many", "replace_one",
                     "delete_one", "delete_many", "find_one_and_update", "find_one_and_replace",
                     "find_one_and_delete", "bulk_write")


def atomic_mongomock():
    """Make mongomock's writes atomic between threads, as a MongoDB server's single-document
    writes are: mongomock matches and then changes a document in Python with no lock, so two
    threads could both match the version one compare-and-swap was meant to win, or both
    take the same counter value ($inc). One lock around every write (idempotent)."""
    import mongomock.collection
    cls = mongomock.collection.Collection
    if getattr(cls, "_wildcat_atomic", False):
        return
    lock = threading.RLock()

    def locked(original):
        @functools.wraps(original)
        def write(self, *args, **kwargs):
            with lock:
                return original(self, *args, **kwargs)
        return write
    for name in _MONGOMOCK_WRITES:
        setattr(cls, name, locked(getattr(cls, name)))
    cls._wildcat_atomic = True


def make_store(kind, tmp_path):
    """A real store: SQLite in tmp_path/data, or mongomock."""
    if kind == "sqlite":
        from wildcat.store.sqlite import SQLiteStore
        return SQLiteStore(str(tmp_path / "data" / "wildcat.db"))
    import mongomock
    import mongomock.gridfs
    from wildcat.store.mongo import MongoStore
    atomic_mongomock()
    mongomock.gridfs.enable_gridfs_integration()
    client = mongomock.MongoClient()
    client.options = SimpleNamespace(timeout=None)  # pymongo 4.20's GridFS reads it; mongomock lacks it
    return MongoStore(client, "wildcat_test")


# -- accounts and messages through the Flask test client -------------------------------------
def create(client, account_id="mybot", **extra):
    response = client.post("/accounts", json={"id": account_id, **extra})
    assert response.status_code == 201, response.json
    return response.json["account"]


def scan(client, account_id="mybot", phone="15550001111"):
    scan_account(client, account_id, phone)


def sent_log(client, account_id="mybot"):
    """What the network received; each record's `at` (epoch ms, the sandbox's timing of
    it) is checked and dropped, so records compare by content."""
    sent = client.get(f"/sandbox/accounts/{account_id}/sent").json["sent"]
    for record in sent:
        assert isinstance(record.pop("at", 0), int)
    return sent


def stored(client, message_id, account_id="mybot"):
    response = client.get(f"/accounts/{account_id}/messages/{message_id}")
    assert response.status_code == 200, response.json
    return response.json["message"]


def insert(runtime, message_id, *, chat=PEER, sender=PEER, from_me=False, text="hello", **extra):
    """A received (or own) message, as the inbound pipeline would have stored it."""
    msg = {"messageId": message_id, "chatId": chat, "from": sender, "fromMe": from_me,
           "timestamp": int(time.time() * 1000), "type": "text", "text": text,
           "isGroup": chat.endswith("@g.us"), "hasMedia": False, **extra}
    assert runtime.store.insert_message("mybot", msg)
    return msg


def chats(client, query=""):
    response = client.get(f"/accounts/mybot/chats{query}")
    assert response.status_code == 200, response.json
    return response.json["chats"]


def named(events, name, **match):
    """The events called `name` whose fields equal `match`."""
    return [e for e in events if e["event"] == name
            and all(e.get(k) == v for k, v in match.items())]


def wait_event(events, name, **match):
    return wait_until(lambda: named(events, name, **match), message=f"{name} {match}")[0]


# -- media files ----------------------------------------------------------------------------
def image_bytes(fmt="PNG", size=(64, 48)):
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, fmt)
    return out.getvalue()


def ffmpeg(*args, suffix):
    """Generate a test file with ffmpeg itself."""
    path = tempfile.mktemp(prefix="wildcat-test-", suffix=suffix)
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args, path], check=True,
                   timeout=60)
    with open(path, "rb") as f:
        data = f.read()
    os.unlink(path)
    return data


def ffprobe(data):
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
                              "-show_format", f.name], capture_output=True, check=True, timeout=30)
    return json.loads(out.stdout)


# -- the neonize driver's session host -------------------------------------------------------
class EventLog:
    """on_event target that lets a test wait for an event kind with a deadline."""

    def __init__(self):
        self.events = []
        self._cond = threading.Condition()

    def __call__(self, event):
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def kinds(self):
        with self._cond:
            return [e.kind for e in self.events]

    def wait_for(self, kind, count=1, timeout=10.0):
        """The `count`-th event of `kind`, waiting up to `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [e for e in self.events if e.kind == kind]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                assert left > 0, "no %d x %r within %ss; got %s" % (count, kind, timeout,
                                                                    self.kinds())
                self._cond.wait(left)


def open_session(driver, account_id="acct1"):
    log = EventLog()
    return driver.open_session({"_id": account_id}, log), log


# -- groups: two sandbox accounts (conftest's `accounts`) ------------------------------------
A, B, C = "alice", "bob", "carol"
A_JID, B_JID, C_JID = ("15550001111@s.whatsapp.net", "15550002222@s.whatsapp.net",
                       "15550003333@s.whatsapp.net")
OTHER = "15550004444@s.whatsapp.net"        # someone not on this gateway


def groups_path(account, rest=""):
    return f"/accounts/{account}/groups{rest}"


def create_group(client, participants=(B_JID, OTHER), subject="Team"):
    response = client.post(groups_path(A), json={"subject": subject,
                                                 "participants": list(participants)})
    assert response.status_code == 201, response.json
    return response.json["group"]


# -- the dashboard's browser --------------------------------------------------------------
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


def process_gone(pid):
    """No such process, or only a zombie left for init to reap."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):   # gone before, or while, it was read
        return True


def child_pids():
    """The pids of this process's live multiprocessing children."""
    return {p.pid for p in multiprocessing.active_children()}
