"""The store contract, run against every backend: SQLite, mongomock, and a real MongoDB
when WILDCAT_TEST_MONGODB_URI is set."""
import io
import os
import threading
import types
import uuid

import pytest

from tests.util import atomic_mongomock
from wildcat.store import open_store
from wildcat.store.base import DuplicateKey, StoreError
from wildcat.store.mongo import MongoStore
from wildcat.store.sqlite import SQLiteStore

MONGODB_URI = os.environ.get("WILDCAT_TEST_MONGODB_URI")
BACKENDS = ["sqlite", "mongomock"] + (["mongodb"] if MONGODB_URI else [])


def _mongomock_client():
    import mongomock
    import mongomock.gridfs
    atomic_mongomock()
    mongomock.gridfs.enable_gridfs_integration()
    client = mongomock.MongoClient()
    # pymongo 4.x GridFSBucket reads client.options.timeout, which mongomock lacks.
    client.options = types.SimpleNamespace(timeout=None)
    return client


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "sqlite":
        s = SQLiteStore(str(tmp_path / "data" / "wildcat.db"))
        yield s
        s.close()
    elif request.param == "mongomock":
        s = MongoStore(_mongomock_client(), "wildcat_test")
        yield s
        s.close()
    else:
        import pymongo
        client = pymongo.MongoClient(MONGODB_URI, serverSelectionTimeoutMS=5000, tz_aware=True)
        name = f"wildcat_test_{uuid.uuid4().hex[:12]}"
        yield MongoStore(client, name)
        client.drop_database(name)
        client.close()


def msg(message_id, timestamp, chat_id="c1@s.whatsapp.net", **extra):
    return {"messageId": message_id, "chatId": chat_id, "timestamp": timestamp, **extra}


def delivery(delivery_id, webhook_id="w1", *, due=0, created="2024-01-01T00:00:00Z", **extra):
    return {"_id": delivery_id, "webhookId": webhook_id, "accountId": "a1", "event": "message",
            "payload": {"n": 1}, "status": "pending", "attempts": 0, "nextAttemptAt": due,
            "createdAt": created, **extra}


# -- lifecycle & errors ------------------------------------------------------------------
def test_ping(store):
    store.ping()


def test_sqlite_creates_parent_dir_and_reports_a_corrupt_file(tmp_path):
    SQLiteStore(str(tmp_path / "a" / "b" / "w.db")).close()
    assert (tmp_path / "a" / "b" / "w.db").exists()
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        SQLiteStore(str(bad))


def mode(path):
    return os.stat(path).st_mode & 0o777


def test_sqlite_data_dir_and_files_are_private(tmp_path, permissive_umask):
    data = tmp_path / "data"
    store = SQLiteStore(str(data / "wildcat.db"))
    store.create_account({"_id": "a1", "name": "A"})   # a write: the -wal and -shm exist now
    assert mode(data) == 0o700
    for name in ("wildcat.db", "wildcat.db-wal", "wildcat.db-shm"):
        assert mode(data / name) == 0o600, name
    store.close()


def test_sqlite_tightens_files_left_open_by_an_older_release(tmp_path, permissive_umask):
    data = tmp_path / "data"
    SQLiteStore(str(data / "wildcat.db")).close()
    for name in ("wildcat.db", "wildcat.db-wal"):
        (data / name).touch()
        os.chmod(data / name, 0o644)
    os.chmod(data, 0o755)
    store = SQLiteStore(str(data / "wildcat.db"))
    assert store.list_accounts() == []
    assert mode(data) == 0o700
    assert mode(data / "wildcat.db") == 0o600 and mode(data / "wildcat.db-wal") == 0o600
    store.close()


def test_a_data_dir_owned_by_someone_else_is_used_with_a_warning(tmp_path, monkeypatch, caplog):
    # The tests run as root, whom chmod never refuses: the refusal another owner's directory
    # gives is simulated here, and only for the directory.
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    real_chmod = os.chmod

    def chmod(path, mode, **kwargs):
        if str(path) == str(data):
            raise PermissionError(1, "Operation not permitted", str(path))
        return real_chmod(path, mode, **kwargs)
    monkeypatch.setattr(os, "chmod", chmod)
    store = SQLiteStore(str(data / "wildcat.db"))
    assert store.list_accounts() == []
    assert os.stat(data / "wildcat.db").st_mode & 0o777 == 0o600
    assert "not ours to change" in caplog.text
    store.close()


def test_mongo_unreachable_is_a_store_error():
    import pymongo
    client = pymongo.MongoClient("mongodb://127.0.0.1:1", serverSelectionTimeoutMS=200,
                                 connectTimeoutMS=200)
    with pytest.raises(StoreError):
        MongoStore(client, "nope")
    client.close()


def test_open_store_without_uri_is_sqlite_in_data_dir(tmp_path):
    config = types.SimpleNamespace(data_dir=str(tmp_path / "d"), mongodb_uri="", db_name="x")
    s = open_store(config)
    try:
        assert isinstance(s, SQLiteStore)
        assert (tmp_path / "d" / "wildcat.db").exists()
    finally:
        s.close()


def test_operator_dicts_never_match(store):
    store.create_account({"_id": "a1", "createdAt": "2024"})
    for call in (lambda: store.get_account({"$ne": None}),
                 lambda: store.get_message("a1", {"$gt": ""}),
                 lambda: store.get_webhook({"$exists": True})):
        try:
            assert call() is None
        except (TypeError, StoreError):
            pass


# -- accounts ----------------------------------------------------------------------------
def test_account_round_trip_keeps_unknown_keys(store):
    doc = {"_id": "a1", "createdAt": "2024-01-01T00:00:00Z", "name": "Ana",
           "collectionName": "auth_a1", "extra": {"nested": [1, 2, {"x": True}]}}
    assert store.create_account(doc) == doc
    assert store.get_account("a1") == doc
    assert store.get_account("nope") is None


def test_create_account_duplicate(store):
    store.create_account({"_id": "a1", "createdAt": "2024"})
    with pytest.raises(DuplicateKey):
        store.create_account({"_id": "a1", "createdAt": "2025"})
    assert store.get_account("a1")["createdAt"] == "2024"


