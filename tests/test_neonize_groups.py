"""The neonize side of groups (issue 12): the normalisers over real neonize 0.5.2 protobufs
(GroupInfo, GroupInfoEvent, JoinedGroup, GroupParticipant), whatsmeow's error strings raised
as neonize's own exception classes, and the child's group methods driving a stand-in for
neonize's client (WhatsApp's servers cannot be reached here, so the client that would talk
to them is the one thing faked; the arguments it receives are real neonize types)."""
import pytest

pytest.importorskip("neonize")

from neonize import exc as nexc  # noqa: E402
from neonize.proto import Neonize_pb2 as np  # noqa: E402
from neonize.utils.enum import ParticipantChange  # noqa: E402

from wildcat.drivers import base  # noqa: E402
from workers.neonize import codec, codec_groups  # noqa: E402
from workers.neonize.child_groups import GROUP_REMOTE_METHODS, NeonizeGroupsMixin  # noqa: E402

GROUP = "120363012345678901@g.us"
ME = "15550001111@s.whatsapp.net"
PEER = "4915112345678@s.whatsapp.net"
ADMIN = "447700900123@s.whatsapp.net"
PEER_LID = "123456789012345@lid"
CREATED = 1_717_000_000


def jid(s):
    return codec.parse_jid(s)


def participant(pn=None, lid=None, *, as_lid=False, admin=False, superadmin=False, error=0):
    p = np.GroupParticipant(IsAdmin=admin or superadmin, IsSuperAdmin=superadmin, Error=error)
    if as_lid:                           # LID-addressed group: JID is the LID
        p.JID.CopyFrom(jid(lid))
        if pn:
            p.PhoneNumber.CopyFrom(jid(pn))
    else:
        p.JID.CopyFrom(jid(pn))
    if lid:
        p.LID.CopyFrom(jid(lid))
    return p


def group_info(**extra):
    info = np.GroupInfo(
        JID=jid(GROUP), OwnerJID=jid(ME), GroupName=np.GroupName(Name="Staff rota"),
        GroupTopic=np.GroupTopic(Topic="Who works when", TopicID="T1"),
        GroupAnnounce=np.GroupAnnounce(IsAnnounce=True), GroupLocked=np.GroupLocked(isLocked=False),
        GroupCreated=float(CREATED),
        Participants=[participant(ME, superadmin=True),
                      participant(PEER, PEER_LID, as_lid=True),
                      participant(ADMIN, admin=True)], **extra)
    return info


# -- normalisers ----------------------------------------------------------------------------
def test_group_info_normalised():
    group = codec_groups.normalise_group(group_info())
    assert group == {
        "id": GROUP, "subject": "Staff rota", "description": "Who works when", "owner": ME,
        # float32 on the wire: Unix seconds exact to ~2 minutes only
        "createdAt": int(float(np.GroupInfo(GroupCreated=CREATED).GroupCreated)) * 1000,
        "announce": True, "locked": False,
        "participants": [
            {"jid": ME, "phone": "15550001111", "lid": None, "admin": "superadmin"},
            {"jid": PEER, "phone": "4915112345678", "lid": PEER_LID, "admin": None},
            {"jid": ADMIN, "phone": "447700900123", "lid": None, "admin": "admin"}]}
    assert abs(group["createdAt"] - CREATED * 1000) <= 128_000
    # A LID-only member, a deleted topic, no creation time, the owner's phone number.
    info = group_info(OwnerPN=jid(ADMIN))
    info.GroupTopic.TopicDeleted = True
    info.GroupCreated = 0
    del info.Participants[:]
    info.Participants.append(participant(None, PEER_LID, as_lid=True))
    group = codec_groups.normalise_group(info)
    assert group["owner"] == ADMIN and group["description"] is None
    assert group["createdAt"] is None
    assert group["participants"] == [{"jid": PEER_LID, "phone": None, "lid": PEER_LID,
                                      "admin": None}]


