"""The sandbox's simulated WhatsApp lives in the store (issue 13 item 6): two apps (two
Runtimes with two store objects on the SAME SQLite file, as two processes would have), each
owning one account, talk to each other as two phones on WhatsApp would.

Only WhatsApp is simulated; the apps, workers, pipelines and the store are the real ones.
"""
import io

import pytest

from tests.util import A, A_JID, B, B_JID, image_bytes, scan_account, test_config, wait_until
from wildcat.factory import create_app
from wildcat.store.sqlite import SQLiteStore


def owner_app(apps, account_id):
    """The app whose instance holds the account's lease (None while nobody does)."""
    lease = apps[0].extensions["wildcat"].store.get_lease(account_id)
    for app in apps:
        if lease and lease["owner"] == app.extensions["wildcat"].config.instance_id:
            return app
    return None


@pytest.fixture
def pair(tmp_path):
    """(alice's app, bob's app): two apps on one SQLite file, each owning one account."""
    path = str(tmp_path / "shared" / "wildcat.db")
    apps = []
    try:
        for n, (account_id, jid) in enumerate(((A, A_JID), (B, B_JID))):
            # the second instance starts once the first holds alice: bob is its share
            app = create_app(test_config(tmp_path / f"app{n}"), store=SQLiteStore(path))
            app.extensions["wildcat"].start()
            apps.append(app)
            client = app.test_client()
            assert client.post("/accounts", json={"id": account_id}).status_code == 201
            owner = wait_until(lambda name=account_id: owner_app(apps, name), timeout=15,
                               message=f"an owner for {account_id}")
            scan_account(owner.test_client(), account_id, jid.split("@")[0])
        alice, bob = owner_app(apps, A), owner_app(apps, B)
        assert alice is not bob, "one account per instance (fair share of 2 over 2)"
        yield alice, bob
    finally:
        for app in apps:
            app.extensions["wildcat"].stop(timeout=10)
            app.extensions["wildcat"].store.close()


def stored(app, account_id, message_id):
    return app.extensions["wildcat"].store.get_message(account_id, message_id)


def test_messages_media_reactions_and_receipts_cross_processes(pair):
    alice_app, bob_app = pair
    alice, bob = alice_app.test_client(), bob_app.test_client()
    text = alice.post(f"/accounts/{A}/message/send", json={"to": B_JID, "message": "hi bob"})
    assert text.status_code == 200, text.json
    text_id = text.json["messageId"]
    got = wait_until(lambda: stored(bob_app, B, text_id), message="bob receives the text")
    assert got["text"] == "hi bob" and got["chatId"] == A_JID and got["fromMe"] is False

    photo = image_bytes("JPEG")
    sent = alice.post(f"/accounts/{A}/message/send/image", content_type="multipart/form-data",
                      data={"to": B_JID, "caption": "look",
                            "image": (io.BytesIO(photo), "p.jpg")})
    assert sent.status_code == 200, sent.json
    photo_id = sent.json["messageId"]
    got = wait_until(lambda: (stored(bob_app, B, photo_id) or {}).get("mediaId")
                     and stored(bob_app, B, photo_id), message="bob downloads the photo")
    assert got["caption"] == "look" and got["hasMedia"] is True
    served = bob.get(f"/accounts/{B}/messages/{photo_id}/media")
    assert served.status_code == 200 and served.data == photo       # from bob's pipeline

    react = alice.post(f"/accounts/{A}/message/react",
                       json={"to": B_JID, "messageId": text_id, "emoji": "👍"})
    assert react.status_code == 200, react.json
    wait_until(lambda: stored(bob_app, B, text_id).get("reactions") == {A_JID: "👍"},
               message="bob sees alice's reaction")

    read = bob.post(f"/accounts/{B}/chats/{A_JID}/read")
    assert read.status_code == 200 and text_id in read.json["messageIds"]
    wait_until(lambda: stored(alice_app, A, text_id).get("status") == "read",
               message="alice gets bob's read receipt")
    # the sent logs are the network's, readable from either app
    for app in pair:
        log = app.extensions["wildcat"].driver.sent(A)
        assert [r["type"] for r in log] == ["text", "image", "reaction"]
        assert app.extensions["wildcat"].driver.sent(B)[-1]["type"] == "read"


def test_groups_and_directories_are_shared(pair):
    alice_app, bob_app = pair
    alice, bob = alice_app.test_client(), bob_app.test_client()
    made = alice.post(f"/accounts/{A}/groups", json={"subject": "Team",
                                                     "participants": [B_JID]})
    assert made.status_code in (200, 201), made.json
    gid = made.json["group"]["id"]
    listed = wait_until(lambda: bob.get(f"/accounts/{B}/groups").json["groups"],
                        message="bob sees the group")
    assert [g["id"] for g in listed] == [gid]
    wait_until(lambda: bob_app.extensions["wildcat"].store.get_group(B, gid),
               message="bob was told he joined")

    changed = bob.patch(f"/accounts/{B}/groups/{gid}", json={"subject": "Team 2"})
    assert changed.status_code == 200, changed.json
    wait_until(lambda: (alice_app.extensions["wildcat"].store.get_group(A, gid) or {})
               .get("subject") == "Team 2", message="alice learns bob's change")
    hello = bob.post(f"/accounts/{B}/message/send", json={"to": gid, "message": "hello all"})
    got = wait_until(lambda: stored(alice_app, A, hello.json["messageId"]),
                     message="alice receives bob's group message")
    assert got["chatId"] == gid and got["from"] == B_JID

    # a directory of registered numbers set in one process holds in the other
    alice_app.extensions["wildcat"].driver.set_registered(B, [A_JID.split("@")[0]])
    checked = bob.post(f"/accounts/{B}/contacts/check",
                       json={"phones": ["+" + A_JID.split("@")[0], "+15557770000"]})
    assert checked.status_code == 200, checked.json
    assert [r["exists"] for r in checked.json["results"]] == [True, False]
    refused = bob.post(f"/accounts/{B}/message/send",
                       json={"to": "15557770000@s.whatsapp.net", "message": "x"})
    assert refused.status_code >= 400 and refused.json["ok"] is False
