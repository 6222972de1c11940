"""The driver contract between an AccountWorker and a WhatsApp connection.

A driver opens one `DriverSession` per account connection. The session reports what
happens on the network through the `on_event(DriverEvent)` callback it was opened with; the
callback only enqueues (it must return fast, it may be called from any thread). All other
methods are called by the account's worker thread only, one at a time.

Normalised inbound message (DriverEvent kind "message", and each item of "history"):
    messageId: str            WhatsApp message id
    chatId: str               chat JID (the group for group messages)
    from: str                 author JID (group participant in groups; own JID if fromMe)
    fromMe: bool
    timestamp: int            epoch ms
    type: str                 text | image | video | audio | voice | document | sticker |
                              reaction | revoke | edit | location | contact | unknown
    text: str | None          text body (or the caption for media)
    caption: str | None
    pushName: str | None
    isGroup: bool
    quotedMessageId: str | None
    mimetype, fileName, fileLength (media only)
    hasMedia: bool
    raw: bytes | None         serialized waE2E.Message (kept for replies and re-download)
    reaction: {"messageId", "emoji", "from"}   (type reaction; emoji "" = removed)
    revokedMessageId: str     (type revoke)
    edit: {"messageId", "text"}                (type edit)
    media: bytes | None       media bytes when the driver already has them (sandbox)
  issue 11 (chat extras and identity):
    fromLid: str | None       the author's LID (`…@lid`) when the driver knows it
    chatLid: str | None       a direct chat's LID when the chat was addressed by LID
    location: {latitude, longitude, name, address}             (type location)
    contacts: [{name, phone, vcard}]                             (type contact)
    poll: {question, multiple, options: [{name, voters: []}]}  (type poll)
    pollVote: {messageId, options: [names] | optionHashes: [sha256 hex], from}
                                                               (type poll_vote)
"""
import abc
import dataclasses

# DriverEvent kinds
QR = "qr"                      # data: {code: str}
PAIRED = "paired"              # data: {jid, pushName}
CONNECTED = "connected"        # data: {jid, pushName}
DISCONNECTED = "disconnected"  # data: {reason: str, willReconnect: bool}
LOGGED_OUT = "logged_out"      # data: {reason: str}
STREAM_REPLACED = "stream_replaced"  # data: {}
TEMPORARY_BAN = "temporary_ban"      # data: {code, expire}
QR_TIMEOUT = "qr_timeout"      # data: {}  codes ran out; session is finished
CONNECT_FAILED = "connect_failed"    # data: {error: str}  first connect failed, retry later
CLIENT_OUTDATED = "client_outdated"  # data: {}  WhatsApp refuses this client version
MESSAGE = "message"            # data: normalised message (see module docstring)
RECEIPT = "receipt"            # data: {chatId, messageIds: [..], type: delivered|read|played, timestamp ms, from}
HISTORY = "history"            # data: {syncType, chats: [{chatId, name, unreadCount, lastMessageTime, isGroup}], messages: [normalised]}
SESSION_CHANGED = "session_changed"  # data: {}  the session store changed; snapshot it
KEEPALIVE = "keepalive"        # data: {timedOut: bool, errorCount: int, lastSuccess: ms|None}
                               # timedOut: WhatsApp stopped answering keepalives while
                               # connected; False: it answers again
# -- issue 11
PRESENCE = "presence"          # data: {chatId, from, fromLid?, state: composing|recording|paused|available|unavailable}
CALL = "call"                  # data: {callId, from, fromLid?, isVideo, isGroup, timestamp}
IDENTITIES = "identities"      # data: {mappings: [{lid, phone}], contacts: [{jid, lid?, name?, pushName?}]}


@dataclasses.dataclass
class DriverEvent:
    kind: str
    data: dict = dataclasses.field(default_factory=dict)


class DriverError(Exception):
    """A driver call failed; the message is safe to show to API users."""


class NotConnected(DriverError):
    """The session is not connected."""


