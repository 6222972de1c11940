"""SQLite schema, record <-> row mapping and the chunked media reader of SQLiteStore."""
import json

from wildcat.store.base import MediaFile

# Same chunk size as GridFS: a blob is never held whole in memory, only one chunk.
CHUNK_SIZE = 255 * 1024

# Key columns are copies of fields of `doc` (the whole record as JSON), kept for indexes.
SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY, created_at TEXT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    account_id TEXT NOT NULL, message_id TEXT NOT NULL, chat_id TEXT NOT NULL,
    timestamp INTEGER NOT NULL, media_id TEXT, raw BLOB, doc TEXT NOT NULL,
    UNIQUE (account_id, message_id));
CREATE INDEX IF NOT EXISTS messages_by_chat ON messages (account_id, chat_id, timestamp);
CREATE INDEX IF NOT EXISTS messages_by_media ON messages (account_id, media_id)
    WHERE media_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS chats (
    account_id TEXT NOT NULL, chat_id TEXT NOT NULL, last_message_time INTEGER,
    doc TEXT NOT NULL, PRIMARY KEY (account_id, chat_id));
CREATE INDEX IF NOT EXISTS chats_by_activity ON chats (account_id, last_message_time);
CREATE TABLE IF NOT EXISTS media (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL, length INTEGER NOT NULL,
    chunk_size INTEGER NOT NULL, filename TEXT, mimetype TEXT);
CREATE INDEX IF NOT EXISTS media_by_account ON media (account_id);
CREATE TABLE IF NOT EXISTS media_chunks (
    media_id TEXT NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (media_id, n)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, account_key TEXT NOT NULL, created_at TEXT,
    doc TEXT NOT NULL, UNIQUE (url, account_key));
CREATE INDEX IF NOT EXISTS webhooks_by_account ON webhooks (account_key);
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, account_id TEXT, status TEXT NOT NULL,
    next_attempt_at INTEGER, created_at TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_due_by_webhook ON deliveries
    (webhook_id, status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_by_webhook ON deliveries (webhook_id, created_at);
CREATE TABLE IF NOT EXISTS leases (
    account_id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS groups (
    account_id TEXT NOT NULL, group_id TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (account_id, group_id));
CREATE TABLE IF NOT EXISTS send_counts (
    account_id TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contacts (
    account_id TEXT NOT NULL, jid TEXT NOT NULL, lid TEXT, doc TEXT NOT NULL,
    PRIMARY KEY (account_id, jid));
CREATE INDEX IF NOT EXISTS contacts_by_lid ON contacts (account_id, lid) WHERE lid IS NOT NULL;
CREATE TABLE IF NOT EXISTS identities (
    account_id TEXT NOT NULL, lid TEXT NOT NULL, pn TEXT NOT NULL,
    PRIMARY KEY (account_id, lid));
CREATE INDEX IF NOT EXISTS identities_by_pn ON identities (account_id, pn);
CREATE TABLE IF NOT EXISTS events (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT, account_id TEXT, name TEXT,
    at INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_account ON events (account_id, cursor);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY, address TEXT, started_at TEXT, heartbeat_at INTEGER NOT NULL)
"""


def dumps(doc: dict) -> str:
    """Serialize a record compactly."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def row_doc(row) -> dict:
    """The record stored in a row; a message's `raw` comes back from its BLOB column."""
    doc = json.loads(row["doc"])
    if "raw" in row.keys() and row["raw"] is not None:
        doc["raw"] = bytes(row["raw"])
    return doc


def apply_fields(doc: dict, fields: dict) -> dict:
    """Set top-level fields on `doc`; None removes the key."""
    if "_id" in fields:
        raise ValueError("_id cannot be updated")
    for key, value in fields.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def account_cols(doc: dict) -> dict:
    return {"id": _text(doc["_id"]), "created_at": doc.get("createdAt"), "doc": dumps(doc)}


def message_cols(account_id: str, msg: dict) -> dict:
    doc = dict(msg)
    doc.pop("_id", None)                   # messages are keyed by (accountId, messageId)
    raw = doc.pop("raw", None)
    doc["accountId"] = account_id
    return {"account_id": account_id, "message_id": _text(doc["messageId"]),
            "chat_id": _text(doc["chatId"]), "timestamp": int(doc["timestamp"]),
            "media_id": doc.get("mediaId"), "raw": None if raw is None else bytes(raw),
            "doc": dumps(doc)}


def new_chat(account_id: str, chat_id: str) -> dict:
    """A chat as first seen: every listed field present."""
    return {"accountId": account_id, "chatId": chat_id, "name": None,
            "isGroup": chat_id.endswith("@g.us"), "unreadCount": 0,
            "lastMessageTime": None, "lastMessage": None}


def chat_cols(doc: dict) -> dict:
    return {"account_id": doc["accountId"], "chat_id": doc["chatId"],
            "last_message_time": doc.get("lastMessageTime"), "doc": dumps(doc)}


def webhook_cols(doc: dict) -> dict:
    # Global webhooks get account_key '' so UNIQUE (url, account_key) also covers them.
    return {"id": _text(doc["_id"]), "url": _text(doc["url"]),
            "account_key": doc.get("accountId") or "", "created_at": doc.get("createdAt"),
            "doc": dumps(doc)}


def delivery_cols(doc: dict) -> dict:
    return {"id": _text(doc["_id"]), "webhook_id": _text(doc["webhookId"]),
            "account_id": doc.get("accountId"), "status": doc["status"],
            "next_attempt_at": doc.get("nextAttemptAt"), "created_at": doc.get("createdAt"),
            "doc": dumps(doc)}


def read_full(stream, size):
    """Read exactly `size` bytes unless the stream ends (sockets return short reads)."""
    parts, got = [], 0
    while got < size:
        part = stream.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string key, got {type(value).__name__}")
    return value


class SQLiteMediaFile(MediaFile):
    """A stored blob read chunk by chunk on demand; holds at most one chunk."""

    def __init__(self, load_chunk, row):
        self._load_chunk = load_chunk          # (media_id, n) -> bytes
        self.mediaId = row["id"]
        self.accountId = row["account_id"]
        self.length = row["length"]
        self.filename = row["filename"]
        self.mimetype = row["mimetype"]
        self._chunk_size = row["chunk_size"]
        self._pos = 0
        self._cached = (-1, b"")

    def read(self, size=-1) -> bytes:
        end = self.length if size is None or size < 0 else min(self.length, self._pos + size)
        parts = []
        while self._pos < end:
            n, offset = divmod(self._pos, self._chunk_size)
            if self._cached[0] != n:
                self._cached = (n, self._load_chunk(self.mediaId, n))
            piece = self._cached[1][offset:offset + end - self._pos]
            if not piece:                      # deleted while being read
                break
            parts.append(piece)
            self._pos += len(piece)
        return b"".join(parts)

    def seek(self, offset: int) -> None:
        if offset < 0:
            raise ValueError("negative seek offset")
        self._pos = offset

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._cached = (-1, b"")


# The sandbox's simulated world (issue 13 item 6): its documents, mailbox and sent logs.
SCHEMA += """;
CREATE TABLE IF NOT EXISTS world (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS world_packets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL, at INTEGER NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS world_packets_by_jid ON world_packets (jid, seq);
CREATE INDEX IF NOT EXISTS world_packets_by_time ON world_packets (at);
CREATE TABLE IF NOT EXISTS world_sent (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, account_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS world_sent_by_account ON world_sent (account_id, seq)
"""
