"""Groups on the sandbox's simulated WhatsApp: members, admins, settings, invite codes and
WhatsApp's rules (only admins change members, announce or locked; only admins edit the
subject, description and picture of a locked group; only admins write in an announce-only
group; only members see a group).

`GroupNetwork` is the network's group registry, kept in the store's world documents
(`group:<id>`, `invite:<code>`, sandbox_world.py) so that every process sees the same groups;
each change is one atomic read-modify-write (`Store.world_change`).
`SandboxGroupSession` (sandbox_group_session.py) gives SandboxSession the DriverSession group
methods on top of it. Every change is told to the other sandbox accounts in the group, once
committed, as the driver events WhatsApp would send them (mailbox packets: an offline member
gets them when it reconnects); the acting account records its own change itself
(wildcat/commands.py).
"""
import base64
import secrets
import time

from wildcat.drivers import base

# Numbers ending in these digits refuse being added by others (their privacy settings).
PRIVACY_SUFFIX = "0403"
SETTINGS = ("subject", "description", "announce", "locked")


def _phone(jid):
    return jid.split("@")[0] if jid.endswith("@s.whatsapp.net") else None


class SandboxGroup:
    """One simulated group. Participants: {jid: None | "admin" | "superadmin"}."""

    def __init__(self, group_id, subject, owner):
        self.id, self.subject, self.owner = group_id, subject, owner
        self.description = None
        self.created_at = int(time.time() * 1000)
        self.announce = self.locked = False
        self.participants = {owner: "superadmin"}
        self.picture = None
        self.invite = None       # the current invite code

    def to_doc(self):
        """The group as a world document (participants as pairs: JIDs hold dots)."""
        return {"id": self.id, "subject": self.subject, "owner": self.owner,
                "description": self.description, "createdAt": self.created_at,
                "announce": self.announce, "locked": self.locked, "invite": self.invite,
                "participants": [[jid, role] for jid, role in self.participants.items()],
                "picture": base64.b64encode(self.picture).decode() if self.picture else None}

    @classmethod
    def from_doc(cls, doc):
        group = cls(doc["id"], doc["subject"], doc["owner"])
        group.description, group.created_at = doc["description"], doc["createdAt"]
        group.announce, group.locked, group.invite = doc["announce"], doc["locked"], doc["invite"]
        group.participants = {jid: role for jid, role in doc["participants"]}
        group.picture = base64.b64decode(doc["picture"]) if doc["picture"] else None
        return group

    def view(self):
        """The normalised group (drivers/base.py)."""
        return {"id": self.id, "subject": self.subject, "description": self.description,
                "owner": self.owner, "createdAt": self.created_at,
                "announce": self.announce, "locked": self.locked,
                "participants": [{"jid": jid, "phone": _phone(jid), "lid": None,
                                  "admin": admin} for jid, admin in self.participants.items()]}

    def require_member(self, jid):
        if jid not in self.participants:
            raise base.NotInGroup(f"{jid} is not in group {self.id}")

    def require_admin(self, jid, what):
        self.require_member(jid)
        if not self.participants[jid]:
            raise base.NotGroupAdmin(f"only group admins can {what}")

    def check_change(self, jid, changes):
        """WhatsApp's rule for settings: announce/locked are admins'; subject, description
        and picture are admins' once the group is locked."""
        if "announce" in changes or "locked" in changes or self.locked:
            self.require_admin(jid, "change " + "/".join(sorted(changes)))
        self.require_member(jid)

    def apply(self, changes):
        """Set the changed settings; the ones that really changed."""
        done = {}
        for key in SETTINGS:
            if key in changes and getattr(self, key) != changes[key]:
                setattr(self, key, changes[key])
                done[key] = changes[key]
        return done

    def change_participant(self, action, jid, by):
        """One participant of an add/remove/promote/demote by admin `by`: None when done,
        else WhatsApp's reason for this participant."""
        role = self.participants.get(jid, False)
        if action == "add":
            if role is not False:
                return "already_member"
            if jid.split("@")[0].endswith(PRIVACY_SUFFIX):
                return "privacy_settings"
            self.participants[jid] = None
        elif role is False:
            return "not_member"
        elif role == "superadmin" or jid == by:
            return "not_allowed"
        elif action == "remove":
            del self.participants[jid]
        elif action == "promote":
            if role:
                return "already_admin"
            self.participants[jid] = "admin"
        elif action == "demote":
            if not role:
                return "not_admin"
            self.participants[jid] = None
        return None


