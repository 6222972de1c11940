"""The sandbox tour driven only through the committed Python client package (wildcat_client)
against a real server (`python app.py`, gunicorn, sandbox driver) over real HTTP: accounts,
QR, sends, replies, reactions, chats, messages, media download, webhooks (signed, received by
a real local endpoint), deliveries, the typed errors, delete. Every answer the client gets is
also checked against the OpenAPI document (tests/conformance.py)."""
import io
import sys
from pathlib import Path

import pytest

pytest.importorskip("dateutil", reason="python-dateutil is not installed (the generated "
                                       "models need it; pip install -r requirements-test.txt)")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "clients" / "python"))

from PIL import Image  # noqa: E402

from tests.conformance import httpx_response_hook  # noqa: E402
from tests.receiver import Receiver  # noqa: E402
from tests.util import PDF, ServerProcess, make_store, test_config, wait_until  # noqa: E402
from wildcat.factory import create_app  # noqa: E402
from wildcat_client import Wildcat, WildcatError, verify_signature  # noqa: E402
from wildcat_client.api.accounts import accounts_get_qr  # noqa: E402
from wildcat_client.api.sandbox import sandbox_inbound, sandbox_receipt, sandbox_scan  # noqa: E402
from wildcat_client.models import (AccountStatusResponseStatus, DeliveryEvent,  # noqa: E402
                                   DeliveryStatus, Inbound, LastMessage, MessageStatus,
                                   QrJsonResponse, Receipt, ReceiptType,
                                   SandboxInboundFilesBody, SandboxInboundFilesBodyType, Scan)
from wildcat_client.models import AccountsGetQrFormat  # noqa: E402
from wildcat_client.types import File  # noqa: E402

KEY = "tour-admin-key"
SECRET = "a-long-tour-secret"
PEER = "919876543210@s.whatsapp.net"


def png(color=(200, 30, 90)):
    out = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = str(tmp_path_factory.mktemp("tour"))
    proc = ServerProcess({"WILDCAT_API_KEY": KEY, "WILDCAT_SEND_RATE_PER_MINUTE": "0",
                          "WILDCAT_WEBHOOK_BACKOFF_BASE": "0.05"}, data_dir).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def spec_hook(tmp_path_factory):
    """Checks each answer against the spec of an app with the server's routes."""
    tmp = tmp_path_factory.mktemp("tour-spec")
    return httpx_response_hook(create_app(test_config(tmp, api_key=KEY),
                                          store=make_store("sqlite", tmp)))


@pytest.fixture
def wa(server, spec_hook):
    with Wildcat(server.url, api_key=KEY,
                 httpx_args={"event_hooks": {"response": [spec_hook]}}) as client:
        yield client


def stored(wa, account_id, message_id):
    """The message once the inbound pipeline has stored it (None while it is still 404)."""
    try:
        return wa.message(account_id, message_id)
    except WildcatError as exc:
        if exc.status != 404:
            raise
        return None


