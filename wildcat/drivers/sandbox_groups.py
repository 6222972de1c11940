"""Groups on the sandbox's simulated WhatsApp: members, admins, settings, invite codes and
WhatsApp's rules (only admins change members, announce or locked; only admins edit the
subject, description and picture of a locked group; only admins write in an announce-only
group; only members see a group).

`GroupNetwork` is the network's group registry (one per SandboxDriver);
`SandboxGroupSession` (sandbox_group_session.py) gives SandboxSession the DriverSession group
methods on top of it. Every change is told to the other
connected sandbox accounts in the group as the driver events WhatsApp would send them; the
acting account records its own change itself (wildcat/commands.py).
"""
import secrets
import threading
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
    """Every group of the simulated network, and their invite codes. Used as a context
    manager (`with network:`) around every read and change; what the other members are told
    is emitted once the outermost block has released the lock, so a member's full event
    queue never blocks the network for everyone."""

    def __init__(self, driver):
        self.driver = driver
        self.groups = {}       # group id -> SandboxGroup
        self.invites = {}      # code -> group id
        self._lock = threading.RLock()
        self._depth = 0
        self._notes = []       # (session, kind, data) told once the lock is released

    def __enter__(self):
        self._lock.acquire()
        self._depth += 1
        return self

    def __exit__(self, *exc):
        self._depth -= 1
        notes = []
        if self._depth == 0:
            notes, self._notes = self._notes, []
        self._lock.release()
        for session, kind, data in notes:
            session.emit(kind, data)

    def get(self, group_id, member):
        group = self.groups.get(group_id)
        if group is None:
            raise base.NotInGroup(f"group {group_id} does not exist")
        group.require_member(member)
        return group

    def create(self, subject, owner, participants=()):
        """A new group run by `owner`; returns (group, the participants it refused)."""
        group_id = "120363" + "".join(str(secrets.randbelow(10)) for _ in range(12)) + "@g.us"
        group = SandboxGroup(group_id, subject, owner)
        self.groups[group_id] = group
        refused = {jid: reason for jid in participants if jid != owner
                   and (reason := group.change_participant("add", jid, owner))}
        return group, refused

    def invite(self, group, revoke=False):
        current = [code for code, gid in self.invites.items() if gid == group.id]
        if current and not revoke:
            return current[0]
        for code in current:
            del self.invites[code]
        code = secrets.token_urlsafe(16)[:22]
        self.invites[code] = group.id
        return code

    def by_invite(self, code):
        group = self.groups.get(self.invites.get(code, ""))
        if group is None:
            raise base.InvalidInvite("the invite code is invalid or was revoked")
        return group

    # -- telling the other members ---------------------------------------------------------
    def tell(self, group, kind, data, *, exclude=None, also=()):
        """Emit a group event to each connected sandbox account in the group (and `also`,
        e.g. those just removed), except the account that acted."""
        for jid in set(group.participants) | set(also):
            session = self.driver._session_by_jid(jid)
            if session is None or session is exclude:
                continue
            if kind == base.GROUP_PARTICIPANTS and data["action"] in ("add", "join") \
                    and jid in data["participants"]:
                self._notes.append((session, base.GROUP_JOINED, {
                    "groupId": group.id, "subject": group.subject, "by": data["by"],
                    "group": group.view()}))
            else:
                self._notes.append((session, kind, data))

    def participants_changed(self, group, action, jids, by, exclude=None):
        if jids:
            self.tell(group, base.GROUP_PARTICIPANTS, {
                "groupId": group.id, "action": action, "participants": list(jids), "by": by},
                exclude=exclude, also=jids)

    def settings_changed(self, group, changes, by, exclude=None):
        if changes:
            self.tell(group, base.GROUP_UPDATE, {"groupId": group.id, "by": by,
                                                 "changes": changes}, exclude=exclude)

    def online_members(self, group_id, exclude=None):
        """The connected sandbox sessions in a simulated group (none for other groups)."""
        with self:
            group = self.groups.get(group_id)
            jids = list(group.participants) if group is not None else []
        sessions = [self.driver._session_by_jid(jid) for jid in jids]
        return [s for s in sessions if s is not None and s is not exclude]

    # -- the sandbox routes: someone else acts -----------------------------------------------
    def simulate(self, group_id, member, by, action, participants=(), changes=None):
        """Another member `by` changes a group `member` (the account) is in; WhatsApp's rules
        apply to `by`. Returns what changed: {participants} or {changes}."""
        with self:
            group = self.get(group_id, member)
            if action == "join":
                if by in group.participants:
                    return {"participants": []}
                group.participants[by] = None
                self.participants_changed(group, "join", [by], by)
                return {"participants": [by]}
            if by not in group.participants:
                raise ValueError(f"by: {by} is not a member of the group")
            if action == "leave":
                if group.participants[by] == "superadmin":   # the owner hands over first
                    for jid in group.participants:
                        if jid != by:
                            group.participants[jid] = group.participants[jid] or "admin"
                            break
                del group.participants[by]
                self.participants_changed(group, "leave", [by], by)
                return {"participants": [by]}
            if action == "update":
                group.check_change(by, changes)
                done = group.apply(changes)
                self.settings_changed(group, done, by)
                return {"changes": done}
            group.require_admin(by, f"{action} participants")
            done = [jid for jid in participants
                    if group.change_participant(action, jid, by) is None]
            self.participants_changed(group, action, done, by)
            return {"participants": done}

    def outside_group(self, subject):
        """A group run by someone else, with a fresh invite code: (group, code)."""
        owner = "1555" + "".join(str(secrets.randbelow(10)) for _ in range(7)) + "@s.whatsapp.net"
        with self:
            group, _ = self.create(subject, owner)
            return group, self.invite(group)


def network(driver) -> GroupNetwork:
    """The driver's group registry (made on first use)."""
    with driver._lock:
        if not hasattr(driver, "group_network"):
            driver.group_network = GroupNetwork(driver)
        return driver.group_network