class GroupNetwork:
    """Every group of the simulated network, and their invite codes, in the store. A change
    runs as `change(group_id, fn)`: fn(group) applies WhatsApp's rules and mutates the group
    (it may run again if another process changed the group meanwhile, so it only computes);
    what the other members are told is posted after the change is committed."""

    def __init__(self, driver):
        self.driver = driver

    @property
    def store(self):
        return self.driver.world.store

    def group(self, group_id):
        """The stored group, or None."""
        doc = self.store.world_get("group:" + group_id)
        return SandboxGroup.from_doc(doc) if doc else None

    def get(self, group_id, member):
        group = self.group(group_id)
        if group is None:
            raise base.NotInGroup(f"group {group_id} does not exist")
        group.require_member(member)
        return group

    def member_of(self, jid):
        """Every group `jid` is in."""
        groups = (SandboxGroup.from_doc(doc) for _, doc in self.store.world_list("group:"))
        return [g for g in groups if jid in g.participants]

    def change(self, group_id, fn, member=None):
        """Apply fn(group) atomically (`member`, when given, must be in the group); returns
        (the group as committed, what fn returned)."""
        done = {}

        def apply(doc):
            if doc is None:
                raise base.NotInGroup(f"group {group_id} does not exist")
            group = SandboxGroup.from_doc(doc)
            if member is not None:
                group.require_member(member)
            done["result"], done["group"] = fn(group), group
            return group.to_doc()
        self.store.world_change("group:" + group_id, apply)
        return done["group"], done["result"]

    def create(self, subject, owner, participants=()):
        """A new group run by `owner`; returns (group, the participants it refused)."""
        group_id = "120363" + "".join(str(secrets.randbelow(10)) for _ in range(12)) + "@g.us"
        group = SandboxGroup(group_id, subject, owner)
        refused = {jid: reason for jid in participants if jid != owner
                   and (reason := group.change_participant("add", jid, owner))}

        def insert(cur):
            if cur is not None:
                raise base.DriverError("group id collision, try again")
            return group.to_doc()
        self.store.world_change("group:" + group_id, insert)
        return group, refused

    def invite(self, group_id, admin, revoke=False):
        """The group's invite code (a new one when `revoke` or none yet); `admin` must be
        one of its admins."""
        def code_of(group):
            group.require_admin(admin, "manage the invite link")
            old = group.invite
            if old is None or revoke:
                group.invite = secrets.token_urlsafe(16)[:22]
            return old
        group, old = self.change(group_id, code_of)
        if group.invite != old:
            self.store.world_change("invite:" + group.invite, lambda cur: {"groupId": group.id})
            if old is not None:
                self.store.world_change("invite:" + old, lambda cur: None)
        return group.invite

    def by_invite(self, code):
        doc = self.store.world_get("invite:" + code)
        group = self.group(doc["groupId"]) if doc else None
        if group is None or group.invite != code:
            raise base.InvalidInvite("the invite code is invalid or was revoked")
        return group

    # -- telling the other members ---------------------------------------------------------
    def notes(self, group, kind, data, *, exclude=None, also=()):
        """The packets telling a group event to each sandbox account in the group (and
        `also`, e.g. those just removed), except the JID `exclude` that acted."""
        world, packets = self.driver.world, []
        for jid in list(group.participants) + [j for j in also if j not in group.participants]:
            if jid == exclude or not world.on_network(jid):
                continue
            if kind == base.GROUP_PARTICIPANTS and data["action"] in ("add", "join") \
                    and jid in data["participants"]:
                packets.append({"to": jid, "kind": base.GROUP_JOINED, "data": {
                    "groupId": group.id, "subject": group.subject, "by": data["by"],
                    "group": group.view()}})
            else:
                packets.append({"to": jid, "kind": kind, "data": data})
        return packets

    def participants_changed(self, group, action, jids, by, exclude=None):
        if not jids:
            return []
        return self.notes(group, base.GROUP_PARTICIPANTS, {
            "groupId": group.id, "action": action, "participants": list(jids), "by": by},
            exclude=exclude, also=jids)

    def settings_changed(self, group, changes, by, exclude=None):
        if not changes:
            return []
        return self.notes(group, base.GROUP_UPDATE, {"groupId": group.id, "by": by,
                                                     "changes": changes}, exclude=exclude)

    # -- the sandbox routes: someone else acts -----------------------------------------------
    def simulate(self, group_id, member, by, action, participants=(), changes=None):
        """Another member `by` changes a group `member` (the account) is in; WhatsApp's rules
        apply to `by`. Returns what changed: {participants} or {changes}."""
        def act(group):
            if action == "join":
                if by in group.participants:
                    return "join", []
                group.participants[by] = None
                return "join", [by]
            if by not in group.participants:
                raise ValueError(f"by: {by} is not a member of the group")
            if action == "leave":
                if group.participants[by] == "superadmin":   # the owner hands over first
                    for jid in group.participants:
                        if jid != by:
                            group.participants[jid] = group.participants[jid] or "admin"
                            break
                del group.participants[by]
                return "leave", [by]
            if action == "update":
                group.check_change(by, changes)
                return "update", group.apply(changes)
            group.require_admin(by, f"{action} participants")
            return action, [jid for jid in participants
                            if group.change_participant(action, jid, by) is None]
        group, (what, done) = self.change(group_id, act, member=member)
        if what == "update":
            self.driver.world.post(self.settings_changed(group, done, by))
            return {"changes": done}
        self.driver.world.post(self.participants_changed(group, what, done, by))
        return {"participants": done}

    def outside_group(self, subject):
        """A group run by someone else, with a fresh invite code: (group, code)."""
        owner = "1555" + "".join(str(secrets.randbelow(10)) for _ in range(7)) + "@s.whatsapp.net"
        group, _ = self.create(subject, owner)
        return group, self.invite(group.id, owner)

