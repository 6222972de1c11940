"""Groups API (issue 12) through the app factory, on both stores, with the sandbox network:
two real sandbox accounts in the same simulated WhatsApp, WhatsApp's group rules, the
events for changes by this account and by others, and the store following them."""
import io

import pytest
from PIL import Image

from tests.util import (A, A_JID, B, B_JID, C, C_JID, OTHER, connected_account, create_group,
                        groups_path, wait_until)
from wildcat.drivers import base

PRIVATE = "15550000403@s.whatsapp.net"      # the sandbox: privacy settings refuse adding


def named(events, name, account=None):
    return [e for e in events if e["event"] == name and account in (None, e["accountId"])]


def sent(client, account):
    return client.get(f"/sandbox/accounts/{account}/sent").json["sent"]


def png(width=800, height=600):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_create_list_get_and_the_store(accounts, runtime, events):
    client = accounts
    group = create_group(client, [B_JID, "+15550004444", PRIVATE], subject="  Team  ")
    gid = group["id"]
    assert gid.endswith("@g.us") and group["subject"] == "Team" and group["owner"] == A_JID
    assert group["announce"] is False and group["locked"] is False
    assert isinstance(group["createdAt"], int) and group["description"] is None
    members = {p["jid"]: p for p in group["participants"]}
    assert set(members) == {A_JID, B_JID, OTHER}          # privacy settings refused PRIVATE
    assert members[A_JID] == {"jid": A_JID, "phone": "15550001111", "lid": None,
                              "admin": "superadmin"}
    assert members[B_JID]["admin"] is None
    # This account's group.joined, and bob's: he was added by alice.
    wait_until(lambda: named(events, "group.joined", B), message="bob's group.joined")
    joined = named(events, "group.joined", A)
    assert [(e["groupId"], e["subject"], e["by"]) for e in joined] == [(gid, "Team", A_JID)]
    assert named(events, "group.joined", B)[0]["by"] == A_JID
    assert runtime.store.get_group(A, gid)["participants"] == group["participants"]
    wait_until(lambda: runtime.store.get_group(B, gid), message="bob's stored group")
    assert sent(client, A)[-1] == {"type": "group.create", "groupId": gid, "subject": "Team",
                                   "participants": [B_JID, OTHER, PRIVATE],
                                   "refused": {PRIVATE: "privacy_settings"}}

    listed = client.get(groups_path(A)).json
    assert listed == {"ok": True, "groups": [{"id": gid, "subject": "Team",
                                              "participantsCount": 3, "isAdmin": True,
                                              "announce": False, "locked": False}]}
    assert client.get(groups_path(B)).json["groups"][0]["isAdmin"] is False
    assert client.get(groups_path(A, "/" + gid)).json == {"ok": True, "group": group}
    # Asking again rewrites nothing that did not change.
    runtime.store.upsert_group(A, {**runtime.store.get_group(A, gid), "updatedAt": "mark"})
    client.get(groups_path(A))
    client.get(groups_path(A, "/" + gid))
    assert runtime.store.get_group(A, gid)["updatedAt"] == "mark"

    # A group the account is not in: 404, and GET groups drops what it no longer is in.
    runtime.store.upsert_group(A, {"id": "120363999999999999@g.us", "subject": "Stale",
                                   "participants": []})
    response = client.get(groups_path(A, "/120363999999999999@g.us"))
    assert response.status_code == 404 and response.json["code"] == "group_not_found"
    client.get(groups_path(A))
    assert [g["id"] for g in runtime.store.list_groups(A)] == [gid]