# -- groups (issue 12) ------------------------------------------------------------------
# Normalised group (what group_info/create_group/join_group return, and each item of
# list_groups): {id, subject, description, owner, createdAt (ms), announce, locked,
# participants: [{jid, phone, lid, admin: None | "admin" | "superadmin"}]}.
# data: {groupId, action: add|remove|promote|demote|leave|join, participants: [jid], by}
GROUP_PARTICIPANTS = "group_participants"
# data: {groupId, by, changes: {subject?, description?, announce?, locked?}}
GROUP_UPDATE = "group_update"
# data: {groupId, subject, by, group: normalised group | None}  (this account joined)
GROUP_JOINED = "group_joined"
# data: {groups: [normalised group], complete: bool}  (complete: every group it is in)
GROUP_INFO = "group_info"
GROUP_EVENT_KINDS = (GROUP_PARTICIPANTS, GROUP_UPDATE, GROUP_JOINED, GROUP_INFO)
PARTICIPANT_ACTIONS = ("add", "remove", "promote", "demote")


class NotGroupAdmin(DriverError):
    """WhatsApp refused: only a group admin may do this (also: a non-admin's message to an
    announce-only group)."""


class NotInGroup(DriverError):
    """The group does not exist or the account is not in it."""


class InvalidInvite(DriverError):
    """The invite code is invalid, expired or revoked."""


class NotOnWhatsApp(DriverError):
    """The number or JID has no WhatsApp account (issue 11)."""


@dataclasses.dataclass
class SendRequest:
    """One outgoing action. `kind`: text | image | video | audio | document | reply |
    reaction | revoke. `to` is a normalised JID. For reply, `quoted` is the stored message
    dict being quoted; for reaction/revoke, `target` is the stored target message."""
    kind: str
    to: str
    text: str | None = None
    caption: str | None = None
    data: bytes | None = None
    mimetype: str | None = None
    fileName: str | None = None
    ptt: bool = False
    quoted: dict | None = None
    target: dict | None = None
    emoji: str | None = None
    # issue 11: location {latitude, longitude, name, address} | contact {contacts: [{name,
    # phone, vcard}]} | poll {question, options, multiple} | edit {text} | status_text
    # {backgroundColor}; kinds location, contact, poll, sticker, edit, status_text,
    # status_image
    payload: dict | None = None


@dataclasses.dataclass
class SendResult:
    messageId: str
    timestamp: int             # epoch ms
    raw: bytes | None = None   # serialized waE2E.Message that went out