def test_group_info_event_settings_and_members():
    ev = np.GroupInfoEvent(JID=jid(GROUP), Sender=jid(ADMIN), Timestamp=CREATED,
                           Name=np.GroupName(Name="Renamed"),
                           Topic=np.GroupTopic(Topic="New rules"),
                           Announce=np.GroupAnnounce(IsAnnounce=False),
                           Locked=np.GroupLocked(isLocked=True),
                           Join=[jid(PEER)], Leave=[jid(ME)], Promote=[jid(PEER)],
                           Demote=[jid(ADMIN)])
    assert codec_groups.normalise_group_event(ev) == [
        (base.GROUP_UPDATE, {"groupId": GROUP, "by": ADMIN, "changes": {
            "subject": "Renamed", "description": "New rules", "announce": False,
            "locked": True}}),
        (base.GROUP_PARTICIPANTS, {"groupId": GROUP, "action": "add",
                                   "participants": [PEER], "by": ADMIN}),
        (base.GROUP_PARTICIPANTS, {"groupId": GROUP, "action": "remove",
                                   "participants": [ME], "by": ADMIN}),
        (base.GROUP_PARTICIPANTS, {"groupId": GROUP, "action": "promote",
                                   "participants": [PEER], "by": ADMIN}),
        (base.GROUP_PARTICIPANTS, {"groupId": GROUP, "action": "demote",
                                   "participants": [ADMIN], "by": ADMIN})]


@pytest.mark.parametrize("fields, expected", [
    # joined by link: JoinReason "invite"
    (dict(Sender=jid(PEER), Join=[jid(PEER)], JoinReason="invite"), ("join", [PEER], PEER)),
    (dict(Join=[jid(PEER)]), ("join", [PEER], None)),
    (dict(Sender=jid(PEER), Leave=[jid(PEER)]), ("leave", [PEER], PEER)),
    (dict(Leave=[jid(PEER)]), ("leave", [PEER], None)),
    (dict(Sender=jid(ADMIN), Leave=[jid(PEER_LID)]), ("remove", [PEER_LID], ADMIN)),
])
def test_group_info_event_join_and_leave(fields, expected):
    [(kind, data)] = codec_groups.normalise_group_event(np.GroupInfoEvent(JID=jid(GROUP),
                                                                          **fields))
    assert kind == base.GROUP_PARTICIPANTS
    assert (data["action"], data["participants"], data["by"]) == expected


def test_group_info_event_without_a_known_change_is_nothing():
    ev = np.GroupInfoEvent(JID=jid(GROUP), Sender=jid(ADMIN), NewInviteLink="x",
                           Delete=np.GroupDelete(Deleted=True))
    assert codec_groups.normalise_group_event(ev) == []
    ev = np.GroupInfoEvent(JID=jid(GROUP), Topic=np.GroupTopic(TopicDeleted=True))
    assert codec_groups.normalise_group_event(ev) == [
        (base.GROUP_UPDATE, {"groupId": GROUP, "by": None, "changes": {"description": None}})]


def test_joined_group_normalised():
    ev = np.JoinedGroup(Reason="invite", Type="new", GroupInfo=group_info(), Sender=jid(ADMIN))
    data = codec_groups.normalise_joined(ev)
    assert data["groupId"] == GROUP and data["subject"] == "Staff rota" and data["by"] == ADMIN
    assert data["group"] == codec_groups.normalise_group(group_info())
    assert codec_groups.normalise_joined(np.JoinedGroup(GroupInfo=group_info()))["by"] is None


