"""The rules every layer shares, defined once: account statuses, event names, delivery
statuses, clocks, ids, the session snapshot's name and retry backoff.

Nothing here imports another WILDCAT module, so the API, the services, the store and the
workers can all import it without importing each other.
"""
import random
import time
import uuid

# -- account statuses (DESIGN §4) -------------------------------------------------------
NOT_STARTED = "not_started"     # no worker has tried to connect yet (or the lease is elsewhere)
CONNECTING = "connecting"       # a login (QR or pairing code) is pending
CONNECTED = "connected"
RECONNECTING = "reconnecting"   # the session exists; the connection is being (re)established
DISCONNECTED = "disconnected"   # stopped on purpose (user, stream replaced, ban); session kept
LOGGED_OUT = "logged_out"       # unlinked: a new QR is needed
ACCOUNT_STATUSES = (NOT_STARTED, CONNECTING, CONNECTED, RECONNECTING, DISCONNECTED, LOGGED_OUT)
# Statuses an account keeps across restarts without reconnecting by itself.
STAYS_DOWN = (DISCONNECTED, LOGGED_OUT)

# -- events (DESIGN §7; each is in the README's event table) ------------------------------
MESSAGE = "message"                   # received through WhatsApp (incl. own, from the phone)
MESSAGE_SENT = "message.sent"         # sent through this API
MESSAGE_ACK = "message.ack"
MESSAGE_REACTION = "message.reaction"
MESSAGE_REVOKED = "message.revoked"
MESSAGE_EDITED = "message.edited"
CONNECTION_UPDATE = "connection.update"
QR = "qr"
HISTORY_SYNC = "history.sync"
GROUP_PARTICIPANTS = "group.participants"   # members added, removed, promoted, demoted, left, joined
GROUP_UPDATE = "group.update"               # subject, description, announce or locked changed
GROUP_JOINED = "group.joined"               # this account was added to (or joined) a group
ACCOUNT_DELETED = "account.deleted"   # the account and everything it stored are gone
POLL_VOTE = "poll.vote"               # issue 11: a vote on a poll (the tally after it)
PRESENCE = "presence"                 # issue 11: someone is typing / recording / online
CALL = "call"                         # issue 11: an incoming call (and whether it was rejected)
EVENT_NAMES = (MESSAGE, MESSAGE_SENT, MESSAGE_ACK, MESSAGE_REACTION, MESSAGE_REVOKED,
               MESSAGE_EDITED, CONNECTION_UPDATE, QR, HISTORY_SYNC, GROUP_PARTICIPANTS,
               GROUP_UPDATE, GROUP_JOINED, ACCOUNT_DELETED, POLL_VOTE, PRESENCE, CALL)

# -- connection reasons (the `reason` of an account and of its connection.update) --------
DIALING = "dialing"                   # a connect attempt is in progress
AWAITING_QR_SCAN = "awaiting_qr_scan"  # a QR (or pairing code) has really been issued
CONNECT_FAILED = "connect_failed"     # the last attempt failed; `lastError`, `nextRetryAt`
CONNECTION_LOST = "connection_lost"   # dropped after a login; reconnecting
STREAM_REPLACED = "stream_replaced"   # the session was opened elsewhere: stays down
TEMPORARY_BAN = "temporary_ban"       # WhatsApp banned the number until `until`: stays down
CLIENT_OUTDATED = "client_outdated"   # WhatsApp refuses this client version: stays down


def error_kind(error: str | None) -> str:
    """The kind of a connect error, from its text: what decides whether a failed retry is
    news (a new kind publishes a connection.update; the same kind again does not)."""
    text = (error or "").lower()
    for kind, needles in _ERROR_KINDS:
        if any(needle in text for needle in needles):
            return kind
    return "other"


_ERROR_KINDS = (
    # an HTTP proxy refusing CONNECT surfaces as its bare status text after the URL
    ("proxy", ("proxy", "socks", '": forbidden', '": bad gateway', '": service unavailable')),
    ("dns", ("no such host", "name resolution", "lookup ")),
    ("refused", ("connection refused",)),
    ("timeout", ("timeout", "timed out", "deadline exceeded")),
    ("unreachable", ("network is unreachable", "no route to host")),
    ("tls", ("tls", "certificate", "x509")),
    ("login", ("login failed",)),
    ("network", ("dial", "websocket", "connection reset", "eof")),
)

# -- webhook deliveries (DESIGN §8) -----------------------------------------------------
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
DELIVERY_STATUSES = (PENDING, DELIVERED, FAILED)

# -- message statuses, in the only order they may move --------------------------------
MESSAGE_STATUSES = ("pending", "sent", "delivered", "read", "played")


# -- clock and ids ----------------------------------------------------------------------
def now_ms() -> int:
    """Epoch milliseconds: message and event timestamps."""
    return int(time.time() * 1000)


def iso_now() -> str:
    """ISO-8601 UTC with milliseconds: record times (createdAt, lastUpdate, time)."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%03dZ" % (now % 1 * 1000)


def iso_from_ms(ms) -> str | None:
    """Epoch milliseconds as the same ISO-8601 UTC string (None stays None)."""
    if ms is None:
        return None
    seconds, millis = divmod(int(ms), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % millis


def new_id() -> str:
    """A random 32-hex-digit id (webhooks, deliveries, media)."""
    return uuid.uuid4().hex


# A stored status saying the account should be online: when nobody holds its lease (its
# owner stopped, died or handed it over), an instance with room takes it over (DESIGN §10).
WANTS_OWNER = (CONNECTED, RECONNECTING)


def wants_owner(account: dict) -> bool:
    """An account that was online when its owner stopped, died or handed it over."""
    return account.get("status") in WANTS_OWNER


def make_event(name: str, account_id: str, **fields) -> dict:
    """A flat event: event, accountId, timestamp (ms) and its own fields."""
    event = {"event": name, "accountId": account_id, "timestamp": now_ms()}
    event.update(fields)
    return event


def phone_of(jid: str | None) -> str | None:
    """E.164 `+digits` of a phone-number JID (None for LIDs, groups and None)."""
    if not jid or not jid.endswith("@s.whatsapp.net"):
        return None
    user = jid.split("@", 1)[0].split(":", 1)[0]
    return "+" + user if user.isdigit() else None


def collection_name(account: dict) -> str:
    """Where the account's session snapshot is kept in the store (`auth_{id}` by default)."""
    return account.get("collectionName") or f"auth_{account['_id']}"


# -- retries ----------------------------------------------------------------------------
def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait before retry number `attempt` (1-based): capped exponential,
    jittered in [d/2, d]. Shared by reconnects, webhook retries and store-outage retries."""
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * random.uniform(0.5, 1.0)