def test_list_accounts_oldest_first(store):
    for account_id, created in [("b", "2024-02"), ("a", "2024-03"), ("c", "2024-01")]:
        store.create_account({"_id": account_id, "createdAt": created})
    assert [a["_id"] for a in store.list_accounts()] == ["c", "b", "a"]


def test_update_account_sets_and_removes(store):
    store.create_account({"_id": "a1", "createdAt": "2024", "status": "new", "qr": "x"})
    assert store.update_account("a1", {"status": "connected", "qr": None, "phone": "123"})
    assert store.get_account("a1") == {"_id": "a1", "createdAt": "2024",
                                       "status": "connected", "phone": "123"}
    assert store.update_account("nope", {"status": "x"}) is False
    assert store.get_account("nope") is None


# -- messages ----------------------------------------------------------------------------
def test_message_round_trip_with_raw_bytes(store):
    raw = bytes(range(256))
    m = msg("m1", 1000, raw=raw, body="hi", fromMe=True, custom={"a": [1]})
    assert store.insert_message("a1", m) is True
    got = store.get_message("a1", "m1")
    assert isinstance(got["raw"], bytes) and got["raw"] == raw
    assert {k: got[k] for k in m} == m
    assert got.get("accountId", "a1") == "a1"
    assert "_id" not in got
    assert store.get_message("a2", "m1") is None


def test_insert_message_duplicate_returns_false_and_changes_nothing(store):
    assert store.insert_message("a1", msg("m1", 1000, body="first"))
    assert store.insert_message("a1", msg("m1", 2000, body="second")) is False
    assert store.get_message("a1", "m1")["body"] == "first"
    assert store.insert_message("a2", msg("m1", 1000))        # same id, other account
    assert store.count_messages() == 2


def test_insert_messages_batch_skips_duplicates(store):
    store.insert_message("a1", msg("m2", 2))
    batch = [msg("m1", 1), msg("m2", 2), msg("m3", 3), msg("m1", 4)]
    assert store.insert_messages("a1", batch) == ["m1", "m3"]
    assert store.count_messages("a1") == 3
    assert store.get_message("a1", "m1")["timestamp"] == 1
    assert store.insert_messages("a1", []) == []


def test_insert_messages_ten_thousand_in_one_batch(store, request):
    # How fast is bench/bench_inbound.py's figure (raw_insert_msgs_per_s), not a test's bound.
    if request.node.callspec.params["store"] == "mongomock":
        pytest.skip("mongomock compares each insert with every stored document: minutes")
    batch = [msg(f"m{i}", i, raw=b"\x01" * 200, body="x" * 50) for i in range(10_000)]
    assert len(store.insert_messages("a1", batch)) == 10_000
    assert store.count_messages("a1") == 10_000


def test_list_messages_order_and_paging(store):
    store.insert_messages("a1", [msg(f"m{t}", t) for t in (5, 1, 4, 2, 3)])
    store.insert_message("a1", msg("other", 10, chat_id="c2@s.whatsapp.net"))
    store.insert_message("a2", msg("m9", 9))
    ids = lambda **kw: [m["messageId"] for m in store.list_messages("a1", "c1@s.whatsapp.net",
                                                                    **kw)]
    assert ids() == ["m5", "m4", "m3", "m2", "m1"]
    assert ids(limit=2) == ["m5", "m4"]
    assert ids(limit=2, skip=2) == ["m3", "m2"]
    assert ids(before=4) == ["m3", "m2", "m1"]
    assert ids(after=2) == ["m5", "m4", "m3"]
    assert ids(before=5, after=1) == ["m4", "m3", "m2"]
    assert ids(skip=10) == []


def test_update_message(store):
    store.insert_message("a1", msg("m1", 1, body="x", raw=b"\x00"))
    assert store.update_message("a1", "m1", {"edited": True, "body": None, "raw": b"\x02"})
    got = store.get_message("a1", "m1")
    assert got["edited"] is True and "body" not in got and got["raw"] == b"\x02"
    assert store.update_message("a1", "nope", {"edited": True}) is False


def test_advance_message_status_forward_only(store):
    store.insert_message("a1", msg("m1", 1, status="pending"))
    assert store.advance_message_status("a1", "m1", "delivered")
    assert store.advance_message_status("a1", "m1", "sent") is False
    assert store.advance_message_status("a1", "m1", "delivered") is False
    assert store.get_message("a1", "m1")["status"] == "delivered"
    assert store.advance_message_status("a1", "m1", "read")
    assert store.advance_message_status("a1", "m1", "played")
    assert store.get_message("a1", "m1")["status"] == "played"
    assert store.advance_message_status("a1", "nope", "read") is False
    store.insert_message("a1", msg("m2", 2))                   # no status yet counts lowest
    assert store.advance_message_status("a1", "m2", "sent")
    assert store.get_message("a1", "m2")["status"] == "sent"


def test_find_message_by_media_id_and_counts(store):
    store.insert_messages("a1", [msg("m1", 1, mediaId="x1"), msg("m2", 2)])
    store.insert_message("a2", msg("m3", 3, mediaId="x2"))
    assert store.find_message_by_media_id("a1", "x1")["messageId"] == "m1"
    assert store.find_message_by_media_id("a1", "x2") is None
    assert (store.count_messages("a1"), store.count_messages("a2")) == (2, 1)
    assert store.count_messages() == 3 and store.count_messages("zz") == 0


# -- chats -------------------------------------------------------------------------------
def test_upsert_chat_semantics(store):
    store.upsert_chat("a1", "c1", name="Bob", last_message_time=100,
                      last_message={"body": "a"}, unread_increment=1)
    chat = store.get_chat("a1", "c1")
    assert chat["chatId"] == "c1" and chat["name"] == "Bob" and chat["unreadCount"] == 1
    assert chat["lastMessageTime"] == 100 and chat["lastMessage"] == {"body": "a"}
    store.upsert_chat("a1", "c1", last_message_time=50, last_message={"body": "old"},
                      unread_increment=2)
    chat = store.get_chat("a1", "c1")
    assert chat["lastMessageTime"] == 100 and chat["lastMessage"] == {"body": "a"}
    assert chat["unreadCount"] == 3 and chat["name"] == "Bob"   # name None keeps the name
    store.upsert_chat("a1", "c1", last_message_time=200, last_message={"body": "new"},
                      name="Robert", is_group=True)
    chat = store.get_chat("a1", "c1")
    assert (chat["lastMessageTime"], chat["lastMessage"]) == (200, {"body": "new"})
    assert chat["name"] == "Robert" and chat["isGroup"] is True
    store.upsert_chat("a1", "c1", unread_count=0)
    assert store.get_chat("a1", "c1")["unreadCount"] == 0
    assert store.get_chat("a2", "c1") is None


