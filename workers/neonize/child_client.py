"""One account's neonize client, inside its session host child process (never imported by
the web process: it loads neonize and its Go runtime)."""
import ctypes
import logging
import os
import queue
import subprocess
import tempfile
import threading
import time

from neonize.client import NewClient, ProxySettings
from neonize.events import (
    ClientOutdatedEv, ConnectedEv, ConnectFailureEv, DisconnectedEv, HistorySyncEv,
    KeepAliveRestoredEv, KeepAliveTimeoutEv, LoggedOutEv, MessageEv, PairStatusEv, ReceiptEv,
    StreamReplacedEv, TemporaryBanEv,
)
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from wildcat.drivers import base
from workers.neonize import codec, codec_chat, codec_groups
from workers.neonize.child_chat import ChildChatMixin
from workers.neonize.child_groups import GROUP_REMOTE_METHODS, NeonizeGroupsMixin
from workers.neonize.child_lanes import FfiGate

log = logging.getLogger(__name__)

QR_TIMEOUT = 170.0        # 6 codes last ~160 s; after that neonize hangs in FetchMe forever
FFMPEG_TIMEOUT = 60.0
CONNECT_GATE_HOLD = 5.0   # connect() writes Go's maps first thing; a dial may then take 60 s
OPUS_MIMETYPE = "audio/ogg; codecs=opus"


def _enum_name(message, field, value):
    enum_value = message.DESCRIPTOR.fields_by_name[field].enum_type.values_by_number.get(value)
    return enum_value.name if enum_value is not None else str(value)


class _Client(NewClient):
    """NewClient that reports QR-loop login statuses instead of printing a pointer."""

    def __init__(self, *args, on_login_status, **kwargs):
        super().__init__(*args, **kwargs)
        self._on_login_status = on_login_status

    def _NewClient__onLoginStatus(self, uuid, status):
        self._on_login_status(ctypes.string_at(status).decode("utf-8", "replace"))


