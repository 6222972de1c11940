"""One account's long-lived thread: its connection, its lease, its events, its commands."""
import concurrent.futures
import logging
import queue
import threading
import time
import typing

from wildcat import commands, domain
from wildcat.domain import (CONNECTED, CONNECTING, DISCONNECTED, LOGGED_OUT, NOT_STARTED,
                            RECONNECTING, backoff_delay, iso_now, make_event)
from wildcat.drivers import base
from wildcat.errors import AccountBusy, AccountTimeout, AccountUnavailable, NoPendingLogin
from wildcat.metrics import send_timer
from wildcat.qr import render_terminal_qr
from workers.account_lease import AccountLease
from workers.session_snapshots import SessionSnapshots

log = logging.getLogger(__name__)


class AccountState(typing.NamedTuple):
    """What the API may read of a worker without asking its thread."""
    status: str
    qr: str | None
    jid: str | None


class AccountWorker:
    """The thread that owns one account.

    Started by the Supervisor when the server process exists (or the account is created);
    stopped by `stop()` (shutdown: the session is kept) or `delete()`. It owns the account's
    DriverSession and store lease. Driver events and typed commands (wildcat/commands.py)
    go through one bounded queue, so inbound events and sends run in order, on this thread,
    one at a time. Inbound events go to the inbound pipeline; what a Send did goes to the
    outbound pipeline; every event leaves through `events.emit` (outbox, then subscribers).
    """

    def __init__(self, account_id, *, store, driver, events, config, owner, inbound=None,
                 outbound=None, queue_size=10000):
        self.account_id = account_id
        self.store, self.driver, self.events, self.config = store, driver, events, config
        self.owner = owner
        self.inbound, self.outbound = inbound, outbound
        self.name = f"account-{account_id}"
        self.current_status = NOT_STARTED
        self.qr = None
        self.jid = None
        self.session = None
        self._queue = queue.Queue(maxsize=queue_size)
        self._stop_event = threading.Event()
        self._thread = None
        self._want_connected = False
        self._attempt = 0
        self._retry_at = None
        self.lease = AccountLease(store, account_id, owner, config.lease_ttl)
        self.snapshots = SessionSnapshots(store, driver, account_id)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, autoconnect=False):
        self._thread = threading.Thread(target=self._run, args=(autoconnect,), name=self.name,
                                        daemon=True)
        self._thread.start()

    def stop(self):
        """Shut down: stop the session (kept for the next start) and release the lease."""
        self._stop_event.set()
        try:
            self._queue.put_nowait(("wake", None))
        except queue.Full:
            pass

    def join(self, timeout=None):
        if self._thread:
            self._thread.join(timeout)

    def is_alive(self):
        return bool(self._thread and self._thread.is_alive())

    def stopping(self):
        """True once stop() or delete() was asked for."""
        return self._stop_event.is_set()

    def wait(self, seconds):
        """Worker thread only: pause up to `seconds`, ending early when asked to stop."""
        self._stop_event.wait(seconds)

    # -- API side (any thread) -----------------------------------------------------------
    def state(self) -> AccountState:
        return AccountState(self.current_status, self.qr, self.jid)

    def require_connected(self):
        """Raise NotConnected unless the account can send now (the one "is it connected"
        check: the API asks it before taking a send token, the thread before a command)."""
        if self.current_status != CONNECTED or self.session is None:
            raise base.NotConnected("Account is not connected")

    def execute(self, command: commands.Command):
        """Run `command` on the worker thread, in order with everything else; its result.

        Queue full: AccountBusy. Not done within `command.timeout`: AccountTimeout — a
        command still queued is cancelled and never runs; one already running finishes.
        """
        if not self.is_alive():
            raise AccountUnavailable()
        future = concurrent.futures.Future()
        timeout = command.deadline_seconds(self.config.command_timeout)
        deadline = time.monotonic() + timeout
        try:
            self._queue.put_nowait(("command", (command, future, deadline)))
        except queue.Full:
            log.warning("account %s: command queue full; refusing %s", self.account_id,
                        command.name)
            raise AccountBusy() from None
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            pass
        if future.cancel():
            log.warning("account %s: %s cancelled after %.1fs in the queue", self.account_id,
                        command.name, timeout)
            raise AccountTimeout(f"The account did not start the {command.name} within "
                                 f"{timeout:g}s; it was cancelled and will not run")
        if future.done():            # finished between the timeout and the cancel
            return future.result()
        log.warning("account %s: %s still running after %.1fs", self.account_id, command.name,
                    timeout)
        raise AccountTimeout(f"The {command.name} is still running after {timeout:g}s; its "
                             "outcome will be stored when it finishes", started=True)

    def delete(self):
        """Unlink and forget the account's session, then end the thread."""
        if self.is_alive():
            self.execute(commands.Delete())
        self.join(10)

    def on_driver_event(self, event):
        """The driver's callback: hand the event over (blocks when the queue is full)."""
        self._queue.put(("event", event))

    def take_events(self, kind, limit):
        """Worker thread only: pop up to `limit` driver events of `kind` waiting at the head
        of the queue (stopping at anything else, so order is kept) to process as one batch."""
        taken, q = [], self._queue
        with q.mutex:
            while q.queue and len(taken) < limit:
                item_kind, payload = q.queue[0]
                if item_kind != "event" or payload.kind != kind:
                    break
                q.queue.popleft()
                taken.append(payload)
            if taken:
                q.not_full.notify(len(taken))   # wake drivers blocked on a full queue
        return taken

    # -- the thread ----------------------------------------------------------------------
    def _run(self, autoconnect):
        log.info("account %s: worker started", self.account_id)
        try:
            if autoconnect:
                self._safe(self._autoconnect)
            while not self._stop_event.is_set():
                try:
                    kind, payload = self._queue.get(timeout=self._next_wait())
                except queue.Empty:
                    kind, payload = None, None
                if kind == "event":
                    self._safe(self._handle_event, payload)
                elif kind == "command":
                    self._run_command(*payload)
                self._safe(self._run_timers)
        finally:
            self._shutdown()
            log.info("account %s: worker stopped", self.account_id)

    def _safe(self, fn, *args):
        try:
            fn(*args)
        except Exception:
            log.exception("account %s: error in %s", self.account_id, fn.__name__)

    def _run_command(self, command, future, deadline):
        if time.monotonic() >= deadline and future.cancel():
            return                   # its caller is giving up this instant: never run late
        if not future.set_running_or_notify_cancel():
            return                   # cancelled by its caller
        try:
            if command.needs_connection:
                self.require_connected()
            future.set_result(self._handlers[type(command)](self, command))
        except BaseException as exc:
            future.set_exception(exc)

    def _next_wait(self):
        deadlines = [t for t in (self._retry_at, self.snapshots.due) if t is not None]
        if self.lease.held:
            deadlines.append(self.lease.renew_at)
        if not deadlines:
            return 5.0
        return min(5.0, max(0.0, min(deadlines) - time.monotonic()))

    def _run_timers(self):
        now = time.monotonic()
        if self.lease.held and now >= self.lease.renew_at:
            self._renew_lease()
        if self._retry_at is not None and now >= self._retry_at:
            self._retry_at = None
            if self._want_connected:
                self._open()
        if self.snapshots.due is not None and now >= self.snapshots.due:
            self.snapshots.save(self.account(), self.lease.held)

    def _shutdown(self):
        self._close_session()
        self.snapshots.flush(self.account(), self.lease.held)
        self.lease.release()
        self._drain_calls()

    def _drain_calls(self):
        while True:
            try:
                kind, payload = self._queue.get_nowait()
            except queue.Empty:
                return
            if kind == "command" and payload[1].set_running_or_notify_cancel():
                payload[1].set_exception(AccountUnavailable("The account's worker stopped"))

    # -- state ---------------------------------------------------------------------------
    def account(self):
        return self.store.get_account(self.account_id) or {"_id": self.account_id}

    def set_status(self, status, reason, **extra):
        """Record a status change (persisted only while this process owns the account)."""
        previous = self.current_status
        self.current_status = status
        if status != CONNECTING:
            self.qr = None
        fields = {"status": status, "reason": reason, "lastUpdate": iso_now(), **extra}
        if self.lease.held or status in (DISCONNECTED, LOGGED_OUT):
            self.store.update_account(self.account_id, fields)
        if previous != status or extra:
            log.info("account %s: %s -> %s (%s)", self.account_id, previous, status, reason)
            self.events.emit(make_event(domain.CONNECTION_UPDATE, self.account_id,
                                        status=status, previous=previous, reason=reason,
                                        **extra))

    # -- connecting ----------------------------------------------------------------------
    def _autoconnect(self):
        account = self.account()
        if account.get("status") in (DISCONNECTED, LOGGED_OUT):
            self.current_status = account["status"]
            return
        if self.driver.has_session(account) or self.snapshots.exists(account):
            self._do_connect()

    def _do_connect(self):
        self._want_connected = True
        if self.session is not None and self.current_status in (CONNECTING, CONNECTED,
                                                               RECONNECTING):
            return self.current_status
        self._attempt = 0
        self._open()
        return self.current_status

    def _open(self):
        if not self.lease.acquire():
            self.current_status = NOT_STARTED
            self._retry_at = time.monotonic() + min(5.0, self.config.lease_ttl / 3)
            return
        account = self.account()
        self.snapshots.restore(account)
        has_session = self.driver.has_session(account)
        if self.session is None or not self.session.is_alive():
            self._close_session()
            self.session = self.driver.open_session(account, self.on_driver_event)
        self.set_status(RECONNECTING if has_session else CONNECTING,
                        "restoring_session" if has_session else "awaiting_qr_scan")
        self.session.start()

    def _schedule_retry(self):
        self._attempt += 1
        delay = backoff_delay(self._attempt, self.config.reconnect_backoff_base,
                              self.config.reconnect_backoff_cap)
        self._retry_at = time.monotonic() + delay
        log.info("account %s: reconnect attempt %d in %.1fs", self.account_id, self._attempt,
                 delay)

    def _do_disconnect(self):
        self._want_connected = False
        self._retry_at = None
        self._close_session()
        self.snapshots.flush(self.account(), self.lease.held)
        self.set_status(DISCONNECTED, "user_disconnect")
        self.lease.release()
        return self.current_status

    def _do_logout(self):
        self._want_connected = False
        self._retry_at = None
        account = self.account()
        if self.session is not None:
            try:
                self.session.logout()
            except Exception:
                log.exception("account %s: logout on the network failed", self.account_id)
            self.session = None
        self.snapshots.forget(account)
        self.set_status(LOGGED_OUT, "user_logout")
        self.lease.release()
        return self.current_status

    def _do_delete(self):
        self._do_logout()
        self._stop_event.set()

    def _do_pair(self, phone):
        if self.session is None or self.current_status != CONNECTING or self.qr is None:
            raise NoPendingLogin("Pairing needs a pending QR login; call connect first")
        return self.session.pair_phone(phone)

    # -- commands (worker thread) --------------------------------------------------------
    def _send(self, command):
        with send_timer():   # wildcat_send_latency_seconds
            result = self.session.send(command.request)
        return self.outbound.sent(self.account_id, self.jid, command, result)

    def media_downloader(self):
        """For the inbound pipeline's eager downloads: the session's download function
        (None without a session); it may run on a helper thread."""
        session = self.session
        return session.download_media if session is not None else None

    def _download_media(self, message):
        self.require_connected()
        return self.session.download_media(message)

    _handlers = {
        commands.Connect: lambda w, c: w._do_connect(),
        commands.Disconnect: lambda w, c: w._do_disconnect(),
        commands.Logout: lambda w, c: w._do_logout(),
        commands.Delete: lambda w, c: w._do_delete(),
        commands.Pair: lambda w, c: w._do_pair(c.phone),
        commands.Send: lambda w, c: w._send(c),
        commands.MarkRead: lambda w, c: w.outbound.mark_read(w.account_id, c.chat_id,
                                                             w.session.mark_read),
        commands.Download: lambda w, c: w.outbound.download(w.account_id, c.message_id,
                                                            w._download_media),
    }

    def _group(self, command):
        """A group operation: the driver acts, then what it changed is recorded like any
        change WhatsApp reports (the inbound pipeline's group step stores it and emits it)."""
        result, changes = command.run(self.session, self.jid)
        for change in changes:
            self._handle_event(change)
        return result

    _handlers.update({cls: lambda w, c: w._group(c) for cls in commands.GROUP_COMMANDS})

    def _close_session(self):
        session, self.session = self.session, None
        if session is not None:
            try:
                session.stop()
            except Exception:
                log.exception("account %s: stopping the session failed", self.account_id)

    # -- driver events -------------------------------------------------------------------
    def _handle_event(self, event):
        handler = getattr(self, "_on_" + event.kind, None)
        if handler is not None:
            handler(event.data)
        elif self.inbound is not None:
            self.inbound(self, event)

    def _on_qr(self, data):
        self.set_status(CONNECTING, "awaiting_qr_scan")
        self.qr = data["code"]
        self.events.emit(make_event(domain.QR, self.account_id, qr=data["code"]))
        log.info("account %s: scan this QR code with WhatsApp (Linked devices)\n%s",
                 self.account_id, render_terminal_qr(data["code"]))

    def _on_paired(self, data):
        self.jid = data.get("jid")
        self.store.update_account(self.account_id, {"jid": self.jid,
                                                    "pushName": data.get("pushName")})

    def _on_connected(self, data):
        self._attempt = 0
        self._retry_at = None
        self.jid = data.get("jid") or self.jid
        self.set_status(CONNECTED, "connected", jid=self.jid, pushName=data.get("pushName"))
        self.store.update_account(self.account_id, {"lastError": None,
                                                    "connectedAt": iso_now()})
        self.snapshots.request()

    def _on_disconnected(self, data):
        if not self._want_connected:
            return
        self.set_status(RECONNECTING, data.get("reason") or "connection_lost")
        if not data.get("willReconnect"):
            self._schedule_retry()

    def _on_connect_failed(self, data):
        error = data.get("error") or "connect failed"
        self.set_status(RECONNECTING, "connect_failed", lastError=error[:500])
        self._schedule_retry()

    def _on_logged_out(self, data):
        self._want_connected = False
        self._retry_at = None
        self._close_session()
        self.snapshots.forget(self.account())
        self.set_status(LOGGED_OUT, data.get("reason") or "logged_out")
        self.lease.release()

    def _end_without_reconnect(self, reason, **extra):
        self._want_connected = False
        self._retry_at = None
        self._close_session()
        self.set_status(DISCONNECTED, reason, **extra)
        self.lease.release()

    def _on_stream_replaced(self, data):
        self._end_without_reconnect("stream_replaced")

    def _on_temporary_ban(self, data):
        self._end_without_reconnect("temporary_ban", banCode=data.get("code"),
                                    banExpire=data.get("expire"))

    def _on_qr_timeout(self, data):
        self._end_without_reconnect("qr_timeout")

    def _on_session_changed(self, data):
        self.snapshots.request()

    # -- lease ---------------------------------------------------------------------------
    def _renew_lease(self):
        if not self.lease.acquire():
            log.warning("account %s: lease lost to another instance", self.account_id)
            self._close_session()
            self.current_status = NOT_STARTED
            if self._want_connected:
                self._retry_at = time.monotonic() + self.config.lease_ttl / 3