class DriverSession(abc.ABC):
    """One account's connection. Created by Driver.open_session, used by one worker."""

    @abc.abstractmethod
    def start(self) -> None:
        """Begin connecting (non-blocking). Progress arrives as events. The worker calls
        start() again to retry after CONNECT_FAILED or DISCONNECTED(willReconnect=False);
        a session that is not is_alive() is replaced by a new one instead."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Disconnect and release everything; the stored session is kept."""

    @abc.abstractmethod
    def logout(self) -> None:
        """Unlink the device (server side when connected) and delete the session."""

    @abc.abstractmethod
    def pair_phone(self, phone: str) -> str:
        """Request a pairing code for `phone` (digits); returns e.g. 'ABCD-EFGH'."""

    @abc.abstractmethod
    def send(self, request: SendRequest) -> SendResult:
        """Send one message/action; raise NotConnected or DriverError."""

    @abc.abstractmethod
    def download_media(self, message: dict) -> bytes:
        """Fetch the media of a stored message (uses its `raw`)."""

    def mark_read(self, chat_id: str, message_ids: list[str], sender: str | None) -> None:
        """Send read receipts for `message_ids` of `chat_id` (`sender`: the group participant
        who wrote them, None in direct chats). Does nothing unless the driver implements it."""

    def send_chat_presence(self, to: str, state: str) -> None:
        """Show `state` ("composing" or "paused") in the chat `to`: the typing indicator.
        Does nothing unless the driver implements it."""

    def is_alive(self) -> bool:
        """False when the session died and must be restarted."""
        return True

    # -- groups (issue 12) ---------------------------------------------------------------
    # Group ids are `…@g.us`, participants normalised JIDs. Each raises NotConnected,
    # NotInGroup, NotGroupAdmin, InvalidInvite or DriverError. A driver without groups
    # refuses them all.
    def list_groups(self) -> list[dict]:
        """Every group the account is in (normalised groups)."""
        raise DriverError("groups are not supported by this driver")

    def group_info(self, group_id: str) -> dict:
        """One group the account is in."""
        raise DriverError("groups are not supported by this driver")

    def create_group(self, subject: str, participants: list[str]) -> dict:
        """Create a group run by this account with `participants`; the new group."""
        raise DriverError("groups are not supported by this driver")

    def update_group(self, group_id: str, changes: dict) -> None:
        """Apply {subject?, description?, announce?, locked?} (admins only)."""
        raise DriverError("groups are not supported by this driver")

    def update_participants(self, group_id: str, action: str,
                            participants: list[str]) -> list[dict]:
        """add | remove | promote | demote (admins only); one {jid, ok, error} per
        participant, in the given order (error: None or a short reason)."""
        raise DriverError("groups are not supported by this driver")

    def group_invite(self, group_id: str, revoke: bool = False) -> str:
        """The group's invite code (admins only); `revoke` replaces it with a new one."""
        raise DriverError("groups are not supported by this driver")

    def join_group(self, code: str) -> dict:
        """Join with an invite code; the group joined."""
        raise DriverError("groups are not supported by this driver")

    def leave_group(self, group_id: str) -> None:
        """Leave the group."""
        raise DriverError("groups are not supported by this driver")

    def set_group_picture(self, group_id: str, image: bytes) -> None:
        """Set the group's picture from JPEG bytes (admins only, or anyone when unlocked)."""
        raise DriverError("groups are not supported by this driver")

    # -- chat extras (issue 11) ------------------------------------------------------------
    def send_presence(self, state: str, to: str | None) -> None:
        """Typing (`composing`, `recording`, `paused` in chat `to`) or the account's own
        `available` / `unavailable` presence (to None)."""
        raise DriverError("presence is not supported by this driver")

    def check_numbers(self, phones: list[str]) -> list[dict]:
        """Which of `phones` (E.164 `+digits`) are on WhatsApp: [{phone, exists, jid, lid}]."""
        raise DriverError("number checks are not supported by this driver")

    def contact_info(self, jid: str) -> dict:
        """{pictureUrl, about} of a user (pictureUrl None when hidden)."""
        raise DriverError("contact info is not supported by this driver")

    def set_blocked(self, jid: str, blocked: bool) -> None:
        """Block or unblock a user."""
        raise DriverError("blocking is not supported by this driver")

    def reject_call(self, call_id: str, caller: str) -> None:
        """Decline an incoming call (`caller` exactly as the CALL event named it)."""
        raise DriverError("rejecting calls is not supported by this driver")


class Driver(abc.ABC):
    name = "base"

    @abc.abstractmethod
    def open_session(self, account: dict, on_event) -> DriverSession:
        """A new session for `account` (its store record) reporting to on_event. The
        session connects through `account["proxy"]` (a socks5:// or http(s):// URL) when
        it is set: WhatsApp's socket and the account's media, nothing else."""

    def bind_store(self, store) -> None:
        """Given the store by the Runtime that runs this driver, before any session opens
        (the sandbox keeps its simulated world there)."""

    def has_session(self, account: dict) -> bool:
        """True when a stored login exists for the account (reconnect needs no QR)."""
        return False

    def delete_session(self, account: dict) -> None:
        """Remove local session files/state for the account."""

    def export_session(self, account: dict) -> bytes | None:
        """A consistent copy of the account's stored login (to snapshot into the store)."""
        return None

    def import_session(self, account: dict, data: bytes) -> None:
        """Restore a login exported by export_session (local files were lost)."""

    def liveness(self, account: dict) -> dict | None:
        """{lastSeenAt: epoch ms | None (last frame or event from WhatsApp), keepaliveTimeout:
        bool (keepalives unanswered right now)} for the account, None when unknown."""
        return None

    def close(self) -> None:
        """Release driver-wide resources at shutdown."""