@pytest.mark.parametrize("body, message", [
    ({"participants": [B_JID]}, "subject is required"),
    ({"subject": "", "participants": [B_JID]}, "subject must be 1-100 characters"),
    ({"subject": "   ", "participants": [B_JID]}, "subject must not be blank"),
    ({"subject": "x" * 101, "participants": [B_JID]}, "subject must be 1-100 characters"),
    ({"subject": "T"}, "participants is required"),
    ({"subject": "T", "participants": []}, "participants must list 1-256"),
    ({"subject": "T", "participants": ["1555%07d" % i for i in range(257)]},
     "participants must list 1-256"),
    ({"subject": "T", "participants": ["12345-67890@g.us"]}, "not groups"),
    ({"subject": "T", "participants": [B_JID, "+15550002222"]}, "twice"),
    ({"subject": "T", "participants": ["hello"]}, "WhatsApp JID"),
    ({"subject": {"$gt": ""}, "participants": [B_JID]}, "subject"),
    ({"subject": "T", "participants": [B_JID], "extra": 1}, "extra"),
    ({"subject": "T", "participants": [B_JID, "+15550001111"]}, "this account itself"),
])
def test_create_refuses_bad_bodies(accounts, runtime, body, message):
    """(Each case leaves nothing behind: no group stored, nothing sent.)"""
    response = accounts.post(groups_path(A), json=body)
    assert response.status_code == 400, response.json
    assert response.json["code"] == "validation_error" and message in response.json["error"]
    assert runtime.store.list_groups(A) == [] and sent(accounts, A) == []


def test_unknown_account_bad_group_id_and_not_connected(accounts):
    client = accounts
    assert client.get(groups_path("nobody")).json["code"] == "account_not_found"
    for method, rest in (("get", "/123"), ("patch", "/x@s.whatsapp.net"),
                         ("post", "/abc@g.us/leave"), ("get", "/15550001111/invite")):
        response = getattr(client, method)(groups_path(A, rest), json={"subject": "x"})
        assert response.status_code == 400 and "groupId" in response.json["error"], rest
    assert client.post(f"/accounts/{A}/disconnect").status_code == 200
    response = client.get(groups_path(A))
    assert response.status_code == 409 and response.json["code"] == "account_not_connected"
    response = client.post(groups_path(A), json={"subject": "T", "participants": [B_JID]})
    assert response.status_code == 409


def test_patch_settings_by_admin_and_refusals_for_others(accounts, runtime, events):
    client = accounts
    gid = create_group(client)["id"]
    response = client.patch(groups_path(A, "/" + gid), json={
        "subject": "Rota", "description": "Who works when", "announce": False})
    assert response.status_code == 200, response.json
    group = response.json["group"]
    assert (group["subject"], group["description"], group["announce"]) == \
        ("Rota", "Who works when", False)
    # Only what changed is in the event (announce was already false).
    updates = named(events, "group.update", A)
    assert [(u["by"], u["changes"]) for u in updates] == [
        (A_JID, {"subject": "Rota", "description": "Who works when"})]
    assert runtime.store.get_group(A, gid)["subject"] == "Rota"
    cleared = client.patch(groups_path(A, "/" + gid), json={"description": ""}).json["group"]
    assert cleared["description"] is None
    assert named(events, "group.update", A)[-1]["changes"] == {"description": None}
    wait_until(lambda: named(events, "group.update", B), message="bob told of the change")
    wait_until(lambda: (runtime.store.get_group(B, gid) or {}).get("subject") == "Rota",
               message="bob's store follows")
    assert sent(client, A)[-1]["type"] == "group.update"

    # Bob is no admin: announce and locked are refused; the subject is his while unlocked.
    for body in ({"announce": True}, {"locked": True}):
        response = client.patch(groups_path(B, "/" + gid), json=body)
        assert response.status_code == 403 and response.json["code"] == "not_admin"
    assert client.patch(groups_path(B, "/" + gid), json={"subject": "Bob's"}).status_code == 200
    assert client.patch(groups_path(A, "/" + gid), json={"locked": True}).status_code == 200
    response = client.patch(groups_path(B, "/" + gid), json={"subject": "Again"})
    assert response.status_code == 403 and response.json["code"] == "not_admin"
    assert runtime.store.get_group(A, gid)["subject"] == "Bob's"
    wait_until(lambda: any(u["changes"] == {"subject": "Bob's"} and u["by"] == B_JID
                           for u in named(events, "group.update", A)),
               message="alice told of bob's rename")

    for body, message in (({}, "at least one"), ({"announce": "yes"}, "true or false"),
                          ({"announce": 1}, "true or false"), ({"subject": "x" * 101}, "1-100"),
                          ({"description": "d" * 2049}, "2048"), ({"owner": A_JID}, "owner")):
        response = client.patch(groups_path(A, "/" + gid), json=body)
        assert response.status_code == 400 and message in response.json["error"], body
    response = client.patch(groups_path(A, "/120363111111111111@g.us"), json={"subject": "x"})
    assert response.status_code == 404 and response.json["code"] == "group_not_found"


