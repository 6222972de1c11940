"""One account's long-lived thread: its connection, its lease, its events, its commands."""
import concurrent.futures
import logging
import queue
import threading
import time
import typing

from wildcat import commands, domain
from wildcat.connection_state import (OUTDATED_MESSAGE, ban_until, is_outdated_error,
                                      retry_fields)
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
                 outbound=None, queue_size=10000, placement=None):
        self.account_id = account_id
        self.store, self.driver, self.events, self.config = store, driver, events, config
        self.owner = owner
        self.inbound, self.outbound = inbound, outbound
        self.placement = placement       # workers/placement.py: may this instance take it?
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
        self._start_at = None       # a scheduled first connect (the start spread)
        self._published = None      # (status, reason, errorKind) of the last connection.update
        self._session_proxy = None  # the proxy the live session was opened with
        self.lease = AccountLease(store, account_id, owner, config.lease_ttl)
        self.snapshots = SessionSnapshots(store, driver, account_id)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, autoconnect=False, delay=0.0):
        """Start the thread; with `autoconnect`, reconnect a stored session after `delay`
        seconds (the supervisor spreads a restart's connects; commands run meanwhile)."""
        if autoconnect:
            self._adopt_stopped_status()
        self._thread = threading.Thread(target=self._run, args=(autoconnect, delay),
                                        name=self.name, daemon=True)
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

    def claim(self):
        """Supervisor: nobody owns this account and it should be online; try to take it."""
        self._nudge("claim")

    def hand_over(self):
        """Supervisor: this instance holds more than its share; let another one take it."""
        self._nudge("handover")

    def _nudge(self, kind):
        try:
            self._queue.put_nowait((kind, None))
        except queue.Full:
            pass

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
    def _run(self, autoconnect, delay=0.0):
        log.info("account %s: worker started", self.account_id)
        try:
            if autoconnect and delay > 0:
                self._start_at = time.monotonic() + delay
                log.info("account %s: connecting in %.1fs (start spread)", self.account_id,
                         delay)
            elif autoconnect:
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
                elif kind == "claim":
                    self._safe(self._claim)
                elif kind == "handover":
                    self._safe(self._hand_over)
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
        deadlines = [t for t in (self._retry_at, self._start_at, self.snapshots.due)
                     if t is not None]
        if self.lease.held:
            deadlines.append(self.lease.renew_at)
        if not deadlines:
            return 5.0
        return min(5.0, max(0.0, min(deadlines) - time.monotonic()))

    def _run_timers(self):
        now = time.monotonic()
        if self.lease.held and now >= self.lease.renew_at:
            self._renew_lease()
        if self._start_at is not None and now >= self._start_at:
            self._start_at = None
            self._autoconnect()
        if self._retry_at is not None and now >= self._retry_at:
            self._retry_at = None
            if self._want_connected:
                self._open(retry=True)
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

    def set_status(self, status, reason, *, publish=True, **extra):
        """Record the account's state (persisted only while this process owns the account)
        and publish a connection.update when it is news: a change of status, of reason or
        of the kind of error (`errorKind`). A retry failing like the last one only updates
        the stored `lastError`/`attempts`/`nextRetryAt`; `publish=False` stores quietly."""
        fields = {"status": status, "reason": reason, "lastUpdate": iso_now(), **extra}
        try:   # stored first: who sees the new status can read its reason
            if self.lease.held or status in (DISCONNECTED, LOGGED_OUT):
                self.store.update_account(self.account_id, fields)
        finally:
            self.current_status = status
            if status != CONNECTING:
                self.qr = None
        key = (status, reason, extra.get("errorKind"))
        if not publish or key == self._published:
            return
        previous = self._published[0] if self._published else NOT_STARTED
        self._published = key
        log.info("account %s: %s -> %s (%s)", self.account_id, previous, status, reason)
        shown = {k: v for k, v in extra.items() if v is not None}
        self.events.emit(make_event(domain.CONNECTION_UPDATE, self.account_id, status=status,
                                    previous=previous, reason=reason, **shown))

    # -- connecting ----------------------------------------------------------------------
    def _adopt_stopped_status(self):
        """An account stopped on purpose (disconnected, logged out) shows that status from
        the moment its worker exists, not `not_started` until the thread first runs."""
        try:
            stored = self.store.get_account(self.account_id) or {}
        except Exception:   # the thread reads it again, with retries, in _autoconnect
            log.warning("account %s: stored status unreadable at start", self.account_id)
            return
        if stored.get("status") in domain.STAYS_DOWN:
            self.current_status = stored["status"]

    def _autoconnect(self):
        account = self.account()
        if account.get("status") in (DISCONNECTED, LOGGED_OUT):
            self.current_status = account["status"]
            return
        if self.driver.has_session(account) or self.snapshots.exists(account):
            self._do_connect()

    def _do_connect(self):
        self._want_connected = True
        self._start_at = None
        if self.session is not None and self.current_status in (CONNECTING, CONNECTED,
                                                               RECONNECTING):
            return self.current_status
        self._attempt = 0
        self._open(force=True)
        return self.current_status

    def _do_reconnect(self):
        """Settings changed: a live or wanted connection is opened again with them."""
        if not self._want_connected:
            return self.current_status
        log.info("account %s: connection settings changed; reconnecting", self.account_id)
        self._close_session()
        self._retry_at = None
        self._attempt = 0
        self._open()
        return self.current_status

    def _take_lease(self, force):
        """The lease, when placement lets this instance take one more account (an explicit
        connect may go above the fair share, rebalancing moves it later; never above the
        process's capacity)."""
        if self.lease.held or self.placement is None:
            return self.lease.acquire()
        if self.lease.held_elsewhere():     # a standby of an account owned elsewhere
            return False
        with self.placement.taking(fair=not force) as allowed:
            return allowed and self.lease.acquire()

    def _open(self, retry=False, force=False):
        """One connect attempt: `dialing` until the driver reports a QR, a connection or a
        failure. A retry's dialing is stored, not published (it is not news)."""
        if not self._take_lease(force):
            self.current_status = NOT_STARTED
            self._retry_at = time.monotonic() + min(5.0, self.config.lease_ttl / 6)
            return
        account = self.account()
        self.snapshots.restore(account)
        has_session = self.driver.has_session(account)
        if self.session is None or not self.session.is_alive():
            self._close_session()
            self.session = self.driver.open_session(account, self.on_driver_event)
            self._session_proxy = account.get("proxy")
        self.set_status(RECONNECTING if has_session or retry else CONNECTING, domain.DIALING,
                        publish=not retry)
        self.session.start()

    def _schedule_retry(self):
        """Plan the next attempt; the fields that show it on the account."""
        self._attempt += 1
        delay = backoff_delay(self._attempt, self.config.reconnect_backoff_base,
                              self.config.reconnect_backoff_cap)
        self._retry_at = time.monotonic() + delay
        log.info("account %s: reconnect attempt %d in %.1fs", self.account_id, self._attempt,
                 delay)
        return retry_fields(self._attempt, delay)

    def _do_disconnect(self):
        self._want_connected = False
        self._retry_at = self._start_at = None
        self._close_session()
        self.snapshots.flush(self.account(), self.lease.held)
        self.set_status(DISCONNECTED, "user_disconnect", nextRetryAt=None)
        self.lease.release()
        return self.current_status

    def _do_logout(self):
        self._unlink()
        self.set_status(LOGGED_OUT, "user_logout", nextRetryAt=None)
        self.lease.release()
        return self.current_status

    def _unlink(self):
        self._want_connected = False
        self._retry_at = self._start_at = None
        account = self.account()
        if self.session is not None:
            try:
                self.session.logout()
            except Exception:
                log.exception("account %s: logout on the network failed", self.account_id)
            self.session = None
        self.snapshots.forget(account)

    def _do_delete(self):
        """Unlink and end, publishing nothing: the service publishes `account.deleted` once
        the store has forgotten the account."""
        self._unlink()
        self.lease.release()
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
        commands.Reconnect: lambda w, c: w._do_reconnect(),
        commands.ChatPresence: lambda w, c: w.session.send_chat_presence(c.to, c.state),
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

    # -- chat extras (issue 11) ------------------------------------------------------------
    _handlers.update({cls: (lambda w, c: c.run(w.session)) for cls in commands.SESSION_COMMANDS})

    def reject_call(self, call_id, caller):
        """Worker thread only (the inbound pipeline, on a CALL event): decline the call."""
        self.require_connected()
        self.session.reject_call(call_id, caller)

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
        self.set_status(CONNECTING, domain.AWAITING_QR_SCAN)
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
        # stored before the status shows connected, so a reader of `connected` sees it
        self.store.update_account(self.account_id, {"connectedAt": iso_now()})
        self.set_status(CONNECTED, "connected", jid=self.jid, pushName=data.get("pushName"),
                        lastError=None, errorKind=None, attempts=0, nextRetryAt=None,
                        until=None)
        self.snapshots.request()

    def _on_disconnected(self, data):
        if not self._want_connected:
            return
        if data.get("reason") == domain.CLIENT_OUTDATED:
            return self._on_client_outdated(data)
        retry = {} if data.get("willReconnect") else self._schedule_retry()
        self.set_status(RECONNECTING, data.get("reason") or domain.CONNECTION_LOST, **retry)

    def _on_connect_failed(self, data):
        error = (data.get("error") or "connect failed").strip()
        if is_outdated_error(error):
            return self._on_client_outdated(data)
        self.set_status(RECONNECTING, domain.CONNECT_FAILED, lastError=error[:500],
                        errorKind=domain.error_kind(error), **self._schedule_retry())

    def _on_client_outdated(self, data):
        self._end_without_reconnect(domain.CLIENT_OUTDATED, lastError=OUTDATED_MESSAGE)

    def _on_logged_out(self, data):
        self._want_connected = False
        self._retry_at = None
        self._close_session()
        self.snapshots.forget(self.account())
        self.set_status(LOGGED_OUT, data.get("reason") or "logged_out")
        self.lease.release()

    def _end_without_reconnect(self, reason, **extra):
        """Stay down (also across restarts: DISCONNECTED is not reconnected on start)."""
        self._want_connected = False
        self._retry_at = self._start_at = None
        self._close_session()
        self.set_status(DISCONNECTED, reason, nextRetryAt=None, **extra)
        self.lease.release()

    def _on_stream_replaced(self, data):
        self._end_without_reconnect(domain.STREAM_REPLACED, lastError=(
            "The WhatsApp session was opened by another client or instance; connect again "
            "to take it back"))

    def _on_temporary_ban(self, data):
        until = ban_until(data.get("expire"))
        self._end_without_reconnect(domain.TEMPORARY_BAN, banCode=data.get("code"),
                                    until=until, lastError=(
                                        "WhatsApp banned this number temporarily (%s) until %s"
                                        % (data.get("code") or "no reason given", until)))

    def _on_qr_timeout(self, data):
        self._end_without_reconnect("qr_timeout")

    def _on_keepalive(self, data):
        """WhatsApp stopped answering keepalives: a session that says connected but is deaf
        shows `reconnecting` (keepalive_timeout) until it is heard again (restored, or the
        reconnect whatsmeow forces after 3 minutes of failures reports CONNECTED)."""
        if data.get("timedOut"):
            if self.current_status == CONNECTED:
                self.set_status(RECONNECTING, "keepalive_timeout")
        elif (self.current_status == RECONNECTING
              and self.account().get("reason") == "keepalive_timeout"):
            self.set_status(CONNECTED, "keepalive_restored")

    def _on_session_changed(self, data):
        self.snapshots.request()

    # -- placement -----------------------------------------------------------------------
    def _claim(self):
        if self.lease.held or self.stopping():
            return
        self._want_connected = True
        self._attempt = 0
        self._retry_at = None
        self._open()

    def _hand_over(self):
        """Graceful move: disconnect, keep the session (snapshot), release; the stored
        status stays online so the new owner reconnects from the stored session."""
        if not self.lease.held or self.current_status != CONNECTED:
            return                   # a login in progress stays where its QR is
        log.info("account %s: handing over to another instance", self.account_id)
        self._close_session()
        self.snapshots.flush(self.account(), True)
        self.lease.release()
        self.current_status = NOT_STARTED
        self.qr = None
        self._retry_at = time.monotonic() + self.config.lease_ttl   # others go first

    # -- lease ---------------------------------------------------------------------------
    def _renew_lease(self):
        if not self.lease.acquire():
            log.warning("account %s: lease lost to another instance", self.account_id)
            self._close_session()
            self.current_status = NOT_STARTED
            if self._want_connected:
                self._retry_at = time.monotonic() + self.config.lease_ttl / 3
            return
        if self.session is not None and self.account().get("proxy") != self._session_proxy:
            self._do_reconnect()   # changed through another process (PATCH reconnects here)
