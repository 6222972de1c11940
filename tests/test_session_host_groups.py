"""Group calls from the parent to a REAL session-host child (issue 12): the methods go by
name over the pipe (REMOTE_METHODS) and WhatsApp's refusals keep their driver exception
class on the way back. The child runs tests.fake_sessions:FakeGroupsSession, because
WhatsApp's servers cannot be reached here."""
import pytest

from tests.test_session_host import make_driver, open_session  # noqa: F401 (fixture)
from wildcat.drivers import base

FAKE_GROUPS = "tests.fake_sessions:FakeGroupsSession"
GROUP = "120363000000000001@g.us"


def test_group_calls_cross_the_pipe_with_their_errors(make_driver):  # noqa: F811
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
