"""Sandbox drivers with a slow network, for the tests of timeouts and ordering (the sandbox
itself answers at once; WhatsApp does not), or one that refuses some sends."""
import threading

from wildcat.drivers import base
from wildcat.drivers.sandbox import SandboxDriver, SandboxSession


class GatedSession(SandboxSession):
    def send(self, request):
        self.driver.sends_started.append(request.text)
        if not self.driver.gate.wait(30):
            raise AssertionError("the test never opened the gate")
        return super().send(request)


class GatedSandbox(SandboxDriver):
    """Every send waits until `gate` is set (WhatsApp being slow to accept it);
    `sends_started` lists the texts whose send began."""

    def __init__(self):
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()
        self.sends_started = []

    def open_session(self, account, on_event):
        session = GatedSession(self, account["_id"], on_event)
        with self._lock:
            self._sessions[account["_id"]] = session
        return session


class RejectingSession(SandboxSession):
    """WhatsApp refusing a send (what the real network does to e.g. a banned number)."""

    def send(self, request):
        if request.to.startswith("1999"):
            raise base.DriverError("server returned error 479")
        return super().send(request)


class RejectingSandbox(SandboxDriver):
    def open_session(self, account, on_event):
        session = RejectingSession(self, account["_id"], on_event)
        self._sessions[account["_id"]] = session
        return session
