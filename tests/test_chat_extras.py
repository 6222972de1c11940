"""Issue 11 through the app factory, on both stores, with the sandbox network: locations,
contact cards, polls (and their tally), stickers, edits, presence, number checks, contacts,
blocks, status posts and calls. WhatsApp's servers cannot exist here: the sandbox plays them."""
import io
import os
import time

import pytest
from PIL import Image

from tests.util import connected_account, named, wait_until

ME = "15550001111@s.whatsapp.net"
PEER = "919876543210@s.whatsapp.net"
A = "/accounts/bot"


@pytest.fixture
def bot(client):
    return connected_account(client, "bot", ME.split("@")[0])


def sent(client, kind=None):
    items = client.get("/sandbox/accounts/bot/sent").json["sent"]
    return [s for s in items if kind is None or s["type"] == kind]


def message(client, message_id):
    """The stored message (received ones are stored by the account's thread: wait)."""
    response = wait_until(lambda: (r := client.get(f"{A}/messages/{message_id}")).status_code
                          != 404 and r, message=f"message {message_id}")
    assert response.status_code == 200, response.json
    return response.json["message"]


def inbound(client, **body):
    response = client.post("/sandbox/accounts/bot/inbound", json=body)
    assert response.status_code == 200, response.json
    return response.json


def image_bytes(fmt, size=(300, 200), color=(200, 10, 10, 255)):
    out = io.BytesIO()
    img = Image.new("RGBA", size, color)
    if fmt in ("JPEG",):
        img = img.convert("RGB")
    img.save(out, format=fmt)
    return out.getvalue()


# -- location -----------------------------------------------------------------------------
def test_send_location_stores_and_records(client, bot, events):
    r = client.post(f"{A}/message/send/location", json={
        "to": "+919876543210", "latitude": 52.52, "longitude": 13.405, "name": "Berlin",
        "address": "Pariser Platz"})
    assert r.status_code == 200, r.json
    msg = message(client, r.json["messageId"])
    assert msg["type"] == "location" and msg["chatId"] == PEER
    assert msg["location"] == {"latitude": 52.52, "longitude": 13.405, "name": "Berlin",
                               "address": "Pariser Platz"}
    assert sent(client, "location")[-1]["location"]["latitude"] == 52.52
    event = wait_until(lambda: named(events, "message.sent"))[-1]
    assert event["location"]["name"] == "Berlin" and event["fromPhone"] == "+15550001111"


@pytest.mark.parametrize("body", [
    {"latitude": 91, "longitude": 0}, {"latitude": -90.5, "longitude": 0},
    {"latitude": 0, "longitude": 180.01}, {"latitude": "north", "longitude": 0},
    {"latitude": True, "longitude": 0}, {"longitude": 0}, {"latitude": 0, "longitude": 0,
                                                          "name": "a\nb"},
    {"latitude": 0, "longitude": 0, "extra": 1}])
def test_bad_location_is_400_and_sends_nothing(client, bot, body):
    r = client.post(f"{A}/message/send/location", json={"to": PEER, **body})
    assert r.status_code == 400 and r.json["ok"] is False and r.json["code"] == "validation_error"
    assert sent(client, "location") == []


# -- contact cards ------------------------------------------------------------------------
def test_send_contact_builds_vcards(client, bot):
    r = client.post(f"{A}/message/send/contact", json={"to": PEER, "contacts": [
        {"name": "Ann; Smith", "phone": "+15551230001"}, {"name": "Bob", "phone": "+447700900123"}]})
    assert r.status_code == 200, r.json
    record = sent(client, "contact")[-1]
    assert "waid=15551230001:+15551230001" in record["contacts"][0]["vcard"]
    assert "FN:Ann\\; Smith" in record["contacts"][0]["vcard"]
    msg = message(client, r.json["messageId"])
    assert msg["contacts"] == [{"name": "Ann; Smith", "phone": "+15551230001"},
                               {"name": "Bob", "phone": "+447700900123"}]


@pytest.mark.parametrize("contacts", [[], [{"name": "A", "phone": "12"}], [{"name": "A"}],
                                      [{"name": "A", "phone": "+15551230001"}] * 21, "x"])