class NeonizeClientSession(ChildChatMixin, NeonizeGroupsMixin):
    """The session host's session object (see workers.neonize.child_host for the contract).
    start() runs the blocking neonize connect() in a thread (through the account's proxy
    when it has one: WhatsApp's socket and media); neonize callbacks only queue events,
    which an event pump thread normalises and emits. Calls that write neonize's
    process-wide Go maps (creating, connecting, stopping, logging out a client) hold the
    host's gate exclusively; the others hold it shared. Lives until its host removes it."""

    # callable by name: groups (issue 12), typing while pacing (issue 18), chat extras (11)
    REMOTE_METHODS = (*GROUP_REMOTE_METHODS, "send_chat_presence",
                      *ChildChatMixin.REMOTE_METHODS)

    def __init__(self, account_id, session_path, emit, gate=None):
        self.account_id = account_id
        self.session_path = session_path
        self._emit = emit
        self._gate = gate or FfiGate()
        self._client = None
        self._connecting = False
        self._proxy = None
        self._dialled = threading.Event()   # connect() is past its Go map writes
        self._inbox = queue.Queue()
        self._stop_event = threading.Event()
        self._done = threading.Lock()      # guards the one-shot QR end
        self._qr_seen = self._qr_over = False
        self._qr_timer = None
        self._logged_in = self._connected = False
        self._pump = threading.Thread(target=self._pump_loop, daemon=True,
                                      name="neonize-events-%s" % account_id)
        self._pump.start()

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, proxy=None):
        if self._connecting:   # connect() blocks for the whole session
            log.info("account %s: already connecting or connected", self.account_id)
            return
        self._proxy = proxy
        with self._gate.exclusive("connect of %s" % self.account_id):
            if self._client is None:
                self._client = self._build_client()
            self._connecting = True
            self._dialled.clear()
            threading.Thread(target=self._connect, daemon=True,
                             name="neonize-connect-%s" % self.account_id).start()
            # Go registers the client in its maps first thing; hold the gate until a sign
            # that it did (a QR, an event, an error), never through a whole dial
            if not self._dialled.wait(CONNECT_GATE_HOLD):
                log.info("account %s: still dialling after %.0fs", self.account_id,
                         CONNECT_GATE_HOLD)

    def stop(self):
        self._stop_event.set()
        if self._qr_timer is not None:
            self._qr_timer.cancel()
        client = self._client
        if client is None:
            return
        with self._gate.exclusive("stop of %s" % self.account_id):
            if self._connecting:
                client.stop()   # may block ~60 s during a dial; the lane does not wait
            # its GC finalizer would call Go's Stop(uuid) on a later client of this account
            finalizer = getattr(client, "_stop_finalizer", None)
            if finalizer is not None:
                finalizer.detach()

    def logout(self):
        if self._client is None or not self._logged_in:
            return
        if not self._connected:
            log.warning("account %s: not connected; the device stays linked on the phone",
                        self.account_id)
            return
        try:
            with self._gate.exclusive("logout of %s" % self.account_id):
                self._client.logout()
        except Exception as exc:   # noqa: BLE001 - the session file is deleted anyway
            log.warning("account %s: server-side logout failed: %s", self.account_id, exc)
        self._logged_in = self._connected = False

    def _build_client(self):
        client = _Client(self.session_path, uuid=self.account_id,
                         on_login_status=self._on_login_status)
        client.event.qr(self._on_qr)
        handlers = {
            PairStatusEv: self._on_paired, ConnectedEv: self._on_connected,
            DisconnectedEv: self._on_disconnected, LoggedOutEv: self._on_logged_out,
            StreamReplacedEv: lambda ev: self._emit(base.STREAM_REPLACED, {}),
            TemporaryBanEv: self._on_temporary_ban, ConnectFailureEv: self._on_connect_failure,
            ClientOutdatedEv: self._on_outdated, MessageEv: self._on_message,
            ReceiptEv: self._on_receipt, HistorySyncEv: self._on_history,
            **self._group_handlers(),
            KeepAliveTimeoutEv: self._on_keepalive, KeepAliveRestoredEv: self._on_keepalive,
            **self._chat_handlers(),   # issue 11: presence, calls
        }
        for event_type, handler in handlers.items():   # all before connect(): it snapshots
            client.event(event_type)(self._queueing(handler))
        return client

    def _queueing(self, handler):
        def callback(_client, ev):
            self._dialled.set()
            self._inbox.put((handler, ev))   # Go's callback thread: return at once
        return callback

    def _connect(self):
        settings = ProxySettings(proxy_address=self._proxy) if self._proxy else None
        try:
            self._client.connect(settings)
        except Exception as exc:   # noqa: BLE001 - NeonizeError: dial failed and the like
            error = codec.redact(str(exc), self._proxy)
            log.warning("account %s: connect failed: %s", self.account_id, error)
            self._dialled.set()
            self._connecting = False   # before the event: the retry may follow at once
            self._emit(base.CONNECT_FAILED, {"error": error})
            return
        self._dialled.set()
        self._connecting = self._connected = False
        if not self._stop_event.is_set():
            self._emit(base.DISCONNECTED, {"reason": "client_stopped", "willReconnect": False})

    def _pump_loop(self):
        while True:
            handler, ev = self._inbox.get()
            try:
                handler(ev)
            except Exception:   # noqa: BLE001 - one bad event must not stop the others
                log.exception("account %s: cannot handle %s", self.account_id, type(ev).__name__)

    # -- login ----------------------------------------------------------------------------
    def _on_qr(self, _client, data):
        self._dialled.set()
        if not self._qr_seen:
            self._qr_seen = True
            self._qr_timer = threading.Timer(QR_TIMEOUT, self._end_qr, args=("timeout",))
            self._qr_timer.daemon = True
            self._qr_timer.start()
        self._emit(base.QR, {"code": data.decode("utf-8", "replace")})

    def _on_login_status(self, status):
        self._dialled.set()
        log.info("account %s: login status %s", self.account_id, status)
        if status != "success":
            self._end_qr(status)

    def _end_qr(self, status):
        """The QR loop is over without a login: neonize now hangs, so the host must go."""
        with self._done:
            if self._qr_over or self._logged_in or self._stop_event.is_set():
                return
            self._qr_over = True
        if status == "timeout":
            self._emit(base.QR_TIMEOUT, {}, final=True)
        else:
            self._emit(base.CONNECT_FAILED, {"error": "login failed: %s" % status}, final=True)

    def pair_phone(self, phone):
        if not self._qr_seen or self._qr_over:
            raise base.DriverError("a pairing code needs a pending QR login: start the session "
                                   "and wait for the first QR code")
        if self._logged_in:
            raise base.DriverError("the account is already logged in")
        digits = "".join(ch for ch in str(phone) if ch.isdigit())
        try:
            with self._gate.shared():
                return self._client.PairPhone(digits, True)
        except Exception as exc:   # noqa: BLE001 - PairPhoneError
            raise base.DriverError("pairing failed: %s" % exc) from exc

    # -- connection events ----------------------------------------------------------------
    def _own(self):
        me = self._client.me
        if me is None or not me.JID.User:
            return None, None
        return codec.jid_to_str(me.JID), me.PushName or None

    def _logged_in_now(self):
        self._logged_in = True
        if self._qr_timer is not None:
            self._qr_timer.cancel()

    def _on_paired(self, ev):
        if ev.Status != PairStatusEv.SUCCESS:
            log.warning("account %s: pairing failed: %s", self.account_id, ev.Error)
            return
        self._logged_in_now()
        jid, push_name = self._own()
        self._emit(base.PAIRED, {"jid": jid or codec.jid_to_str(ev.ID),
                                 "pushName": push_name or ev.BusinessName or None})
        self._emit(base.SESSION_CHANGED, {})

    def _on_connected(self, ev):
        self._logged_in_now()
        self._connected = True
        jid, push_name = self._own()
        self._emit(base.CONNECTED, {"jid": jid, "pushName": push_name})
        self._emit(base.SESSION_CHANGED, {})
        self._sync_contacts()

    def _on_disconnected(self, ev):
        self._connected = False
        # whatsmeow reconnects by itself once logged in
        self._emit(base.DISCONNECTED, {"reason": "connection_lost",
                                       "willReconnect": self._logged_in})

    def _on_logged_out(self, ev):
        self._connected = self._logged_in = False
        self._emit(base.LOGGED_OUT, {"reason": _enum_name(ev, "Reason", ev.Reason)})

    def _on_temporary_ban(self, ev):
        self._connected = False
        self._emit(base.TEMPORARY_BAN, {"code": _enum_name(ev, "Code", ev.Code),
                                        "expire": int(ev.Expire)})

    def _on_connect_failure(self, ev):
        log.warning("account %s: connect failure %s: %s", self.account_id,
                    _enum_name(ev, "Reason", ev.Reason), ev.Message)

    def _on_outdated(self, ev):
        self._connected = False
        self._emit(base.CLIENT_OUTDATED, {})

    def _on_keepalive(self, ev):
        self._emit(base.KEEPALIVE, codec.normalise_keepalive(ev))

    # -- messages -------------------------------------------------------------------------
    def _on_message(self, ev):
        data = codec.normalise_message(ev, self._own()[0], self._vote_hashes(ev))
        if data is not None:
            self._phone_of_lid(data)
            self._emit(base.MESSAGE, data)

    def _on_receipt(self, ev):
        data = codec.normalise_receipt(ev)
        if data is not None:
            self._emit(base.RECEIPT, data)

    def _on_history(self, ev):
        identities = codec_chat.history_identities(ev)
        if identities["mappings"] or identities["contacts"]:
            self._emit(base.IDENTITIES, identities)   # first: the history then merges
        self._emit(base.HISTORY, codec.normalise_history(ev, self._own()[0]))

    def send(self, request):
        client = self._connected_client()
        try:
            with self._gate.shared():
                message = self._build(client, request)
                response = client.send_message(codec.parse_jid(request.to), message)
        except base.DriverError:
            raise
        except Exception as exc:   # noqa: BLE001 - SendMessageError, UploadError, ...
            if request.to.endswith("@" + codec.GROUP_SERVER):   # announce-only, not a member
                raise codec_groups.group_error("send to this group", exc) from exc
            raise base.DriverError("send failed: %s" % exc) from exc
        sent = response.Message if response.HasField("Message") else message
        timestamp = response.Timestamp * 1000 if response.Timestamp else int(time.time() * 1000)
        return base.SendResult(messageId=response.ID, timestamp=timestamp,
                               raw=sent.SerializeToString() if isinstance(sent, Message) else None)

    def _build(self, client, req):
        """The message for a SendRequest; media always from bytes (never a path or URL)."""
        own = self._own()[0]
        if req.kind == "text":
            return req.text
        if req.kind in ("image", "video", "audio", "document") and not req.data:
            raise base.DriverError("%s message without data" % req.kind)
        if req.kind == "image":
            return client.build_image_message(bytes(req.data), caption=req.caption)
        if req.kind == "video":
            return client.build_video_message(bytes(req.data), caption=req.caption)
        if req.kind == "document":
            return client.build_document_message(
                bytes(req.data), caption=req.caption, title=req.fileName,
                filename=req.fileName, mimetype=req.mimetype)
        if req.kind == "audio":
            # The API converts voice notes already; convert only what is not Opus yet.
            already_opus = (req.mimetype or "").replace(" ", "").startswith("audio/ogg;codecs=opus")
            data = to_opus(bytes(req.data)) if req.ptt and not already_opus else bytes(req.data)
            message = client.build_audio_message(data, ptt=req.ptt)
            mimetype = OPUS_MIMETYPE if req.ptt else req.mimetype
            if mimetype:
                message.audioMessage.mimetype = mimetype
            return message
        chat_message = self._build_chat(client, req)   # issue 11 kinds
        if chat_message is not None:
            return chat_message
        if req.kind == "reply":
            return codec.build_reply(req.text or "", req.quoted, own)
        if req.kind == "reaction":
            return codec.build_reaction(req.target, req.emoji or "", own)
        if req.kind == "revoke":
            return codec.build_revoke(req.target, own)
        raise base.DriverError("unsupported message kind %r" % req.kind)

    def download_media(self, message):
        client = self._connected_client()
        if not message.get("raw"):
            raise base.DriverError("the message has no stored media reference")
        try:
            with self._gate.shared():
                data = client.download_any(Message.FromString(message["raw"]))
        except Exception as exc:   # noqa: BLE001 - DownloadError (expired media, ...)
            raise base.DriverError("download failed: %s" % exc) from exc
        if data is None:
            raise base.DriverError("download returned no data")
        return data

    def mark_read(self, chat_id, message_ids, sender):
        """Send read receipts (`sender`: the author in groups, None in direct chats)."""
        from neonize.utils.enum import ReceiptType

        client = self._connected_client()
        chat = codec.parse_jid(chat_id)
        author = codec.parse_jid(sender) if sender else chat
        try:
            with self._gate.shared():
                client.mark_read(*message_ids, chat=chat, sender=author,
                                 receipt=ReceiptType.READ)
        except Exception as exc:   # noqa: BLE001 - network errors from the library
            raise base.DriverError("mark read failed: %s" % exc) from exc

    def send_chat_presence(self, to, state):
        """The typing indicator: `composing` or `paused` in chat `to`."""
        client = self._connected_client()
        presence, media = codec.chat_presence(state)
        try:
            client.send_chat_presence(codec.parse_jid(to), presence, media)
        except Exception as exc:   # noqa: BLE001 - SendPresenceError
            raise base.DriverError("chat presence failed: %s" % exc) from exc

    def _connected_client(self):
        if self._client is None or not self._connected:
            raise base.NotConnected("account is not connected")
        return self._client


def to_opus(data, timeout=FFMPEG_TIMEOUT):
    """Any audio → OGG/Opus mono 48 kHz (what WhatsApp plays as a voice note)."""
    with tempfile.TemporaryDirectory(prefix="wildcat-ptt-") as tmp:
        src, dst = os.path.join(tmp, "in"), os.path.join(tmp, "out.ogg")
        with open(src, "wb") as f:
            f.write(data)
        cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", src,
               "-vn", "-c:a", "libopus", "-b:a", "32k", "-ac", "1", "-ar", "48000", dst]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout)
        except FileNotFoundError as exc:
            raise base.DriverError("ffmpeg is not installed; cannot send a voice note") from exc
        except subprocess.TimeoutExpired as exc:
            raise base.DriverError("audio conversion took longer than %.0fs" % timeout) from exc
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip()[-200:]
            raise base.DriverError("cannot convert audio to a voice note: %s" % tail)
        with open(dst, "rb") as f:
            return f.read()