def error_of(call, *args, **kwargs) -> WildcatError:
    with pytest.raises(WildcatError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_the_sandbox_tour_through_the_package(wa, server, tmp_path):
    with Receiver() as hook:
        created_hook = wa.create_webhook(hook.url, events=["message", "message.sent"],
                                         secret=SECRET)
        assert created_hook.created and created_hook.webhook.has_secret
        assert not wa.create_webhook(hook.url, events=["message", "message.sent"],
                                     secret=SECRET).created
        clash = error_of(wa.create_webhook, hook.url, events=["*"])
        assert (clash.status, clash.code) == (409, "webhook_exists")
        assert wa.update_webhook(created_hook.id, enabled=False).enabled is False
        assert wa.update_webhook(created_hook.id, enabled=True).enabled is True
        assert [w.id for w in wa.webhooks()] == [created_hook.id]

        # -- an account, its QR, the simulated phone scanning it ---------------------------
        created = wa.create_account("tour", "Tour bot")
        assert created.account.field_id == "tour" and len(created.token) >= 20
        wait_until(lambda: wa.account("tour").has_qr, message="QR")
        assert wa.qr_png("tour").startswith(b"\x89PNG\r\n\x1a\n")
        qr = wa.qr("tour")
        assert isinstance(qr, QrJsonResponse) and qr.account_id == "tour" and qr.qr
        svg = accounts_get_qr.sync("tour", client=wa.client, format_=AccountsGetQrFormat.SVG)
        assert isinstance(svg, File) and b"<svg" in svg.payload.read()
        scanned = sandbox_scan.sync("tour", client=wa.client, body=Scan(phone="15550001111"))
        assert scanned.jid == "15550001111@s.whatsapp.net"
        wait_until(lambda: wa.status("tour").status == AccountStatusResponseStatus.CONNECTED,
                   message="connected")
        assert wa.rename_account("tour", "Renamed").name == "Renamed"

        # -- sending: text, image, document, reply, reaction --------------------------------
        text_id = wa.send_text("tour", PEER, "Hello from the client")
        image = png()
        image_id = wa.send_media("tour", "image", PEER, image, caption="a square",
                                 mime_type="image/png")
        doc_path = tmp_path / "report.pdf"
        doc_path.write_bytes(PDF)
        doc_id = wa.send_media("tour", "document", PEER, doc_path, file_name="report.pdf")
        reply_id = wa.reply("tour", PEER, "Replying", text_id)
        wa.react("tour", PEER, text_id, "\U0001f44d")
        assert len({text_id, image_id, doc_id, reply_id}) == 4

        sent = wa.message("tour", image_id)
        assert sent.from_me and sent.has_media and sent.caption == "a square"
        assert sent.mimetype == "image/png" and sent.file_length == len(image)
        assert sent.media_url.endswith(f"/messages/{image_id}/media")
        assert sent.status == MessageStatus.SENT
        assert wa.message("tour", reply_id).quoted_message_id == text_id
        assert wa.message("tour", text_id).reactions.additional_properties == {
            "15550001111@s.whatsapp.net": "\U0001f44d"}
        assert wa.download_media("tour", image_id, tmp_path / "sent.png").read_bytes() == image
        saved = wa.download_media("tour", doc_id, tmp_path)   # a directory: the server's name
        assert saved.name == "report.pdf" and saved.read_bytes() == PDF

        # -- receiving: text and media from the simulated peer, a receipt -------------------
        inbound_text = sandbox_inbound.sync("tour", client=wa.client, body=Inbound(
            from_=PEER, text="Hi there", push_name="Ana")).message_id
        photo = png((10, 120, 200))
        inbound_photo = sandbox_inbound.sync("tour", client=wa.client, body=SandboxInboundFilesBody(
            from_=PEER, media=File(payload=io.BytesIO(photo), file_name="photo.png",
                                   mime_type="image/png"),
            type_=SandboxInboundFilesBodyType.IMAGE, caption="look")).message_id
        received = wait_until(lambda: (m := stored(wa, "tour", inbound_photo)) and m.media_id
                              and m, message="inbound media stored")
        assert received.from_ == PEER and not received.from_me and received.push_name is not None
        assert received.status == MessageStatus.RECEIVED and received.is_group is False
        assert wa.download_media("tour", inbound_photo, tmp_path / "in.png").read_bytes() == photo
        assert wa.download_media("tour", received.media_id,
                                 tmp_path / "by-media-id.png").read_bytes() == photo
        sandbox_receipt.sync("tour", client=wa.client, body=Receipt(
            message_id=text_id, type_=ReceiptType.READ))
        wait_until(lambda: wa.message("tour", text_id).status == MessageStatus.READ,
                   message="read receipt")

        # -- chats and their messages ----------------------------------------------------
        (chat,) = wa.chats("tour")
        assert chat.chat_id == PEER and chat.unread_count == 2
        assert isinstance(chat.last_message, LastMessage)
        assert chat.last_message.message_id == inbound_photo and chat.last_message.text == "look"
        messages = wa.chat_messages("tour", PEER)
        assert {m.message_id for m in messages} >= {text_id, image_id, doc_id, reply_id,
                                                      inbound_text, inbound_photo}
        paged = list(wa.iter_chat_messages("tour", PEER, page_size=2))
        assert [m.message_id for m in paged] == [m.message_id for m in messages]
        read = wa.mark_read("tour", PEER)
        assert read.unread_count == 0 and set(read.message_ids) == {inbound_text, inbound_photo}

        # -- webhooks: signed requests, typed deliveries, a redelivery ----------------------
        got = hook.wait_for(6)   # 4 message.sent + 2 message
        for request in got:
            assert verify_signature(SECRET, request.headers, request.body)
            assert not verify_signature(SECRET, request.headers, request.body + b" ")
            assert not verify_signature("another-secret", request.headers, request.body)
        events = {r.json["messageId"]: r.json["event"] for r in got}
        assert events[inbound_text] == "message" and events[text_id] == "message.sent"
        deliveries = wait_until(lambda: (d := wa.deliveries(created_hook.id)) and all(
            x.status == DeliveryStatus.DELIVERED for x in d) and len(d) == 6 and d,
            message="deliveries recorded")
        assert {d.event for d in deliveries} == {DeliveryEvent.MESSAGE, DeliveryEvent.MESSAGE_SENT}
        assert all(d.delivered_at is not None and d.created_at for d in deliveries)
        assert [d.id for d in wa.iter_deliveries(created_hook.id, page_size=4)] == \
            [d.id for d in deliveries]
        logged = list(wa.iter_events(account_id="tour", events=["message.sent"], page_size=2))
        assert text_id in [e["messageId"] for e in logged]
        assert [e["cursor"] for e in logged] == sorted({e["cursor"] for e in logged})
        later = list(wa.iter_events(after=logged[-1]["cursor"], account_id="tour",
                                    events=["message.sent"]))
        assert all(e["cursor"] > logged[-1]["cursor"] for e in later)
        again = wa.redeliver(deliveries[0].id)
        assert again.id == deliveries[0].id and again.status == DeliveryStatus.PENDING
        hook.wait_for(7)

        # -- the typed errors ------------------------------------------------------------
        bad = error_of(wa.send_text, "tour", "not a jid", "x")
        assert (bad.status, bad.code, bad.error.ok) == (400, "validation_error", False)
        assert "to" in bad.error.details   # the field errors
        missing = error_of(wa.account, "nobody")
        assert (missing.status, missing.code) == (404, "account_not_found")
        assert error_of(wa.message, "tour", "3EB0NOSUCHMESSAGE").code == "message_not_found"
        not_media = error_of(wa.send_media, "tour", "image", PEER, PDF, mime_type="image/png")
        assert (not_media.status, not_media.code) == (415, "unsupported_media_type")
        wa.disconnect("tour")
        wait_until(lambda: wa.status("tour").status == AccountStatusResponseStatus.DISCONNECTED,
                   message="disconnected")
        offline = error_of(wa.send_text, "tour", PEER, "are you there?")
        assert (offline.status, offline.code) == (409, "account_not_connected")
        with Wildcat(server.url, api_key="wrong-key") as stranger:
            assert error_of(stranger.accounts).code == "unauthorized"

        # -- delete ----------------------------------------------------------------------
        wa.connect("tour")
        wait_until(lambda: wa.status("tour").status == AccountStatusResponseStatus.CONNECTED,
                   message="reconnected")
        wa.delete_message("tour", PEER, text_id)
        assert wa.message("tour", text_id).deleted
        wa.delete_account("tour")
        assert error_of(wa.account, "tour").status == 404
        assert [w.id for w in wa.webhooks()] == [created_hook.id]   # global: it stays
        wa.delete_webhook(created_hook.id)
        assert wa.webhooks() == []
