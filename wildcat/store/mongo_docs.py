"""Helpers of MongoStore: error translation, safe filters, the GridFS media reader."""
import functools

from bson import ObjectId
from bson.errors import InvalidId
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from wildcat.store.base import DuplicateKey, MediaFile, StoreError

CHUNK_SIZE = 255 * 1024
NO_ID = {"_id": 0}                      # messages and chats are keyed by their own fields


def translate(fn):
    """Turn pymongo/GridFS errors into the contract's StoreError/DuplicateKey."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc
        except BulkWriteError as exc:
            codes = {e.get("code") for e in exc.details.get("writeErrors", [])}
            error = DuplicateKey if codes == {11000} else StoreError
            raise error(f"mongodb: {exc}") from exc
        except PyMongoError as exc:
            raise StoreError(f"mongodb: {exc}") from exc
    return wrapper


def as_str(value) -> str:
    """A user-given key used in a filter: only a plain string, never an operator dict."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def update_spec(fields: dict) -> dict:
    """$set/$unset for top-level fields (None removes); dotted or $ names are refused."""
    for key in fields:
        if not isinstance(key, str) or key == "_id" or key.startswith("$") or "." in key:
            raise ValueError(f"invalid field name {key!r}")
    spec = {}
    if sets := {k: v for k, v in fields.items() if v is not None}:
        spec["$set"] = sets
    if unsets := {k: "" for k, v in fields.items() if v is None}:
        spec["$unset"] = unsets
    return spec


def page(cursor, limit, skip):
    """One page of a cursor."""
    # limit(0) means "no limit" to MongoDB; the contract means an empty page.
    return [] if int(limit) <= 0 else list(cursor.skip(int(skip)).limit(int(limit)))


class MongoMediaFile(MediaFile):
    """A GridFS file streamed chunk by chunk."""

    def __init__(self, grid_out):
        self._out = grid_out
        meta = grid_out.metadata or {}
        self.mediaId = str(grid_out._id)
        self.length = grid_out.length
        self.filename = grid_out.filename
        self.mimetype = meta.get("mimetype")
        self.accountId = meta.get("accountId")

    @translate
    def read(self, size=-1) -> bytes:
        return self._out.read(-1 if size is None else size)

    @translate
    def seek(self, offset: int) -> None:
        if offset < 0:
            raise ValueError("negative seek offset")
        self._out.seek(offset)

    def tell(self) -> int:
        return self._out.tell()

    def close(self) -> None:
        self._out.close()


def message_doc(account_id: str, msg: dict) -> dict:
    """The stored form of a message: keyed by (accountId, messageId), no caller `_id`."""
    doc = {k: v for k, v in msg.items() if k != "_id"}
    doc["accountId"] = account_id
    as_str(doc["messageId"])
    as_str(doc["chatId"])
    doc["timestamp"] = int(doc["timestamp"])
    return doc


def msg_key(account_id, message_id) -> dict:
    """The filter selecting one message."""
    return {"accountId": as_str(account_id), "messageId": as_str(message_id)}


def to_oid(media_id):
    """The GridFS id of a mediaId, or None when it cannot be one."""
    try:
        return ObjectId(media_id)
    except (InvalidId, TypeError):
        return None