def test_upsert_chats_batch_applies_each_in_order(store):
    store.upsert_chat("a1", "c1", name="Bob", last_message_time=100, unread_increment=1)
    store.upsert_chats("a1", [
        {"chat_id": "c1", "last_message_time": 150, "last_message": {"b": 1},
         "unread_increment": 2},
        {"chat_id": "c2@g.us", "name": "Team", "last_message_time": 120},
        {"chat_id": "c1", "last_message_time": 90, "last_message": {"b": 0}, "unread_count": 0,
         "unread_increment": 1},
    ])
    c1, c2 = store.get_chat("a1", "c1"), store.get_chat("a1", "c2@g.us")
    assert (c1["name"], c1["lastMessageTime"], c1["lastMessage"]) == ("Bob", 150, {"b": 1})
    assert c1["unreadCount"] == 1
    assert c2["name"] == "Team" and c2["isGroup"] is True and c2["unreadCount"] == 0
    store.upsert_chats("a1", [])
    assert [c["chatId"] for c in store.list_chats("a1")] == ["c1", "c2@g.us"]


def test_new_chat_has_every_listed_field(store):
    store.upsert_chat("a1", "g1@g.us")
    chat = store.get_chat("a1", "g1@g.us")
    assert chat["unreadCount"] == 0 and chat["lastMessageTime"] is None
    assert chat["name"] is None and chat["lastMessage"] is None and chat["isGroup"] is True
    store.upsert_chat("a1", "p1@s.whatsapp.net", is_group=False)
    assert store.get_chat("a1", "p1@s.whatsapp.net")["isGroup"] is False


def test_list_chats_newest_activity_first(store):
    store.upsert_chat("a1", "quiet")
    store.upsert_chat("a1", "old", last_message_time=10)
    store.upsert_chat("a1", "new", last_message_time=30)
    store.upsert_chat("a1", "mid", last_message_time=20)
    store.upsert_chat("a2", "elsewhere", last_message_time=99)
    names = [c["chatId"] for c in store.list_chats("a1")]
    assert names == ["new", "mid", "old", "quiet"]
    assert [c["chatId"] for c in store.list_chats("a1", limit=2, skip=1)] == ["mid", "old"]
    first = store.list_chats("a1")[0]
    for key in ("chatId", "name", "isGroup", "unreadCount", "lastMessageTime", "lastMessage"):
        assert key in first


# -- media -------------------------------------------------------------------------------
class TrickleStream:
    """An upload that must be read in bounded pieces and answers with short reads."""

    def __init__(self, data):
        self._buf = io.BytesIO(data)
        self.reads = 0

    def read(self, size=-1):
        assert size is not None and 0 < size <= 1024 * 1024, "put_media must read in chunks"
        self.reads += 1
        return self._buf.read(min(size, 100_000))


def test_media_streams_a_3mb_blob_with_seek_and_partial_reads(store):
    data = os.urandom(3 * 1024 * 1024 + 123)
    stream = TrickleStream(data)
    info = store.put_media("a1", stream, filename="v.mp4", mimetype="video/mp4")
    assert stream.reads > 3
    assert info["length"] == len(data)
    assert (info["filename"], info["mimetype"]) == ("v.mp4", "video/mp4")
    with store.open_media(info["mediaId"]) as f:
        assert (f.length, f.mimetype, f.filename) == (len(data), "video/mp4", "v.mp4")
        assert (f.accountId, f.mediaId) == ("a1", info["mediaId"])
        assert f.read(10) == data[:10]
        assert f.read(300_000) == data[10:300_010]              # crosses a chunk boundary
        f.seek(1_000_000)
        assert f.read(5) == data[1_000_000:1_000_005]
        f.seek(len(data) - 7)
        assert f.read(100) == data[-7:]
        assert f.read(100) == b""
        f.seek(0)
        assert f.read() == data


def test_media_empty_blob_and_missing(store):
    info = store.put_media("a1", io.BytesIO(b""), filename="e", mimetype="text/plain")
    with store.open_media(info["mediaId"]) as f:
        assert f.length == 0 and f.read() == b""
    assert store.open_media("nonexistent") is None
    assert store.open_media("0123456789abcdef01234567") is None


def test_delete_media(store):
    info = store.put_media("a1", io.BytesIO(b"x" * 1000), filename="f", mimetype="a/b")
    keep = store.put_media("a1", io.BytesIO(b"y" * 10), filename="g", mimetype="a/b")
    assert store.delete_media(info["mediaId"]) is True
    assert store.open_media(info["mediaId"]) is None
    assert store.delete_media(info["mediaId"]) is False
    assert store.open_media(keep["mediaId"]).read() == b"y" * 10


# -- webhooks ----------------------------------------------------------------------------
def hook(hook_id, url, account_id=None, created="2024-01-01"):
    doc = {"_id": hook_id, "url": url, "events": ["message"], "secret": "s",
           "createdAt": created}
    if account_id:
        doc["accountId"] = account_id
    return doc


def test_create_webhook_dedupes_on_url_and_account(store):
    doc, created = store.create_webhook(hook("w1", "http://x/h", "a1", "2024-01-01"))
    assert created and doc["_id"] == "w1"
    doc, created = store.create_webhook(hook("w2", "http://x/h", "a1", "2024-01-02"))
    assert not created and doc["_id"] == "w1" and doc["events"] == ["message"]
    assert store.create_webhook(hook("w3", "http://x/h", "a2", "2024-01-03"))[1]
    assert store.create_webhook(hook("w4", "http://x/h", None, "2024-01-04"))[1]
    doc, created = store.create_webhook(hook("w5", "http://x/h", None, "2024-01-05"))
    assert not created and doc["_id"] == "w4"
    assert store.get_webhook("w2") is None
    assert store.get_webhook("w3")["accountId"] == "a2"