def test_participants_one_result_each_and_events(accounts, runtime, events):
    client = accounts
    gid = create_group(client, [B_JID])["id"]
    path = groups_path(A, f"/{gid}/participants")
    response = client.post(path, json={"action": "add",
                                       "participants": [B_JID, "+15550004444", PRIVATE]})
    assert response.status_code == 200
    assert response.json["results"] == [
        {"jid": B_JID, "ok": False, "error": "already_member"},
        {"jid": OTHER, "ok": True, "error": None},
        {"jid": PRIVATE, "ok": False, "error": "privacy_settings"}]
    response = client.post(path, json={"action": "remove", "participants": [C_JID, OTHER]})
    assert response.json["results"] == [{"jid": C_JID, "ok": False, "error": "not_member"},
                                        {"jid": OTHER, "ok": True, "error": None}]
    response = client.post(path, json={"action": "promote", "participants": [B_JID, OTHER]})
    assert response.json["results"] == [{"jid": B_JID, "ok": True, "error": None},
                                        {"jid": OTHER, "ok": False, "error": "not_member"}]
    response = client.post(path, json={"action": "demote", "participants": [A_JID]})
    assert response.json["results"] == [{"jid": A_JID, "ok": False, "error": "not_allowed"}]
    mine = [(e["action"], e["participants"], e["by"])
            for e in named(events, "group.participants", A)]
    assert mine == [("add", [OTHER], A_JID), ("remove", [OTHER], A_JID),
                    ("promote", [B_JID], A_JID)]
    stored = {p["jid"]: p["admin"] for p in runtime.store.get_group(A, gid)["participants"]}
    assert stored == {A_JID: "superadmin", B_JID: "admin"}
    wait_until(lambda: [e["action"] for e in named(events, "group.participants", B)] ==
               ["add", "remove", "promote"], message="bob told of each change")
    assert client.get(groups_path(B)).json["groups"][0]["isAdmin"] is True

    # Demoted, bob may no longer manage members.
    client.post(path, json={"action": "demote", "participants": [B_JID]})
    response = client.post(groups_path(B, f"/{gid}/participants"),
                           json={"action": "add", "participants": [C_JID]})
    assert response.status_code == 403 and response.json["code"] == "not_admin"
    for body in ({"action": "ban", "participants": [C_JID]}, {"action": "add"},
                 {"action": "add", "participants": []},
                 {"action": "add", "participants": [C_JID, C_JID]}):
        assert client.post(path, json=body).status_code == 400, body


def test_invite_revoke_and_join(accounts, runtime, events):
    client = accounts
    connected_account(client, C, C_JID.split("@")[0])
    gid = create_group(client, [B_JID])["id"]
    first = client.get(groups_path(A, f"/{gid}/invite")).json
    assert first["link"] == "https://chat.whatsapp.com/" + first["code"]
    assert client.get(groups_path(A, f"/{gid}/invite")).json == first     # stable until revoked
    response = client.get(groups_path(B, f"/{gid}/invite"))
    assert response.status_code == 403 and response.json["code"] == "not_admin"
    assert client.post(groups_path(B, f"/{gid}/invite/revoke")).status_code == 403

    second = client.post(groups_path(A, f"/{gid}/invite/revoke")).json
    assert second["ok"] and second["code"] != first["code"]
    assert sent(client, A)[-1] == {"type": "group.invite.revoke", "groupId": gid}
    response = client.post(groups_path(C, "/join"), json={"code": first["code"]})
    assert response.status_code == 404 and response.json["code"] == "invite_not_found"
    assert runtime.store.get_group(C, gid) is None
    response = client.post(groups_path(C, "/join"), json={"link": second["link"]})
    assert response.json == {"ok": True, "groupId": gid}
    assert [(e["groupId"], e["subject"]) for e in named(events, "group.joined", C)] == \
        [(gid, "Team")]
    assert runtime.store.get_group(C, gid)["subject"] == "Team"
    wait_until(lambda: any(e["action"] == "join" and e["participants"] == [C_JID]
                           for e in named(events, "group.participants", A)),
               message="alice sees carol join")
    assert C_JID in {p["jid"] for p in runtime.store.get_group(A, gid)["participants"]}
    for body in ({}, {"code": "abc", "link": second["link"]}, {"code": "no spaces here"},
                 {"link": "https://evil.example/abcdefgh"}, {"code": ["x"]}):
        assert client.post(groups_path(C, "/join"), json=body).status_code == 400, body