def test_bad_contacts_are_400(client, bot, contacts):
    r = client.post(f"{A}/message/send/contact", json={"to": PEER, "contacts": contacts})
    assert r.status_code == 400 and r.json["code"] == "validation_error"
    assert sent(client, "contact") == []


# -- polls and their tally ----------------------------------------------------------------
def test_poll_tally_over_voters_changing_votes(client, bot, events):
    r = client.post(f"{A}/message/send/poll", json={
        "to": PEER, "question": "Lunch?", "options": ["Pizza", "Sushi", "Salad"]})
    assert r.status_code == 200, r.json
    poll_id = r.json["messageId"]
    assert sent(client, "poll")[-1]["poll"] == {"question": "Lunch?", "multiple": False,
                                                "options": ["Pizza", "Sushi", "Salad"]}
    v1, v2 = "15550000001@s.whatsapp.net", "15550000002@s.whatsapp.net"
    inbound(client, **{"from": v1, "type": "poll_vote", "messageId": poll_id,
                       "options": ["Pizza"]})
    inbound(client, **{"from": v2, "type": "poll_vote", "messageId": poll_id,
                       "options": ["Pizza"]})
    inbound(client, **{"from": v1, "type": "poll_vote", "messageId": poll_id,
                       "options": ["Sushi"]})          # v1 changes their mind
    wait_until(lambda: len(named(events, "poll.vote")) == 3, message="three votes")
    poll = message(client, poll_id)["poll"]
    assert poll["question"] == "Lunch?" and poll["multiple"] is False
    assert poll["options"] == [{"name": "Pizza", "voters": [v2]}, {"name": "Sushi", "voters": [v1]},
                               {"name": "Salad", "voters": []}]
    last = named(events, "poll.vote")[-1]
    assert last["messageId"] == poll_id and last["from"] == v1 and last["options"] == ["Sushi"]
    assert last["fromPhone"] == "+15550000001" and last["poll"] == poll
    inbound(client, **{"from": v2, "type": "poll_vote", "messageId": poll_id, "options": []})
    wait_until(lambda: len(named(events, "poll.vote")) == 4, message="a retracted vote")
    assert message(client, poll_id)["poll"]["options"][0]["voters"] == []


def test_multiple_choice_poll_keeps_every_option(client, bot, events):
    r = client.post(f"{A}/message/send/poll", json={
        "to": PEER, "question": "Days?", "options": ["Mon", "Tue", "Wed"], "multiple": True})
    poll_id = r.json["messageId"]
    inbound(client, **{"from": PEER, "type": "poll_vote", "messageId": poll_id,
                       "options": ["Mon", "Wed", "Nope"]})
    wait_until(lambda: named(events, "poll.vote"))
    options = message(client, poll_id)["poll"]["options"]
    assert [o["voters"] for o in options] == [[PEER], [], [PEER]]


@pytest.mark.parametrize("body", [
    {"question": "Q", "options": ["one"]},
    {"question": "Q", "options": [str(i) for i in range(13)]},
    {"question": "Q", "options": ["a", "A"]},
    {"question": "", "options": ["a", "b"]},
    {"question": "Q", "options": ["a", "b"], "multiple": "maybe"}])
def test_bad_polls_are_400(client, bot, body):
    r = client.post(f"{A}/message/send/poll", json={"to": PEER, **body})
    assert r.status_code == 400 and r.json["code"] == "validation_error"
    assert sent(client, "poll") == []


def test_inbound_poll_is_stored_and_votes_tallied(client, bot, events):
    poll_id = inbound(client, **{"from": PEER, "type": "poll", "question": "Tea?",
                                 "options": ["Yes", "No"]})["messageId"]
    msg = message(client, poll_id)
    assert msg["type"] == "poll" and msg["text"] == "Tea?"
    assert msg["poll"]["options"] == [{"name": "Yes", "voters": []}, {"name": "No", "voters": []}]
    event = wait_until(lambda: named(events, "message"))[-1]
    assert event["poll"]["question"] == "Tea?"


def test_vote_for_unknown_poll_publishes_once(client, bot, events):
    inbound(client, **{"from": PEER, "type": "poll_vote", "messageId": "3EB0NOPOLL",
                       "options": ["x"]})
    event = wait_until(lambda: named(events, "poll.vote"))[-1]
    assert event["targetFound"] is False