def test_list_webhooks_filter(store):
    store.create_webhook(hook("g", "http://x/g", None, "2024-01-03"))
    store.create_webhook(hook("a", "http://x/a", "a1", "2024-01-01"))
    store.create_webhook(hook("b", "http://x/b", "a2", "2024-01-02"))
    assert [w["_id"] for w in store.list_webhooks()] == ["a", "b", "g"]
    assert [w["_id"] for w in store.list_webhooks("a1")] == ["a", "g"]
    assert [w["_id"] for w in store.list_webhooks("zz")] == ["g"]


def test_delete_webhook_removes_its_deliveries(store):
    store.create_webhook(hook("w1", "http://x/1"))
    store.create_webhook(hook("w2", "http://x/2"))
    store.create_deliveries([delivery("d1", "w1"), delivery("d2", "w2")])
    assert store.delete_webhook("w1") is True
    assert store.get_webhook("w1") is None and store.get_delivery("d1") is None
    assert store.get_delivery("d2") is not None
    assert store.delete_webhook("w1") is False


def test_update_webhook_sets_and_removes_fields(store):
    store.create_webhook(hook("w1", "http://x/1", "a1"))
    updated = store.update_webhook("w1", {"events": ["*"], "secret": None, "enabled": False,
                                          "url": "http://x/new"})
    assert updated["_id"] == "w1" and updated["events"] == ["*"]
    assert "secret" not in updated and updated["enabled"] is False
    assert store.get_webhook("w1") == updated
    assert store.update_webhook("w1", {"accountId": None}).get("accountId") is None
    assert store.list_webhooks("zz") == [store.get_webhook("w1")]     # now global
    assert store.update_webhook("nope", {"enabled": True}) is None


def test_update_webhook_refuses_a_taken_url_and_changes_nothing(store):
    store.create_webhook(hook("w1", "http://x/1", "a1"))
    store.create_webhook(hook("w2", "http://x/2", "a1"))
    with pytest.raises(DuplicateKey):
        store.update_webhook("w2", {"url": "http://x/1"})
    assert store.get_webhook("w2")["url"] == "http://x/2"
    # The same url under another account is a different webhook: allowed.
    assert store.update_webhook("w2", {"url": "http://x/1", "accountId": "a2"})["url"] == \
        "http://x/1"
    doc, created = store.create_webhook(hook("w3", "http://x/2", "a1"))
    assert created                                  # the old (url, account) is free again


def test_count_deliveries_by_webhook(store):
    store.create_deliveries([delivery("d1", "w1"), delivery("d2", "w1"),
                             delivery("d3", "w1", status="failed"), delivery("d4", "w2")])
    store.update_delivery("d2", {"status": "delivered"})
    assert store.count_deliveries_by_webhook() == {
        "w1": {"pending": 1, "delivered": 1, "failed": 1}, "w2": {"pending": 1}}


# -- deliveries --------------------------------------------------------------------------
def test_delivery_round_trip_and_update(store):
    d = delivery("d1", payload={"event": "message", "data": {"n": [1, 2]}}, extra="kept")
    store.create_deliveries([d])
    assert store.get_delivery("d1") == d
    assert store.update_delivery("d1", {"status": "failed", "attempts": 3,
                                        "nextAttemptAt": None, "lastError": "timeout"})
    got = store.get_delivery("d1")
    assert got["status"] == "failed" and got["attempts"] == 3 and got["lastError"] == "timeout"
    assert "nextAttemptAt" not in got
    assert store.update_delivery("nope", {"status": "x"}) is False
    assert store.get_delivery("nope") is None
    with pytest.raises(DuplicateKey):
        store.create_deliveries([delivery("d1")])
    store.create_deliveries([])


def test_purge_finished_deliveries(store):
    old, new = "2024-01-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"
    store.create_deliveries([
        delivery("old-done", status="delivered", created=old),
        delivery("old-failed", status="failed", created=old),
        delivery("old-pending", created=old),
        delivery("new-done", status="delivered", created=new),
    ])
    assert store.purge_deliveries("2024-02-01T00:00:00.000Z", statuses=("delivered",)) == 1
    assert store.get_delivery("old-failed") is not None
    assert store.purge_deliveries("2024-02-01T00:00:00.000Z",
                                  statuses=("delivered", "failed", "pending")) == 1
    assert store.get_delivery("old-failed") is None
    assert store.get_delivery("old-pending") is not None  # pending is never purged
    assert store.get_delivery("new-done") is not None
    assert store.purge_deliveries("2024-02-01T00:00:00.000Z") == 0


def test_due_deliveries(store):
    store.create_deliveries([
        delivery("late", due=300), delivery("first", due=100), delivery("second", due=200),
        delivery("future", due=10_000), delivery("done", due=50, status="delivered"),
    ])
    ids = lambda **kw: [d["_id"] for d in store.due_deliveries(1000, **kw)]
    assert ids() == ["first", "second", "late"]
    assert ids(limit=2) == ["first", "second"]
    assert ids(exclude_ids={"first", "late"}) == ["second"]
    assert [d["_id"] for d in store.due_deliveries(200)] == ["first", "second"]
    store.update_delivery("first", {"status": "delivered"})
    assert ids() == ["second", "late"]


def test_update_deliveries_in_one_batch(store):
    store.create_deliveries([delivery("d1"), delivery("d2"), delivery("d3")])
    store.update_deliveries([("d1", {"status": "delivered", "attempts": 1, "nextAttemptAt": None}),
                             ("nope", {"status": "failed"}),
                             ("d2", {"status": "failed", "lastError": "HTTP 400"})])
    assert store.get_delivery("d1")["status"] == "delivered"
    assert "nextAttemptAt" not in store.get_delivery("d1")
    assert store.get_delivery("d2")["lastError"] == "HTTP 400"
    assert store.get_delivery("d3")["status"] == "pending" and store.get_delivery("nope") is None
    assert [d["_id"] for d in store.due_deliveries(1000)] == ["d3"]
    store.update_deliveries([])


