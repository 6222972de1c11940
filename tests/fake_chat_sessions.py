"""A session-host session with the REAL issue-11 mixin (workers.neonize.child_chat) over a
fake neonize client: WhatsApp's servers cannot be reached here, so the client answers with
real neonize protobufs and records what it was asked. Loaded in a real spawned child by
factory path "tests.fake_chat_sessions:ChatSession"."""
from neonize.proto import Neonize_pb2 as np

from tests.fake_sessions import FakeSession
from workers.neonize import codec
from workers.neonize.child_chat import ChildChatMixin

REGISTERED = {"4915112345678": "123456789012345"}   # phone digits -> LID user


class FakeClient:
    def __init__(self):
        self.calls = []

    def is_on_whatsapp(self, *numbers):
        out = []
        for number in numbers:
            digits = number.lstrip("+")
            if digits in REGISTERED:
                out.append(np.IsOnWhatsAppResponse(Query=number, IsIn=True,
                                                   JID=codec.parse_jid(digits)))
            else:
                out.append(np.IsOnWhatsAppResponse(Query=number, IsIn=False))
        return out

    def get_lid_from_pn(self, jid):
        return codec.parse_jid(REGISTERED[jid.User] + "@lid")

    def get_user_info(self, jid):
        if jid.User not in REGISTERED:
            return []
        return [np.GetUserInfoSingleReturnFunction(JID=jid, UserInfo=np.UserInfo(
            Status="Busy building"))]

    def get_profile_picture(self, jid):
        raise RuntimeError("GetProfilePictureError: hidden")

    def send_chat_presence(self, jid, state, media):
        self.calls.append(["chat_presence", codec.jid_to_str(jid), state.name, media.name])

    def send_presence(self, presence):
        self.calls.append(["presence", presence.name])

    def update_blocklist(self, jid, action):
        self.calls.append(["blocklist", codec.jid_to_str(jid), action.name])

    def reject_call(self, caller, call_id):
        self.calls.append(["reject_call", codec.jid_to_str(caller), call_id])


class ChatSession(ChildChatMixin, FakeSession):
    REMOTE_METHODS = ChildChatMixin.REMOTE_METHODS + ("client_calls",)

    def __init__(self, account_id, session_path, emit, gate=None):
        super().__init__(account_id, session_path, emit, gate)
        self._client = FakeClient()
        self._emit = emit

    def _connected_client(self):
        return self._client

    def client_calls(self):
        return self._client.calls
