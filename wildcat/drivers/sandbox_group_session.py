"""The DriverSession group methods of the sandbox's sessions, on the simulated network's
group registry (wildcat/drivers/sandbox_groups.py). Each change is committed first; then what
went out is logged in the session's `sent` log (GET /sandbox/accounts/:id/sent) and the
other members are told, in one write."""
from wildcat.drivers import base


class SandboxGroupSession:
    """The DriverSession group methods of SandboxSession (which provides `driver`, `jid`,
    `connected` and `record(entry, packets)`, the log of what went out)."""

    def _groups(self):
        if not self.connected:
            raise base.NotConnected("account is not connected")
        return self.driver.group_network

    def _log(self, op, packets=(), **fields):
        self.record({"type": "group." + op, **fields}, packets)

    def list_groups(self):
        return [g.view() for g in self._groups().member_of(self.jid)]

    def group_info(self, group_id):
        return self._groups().get(group_id, self.jid).view()

    def create_group(self, subject, participants):
        net = self._groups()
        group, refused = net.create(subject, self.jid, participants)
        self._log("create", net.participants_changed(
            group, "add", [j for j in group.participants if j != self.jid], self.jid,
            self.jid), groupId=group.id, subject=subject, participants=list(participants),
            refused=refused)
        return group.view()

    def update_group(self, group_id, changes):
        net = self._groups()

        def update(group):
            group.check_change(self.jid, changes)
            return group.apply(changes)
        group, done = net.change(group_id, update, member=self.jid)
        self._log("update", net.settings_changed(group, done, self.jid, self.jid),
                  groupId=group_id, changes=dict(changes))

    def update_participants(self, group_id, action, participants):
        net = self._groups()

        def update(group):
            group.require_admin(self.jid, f"{action} participants")
            results = []
            for jid in participants:
                error = group.change_participant(action, jid, self.jid)
                results.append({"jid": jid, "ok": error is None, "error": error})
            return results
        group, results = net.change(group_id, update, member=self.jid)
        self._log("participants", net.participants_changed(
            group, action, [r["jid"] for r in results if r["ok"]], self.jid, self.jid),
            groupId=group_id, action=action, participants=list(participants))
        return results

    def group_invite(self, group_id, revoke=False):
        net = self._groups()
        net.get(group_id, self.jid)
        code = net.invite(group_id, self.jid, revoke)
        if revoke:
            self._log("invite.revoke", groupId=group_id)
        return code

    def join_group(self, code):
        net = self._groups()
        found = net.by_invite(code)

        def join(group):
            if self.jid in group.participants:
                return False
            group.participants[self.jid] = None
            return True
        group, joined = net.change(found.id, join)
        packets = net.participants_changed(group, "join", [self.jid], self.jid, self.jid) \
            if joined else []
        self._log("join", packets, groupId=group.id, code=code)
        return group.view()

    def leave_group(self, group_id):
        net = self._groups()
        group, _ = net.change(group_id, lambda g: g.participants.pop(self.jid), member=self.jid)
        self._log("leave", net.participants_changed(group, "leave", [self.jid], self.jid,
                                                    self.jid), groupId=group_id)

    def set_group_picture(self, group_id, image):
        net = self._groups()

        def picture(group):
            group.check_change(self.jid, {"picture": True})
            group.picture = bytes(image)
        net.change(group_id, picture, member=self.jid)
        self._log("picture", groupId=group_id, size=len(image))

    def check_group_send(self, to):
        """WhatsApp refuses a message to a group the account is not in, or, from a
        non-admin, to an announce-only group. (A group the sandbox does not simulate, one
        never created or joined through it, takes messages as before.)"""
        if not to.endswith("@g.us"):
            return None
        group = self.driver.group_network.group(to)
        if group is None:
            return None
        group.require_member(self.jid)
        if group.announce and not group.participants.get(self.jid):
            raise base.NotGroupAdmin("only admins can send messages to this group")
        return group