def test_due_deliveries_of_one_webhook(store):
    store.create_deliveries([delivery("a1", "wa", due=100), delivery("b1", "wb", due=50),
                             delivery("a2", "wa", due=200), delivery("a3", "wa", due=5000)])
    ids = lambda **kw: [d["_id"] for d in store.due_deliveries(1000, **kw)]
    assert ids(webhook_id="wa") == ["a1", "a2"]
    assert ids(webhook_id="wa", exclude_ids={"a1"}, limit=5) == ["a2"]
    assert ids(webhook_id="wb") == ["b1"]
    assert ids(webhook_id="zz") == []
    assert ids() == ["b1", "a1", "a2"]


def test_list_and_count_deliveries(store):
    store.create_deliveries([
        delivery("d1", created="2024-01-01"), delivery("d3", created="2024-01-03"),
        delivery("d2", created="2024-01-02", status="failed"),
        delivery("x", "w2", created="2024-01-04"),
    ])
    ids = lambda **kw: [d["_id"] for d in store.list_deliveries("w1", **kw)]
    assert ids() == ["d3", "d2", "d1"]
    assert ids(limit=1, skip=1) == ["d2"]
    assert ids(status="pending") == ["d3", "d1"]
    assert store.count_deliveries() == {"pending": 3, "failed": 1}


# -- leases ------------------------------------------------------------------------------
def test_leases(store):
    assert store.get_lease("a1") is None
    assert store.acquire_lease("a1", "p1", ttl_ms=1000, now_ms=0)
    assert store.get_lease("a1") == {"accountId": "a1", "owner": "p1", "expiresAt": 1000}
    assert store.acquire_lease("a1", "p2", 1000, 500) is False          # alive: refused
    assert store.acquire_lease("a1", "p1", 1000, 600)                    # owner renews
    assert store.get_lease("a1")["expiresAt"] == 1600
    assert store.acquire_lease("a1", "p2", 1000, 1599) is False
    store.release_lease("a1", "p2")                                      # not the owner
    assert store.get_lease("a1")["owner"] == "p1"
    assert store.acquire_lease("a1", "p2", 1000, 1600)                   # expired: stolen
    assert store.get_lease("a1") == {"accountId": "a1", "owner": "p2", "expiresAt": 2600}
    assert store.acquire_lease("a1", "p1", 1000, 1700) is False
    store.release_lease("a1", "p2")
    assert store.get_lease("a1") is None
    assert store.acquire_lease("a1", "p1", 1000, 1700)


def test_live_leases_in_one_read(store):
    assert store.acquire_lease("a1", "me", 1000, 5000)
    assert store.acquire_lease("a2", "other", 1000, 5500)
    assert store.acquire_lease("a3", "other", 10, 5000)          # expires at 5010
    live = sorted(store.live_leases(5100), key=lambda lease: lease["accountId"])
    assert live == [{"accountId": "a1", "owner": "me", "expiresAt": 6000},
                    {"accountId": "a2", "owner": "other", "expiresAt": 6500}]
    assert [lease["accountId"] for lease in store.live_leases(6200)] == ["a2"]


# -- the event log -------------------------------------------------------------------------
def test_event_log_cursors_filters_and_retention(store):
    assert store.last_event_cursor() == 0
    assert store.read_events(0) == []
    cursors = [store.append_event({"event": name, "accountId": acct, "timestamp": i,
                                   "cursor": "ignored"}, at_ms=1000 * i)
               for i, (name, acct) in enumerate([("message", "a1"), ("qr", "a2"),
                                                 ("message", "a2"), ("message.sent", "a1")])]
    assert cursors == sorted(cursors) and len(set(cursors)) == 4
    assert store.last_event_cursor() == cursors[-1]
    every = store.read_events(0)
    assert [e["cursor"] for e in every] == cursors
    assert every[1] == {"event": "qr", "accountId": "a2", "timestamp": 1, "cursor": cursors[1]}
    assert [e["cursor"] for e in store.read_events(cursors[0], limit=2)] == cursors[1:3]
    assert [e["cursor"] for e in store.read_events(0, upto=cursors[1])] == cursors[:2]
    assert [e["timestamp"] for e in store.read_events(0, account_id="a2")] == [1, 2]
    assert [e["timestamp"] for e in store.read_events(0, events={"message"})] == [0, 2]
    assert [e["timestamp"] for e in store.read_events(0, account_id="a1",
                                                      events=["message.sent"])] == [3]
    assert store.purge_events(2000) == 2                          # appended at 0 and 1000
    assert [e["timestamp"] for e in store.read_events(0)] == [2, 3]
    assert store.purge_events(10_000) == 2
    assert store.last_event_cursor() == cursors[-1]               # never handed out again
    assert store.append_event({"event": "qr", "accountId": "a1"}, 1) > cursors[-1]


def test_an_event_and_its_deliveries_are_written_together(store):
    """Each delivery's payload is the event with its cursor; a failing delivery write
    leaves neither the event nor any delivery (SQLite: one transaction), or the event with
    its deliveries still to create, which complete_fanout() creates once (MongoDB)."""
    event = {"event": "message", "accountId": "a1", "text": "hi"}
    cursor = store.append_event(event, 5, [delivery("d1", "w1"), delivery("d2", "w2")])
    assert store.read_events(0) == [dict(event, cursor=cursor)]
    for delivery_id in ("d1", "d2"):
        assert store.get_delivery(delivery_id)["payload"] == dict(event, cursor=cursor)
    assert store.complete_fanout(10**15) == 0
    # d1 exists: the second event's first delivery collides.
    if isinstance(store, SQLiteStore):
        with pytest.raises(DuplicateKey):
            store.append_event({"event": "qr", "accountId": "a1"}, 6,
                               [delivery("d3"), delivery("d1")])
        assert [e["cursor"] for e in store.read_events(0)] == [cursor]
        assert store.get_delivery("d3") is None
        return
    real = store.db.deliveries.insert_many
    store.db.deliveries.insert_many = lambda *a, **k: (_ for _ in ()).throw(
        ConnectionError("the writer died here"))
    try:
        later = store.append_event({"event": "qr", "accountId": "a1"}, 6, [delivery("d3")])
    finally:
        store.db.deliveries.insert_many = real
    assert store.get_delivery("d3") is None
    assert store.complete_fanout(6) == 0                     # not older than the grace
    assert store.complete_fanout(7) == 1
    assert store.get_delivery("d3")["payload"] == {"event": "qr", "accountId": "a1",
                                                   "cursor": later}
    assert store.complete_fanout(10**15) == 0                # done once


