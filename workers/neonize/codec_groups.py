"""Group conversions between neonize 0.5.2 protobufs and WILDCAT's driver dicts (groups
section of drivers/base.py), and whatsmeow's group errors as the driver's exceptions.

Only the session host child imports this module (it loads neonize). Facts of neonize 0.5.2
it relies on: GroupInfo.GroupCreated is a float32 of Unix seconds (so it is only exact to
about two minutes); GroupInfoEvent lists Join/Leave/Promote/Demote JIDs and the changed
settings, `Sender` being who acted; JoinedGroup carries the whole GroupInfo.
"""
from neonize.proto import Neonize_pb2 as neonize_proto

from wildcat.drivers import base
from workers.neonize.codec import LID_SERVER, USER_SERVER, jid_to_str

# GroupParticipant.Error of an UpdateGroupParticipants answer (WhatsApp's codes).
PARTICIPANT_ERRORS = {401: "not_allowed", 404: "not_member", 406: "not_allowed",
                      408: "recently_left", 409: "already_member", 500: "server_error"}

_NOT_IN_GROUP = ("you're not participating", "that group does not exist", "status 404",
                 "item-not-found")
_NOT_ADMIN = ("permission", "status 401", "status 403", "not-authorized", "forbidden",
              "error 401", "error 403")
_BAD_INVITE = ("invite link is not valid", "invite link has been revoked", "status 406",
               "status 410", "not-acceptable", "gone")


def _jid(jid) -> str | None:
    return jid_to_str(jid) if jid is not None and jid.User else None


def normalise_participant(p: neonize_proto.GroupParticipant) -> dict:
    """{jid, phone, lid, admin}: `jid` is the phone JID when WhatsApp gives one (LID-addressed
    groups name members by LID and add the phone number beside it)."""
    jid, phone_jid, lid = _jid(p.JID), _jid(p.PhoneNumber), _jid(p.LID)
    if jid and jid.endswith("@" + LID_SERVER):
        lid = lid or jid
        jid = phone_jid or jid
    phone_jid = phone_jid or (jid if jid and jid.endswith("@" + USER_SERVER) else None)
    admin = "superadmin" if p.IsSuperAdmin else "admin" if p.IsAdmin else None
    return {"jid": jid, "phone": phone_jid.split("@")[0] if phone_jid else None, "lid": lid,
            "admin": admin}


def normalise_group(info: neonize_proto.GroupInfo) -> dict:
    """The normalised group of a GroupInfo."""
    topic = info.GroupTopic
    owner = _jid(info.OwnerPN) or _jid(info.OwnerJID)
    return {"id": jid_to_str(info.JID), "subject": info.GroupName.Name or None,
            "description": None if topic.TopicDeleted else (topic.Topic or None),
            "owner": owner,
            "createdAt": int(info.GroupCreated) * 1000 if info.GroupCreated > 0 else None,
            "announce": bool(info.GroupAnnounce.IsAnnounce),
            "locked": bool(info.GroupLocked.isLocked),
            "participants": [normalise_participant(p) for p in info.Participants]}


def normalise_joined(ev: neonize_proto.JoinedGroup) -> dict:
    """GROUP_JOINED data of a JoinedGroup event (this account was added, joined or created)."""
    group = normalise_group(ev.GroupInfo)
    by = _jid(ev.SenderPN) or _jid(ev.Sender)   # unset: an empty JID, so None
    return {"groupId": group["id"], "subject": group["subject"], "by": by, "group": group}


def normalise_group_event(ev: neonize_proto.GroupInfoEvent) -> list[tuple[str, dict]]:
    """The driver events of one GroupInfoEvent, in order: settings first, then members."""
    group_id = jid_to_str(ev.JID)
    by = _jid(ev.Sender)
    out = []
    changes = {}
    if ev.HasField("Name"):
        changes["subject"] = ev.Name.Name
    if ev.HasField("Topic"):
        changes["description"] = None if ev.Topic.TopicDeleted else (ev.Topic.Topic or None)
    if ev.HasField("Announce"):
        changes["announce"] = bool(ev.Announce.IsAnnounce)
    if ev.HasField("Locked"):
        changes["locked"] = bool(ev.Locked.isLocked)
    if changes:
        out.append((base.GROUP_UPDATE, {"groupId": group_id, "by": by, "changes": changes}))

    def members(action, jids):
        if jids:
            out.append((base.GROUP_PARTICIPANTS, {"groupId": group_id, "action": action,
                                                  "participants": jids, "by": by}))

    joined = [_jid(j) for j in ev.Join if j.User]
    # Joining by link (JoinReason "invite") or on one's own: join; put in by an admin: add.
    if ev.JoinReason == "invite" or by is None or joined == [by]:
        members("join", joined)
    else:
        members("add", joined)
    left = [_jid(j) for j in ev.Leave if j.User]
    members("leave", [j for j in left if by is None or j == by])
    members("remove", [j for j in left if by is not None and j != by])
    members("promote", [_jid(j) for j in ev.Promote if j.User])
    members("demote", [_jid(j) for j in ev.Demote if j.User])
    return out


def participant_results(action: str, requested: list[str], answer) -> list[dict]:
    """One {jid, ok, error} per requested JID (in request order) from the GroupParticipant
    list UpdateGroupParticipants answered."""
    by_jid = {}
    for p in answer:
        for key in (_jid(p.JID), _jid(p.PhoneNumber), _jid(p.LID)):
            if key:
                by_jid.setdefault(key, p)
    results = []
    for jid in requested:
        p = by_jid.get(jid)
        if p is None:
            results.append({"jid": jid, "ok": False, "error": "no_answer"})
        elif not p.Error:
            results.append({"jid": jid, "ok": True, "error": None})
        elif p.Error == 403:
            results.append({"jid": jid, "ok": False, "error": (
                "privacy_settings" if action == "add" else "not_allowed")})
        else:
            results.append({"jid": jid, "ok": False,
                            "error": PARTICIPANT_ERRORS.get(p.Error, "error_%d" % p.Error)})
    return results


def invite_code(link: str) -> str:
    """The code of an invite link (https://chat.whatsapp.com/<code>)."""
    return link.rstrip("/").rsplit("/", 1)[-1]


def group_error(what: str, exc: Exception, *, forbidden=base.NotGroupAdmin,
                invite=False) -> base.DriverError:
    """The driver exception for a failed whatsmeow group call. `forbidden`: what a 401/403
    means for this call (an admin-only action: NotGroupAdmin; reading a group: NotInGroup)."""
    text = str(exc)
    low = text.lower()
    if invite and any(s in low for s in _BAD_INVITE):
        return base.InvalidInvite("the invite code is invalid or was revoked")
    if any(s in low for s in _NOT_IN_GROUP):
        return base.NotInGroup("the account is not in this group")
    if any(s in low for s in _NOT_ADMIN):
        if forbidden is base.NotInGroup:
            return base.NotInGroup("the account is not in this group")
        return base.NotGroupAdmin("WhatsApp refused: only group admins can %s" % what)
    return base.DriverError("%s failed: %s" % (what, text[:300]))
