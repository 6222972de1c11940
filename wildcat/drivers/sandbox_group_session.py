"""The DriverSession group methods of the sandbox's sessions, on the simulated network's
group registry (wildcat/drivers/sandbox_groups.py). Each logs what went out in the session's
`sent` list (GET /sandbox/accounts/:id/sent) and tells the other members."""
from wildcat.drivers import base
from wildcat.drivers.sandbox_groups import network


class SandboxGroupSession:
    """The DriverSession group methods of SandboxSession (which provides `driver`, `jid`,
    `connected` and `sent`, the log of what went out)."""

    def _groups(self):
        if not self.connected:
            raise base.NotConnected("account is not connected")
        return network(self.driver)

    def _log(self, op, **fields):
        self.sent.append({"type": "group." + op, **fields})

    def list_groups(self):
        net = self._groups()
        with net:
            return [g.view() for g in net.groups.values() if self.jid in g.participants]

    def group_info(self, group_id):
        net = self._groups()
        with net:
            return net.get(group_id, self.jid).view()

    def create_group(self, subject, participants):
        net = self._groups()
        with net:
            group, refused = net.create(subject, self.jid, participants)
            self._log("create", groupId=group.id, subject=subject,
                      participants=list(participants), refused=refused)
            net.participants_changed(group, "add", [j for j in group.participants
                                                    if j != self.jid], self.jid, self)
            return group.view()

    def update_group(self, group_id, changes):
        net = self._groups()
        with net:
            group = net.get(group_id, self.jid)
            group.check_change(self.jid, changes)
            done = group.apply(changes)
            self._log("update", groupId=group_id, changes=dict(changes))
            net.settings_changed(group, done, self.jid, self)

    def update_participants(self, group_id, action, participants):
        net = self._groups()
        with net:
            group = net.get(group_id, self.jid)
            group.require_admin(self.jid, f"{action} participants")
            results = []
            for jid in participants:
                error = group.change_participant(action, jid, self.jid)
                results.append({"jid": jid, "ok": error is None, "error": error})
            self._log("participants", groupId=group_id, action=action,
                      participants=list(participants))
            net.participants_changed(group, action, [r["jid"] for r in results if r["ok"]],
                                     self.jid, self)
            return results

    def group_invite(self, group_id, revoke=False):
        net = self._groups()
        with net:
            group = net.get(group_id, self.jid)
            group.require_admin(self.jid, "manage the invite link")
            code = net.invite(group, revoke)
            if revoke:
                self._log("invite.revoke", groupId=group_id)
            return code

    def join_group(self, code):
        net = self._groups()
        with net:
            group = net.by_invite(code)
            self._log("join", groupId=group.id, code=code)
            if self.jid not in group.participants:
                group.participants[self.jid] = None
                net.participants_changed(group, "join", [self.jid], self.jid, self)
            return group.view()

    def leave_group(self, group_id):
        net = self._groups()
        with net:
            group = net.get(group_id, self.jid)
            del group.participants[self.jid]
            self._log("leave", groupId=group_id)
            net.participants_changed(group, "leave", [self.jid], self.jid, self)

    def set_group_picture(self, group_id, image):
        net = self._groups()
        with net:
            group = net.get(group_id, self.jid)
            group.check_change(self.jid, {"picture": True})
            group.picture = bytes(image)
            self._log("picture", groupId=group_id, size=len(image))

    def check_group_send(self, to):
        """WhatsApp refuses a message to a group the account is not in, or, from a
        non-admin, to an announce-only group. (A group the sandbox does not simulate, one
        never created or joined through it, takes messages as before.)"""
        net = network(self.driver)
        with net:
            if to not in net.groups:
                return
            group = net.get(to, self.jid)
            if group.announce and not group.participants.get(self.jid):
                raise base.NotGroupAdmin("only admins can send messages to this group")