def test_atomic_groups_writes_and_runs_after_commit_hooks(store):
    ran = []
    with store.atomic():
        store.insert_message("a1", msg("m1", 1))
        store.after_commit(lambda: ran.append("committed"))
        cursor = store.append_event({"event": "message.sent", "accountId": "a1"}, 1)
        if isinstance(store, SQLiteStore):
            assert ran == []                                  # not before the commit
    assert ran == ["committed"] and store.get_message("a1", "m1") is not None
    assert [e["cursor"] for e in store.read_events(0)] == [cursor]
    if not isinstance(store, SQLiteStore):
        return                                                # MongoDB: each write alone
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.insert_message("a1", msg("m2", 2))
            store.after_commit(lambda: ran.append("rolled back"))
            raise RuntimeError("the block failed")
    assert store.get_message("a1", "m2") is None and ran == ["committed"]


# -- instances ---------------------------------------------------------------------------
def test_instances_register_beat_list_purge_remove(store):
    assert store.list_instances() == []
    assert store.heartbeat_instance("i1", 10) is False                 # not registered
    store.register_instance({"_id": "i2", "address": "http://127.0.0.1:2",
                             "startedAt": "2026-01-01T00:00:02Z", "heartbeatAt": 100})
    store.register_instance({"_id": "i1", "address": "http://127.0.0.1:1",
                             "startedAt": "2026-01-01T00:00:01Z", "heartbeatAt": 100})
    assert [i["_id"] for i in store.list_instances()] == ["i1", "i2"]   # oldest first
    assert store.heartbeat_instance("i1", 5000) is True
    assert store.list_instances()[0] == {"_id": "i1", "address": "http://127.0.0.1:1",
                                         "startedAt": "2026-01-01T00:00:01Z",
                                         "heartbeatAt": 5000}
    assert store.purge_instances(1000) == 1                            # i2 stopped beating
    assert [i["_id"] for i in store.list_instances()] == ["i1"]
    store.register_instance({"_id": "i1", "address": "http://127.0.0.1:9",
                             "startedAt": "2026-01-01T00:00:01Z", "heartbeatAt": 6000})
    assert store.list_instances()[0]["address"] == "http://127.0.0.1:9"  # replaced, not doubled
    store.remove_instance("i1")
    store.remove_instance("i1")                                         # idempotent
    assert store.list_instances() == []


