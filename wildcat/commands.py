"""Typed commands from the services to an account's worker (`AccountWorker.execute`).

A command is queued on the account's thread, in order with the driver's events, and has a
deadline (`timeout` seconds; by default WILDCAT_COMMAND_TIMEOUT, five times that for `slow`
commands, which move media): one still queued when its caller gives up is cancelled and
never runs (504 `account_timeout`); one already running finishes, and its outcome is stored
as usual. Commands with `needs_connection` are refused with `NotConnected` unless the
account is connected when their turn comes.
"""
import dataclasses
from typing import ClassVar

from wildcat.drivers.base import SendRequest

SLOW_FACTOR = 5            # media uploads and downloads get five times the usual wait


@dataclasses.dataclass(kw_only=True)
class Command:
    timeout: float | None = None      # None: the configured default
    slow: bool = False
    needs_connection: ClassVar[bool] = False

    def deadline_seconds(self, default: float) -> float:
        if self.timeout is not None:
            return self.timeout
        return default * (SLOW_FACTOR if self.slow else 1)

    @property
    def name(self) -> str:
        return type(self).__name__.lower()


@dataclasses.dataclass(kw_only=True)
class Connect(Command):
    """Start connecting (a QR login when there is no session); returns the live status."""


@dataclasses.dataclass(kw_only=True)
class Disconnect(Command):
    """Close the connection and keep the session; returns the live status."""


@dataclasses.dataclass(kw_only=True)
class Logout(Command):
    """Unlink the device and forget the session; returns the live status."""


@dataclasses.dataclass(kw_only=True)
class Delete(Command):
    """Log out, then end the worker (the account is being deleted)."""


@dataclasses.dataclass(kw_only=True)
class Pair(Command):
    """Ask for a pairing code for `phone` (digits) during a pending login; returns the code."""
    phone: str


@dataclasses.dataclass(kw_only=True)
class Send(Command):
    """Send `request`; the outbound pipeline stores and emits what went out. `record` holds
    the extra fields of the stored message (message sends only)."""
    request: SendRequest
    record: dict = dataclasses.field(default_factory=dict)
    needs_connection: ClassVar[bool] = True


@dataclasses.dataclass(kw_only=True)
class MarkRead(Command):
    """Send read receipts for a chat's unread messages and reset its unread count; returns
    the acknowledged message ids."""
    chat_id: str
    needs_connection: ClassVar[bool] = True


@dataclasses.dataclass(kw_only=True)
class Download(Command):
    """Download a stored message's media again from WhatsApp (unless a concurrent download
    already stored it); returns the mediaId."""
    message_id: str
    slow: bool = True