def test_sandbox_invite_to_someone_elses_group_and_leave(accounts, runtime, events):
    client = accounts
    invite = client.post(f"/sandbox/accounts/{B}/group-invite", json={"subject": "Community"})
    assert invite.status_code == 200
    gid, code = invite.json["groupId"], invite.json["code"]
    assert client.get(groups_path(B)).json["groups"] == []
    assert client.get(groups_path(B, "/" + gid)).status_code == 404
    assert client.post(groups_path(B, "/join"), json={"code": code}).json["groupId"] == gid
    assert client.get(groups_path(B)).json["groups"] == [
        {"id": gid, "subject": "Community", "participantsCount": 2, "isAdmin": False,
         "announce": False, "locked": False}]
    assert sent(client, B)[-1] == {"type": "group.join", "groupId": gid, "code": code}

    assert client.post(groups_path(B, f"/{gid}/leave")).json == {"ok": True}
    assert client.get(groups_path(B)).json["groups"] == []
    assert runtime.store.get_group(B, gid) is None
    left = named(events, "group.participants", B)
    assert [(e["action"], e["participants"], e["by"]) for e in left] == \
        [("leave", [B_JID], B_JID)]
    response = client.post(groups_path(B, f"/{gid}/leave"))
    assert response.status_code == 404 and response.json["code"] == "group_not_found"
    assert client.post("/sandbox/accounts/nobody/group-invite").status_code == 404


def test_announce_only_group_refuses_non_admin_sends(accounts, runtime):
    client = accounts
    gid = create_group(client, [B_JID])["id"]
    assert client.patch(groups_path(A, "/" + gid), json={"announce": True}).status_code == 200
    wait_until(lambda: (runtime.store.get_group(B, gid) or {}).get("announce"),
               message="bob's store knows the group is announce-only")
    response = client.post(f"/accounts/{B}/message/send", json={"to": gid, "message": "hi"})
    assert response.status_code == 403 and response.json["code"] == "not_admin"
    # Without the stored record, WhatsApp (the sandbox) refuses it the same way.
    runtime.store.delete_group(B, gid)
    response = client.post(f"/accounts/{B}/message/send", json={"to": gid, "message": "hi"})
    assert response.status_code == 403 and response.json["code"] == "not_admin"
    assert [s for s in sent(client, B) if s["type"] == "text"] == []
    assert runtime.store.count_messages(B) == 0
    # The admin writes; a member promoted may write too.
    assert client.post(f"/accounts/{A}/message/send",
                       json={"to": gid, "message": "notice"}).status_code == 200
    client.post(groups_path(A, f"/{gid}/participants"),
                json={"action": "promote", "participants": [B_JID]})
    assert client.post(f"/accounts/{B}/message/send",
                       json={"to": gid, "message": "hi"}).status_code == 200
    # A group that exists but the account is not in.
    connected_account(client, C, C_JID.split("@")[0])
    response = client.post(f"/accounts/{C}/message/send", json={"to": gid, "message": "x"})
    assert response.status_code == 404 and response.json["code"] == "group_not_found"