def test_lease_race_has_one_winner(store):
    winners, barrier = [], threading.Barrier(8)

    def contend(owner):
        barrier.wait()
        if store.acquire_lease("a1", owner, 10_000, 0):
            winners.append(owner)

    threads = [threading.Thread(target=contend, args=(f"p{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(winners) == 1 and store.get_lease("a1")["owner"] == winners[0]


def test_concurrent_duplicate_inserts_store_once(store):
    results, barrier = [], threading.Barrier(8)

    def insert():
        barrier.wait()
        results.append(store.insert_message("a1", msg("same", 1)))

    threads = [threading.Thread(target=insert) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == [False] * 7 + [True]
    assert store.count_messages("a1") == 1


# -- snapshots ---------------------------------------------------------------------------
def test_snapshots(store):
    assert store.load_snapshot("auth_a1") is None
    store.save_snapshot("auth_a1", b"\x00v1\xff")
    assert store.load_snapshot("auth_a1") == b"\x00v1\xff"
    store.save_snapshot("auth_a1", b"v2" * 100_000)
    got = store.load_snapshot("auth_a1")
    assert isinstance(got, bytes) and got == b"v2" * 100_000
    store.delete_snapshot("auth_a1")
    assert store.load_snapshot("auth_a1") is None
    store.delete_snapshot("auth_a1")


# -- daily send counts -------------------------------------------------------------------
def test_send_counts_add_per_account_and_day_atomically(store):
    assert store.add_send_count("a1", "2026-01-01", 1) == 1
    assert store.add_send_count("a1", "2026-01-01", 1) == 2
    assert store.add_send_count("a1", "2026-01-01", -1) == 1
    assert store.add_send_count("a1", "2026-01-02", 1) == 1      # a new day starts at 0
    assert store.add_send_count("a2", "2026-01-01", 1) == 1      # another account

    def bump():
        for _ in range(10):
            store.add_send_count("a3", "2026-01-01", 1)
    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert store.add_send_count("a3", "2026-01-01", 0) == 40


def test_delete_account_removes_its_send_counts(store):
    store.create_account({"_id": "a1", "createdAt": "2024"})
    store.add_send_count("a1", "2026-01-01", 5)
    store.add_send_count("a2", "2026-01-01", 5)
    store.delete_account("a1")
    assert store.add_send_count("a1", "2026-01-01", 0) == 0
    assert store.add_send_count("a2", "2026-01-01", 0) == 5


# -- delete_account cascade --------------------------------------------------------------
def _populate(store, account_id):
    store.create_account({"_id": account_id, "createdAt": "2024",
                          "collectionName": f"session_{account_id}"})
    store.insert_message(account_id, msg("m1", 1))
    store.upsert_chat(account_id, "c1", last_message_time=1)
    media = store.put_media(account_id, io.BytesIO(b"z" * 300_000), filename="f",
                            mimetype="a/b")
    store.create_webhook(hook(f"w_{account_id}", "http://x/h", account_id))
    store.create_deliveries([delivery(f"d_{account_id}", f"w_{account_id}")])
    store.acquire_lease(account_id, "p1", 1000, 0)
    store.save_snapshot(f"session_{account_id}", b"keys")
    return media["mediaId"]


def test_delete_account_cascades_and_spares_others(store):
    gone, kept = _populate(store, "a1"), _populate(store, "a2")
    store.create_webhook(hook("global", "http://x/g"))
    store.create_deliveries([delivery("dg", "global")])
    assert store.delete_account("a1") is True
    assert store.get_account("a1") is None
    assert store.count_messages("a1") == 0 and store.get_chat("a1", "c1") is None
    assert store.list_chats("a1") == []
    assert store.open_media(gone) is None
    assert store.get_webhook("w_a1") is None and store.get_delivery("d_a1") is None
    assert store.get_lease("a1") is None and store.load_snapshot("session_a1") is None
    # Everything of a2, and the global webhook, is untouched.
    assert store.get_account("a2") is not None and store.count_messages("a2") == 1
    assert store.get_chat("a2", "c1") is not None
    assert store.open_media(kept).read() == b"z" * 300_000
    assert store.get_webhook("w_a2") and store.get_delivery("d_a2")
    assert store.get_webhook("global") and store.get_delivery("dg")
    assert store.get_lease("a2")["owner"] == "p1"
    assert store.load_snapshot("session_a2") == b"keys"
    assert store.delete_account("a1") is False


def test_delete_account_uses_default_collection_name(store):
    store.create_account({"_id": "a1", "createdAt": "2024"})
    store.save_snapshot("auth_a1", b"keys")
    assert store.delete_account("a1")
    assert store.load_snapshot("auth_a1") is None


# -- groups (issue 12) -------------------------------------------------------------------
def group(group_id, subject="Team", **extra):
    return {"id": group_id, "subject": subject, "description": None, "owner": None,
            "createdAt": 1700000000000, "announce": False, "locked": False,
            "participants": [{"jid": "15550001111@s.whatsapp.net", "phone": "15550001111",
                              "lid": None, "admin": "superadmin"}], **extra}


def test_groups_upsert_get_list_delete(store):
    assert store.get_group("a1", "1-2@g.us") is None and store.list_groups("a1") == []
    store.upsert_group("a1", group("200-2@g.us"))
    store.upsert_group("a1", group("100-1@g.us", "First"))
    store.upsert_group("a2", group("100-1@g.us", "Other account"))
    assert store.get_group("a1", "100-1@g.us") == group("100-1@g.us", "First")
    assert [g["id"] for g in store.list_groups("a1")] == ["100-1@g.us", "200-2@g.us"]
    changed = group("100-1@g.us", "Renamed", announce=True, participants=[])
    store.upsert_group("a1", changed)                        # replaces the whole record
    assert store.get_group("a1", "100-1@g.us") == changed
    assert store.get_group("a2", "100-1@g.us")["subject"] == "Other account"
    assert store.delete_group("a1", "100-1@g.us") is True
    assert store.delete_group("a1", "100-1@g.us") is False
    assert [g["id"] for g in store.list_groups("a1")] == ["200-2@g.us"]


def test_delete_account_removes_its_groups(store):
    store.create_account({"_id": "a1", "createdAt": "2024"})
    store.create_account({"_id": "a2", "createdAt": "2024"})
    store.upsert_group("a1", group("100-1@g.us"))
    store.upsert_group("a2", group("100-1@g.us"))
    assert store.delete_account("a1")
    assert store.list_groups("a1") == [] and store.get_group("a2", "100-1@g.us") is not None


def test_delete_account_removes_its_sandbox_world(store):
    """An account created again under the same id starts with no directory, fault switch
    or sent log of the one deleted; another account's stay."""
    for account_id in ("a1", "a2"):
        store.create_account({"_id": account_id, "createdAt": "2024"})
        store.world_change(f"registered:{account_id}", lambda cur: {"numbers": {"1555": None}})
        store.world_change(f"faults:{account_id}", lambda cur: {"unreachable": True})
        store.world_post([], 1, account_id=account_id, sent={"type": "text", "to": "x"})
    store.world_change("group:1-1@g.us", lambda cur: {"subject": "kept"})
    assert store.delete_account("a1")
    assert store.world_get("registered:a1") is None and store.world_get("faults:a1") is None
    assert store.list_sent("a1") == []
    assert store.world_get("registered:a2") and store.world_get("faults:a2")
    assert store.list_sent("a2") == [{"type": "text", "to": "x"}]
    assert store.world_get("group:1-1@g.us") == {"subject": "kept"}


# -- chat extras (issue 11): contacts, identities, LID chat merges -----------------------
def test_contacts_upsert_get_by_jid_or_lid_and_page(store):
    store.upsert_contact("a1", "155500001@s.whatsapp.net", {"pushName": "Ann", "name": None})
    store.upsert_contact("a1", "155500001@s.whatsapp.net", {"lid": "999001@lid",
                                                              "phone": "+155500001"})
    store.upsert_contact("a1", "155500002@s.whatsapp.net", {"pushName": "Bob"})
    store.upsert_contact("a1", "777@lid", {"lid": "777@lid"})
    store.upsert_contact("a2", "155500001@s.whatsapp.net", {"pushName": "Other"})
    ann = store.get_contact("a1", "155500001@s.whatsapp.net")
    assert ann == {"jid": "155500001@s.whatsapp.net", "pushName": "Ann", "lid": "999001@lid",
                   "phone": "+155500001"}
    assert store.get_contact("a1", "999001@lid") == ann       # found by its LID too
    assert store.get_contact("a1", "nobody@s.whatsapp.net") is None
    jids = [c["jid"] for c in store.list_contacts("a1")]
    assert jids == ["777@lid", "155500002@s.whatsapp.net", "155500001@s.whatsapp.net"]
    assert [c["jid"] for c in store.list_contacts("a1", limit=1, before=jids[0])] == [jids[1]]
    assert [c["jid"] for c in store.list_contacts("a1", before=jids[1])] == [jids[2]]
    assert store.delete_contact("a1", "777@lid") is True
    assert store.delete_contact("a1", "777@lid") is False
    store.create_account({"_id": "a1", "createdAt": "2024"})
    store.delete_account("a1")
    assert store.list_contacts("a1") == [] and len(store.list_contacts("a2")) == 1


def test_identities_map_both_ways(store):
    assert store.phone_for_lid("a1", "999@lid") is None
    assert store.put_identity("a1", "999@lid", "1555@s.whatsapp.net") is True
    assert store.put_identity("a1", "999@lid", "1555@s.whatsapp.net") is False   # known
    assert store.phone_for_lid("a1", "999@lid") == "1555@s.whatsapp.net"
    assert store.lid_for_phone("a1", "1555@s.whatsapp.net") == "999@lid"
    assert store.phone_for_lid("a2", "999@lid") is None
    store.create_account({"_id": "a1", "createdAt": "2024"})
    store.delete_account("a1")
    assert store.phone_for_lid("a1", "999@lid") is None


def test_move_chat_merges_lid_chat_into_phone_chat(store):
    lid, pn = "999@lid", "1555@s.whatsapp.net"
    store.insert_messages("a1", [msg("m1", 10, lid, **{"from": lid}), msg("m2", 30, lid,
                                 **{"from": "me@s.whatsapp.net", "fromMe": True}),
                                 msg("m3", 20, pn, **{"from": pn})])
    store.upsert_chat("a1", lid, name="Ann (lid)", last_message_time=30,
                      last_message={"messageId": "m2", "from": lid}, unread_increment=2)
    store.upsert_chat("a1", pn, last_message_time=20, last_message={"messageId": "m3"},
                      unread_increment=1)
    assert store.move_chat("a1", lid, pn) == 2
    assert store.get_chat("a1", lid) is None
    chat = store.get_chat("a1", pn)
    assert chat["unreadCount"] == 3 and chat["lastMessageTime"] == 30
    assert chat["lastMessage"] == {"messageId": "m2", "from": pn} and chat["name"] == "Ann (lid)"
    moved = store.list_messages("a1", pn)
    assert [m["messageId"] for m in moved] == ["m2", "m3", "m1"]
    assert store.get_message("a1", "m1")["from"] == pn and store.get_message("a1", "m1")["chatId"] == pn
    assert store.get_message("a1", "m2")["from"] == "me@s.whatsapp.net"
    assert store.list_messages("a1", lid) == []
    assert store.move_chat("a1", lid, pn) == 0          # idempotent
    assert store.get_chat("a1", pn)["unreadCount"] == 3


# -- the sandbox's simulated world (issue 13 item 6) ----------------------------------------
def test_world_documents_get_list_change_delete(store):
    assert store.world_get("group:1@g.us") is None and store.world_list("group:") == []
    doc = {"participants": [["1555@s.whatsapp.net", "superadmin"]], "$odd.key": {"a.b": 1}}
    assert store.world_change("group:1@g.us", lambda cur: cur or doc) == doc
    store.world_change("group:2@g.us", lambda cur: {"n": 2})
    store.world_change("groupie", lambda cur: {"n": 3})
    store.world_change("invite:x", lambda cur: {"groupId": "1@g.us"})
    assert store.world_get("group:1@g.us") == doc                       # JIDs as keys round-trip
    assert [k for k, _ in store.world_list("group:")] == ["group:1@g.us", "group:2@g.us"]
    assert store.world_list("group:2") == [("group:2@g.us", {"n": 2})]
    assert store.world_list("gr.*") == []                               # a prefix, not a pattern
    assert store.world_change("group:2@g.us", lambda cur: dict(cur, n=cur["n"] + 1)) == {"n": 3}
    assert store.world_get("group:2@g.us") == {"n": 3}

    def refuse(cur):
        raise LookupError("not allowed")
    with pytest.raises(LookupError):
        store.world_change("group:2@g.us", refuse)
    assert store.world_get("group:2@g.us") == {"n": 3}                  # unchanged
    assert store.world_change("group:2@g.us", lambda cur: None) is None  # deleted
    assert store.world_get("group:2@g.us") is None
    assert store.world_change("nothing", lambda cur: None) is None
    assert store.world_get("nothing") is None


def test_world_change_from_two_stores_on_one_file_loses_no_update(store, tmp_path):
    """Two threads, and for SQLite two store objects on the same file (two processes'
    view): every increment survives."""
    other = store
    if isinstance(store, SQLiteStore):
        other = SQLiteStore(str(tmp_path / "data" / "wildcat.db"))
    barrier, errors = threading.Barrier(2), []

    def bump(s):
        try:
            barrier.wait()
            for _ in range(100):
                s.world_change("counter", lambda cur: {"n": (cur or {"n": 0})["n"] + 1})
        except StoreError as exc:     # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=bump, args=(s,)) for s in (store, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    if other is not store:
        other.close()
    assert errors == [] and store.world_get("counter") == {"n": 200}


def test_mailbox_post_read_in_order_ack_and_purge(store):
    a, b, c = "1555001@s.whatsapp.net", "1555002@s.whatsapp.net", "1555003@s.whatsapp.net"
    store.world_post([{"to": b, "kind": "message", "n": 1}, {"to": c, "n": 2}], 1000)
    store.world_post([{"to": b, "n": 3}], 2000, account_id="alice",
                     sent={"type": "text", "to": b})
    store.world_post([], 2000, account_id="alice", sent={"type": "presence", "to": b})
    store.world_post([{"to": a, "n": 4}], 3000)
    got = store.pending_packets([b, c])
    assert [p["n"] for p in got] == [1, 2, 3] and got[0] == dict(got[0], to=b, kind="message")
    assert got[0]["seq"] < got[1]["seq"] < got[2]["seq"]
    assert [p["n"] for p in store.pending_packets([b], limit=1)] == [1]
    assert store.pending_packets(["nobody@s.whatsapp.net"]) == []
    store.ack_packets([got[0]["seq"], got[1]["seq"], 999_999])
    assert [p["n"] for p in store.pending_packets([a, b, c])] == [3, 4]
    assert store.purge_packets(2500) == 1                          # n 3, posted at 2000
    assert [p["n"] for p in store.pending_packets([a, b, c])] == [4]
    store.ack_packets([])
    assert store.list_sent("alice") == [{"type": "text", "to": b},
                                        {"type": "presence", "to": b}]
    assert store.list_sent("bob") == []
