"""The event log's reader: cursor order, late commits waited out, replay + live without gap."""
import json

from tests.util import make_store, test_config
from tests.util import wait_until
from wildcat.domain import now_ms
from wildcat.services import event_log as event_log_module
from wildcat.services.event_log import EventLog


def late_commit(store, cursor, event):
    """Write an event under a cursor handed out earlier (what a slow MongoDB writer does:
    its counter value is older than events other writers already committed)."""
    with store._write() as db:
        db.execute("INSERT INTO events (cursor, account_id, name, at, doc) VALUES (?,?,?,?,?)",
                   (cursor, event["accountId"], event["event"], now_ms(), json.dumps(event)))


def started(tmp_path, **overrides):
    store = make_store("sqlite", tmp_path)
    log = EventLog(test_config(tmp_path, **overrides), store, poll=0.01)
    seen = []
    log.start()
    log.subscribe(seen.append)
    return store, log, seen


def test_a_late_commit_is_waited_for_not_skipped(tmp_path):
    store, log, seen = started(tmp_path)
    try:
        base = log.horizon
        late_commit(store, base + 1, {"event": "qr", "accountId": "a", "n": 1})
        late_commit(store, base + 3, {"event": "qr", "accountId": "a", "n": 3})   # 2 is late
        log._wake.set()
        wait_until(lambda: [e["n"] for e in seen] == [1], message="the first event")
        page = log.page(base, 100)
        assert [e["n"] for e in page["events"]] == [1] and page["next"] == base + 1
        late_commit(store, base + 2, {"event": "qr", "accountId": "a", "n": 2})
        log._wake.set()
        wait_until(lambda: [e["n"] for e in seen] == [1, 2, 3], message="in cursor order")
        assert log.horizon == base + 3
    finally:
        log.stop()
        log.join(2)


def test_a_cursor_that_never_commits_is_skipped_after_the_grace(tmp_path, monkeypatch):
    monkeypatch.setattr(event_log_module, "GAP_GRACE", 0.2)
    store, log, seen = started(tmp_path)
    try:
        base = log.horizon
        late_commit(store, base + 2, {"event": "qr", "accountId": "a", "n": 2})   # 1 died
        log._wake.set()
        wait_until(lambda: [e["n"] for e in seen] == [2], timeout=5,
                   message="the writer of cursor 1 given up for dead")
    finally:
        log.stop()
        log.join(2)


def test_subscribe_after_replays_then_goes_on_live_without_gap_or_duplicate(tmp_path):
    store, log, _ = started(tmp_path)
    try:
        cursors = [log.append({"event": "qr", "accountId": "a", "n": n}) for n in range(5)]
        wait_until(lambda: log.horizon == cursors[-1], message="tailed")
        got = []
        log.subscribe(got.append, after=cursors[1])
        more = [log.append({"event": "qr", "accountId": "b", "n": n}) for n in range(5, 8)]
        wait_until(lambda: len(got) >= 6, message="replay then live")
        assert [e["cursor"] for e in got] == cursors[2:] + more
        page = log.page(0, 3, account_id="b")
        assert [e["n"] for e in page["events"]] == [5, 6, 7] and page["hasMore"]
        assert log.page(page["next"], 3, account_id="b")["events"] == []
    finally:
        log.stop()
        log.join(2)