def test_changes_by_other_members_and_the_store_following(accounts, runtime, events):
    client = accounts
    gid = create_group(client, [OTHER, B_JID])["id"]
    event = f"/sandbox/accounts/{A}/groups/{gid}/event"
    # A non-admin member may not add; a non-member may not act at all.
    response = client.post(event, json={"by": OTHER, "action": "add", "participants": [C_JID]})
    assert response.status_code == 403 and response.json["code"] == "not_admin"
    response = client.post(event, json={"by": C_JID, "action": "update",
                                        "changes": {"subject": "x"}})
    assert response.status_code == 400 and "not a member" in response.json["error"]
    client.post(groups_path(A, f"/{gid}/participants"),
                json={"action": "promote", "participants": [OTHER]})

    assert client.post(event, json={"by": OTHER, "action": "add",
                                    "participants": [C_JID, PRIVATE]}).json == \
        {"ok": True, "participants": [C_JID]}
    assert client.post(event, json={"by": OTHER, "action": "update", "changes": {
        "subject": "Renamed", "locked": True}}).json["changes"] == \
        {"subject": "Renamed", "locked": True}
    client.post(event, json={"by": C_JID, "action": "leave"})
    wait_until(lambda: len(named(events, "group.participants", A)) == 3,
               message="three participant events")
    theirs = [(e["action"], e["participants"], e["by"])
              for e in named(events, "group.participants", A)]
    assert theirs == [("promote", [OTHER], A_JID), ("add", [C_JID], OTHER),
                      ("leave", [C_JID], C_JID)]
    update = named(events, "group.update", A)[-1]
    assert update["by"] == OTHER and update["changes"] == {"subject": "Renamed", "locked": True}
    stored = runtime.store.get_group(A, gid)
    assert stored["subject"] == "Renamed" and stored["locked"] is True
    assert {p["jid"] for p in stored["participants"]} == {A_JID, OTHER, B_JID}

    # Removed by an admin: the account is told, and the group leaves its store. Nobody
    # removes the group's creator.
    assert client.post(event, json={"by": OTHER, "action": "remove", "participants": [
        A_JID, B_JID]}).json["participants"] == [B_JID]
    wait_until(lambda: any(e["action"] == "remove" for e in named(
        events, "group.participants", B)), message="bob told he was removed")
    assert runtime.store.get_group(B, gid) is None      # stored before it was emitted
    removed = named(events, "group.participants", B)[-1]
    assert (removed["action"], removed["participants"], removed["by"]) == \
        ("remove", [B_JID], OTHER)
    assert client.get(groups_path(B)).json["groups"] == []
    assert client.get(groups_path(B, "/" + gid)).json["code"] == "group_not_found"
    for body in ({"by": OTHER, "action": "add"}, {"by": OTHER, "action": "update"},
                 {"by": OTHER, "action": "kick", "participants": [C_JID]}, {"action": "leave"}):
        assert client.post(event, json=body).status_code == 400, body


def test_someone_adding_the_account_is_group_joined(accounts, runtime, events):
    client = accounts
    gid = create_group(client, [OTHER])["id"]
    client.post(f"/sandbox/accounts/{A}/groups/{gid}/event",
                json={"by": A_JID, "action": "add", "participants": [B_JID]})
    wait_until(lambda: named(events, "group.joined", B), message="bob's group.joined")
    assert named(events, "group.joined", B)[0]["by"] == A_JID
    assert runtime.store.get_group(B, gid)["subject"] == "Team"


def test_a_change_already_recorded_emits_nothing(accounts, runtime, events):
    """WhatsApp echoes our own changes as notifications: they must not be emitted twice."""
    client = accounts
    gid = create_group(client, [OTHER])["id"]
    client.patch(groups_path(A, "/" + gid), json={"subject": "Once"})
    session = runtime.driver.session(A)
    session.emit(base.GROUP_UPDATE, {"groupId": gid, "by": A_JID,
                                     "changes": {"subject": "Once"}})
    session.emit(base.GROUP_PARTICIPANTS, {"groupId": gid, "action": "add",
                                           "participants": [OTHER], "by": A_JID})
    session.emit(base.GROUP_JOINED, {"groupId": gid, "subject": "Once", "by": A_JID,
                                     "group": None})
    session.emit(base.GROUP_UPDATE, {"groupId": gid, "by": OTHER,
                                     "changes": {"description": "marker"}})
    wait_until(lambda: any(e["changes"] == {"description": "marker"}
                           for e in named(events, "group.update", A)), message="marker")
    assert [e["changes"] for e in named(events, "group.update", A)] == \
        [{"subject": "Once"}, {"description": "marker"}]
    assert named(events, "group.participants", A) == []
    assert len(named(events, "group.joined", A)) == 1
    # The echo of the join, which named no participants, kept the stored ones.
    assert {p["jid"] for p in runtime.store.get_group(A, gid)["participants"]} == {A_JID, OTHER}
    # A join that names only the group: recorded with what is known, and told once.
    unknown = "120363555555555555@g.us"
    session.emit(base.GROUP_JOINED, {"groupId": unknown, "subject": "New", "by": OTHER,
                                     "group": None})
    wait_until(lambda: len(named(events, "group.joined", A)) == 2, message="second join")
    assert named(events, "group.joined", A)[-1] == {**named(events, "group.joined", A)[-1],
                                                    "groupId": unknown, "by": OTHER}
    assert runtime.store.get_group(A, unknown)["participants"][0]["jid"] == A_JID


