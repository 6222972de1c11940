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

from wildcat.drivers.base import (GROUP_INFO, GROUP_JOINED, GROUP_PARTICIPANTS, GROUP_UPDATE,
                                  DriverEvent, SendRequest)

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


# -- groups (issue 12) --------------------------------------------------------------------
# A group command acts on the network (`run`), then hands the worker what it changed as
# driver events, which the worker records like any change WhatsApp reports (the inbound
# pipeline's group step: the store follows, and only what really changed is emitted, so
# WhatsApp echoing our own change later emits nothing twice).
def _change(kind, **data):
    return DriverEvent(kind, data)


@dataclasses.dataclass(kw_only=True)
class GroupCommand(Command):
    needs_connection: ClassVar[bool] = True

    def run(self, session, me) -> tuple[object, list[DriverEvent]]:
        raise NotImplementedError


@dataclasses.dataclass(kw_only=True)
class ListGroups(GroupCommand):
    """Every group the account is in, asked of WhatsApp; the store is brought in line."""

    def run(self, session, me):
        groups = session.list_groups()
        return groups, [_change(GROUP_INFO, groups=groups, complete=True)]


@dataclasses.dataclass(kw_only=True)
class GetGroup(GroupCommand):
    """One group, asked of WhatsApp (NotInGroup when the account is not in it)."""
    group_id: str

    def run(self, session, me):
        group = session.group_info(self.group_id)
        return group, [_change(GROUP_INFO, groups=[group], complete=False)]


@dataclasses.dataclass(kw_only=True)
class CreateGroup(GroupCommand):
    """Create a group run by this account; returns the new group."""
    subject: str
    participants: list

    def run(self, session, me):
        group = session.create_group(self.subject, list(self.participants))
        return group, [_change(GROUP_JOINED, groupId=group["id"], subject=group["subject"],
                               by=me, group=group)]


@dataclasses.dataclass(kw_only=True)
class UpdateGroup(GroupCommand):
    """Change subject/description/announce/locked; returns the group as it is now."""
    group_id: str
    changes: dict

    def run(self, session, me):
        session.update_group(self.group_id, dict(self.changes))
        group = session.group_info(self.group_id)
        return group, [_change(GROUP_UPDATE, groupId=self.group_id, by=me,
                               changes=dict(self.changes)),
                       _change(GROUP_INFO, groups=[group], complete=False)]


@dataclasses.dataclass(kw_only=True)
class UpdateParticipants(GroupCommand):
    """add | remove | promote | demote; returns one {jid, ok, error} per participant."""
    group_id: str
    action: str
    participants: list

    def run(self, session, me):
        results = session.update_participants(self.group_id, self.action,
                                              list(self.participants))
        done = [r["jid"] for r in results if r.get("ok")]
        changes = [_change(GROUP_PARTICIPANTS, groupId=self.group_id, action=self.action,
                           participants=done, by=me)] if done else []
        return results, changes


@dataclasses.dataclass(kw_only=True)
class GroupInvite(GroupCommand):
    """The group's invite code; `revoke` replaces it (the old code stops working)."""
    group_id: str
    revoke: bool = False

    def run(self, session, me):
        return session.group_invite(self.group_id, self.revoke), []


@dataclasses.dataclass(kw_only=True)
class JoinGroup(GroupCommand):
    """Join with an invite code; returns the group joined."""
    code: str

    def run(self, session, me):
        group = session.join_group(self.code)
        return group, [_change(GROUP_JOINED, groupId=group["id"], subject=group["subject"],
                               by=me, group=group)]


@dataclasses.dataclass(kw_only=True)
class LeaveGroup(GroupCommand):
    """Leave the group; it goes from the store."""
    group_id: str

    def run(self, session, me):
        session.leave_group(self.group_id)
        return None, [_change(GROUP_PARTICIPANTS, groupId=self.group_id, action="leave",
                              participants=[me] if me else [], by=me)]


@dataclasses.dataclass(kw_only=True)
class SetGroupPicture(GroupCommand):
    """Set the group's picture (JPEG bytes)."""
    group_id: str
    image: bytes
    slow: bool = True

    def run(self, session, me):
        session.set_group_picture(self.group_id, self.image)
        return None, []


GROUP_COMMANDS = (ListGroups, GetGroup, CreateGroup, UpdateGroup, UpdateParticipants,
                  GroupInvite, JoinGroup, LeaveGroup, SetGroupPicture)


@dataclasses.dataclass(kw_only=True)
class Reconnect(Command):
    """The account's connection settings changed (its proxy): when it is connected or trying
    to be, close the session and connect again with the stored settings; returns the status."""


@dataclasses.dataclass(kw_only=True)
class ChatPresence(Command):
    """Show `state` (composing | paused) in the chat `to` (a typing indicator)."""
    to: str
    state: str
    needs_connection: ClassVar[bool] = True


# -- chat extras (issue 11) ----------------------------------------------------------------
@dataclasses.dataclass(kw_only=True)
class SessionCommand(Command):
    """A command that is one driver-session call (`run(session)`), refused unless connected."""
    needs_connection: ClassVar[bool] = True

    def run(self, session):
        raise NotImplementedError


@dataclasses.dataclass(kw_only=True)
class SetPresence(SessionCommand):
    """Typing/recording/paused in `to`, or the account's available/unavailable presence."""
    state: str
    to: str | None = None

    def run(self, session):
        return session.send_presence(self.state, self.to)


@dataclasses.dataclass(kw_only=True)
class CheckNumbers(SessionCommand):
    """Ask WhatsApp which phones (E.164) have an account; [{phone, exists, jid, lid}]."""
    phones: list

    def run(self, session):
        return session.check_numbers(list(self.phones))


@dataclasses.dataclass(kw_only=True)
class ContactInfo(SessionCommand):
    """Ask WhatsApp for a user's picture URL and about text."""
    jid: str

    def run(self, session):
        return session.contact_info(self.jid)


@dataclasses.dataclass(kw_only=True)
class SetBlocked(SessionCommand):
    """Block (`blocked` True) or unblock a user."""
    jid: str
    blocked: bool

    def run(self, session):
        return session.set_blocked(self.jid, self.blocked)


SESSION_COMMANDS = (SetPresence, CheckNumbers, ContactInfo, SetBlocked)