def test_participant_results_in_request_order():
    answer = [participant(PEER, error=409), participant(ADMIN),
              participant("15550000403@s.whatsapp.net", error=403),
              participant(None, PEER_LID, as_lid=True, error=404),
              participant("15550009999@s.whatsapp.net", error=499)]
    requested = [ADMIN, PEER, "15550000403@s.whatsapp.net", PEER_LID,
                 "15550009999@s.whatsapp.net", "15550008888@s.whatsapp.net"]
    assert codec_groups.participant_results("add", requested, answer) == [
        {"jid": ADMIN, "ok": True, "error": None},
        {"jid": PEER, "ok": False, "error": "already_member"},
        {"jid": "15550000403@s.whatsapp.net", "ok": False, "error": "privacy_settings"},
        {"jid": PEER_LID, "ok": False, "error": "not_member"},
        {"jid": "15550009999@s.whatsapp.net", "ok": False, "error": "error_499"},
        {"jid": "15550008888@s.whatsapp.net", "ok": False, "error": "no_answer"}]
    assert codec_groups.participant_results(
        "demote", [ME], [participant(ME, error=403)])[0]["error"] == "not_allowed"


@pytest.mark.parametrize("exc, kwargs, expected", [
    (nexc.GetGroupInfoError("you're not participating in that group"), {}, base.NotInGroup),
    (nexc.GetGroupInfoError("that group does not exist"), {}, base.NotInGroup),
    (nexc.GetGroupInfoError("info query returned status 403: forbidden"),
     {"forbidden": base.NotInGroup}, base.NotInGroup),
    (nexc.SetGroupNameError("info query returned status 403: forbidden"), {},
     base.NotGroupAdmin),
    (nexc.SetGroupLockedError("info query returned status 401: not-authorized"), {},
     base.NotGroupAdmin),
    (nexc.GetGroupInviteLinkError(
        "you don't have the permission to get the group's invite link"), {}, base.NotGroupAdmin),
    (nexc.InviteLinkError("that group invite link has been revoked"), {"invite": True},
     base.InvalidInvite),
    (nexc.InviteLinkError("that group invite link is not valid"), {"invite": True},
     base.InvalidInvite),
    (nexc.SendMessageError("server returned error 403"), {}, base.NotGroupAdmin),
    (nexc.CreateGroupError("websocket not connected"), {}, base.DriverError),
])
def test_whatsmeow_errors_become_driver_errors(exc, kwargs, expected):
    error = codec_groups.group_error("do it", exc, **kwargs)
    assert type(error) is expected


# -- the child's group methods ---------------------------------------------------------------
class StandInClient:
    """Stands in for neonize's NewClient (which would talk to WhatsApp): records each call
    with its real neonize arguments and answers with real protobufs or neonize's errors."""

    def __init__(self):
        self.calls, self.refuse = [], {}

    def __getattr__(self, name):
        def call(*args):
            self.calls.append((name, args))
            if name in self.refuse:
                raise self.refuse[name]
            return ANSWERS[name](*args)
        return call


def renamed(info, name):
    info.GroupName.Name = name
    return info


ANSWERS = {
    "get_joined_groups": lambda: [group_info()],
    "get_group_info": lambda j: group_info(),
    "create_group": lambda name, participants: renamed(group_info(), name),
    "set_group_name": lambda j, name: None, "set_group_topic": lambda j, a, b, t: None,
    "set_group_announce": lambda j, v: None, "set_group_locked": lambda j, v: None,
    "update_group_participants": lambda j, ps, change: [
        participant(codec.jid_to_str(p), error=409 if i else 0) for i, p in enumerate(ps)],
    "get_group_invite_link": lambda j, revoke: "https://chat.whatsapp.com/" + (
        "NewCode12345678901234" if revoke else "OldCode12345678901234"),
    "join_group_with_link": lambda code: jid(GROUP),
    "leave_group": lambda j: None, "set_group_photo": lambda j, data: "PIC1",
}


class Session(NeonizeGroupsMixin):
    account_id = "acct"

    def __init__(self, connected=True):
        self.client, self.connected, self.emitted = StandInClient(), connected, []

    def _connected_client(self):
        if not self.connected:
            raise base.NotConnected("account is not connected")
        return self.client

    def _emit(self, kind, data):
        self.emitted.append((kind, data))


