"""The neonize side of issue 18 over REAL neonize objects: the typing presence enums, the
proxy settings handed to connect(), and errors scrubbed of the proxy password."""
import pytest

pytest.importorskip("neonize")

from neonize.client import ProxySettings  # noqa: E402
from neonize.utils.enum import ChatPresence, ChatPresenceMedia  # noqa: E402

from workers.neonize import codec  # noqa: E402
from workers.neonize.child_client import NeonizeClientSession  # noqa: E402


def test_chat_presence_maps_to_neonize_enums():
    assert codec.chat_presence("composing") == (ChatPresence.CHAT_PRESENCE_COMPOSING,
                                                ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT)
    assert codec.chat_presence("paused")[0] is ChatPresence.CHAT_PRESENCE_PAUSED
    jid = codec.parse_jid("15550001111@s.whatsapp.net")
    assert jid.User == "15550001111" and jid.Server == "s.whatsapp.net"
    with pytest.raises(ValueError):
        codec.chat_presence("recording")


def test_the_child_session_exposes_presence_to_the_parent():
    assert "send_chat_presence" in NeonizeClientSession.REMOTE_METHODS


def test_proxy_settings_reach_the_c_struct():
    settings = ProxySettings(proxy_address="socks5://u:p@127.0.0.1:1080")
    struct = settings._to_c_struct()
    assert struct.proxyAddress == b"socks5://u:p@127.0.0.1:1080"
    assert not struct.noWebsocket and not struct.noMedia and not struct.onlyLogin


def test_errors_are_scrubbed_of_the_proxy_password():
    proxy = "http://alice:p%40ss@127.0.0.1:3128"
    text = 'proxyconnect tcp: http://alice:p%40ss@127.0.0.1:3128 and p@ss: refused'
    assert "p%40ss" not in codec.redact(text, proxy) and "p@ss" not in codec.redact(text, proxy)
    assert codec.redact("plain", None) == "plain"
    assert codec.redact("plain", "http://127.0.0.1:1") == "plain"