# -- stickers -----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,mimetype", [("PNG", "image/png"), ("JPEG", "image/jpeg"),
                                          ("GIF", "image/gif"), ("WEBP", "image/webp")])
def test_send_sticker_converts_to_512_webp(client, bot, fmt, mimetype):
    r = client.post(f"{A}/message/send/sticker", data={
        "to": PEER, "sticker": (io.BytesIO(image_bytes(fmt)), "pic")},
        content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    msg = message(client, r.json["messageId"])
    assert msg["type"] == "sticker" and msg["mimetype"] == "image/webp" and msg["hasMedia"]
    body = client.get(f"{A}/messages/{r.json['messageId']}/media")
    assert body.status_code == 200
    with Image.open(io.BytesIO(body.data)) as img:
        assert img.format == "WEBP" and img.size == (512, 512)
        # scaled to fit, centred on transparency: the corners are transparent
        assert img.convert("RGBA").getpixel((0, 0))[3] == 0
        centre = img.convert("RGBA").getpixel((256, 256))   # lossy WebP: close, not equal
        assert all(abs(a - b) <= 16 for a, b in zip(centre, (200, 10, 10, 255)))
    assert sent(client, "sticker")[-1]["mimetype"] == "image/webp"


def test_sticker_and_status_image_take_uploads_over_the_json_limit(client, bot):
    """Both stream like the other media uploads (WILDCAT_MAX_UPLOAD_MB, not the 1 MB of JSON)."""
    noise = Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    big = out.getvalue()
    assert len(big) > 1024 * 1024
    for path, field in (("message/send/sticker", "sticker"), ("status/send/image", "image")):
        body = {field: (io.BytesIO(big), "big.png")}
        if field == "sticker":
            body["to"] = PEER
        r = client.post(f"{A}/{path}", data=body, content_type="multipart/form-data")
        assert r.status_code == 200, (path, r.json)


def test_sticker_of_another_type_is_415(client, bot, runtime):
    r = client.post(f"{A}/message/send/sticker", data={
        "to": PEER, "sticker": (io.BytesIO(b"%PDF-1.4\n" + b"x" * 100), "doc.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 415 and r.json["code"] == "unsupported_media_type"
    real = image_bytes("PNG")
    broken = real[:40] + b"\x00" * 64      # a PNG header, then garbage: libmagic says PNG
    r = client.post(f"{A}/message/send/sticker", data={
        "to": PEER, "sticker": (io.BytesIO(broken), "x.png")}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.json["code"] == "invalid_image"
    r = client.post(f"{A}/message/send/sticker", data={"to": PEER},
                    content_type="multipart/form-data")
    assert r.status_code == 400
    assert sent(client, "sticker") == []


def test_inbound_sticker_media_is_downloadable(client, bot):
    webp = image_bytes("WEBP")
    r = client.post("/sandbox/accounts/bot/inbound", data={
        "from": PEER, "type": "sticker", "media": (io.BytesIO(webp), "s.webp", "image/webp")},
        content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    msg = wait_until(lambda: client.get(f"{A}/messages/{r.json['messageId']}").json.get("message"))
    assert msg["type"] == "sticker" and msg["hasMedia"]
    assert client.get(f"{A}/messages/{r.json['messageId']}/media").data == webp


# -- edits --------------------------------------------------------------------------------
def test_edit_own_text_message(client, bot, events):
    message_id = client.post(f"{A}/message/send", json={"to": PEER, "message": "helo"}).json[
        "messageId"]
    r = client.post(f"{A}/message/edit", json={"to": PEER, "messageId": message_id,
                                               "message": "hello"})
    assert r.status_code == 200 and r.json == {"ok": True, "message": "Message edited"}
    msg = message(client, message_id)
    assert msg["text"] == "hello" and msg["edited"] is True and isinstance(msg["editedAt"], int)
    assert sent(client, "edit")[-1]["editedMessageId"] == message_id
    event = wait_until(lambda: named(events, "message.edited"))[-1]
    assert event["messageId"] == message_id and event["text"] == "hello" and event["fromMe"]


def test_edit_failures(client, bot, runtime):
    theirs = inbound(client, **{"from": PEER, "text": "mine, not yours"})["messageId"]
    wait_until(lambda: runtime.store.get_message("bot", theirs))
    r = client.post(f"{A}/message/edit", json={"to": PEER, "messageId": theirs, "message": "x"})
    assert r.status_code == 403 and r.json["code"] == "cannot_edit"
    location = client.post(f"{A}/message/send/location", json={
        "to": PEER, "latitude": 1, "longitude": 2}).json["messageId"]
    r = client.post(f"{A}/message/edit", json={"to": PEER, "messageId": location, "message": "x"})
    assert r.status_code == 403 and r.json["code"] == "cannot_edit"
    r = client.post(f"{A}/message/edit", json={"to": PEER, "messageId": "3EB0UNKNOWN",
                                               "message": "x"})
    assert r.status_code == 404 and r.json["code"] == "message_not_found"
    r = client.post(f"{A}/message/edit", json={"to": PEER, "messageId": theirs})
    assert r.status_code == 400
    old = {"messageId": "3EB0OLDMINE", "chatId": PEER, "from": ME, "fromMe": True, "type": "text",
           "text": "old", "timestamp": int(time.time() * 1000) - 16 * 60 * 1000}
    runtime.store.insert_message("bot", old)
    r = client.post(f"{A}/message/edit", json={"to": PEER, "messageId": "3EB0OLDMINE",
                                               "message": "too late"})
    assert r.status_code == 403 and "15 minutes" in r.json["error"]
    mine = client.post(f"{A}/message/send", json={"to": PEER, "message": "x"}).json["messageId"]
    r = client.post(f"{A}/message/edit", json={"to": "+15550009999", "messageId": mine,
                                               "message": "wrong chat"})
    assert r.status_code == 403 and r.json["code"] == "cannot_edit"
    assert message(client, theirs)["text"] == "mine, not yours"
    assert sent(client, "edit") == []


# -- presence -----------------------------------------------------------------------------
def test_presence_states(client, bot):
    assert client.post(f"{A}/presence", json={"to": PEER, "state": "composing"}).json == {
        "ok": True}
    assert client.post(f"{A}/presence", json={"state": "available"}).status_code == 200
    assert [(s["state"], s["to"]) for s in sent(client, "presence")] == [
        ("composing", PEER), ("available", None)]
    for body in ({"state": "composing"}, {"to": PEER, "state": "unavailable"},
                 {"to": PEER, "state": "dancing"}, {}):
        r = client.post(f"{A}/presence", json=body)
        assert r.status_code == 400 and r.json["code"] == "validation_error", body
    assert len(sent(client, "presence")) == 2


def test_inbound_presence_event(client, bot, events):
    inbound(client, **{"from": PEER, "type": "presence", "state": "composing"})
    event = wait_until(lambda: named(events, "presence"))[-1]
    assert event["chatId"] == PEER and event["from"] == PEER and event["state"] == "composing"
    assert event["fromPhone"] == "+919876543210" and event["fromLid"] is None


# -- number checks, contacts, blocks --------------------------------------------------------
def test_registered_numbers_and_check(client, bot):
    everyone = client.post(f"{A}/contacts/check", json={"phones": ["+15559990000"]}).json
    assert everyone["results"] == [{"phone": "+15559990000", "exists": True,
                                    "jid": "15559990000@s.whatsapp.net", "lid": None}]
    r = client.post("/sandbox/accounts/bot/registered", json={
        "phones": ["+919876543210", "+15551230001"], "lids": {"+919876543210": "123456789012345@lid"}})
    assert r.status_code == 200, r.json
    for bad in ({"phones": ["15551230001"]}, {"phones": ["+15551230001"], "lids": {
            "+15550000000": "1@lid"}}, {"phones": ["+15551230001"], "lids": {
            "+15551230001": "15551230001@s.whatsapp.net"}}, {}):
        assert client.post("/sandbox/accounts/bot/registered", json=bad).status_code == 400, bad
    r = client.post(f"{A}/contacts/check", json={"phones": ["+91 98765 43210", "+15557770000",
                                                             "+15551230001"]})
    assert r.status_code == 200, r.json
    assert r.json["results"] == [
        {"phone": "+919876543210", "exists": True, "jid": PEER, "lid": "123456789012345@lid"},
        {"phone": "+15557770000", "exists": False, "jid": None, "lid": None},
        {"phone": "+15551230001", "exists": True, "jid": "15551230001@s.whatsapp.net",
         "lid": None}]
    # a send to a number that is not on WhatsApp fails as WhatsApp would; nothing stored
    r = client.post(f"{A}/message/send", json={"to": "+15557770000", "message": "hi"})
    assert r.status_code == 404 and r.json["code"] == "not_on_whatsapp"
    r = client.post(f"{A}/presence", json={"to": "+15557770000", "state": "composing"})
    assert r.status_code == 404 and r.json["code"] == "not_on_whatsapp"
    assert client.get(f"{A}/chats").json["chats"] == []
    for phones in ([], ["123"], ["+1555123000%d" % i for i in range(10)] * 6, "x"):
        r = client.post(f"{A}/contacts/check", json={"phones": phones})
        assert r.status_code == 400, phones


def test_contacts_list_get_and_block(client, bot):
    client.post("/sandbox/accounts/bot/registered", json={
        "phones": ["+919876543210"], "lids": {"+919876543210": "123456789012345@lid"}})
    client.post(f"{A}/contacts/check", json={"phones": ["+919876543210"]})
    inbound(client, **{"from": "15550000009@s.whatsapp.net", "text": "hi", "pushName": "Zed"})
    contacts = wait_until(lambda: len(client.get(f"{A}/contacts").json["contacts"]) == 2 and
                          client.get(f"{A}/contacts").json["contacts"])
    assert contacts == [
        {"jid": PEER, "lid": "123456789012345@lid", "phone": "+919876543210", "name": None,
         "pushName": None},
        {"jid": "15550000009@s.whatsapp.net", "lid": None, "phone": "+15550000009", "name": None,
         "pushName": "Zed"}]
    page = client.get(f"{A}/contacts?limit=1&before={PEER}").json["contacts"]
    assert [c["jid"] for c in page] == ["15550000009@s.whatsapp.net"]
    for ident in (PEER, "123456789012345@lid", "+919876543210"):
        r = client.get(f"{A}/contacts/{ident}")
        assert r.status_code == 200, (ident, r.json)
        contact = r.json["contact"]
        assert contact["jid"] == PEER and contact["lid"] == "123456789012345@lid"
        assert contact["pictureUrl"].startswith("https://") and contact["about"]
    r = client.get(f"{A}/contacts/+15557770000")
    assert r.status_code == 404 and r.json["code"] == "contact_not_found"
    assert client.get(f"{A}/contacts/not-a-jid").status_code == 400
    assert client.get(f"{A}/contacts?limit=0").status_code == 400
    assert client.post(f"{A}/contacts/+919876543210/block").json == {"ok": True}
    assert client.post(f"{A}/contacts/{PEER}/unblock").json == {"ok": True}
    assert [(s["type"], s["to"]) for s in sent(client) if s["type"] in ("block", "unblock")] == [
        ("block", PEER), ("unblock", PEER)]
    assert client.get(f"{A}/contacts/{PEER}").json["contact"]["blocked"] is False


def test_not_connected_is_409_everywhere(client, bot):
    client.post(f"{A}/disconnect")
    for method, path, body in [
            ("post", "/message/send/location", {"to": PEER, "latitude": 1, "longitude": 1}),
            ("post", "/message/send/contact", {"to": PEER, "contacts": [
                {"name": "A", "phone": "+15551230001"}]}),
            ("post", "/message/send/poll", {"to": PEER, "question": "Q", "options": ["a", "b"]}),
            ("post", "/message/edit", {"to": PEER, "messageId": "3EB0X", "message": "x"}),
            ("post", "/presence", {"state": "available"}),
            ("post", "/contacts/check", {"phones": ["+15551230001"]}),
            ("get", f"/contacts/{PEER}", None), ("post", f"/contacts/{PEER}/block", None),
            ("post", "/status/send/text", {"text": "hi"})]:
        r = getattr(client, method)(A + path, json=body)
        assert r.status_code == 409 and r.json["code"] == "account_not_connected", path
    r = client.post(f"{A}/message/send/sticker", data={
        "to": PEER, "sticker": (io.BytesIO(image_bytes("PNG")), "s.png")},
        content_type="multipart/form-data")
    assert r.status_code == 409
    assert client.get(f"{A}/contacts").status_code == 200      # the store answers alone
    assert client.post("/accounts/nobody/presence", json={"state": "available"}).status_code == 404


# -- status posts -------------------------------------------------------------------------
def test_status_posts(client, bot):
    r = client.post(f"{A}/status/send/text", json={"text": "Hello world",
                                                   "backgroundColor": "#FF112233"})
    assert r.status_code == 200, r.json
    record = sent(client, "status_text")[-1]
    assert record["to"] == "status@broadcast" and record["backgroundColor"] == "#FF112233"
    assert message(client, r.json["messageId"])["chatId"] == "status@broadcast"
    r = client.post(f"{A}/status/send/image", data={
        "caption": "sunset", "image": (io.BytesIO(image_bytes("PNG")), "s.png")},
        content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    assert sent(client, "status_image")[-1]["caption"] == "sunset"
    msg = message(client, r.json["messageId"])
    assert msg["hasMedia"] and msg["caption"] == "sunset"
    assert client.post(f"{A}/status/send/text", json={"text": ""}).status_code == 400
    assert client.post(f"{A}/status/send/text", json={"text": "x", "backgroundColor": "red"}
                       ).status_code == 400
    r = client.post(f"{A}/status/send/image", data={
        "image": (io.BytesIO(b"%PDF-1.4\n" + b"x" * 50), "a.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 415


def test_inbound_status_message(client, bot, events):
    inbound(client, **{"from": PEER, "chatId": "status@broadcast", "text": "my status"})
    event = wait_until(lambda: named(events, "message"))[-1]
    assert event["chatId"] == "status@broadcast" and event["from"] == PEER


# -- calls --------------------------------------------------------------------------------
def test_calls_published_and_rejected_when_asked(client, bot, events):
    assert client.get(A).json["account"]["rejectCalls"] is False
    call = inbound(client, **{"from": PEER, "type": "call", "isVideo": True})
    event = wait_until(lambda: named(events, "call"))[-1]
    assert event == {**event, "callId": call["callId"], "from": PEER, "isVideo": True,
                     "isGroup": False, "rejected": False, "fromPhone": "+919876543210"}
    assert sent(client, "call_reject") == []
    r = client.patch(A, json={"rejectCalls": True})
    assert r.status_code == 200 and r.json["account"]["rejectCalls"] is True
    assert client.get(A).json["account"]["rejectCalls"] is True
    call = inbound(client, **{"from": PEER, "type": "call"})
    event = wait_until(lambda: len(named(events, "call")) == 2 and named(events, "call"))[-1]
    assert event["rejected"] is True and event["isVideo"] is False
    assert sent(client, "call_reject") == [{"type": "call_reject", "to": PEER,
                                            "callId": call["callId"]}]
    assert client.patch(A, json={"rejectCalls": "yes"}).status_code == 400
    assert client.patch(A, json={"rejectCalls": None}).status_code == 400


# -- inbound location and contact ---------------------------------------------------------
def test_inbound_location_and_contact(client, bot, events):
    loc = inbound(client, **{"from": PEER, "type": "location", "latitude": -33.86,
                             "longitude": 151.21, "name": "Opera House"})["messageId"]
    card = inbound(client, **{"from": PEER, "type": "contact", "contacts": [
        {"name": "Ann", "phone": "+15551230001"}]})["messageId"]
    wait_until(lambda: len(named(events, "message")) == 2)
    assert message(client, loc)["location"] == {"latitude": -33.86, "longitude": 151.21,
                                                 "name": "Opera House", "address": None}
    assert message(client, card)["contacts"] == [{"name": "Ann", "phone": "+15551230001"}]
    first, second = named(events, "message")
    assert first["location"]["latitude"] == -33.86 and second["contacts"][0]["name"] == "Ann"
    r = client.post("/sandbox/accounts/bot/inbound", json={"from": PEER, "type": "location"})
    assert r.status_code == 400