def test_child_group_methods_call_neonize_with_its_types():
    session = Session()
    assert session.list_groups() == [codec_groups.normalise_group(group_info())]
    assert session.group_info(GROUP)["subject"] == "Staff rota"
    created = session.create_group("New", [PEER, ADMIN])
    assert created["subject"] == "New"
    name, (subject, members) = session.client.calls[-1]
    assert name == "create_group" and subject == "New"
    assert [codec.jid_to_str(m) for m in members] == [PEER, ADMIN]
    assert all(isinstance(m, np.JID) for m in members)

    session.client.calls.clear()
    session.update_group(GROUP, {"subject": "S", "description": "", "announce": True,
                                 "locked": False})
    assert [(n, a[1:]) for n, a in session.client.calls] == [
        ("set_group_announce", (True,)), ("set_group_locked", (False,)),
        ("set_group_name", ("S",)), ("set_group_topic", ("", "", ""))]
    assert all(codec.jid_to_str(a[0]) == GROUP for _, a in session.client.calls)

    results = session.update_participants(GROUP, "promote", [PEER, ADMIN])
    assert results == [{"jid": PEER, "ok": True, "error": None},
                       {"jid": ADMIN, "ok": False, "error": "already_member"}]
    assert session.client.calls[-1][1][2] is ParticipantChange.PROMOTE
    assert session.group_invite(GROUP) == "OldCode12345678901234"
    assert session.group_invite(GROUP, True) == "NewCode12345678901234"
    assert session.client.calls[-1][1][1] is True
    assert session.join_group("OldCode12345678901234")["id"] == GROUP
    session.leave_group(GROUP)
    session.set_group_picture(GROUP, b"\xff\xd8jpeg")
    assert session.client.calls[-1] == ("set_group_photo", (jid(GROUP), b"\xff\xd8jpeg"))
    assert set(GROUP_REMOTE_METHODS) == {
        "list_groups", "group_info", "create_group", "update_group", "update_participants",
        "group_invite", "join_group", "leave_group", "set_group_picture"}


def test_child_group_methods_raise_the_drivers_errors():
    session = Session()
    session.client.refuse = {
        "get_group_info": nexc.GetGroupInfoError("info query returned status 403: forbidden"),
        "set_group_name": nexc.SetGroupNameError("info query returned status 403: forbidden"),
        "join_group_with_link": nexc.InviteLinkError("that group invite link has been revoked"),
        "leave_group": nexc.LeaveGroupError("you're not participating in that group"),
        "get_joined_groups": nexc.GetJoinedGroupsError("websocket not connected")}
    with pytest.raises(base.NotInGroup):
        session.group_info(GROUP)
    with pytest.raises(base.NotGroupAdmin):
        session.update_group(GROUP, {"subject": "x"})
    with pytest.raises(base.InvalidInvite):
        session.join_group("Revoked12345678901234")
    with pytest.raises(base.NotInGroup):
        session.leave_group(GROUP)
    with pytest.raises(base.DriverError, match="list groups failed: websocket not connected"):
        session.list_groups()
    with pytest.raises(base.NotConnected):
        Session(connected=False).list_groups()


def test_joined_by_link_but_unreadable_still_answers_the_group_id():
    session = Session()
    session.client.refuse = {"get_group_info": nexc.GetGroupInfoError("timed out")}
    assert session.join_group("Code1234567890")["id"] == GROUP


def test_child_group_events_become_driver_events():
    session = Session()
    session._on_joined_group(np.JoinedGroup(GroupInfo=group_info(), Sender=jid(ADMIN)))
    session._on_group_info(np.GroupInfoEvent(JID=jid(GROUP), Sender=jid(ADMIN),
                                             Name=np.GroupName(Name="R"), Join=[jid(PEER)]))
    assert [kind for kind, _ in session.emitted] == [
        base.GROUP_JOINED, base.GROUP_UPDATE, base.GROUP_PARTICIPANTS]
    handlers = session._group_handlers()
    from neonize.events import GroupInfoEv, JoinedGroupEv
    assert set(handlers) == {GroupInfoEv, JoinedGroupEv}
    assert GroupInfoEv is np.GroupInfoEvent and JoinedGroupEv is np.JoinedGroup