def test_group_picture(accounts, runtime, tmp_path):
    client = accounts
    gid = create_group(client, [B_JID])["id"]
    path = groups_path(A, f"/{gid}/picture")
    response = client.put(path, data={"image": (io.BytesIO(png()), "p.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    picture = runtime.driver.group_network.group(gid).picture
    assert picture[:3] == b"\xff\xd8\xff"                       # sent as a JPEG…
    assert Image.open(io.BytesIO(picture)).size == (600, 600)   # …cropped square
    assert sent(client, A)[-1] == {"type": "group.picture", "groupId": gid,
                                   "size": len(picture)}
    response = client.put(path, data={"image": (io.BytesIO(b"just text " * 20), "a.txt")},
                          content_type="multipart/form-data")
    assert response.status_code == 415
    response = client.put(path, data={"image": (io.BytesIO(png()[:80]), "cut.png")},
                      content_type="multipart/form-data")   # a PNG cut short
    assert response.status_code == 400 and response.json["code"] == "invalid_image"
    huge = io.BytesIO()
    Image.new("1", (8000, 7000)).save(huge, "PNG")            # 56 Mpx: refused undecoded
    response = client.put(path, data={"image": (io.BytesIO(huge.getvalue()), "huge.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 400 and "too large" in response.json["error"]
    response = client.put(path, data={"picture": (io.BytesIO(png()), "p.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 400
    assert client.put(path, json={"image": "x"}).status_code == 400
    client.patch(groups_path(A, "/" + gid), json={"locked": True})
    response = client.put(groups_path(B, f"/{gid}/picture"),
                          data={"image": (io.BytesIO(png(50, 50)), "p.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 403 and response.json["code"] == "not_admin"


def test_group_events_reach_a_webhook(accounts):
    """The group events go out like every other: through the outbox to a real endpoint."""
    from tests.receiver import Receiver
    client = accounts
    receiver = Receiver().start()
    try:
        response = client.post("/webhooks", json={
            "url": receiver.url, "accountId": B,
            "events": ["group.joined", "group.update", "group.participants"]})
        assert response.status_code == 201, response.json
        gid = create_group(client, [B_JID])["id"]
        client.patch(groups_path(A, "/" + gid), json={"locked": True})
        client.post(groups_path(A, f"/{gid}/participants"),
                    json={"action": "add", "participants": [OTHER]})
        got = {r.json["event"]: r.json for r in receiver.wait_for(3)}   # sent in parallel
        assert sorted(got) == ["group.joined", "group.participants", "group.update"]
        assert {e["accountId"] for e in got.values()} == {B}
        assert got["group.joined"]["groupId"] == gid and got["group.joined"]["subject"] == "Team"
        assert got["group.update"]["changes"] == {"locked": True}
        assert got["group.update"]["by"] == A_JID
        assert got["group.participants"]["participants"] == [OTHER]
        assert got["group.participants"]["action"] == "add"
    finally:
        receiver.stop()


def test_group_chat_between_sandbox_members(accounts, runtime, events):
    """A message to a simulated group reaches the other members' accounts: `from` is the
    participant, `chatId` the group."""
    client = accounts
    gid = create_group(client, [B_JID, OTHER])["id"]
    sent_id = client.post(f"/accounts/{A}/message/send",
                          json={"to": gid, "message": "hello team"}).json["messageId"]
    wait_until(lambda: [e for e in named(events, "message", B) if e["messageId"] == sent_id],
               message="bob receives the group message")
    [got] = [e for e in named(events, "message", B) if e["messageId"] == sent_id]
    assert (got["chatId"], got["from"], got["isGroup"], got["text"]) == \
        (gid, A_JID, True, "hello team")
    assert named(events, "message", A) == []                  # the sender is not told
    chat = client.get(f"/accounts/{B}/chats").json["chats"][0]
    assert chat["chatId"] == gid and chat["isGroup"] is True
