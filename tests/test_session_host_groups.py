"""Groups on the neonize driver's process boundary (issue 12): group calls from the parent to a
REAL session-host child go by name over the pipe (REMOTE_METHODS) and WhatsApp's refusals
keep their driver exception class on the way back (the child runs
tests.fake_sessions:FakeGroupsSession, because WhatsApp's servers cannot be reached here);
and the real NeonizeClientSession registers neonize's group events and turns them into
driver events."""
import os
import subprocess
import sys

import pytest

from tests.util import ROOT, open_session
from wildcat.drivers import base

FAKE_GROUPS = "tests.fake_sessions:FakeGroupsSession"
GROUP = "120363000000000001@g.us"


def test_group_calls_cross_the_pipe_with_their_errors(make_driver):
    session, log = open_session(make_driver(FAKE_GROUPS))
    session.start()
    log.wait_for(base.CONNECTED)
    [group] = session.list_groups()
    assert group["id"] == GROUP and group["participants"][1]["admin"] is None
    assert session.group_info(GROUP) == group
    assert session.set_group_picture(GROUP, b"\xff\xd8" * 10) == 20
    for call, error in ((lambda: session.group_info("120363999999999999@g.us"),
                         base.NotInGroup),
                        (lambda: session.update_group(GROUP, {"locked": True}),
                         base.NotGroupAdmin),
                        (lambda: session.join_group("Revoked1234567890"), base.InvalidInvite)):
        with pytest.raises(error) as raised:
            call()
        assert type(raised.value) is error
    # Not listed by the fake session: refused by the host, which keeps serving.
    with pytest.raises(base.DriverError, match="unknown command"):
        session.leave_group(GROUP)
    assert session.list_groups() == [group]


GROUP_EVENTS_SCRIPT = """
import sys, time
from neonize.events import EVENT_TO_INT, GroupInfoEv, JoinedGroupEv
from neonize.proto.Neonize_pb2 import GroupInfo, GroupName, JID
from wildcat.drivers import base
from workers.neonize.child_client import NeonizeClientSession

out = []
s = NeonizeClientSession("acct", sys.argv[1], lambda k, d=None, final=False: out.append((k, d)))
client = s._client = s._build_client()   # no connect: WhatsApp is unreachable here
group = JID(User="120363012345678901", Server="g.us")
admin = JID(User="447700900123", Server="s.whatsapp.net")
# neonize calls the registered callbacks with (client, event); they queue for the pump thread
client.event.list_func[EVENT_TO_INT[JoinedGroupEv]](client, JoinedGroupEv(
    GroupInfo=GroupInfo(JID=group, GroupName=GroupName(Name="Team")), Sender=admin))
client.event.list_func[EVENT_TO_INT[GroupInfoEv]](client, GroupInfoEv(
    JID=group, Sender=admin, Name=GroupName(Name="Renamed"), Promote=[admin]))
deadline = time.monotonic() + 10
while len(out) < 3 and time.monotonic() < deadline:
    time.sleep(0.02)
kinds = [k for k, _ in out]
assert kinds == [base.GROUP_JOINED, base.GROUP_UPDATE, base.GROUP_PARTICIPANTS], out
assert out[0][1]["groupId"] == "120363012345678901@g.us" and out[0][1]["subject"] == "Team"
assert out[1][1]["changes"] == {"subject": "Renamed"}
assert set(s.REMOTE_METHODS) >= {"list_groups", "update_participants", "join_group"}
try:
    s.list_groups(); raise SystemExit("a group call while not connected must fail")
except base.NotConnected:
    pass
print("ok")
"""


def test_neonize_client_session_registers_and_maps_group_events(tmp_path):
    # in a subprocess: it loads neonize; events are synthetic (no WhatsApp server offline)
    out = subprocess.run([sys.executable, "-c", GROUP_EVENTS_SCRIPT, str(tmp_path / "s.db")],
                         cwd=ROOT, capture_output=True, env=dict(os.environ, PYTHONPATH=ROOT),
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
