"""Human-paced sending: the per-account send policy (PATCH /accounts/:id `sendPolicy`).

For an account with a policy, each send waits its turn in the account's lane: in request
order, one at a time, each starting a random `minDelayMs`..`maxDelayMs` after the previous
one went out; a text is preceded by the `composing` presence for a time proportional to its
length. The waiting happens on the request's own HTTP thread (the request returns when its
message is sent), never on the account's thread, which keeps handling inbound events and
other commands meanwhile. A lane deeper than WILDCAT_SEND_QUEUE_LIMIT answers 429
`send_queue_full`; `dailyLimit` sends a UTC day (counted in the store, so every process and
restart sees one count) answers 429 `daily_limit` beyond it.
"""
import collections
import datetime
import logging
import math
import random
import threading
import time

from wildcat.errors import AccountTimeout, DailyLimitReached, SendQueueFull

log = logging.getLogger(__name__)

TYPING_MS_PER_CHAR = 50       # ~ a brisk typist
TYPING_MIN_MS = 400
TYPING_MAX_MS = 5000


def typing_ms(text: str | None) -> int:
    """How long `composing` shows before a text: proportional to its length, capped."""
    return min(TYPING_MAX_MS, max(TYPING_MIN_MS, TYPING_MS_PER_CHAR * len(text or "")))


def utc_day(now: float | None = None) -> str:
    """The UTC day a send counts in (YYYY-MM-DD)."""
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() if now is None else now))


def seconds_to_next_day(now: float | None = None) -> int:
    """Whole seconds until the next UTC midnight (the daily limit's Retry-After)."""
    now = time.time() if now is None else now
    today = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).date()
    midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(),
                                         datetime.timezone.utc)
    return max(1, math.ceil(midnight.timestamp() - now))


class _Lane:
    """One account's paced sends: tickets in request order; `next_at` is the earliest
    (monotonic) time the next one may start."""

    def __init__(self):
        self.tickets = collections.deque()
        self.next_at = 0.0


class SendPacer:
    """The lanes of every paced account of this process. Used by HTTP threads only (each
    waits for its own send); `close()` ends every wait (shutdown)."""

    def __init__(self, queue_limit: int, clock=time.monotonic):
        self.queue_limit = queue_limit
        self._clock = clock
        self._cond = threading.Condition()
        self._lanes = {}
        self._closed = threading.Event()

    def depth(self, account_id) -> int:
        with self._cond:
            lane = self._lanes.get(account_id)
            return len(lane.tickets) if lane else 0

    def forget(self, account_id):
        with self._cond:
            self._lanes.pop(account_id, None)
            self._cond.notify_all()

    def close(self):
        self._closed.set()
        with self._cond:
            self._cond.notify_all()

    def pause(self, seconds):
        """Wait `seconds` on the caller's thread (ends early at shutdown)."""
        self._closed.wait(seconds)

    def send(self, store, account_id, policy, run, *, timeout):
        """Run `run()` (the typing presence and the send) in the account's turn, after
        taking a daily-limit slot (given back when nothing went out); its result."""
        ticket = object()
        self._enter(account_id, policy, ticket)
        day = reserved = None
        try:
            day, reserved = self._reserve_daily(store, account_id, policy)
            self._wait_turn(account_id, ticket, policy, timeout)
            sent = False
            try:
                result = run()
                sent = True
                return result
            finally:
                self._leave(account_id, ticket, policy if sent else None)
                ticket = None
        except BaseException as exc:
            if ticket is not None:
                self._leave(account_id, ticket, None)
            if reserved and not getattr(exc, "started", False):
                store.add_send_count(account_id, day, -1)   # it never went out
            raise

    # -- the lane ------------------------------------------------------------------------
    def _enter(self, account_id, policy, ticket):
        with self._cond:
            lane = self._lanes.setdefault(account_id, _Lane())
            depth = len(lane.tickets)
            if depth >= self.queue_limit:
                wait = depth * (policy["maxDelayMs"] + TYPING_MAX_MS * policy["typing"]) / 1000
                wait = max(1, math.ceil(wait))
                log.info("account %s: %d paced sends waiting; refusing another",
                         account_id, depth)
                raise SendQueueFull(
                    f"{depth} sends are waiting their turn for this account (the limit is "
                    f"{self.queue_limit}); retry in {wait}s", retry_after=wait,
                    details={"retryAfter": wait, "queued": depth})
            lane.tickets.append(ticket)

    def _reserve_daily(self, store, account_id, policy):
        limit = policy.get("dailyLimit")
        if not limit:
            return None, False
        day = utc_day()
        count = store.add_send_count(account_id, day, 1)
        if count > limit:
            store.add_send_count(account_id, day, -1)
            wait = seconds_to_next_day()
            log.info("account %s: daily send limit %d reached", account_id, limit)
            raise DailyLimitReached(
                f"The account's daily limit of {limit} sends is reached; it resets at 00:00 "
                f"UTC, in {wait}s", retry_after=wait,
                details={"dailyLimit": limit, "retryAfter": wait})
        return day, True

    def _wait_turn(self, account_id, ticket, policy, timeout):
        with self._cond:
            lane = self._lanes.get(account_id)
            ahead = lane.tickets.index(ticket) if lane and ticket in lane.tickets else 0
            per_send = (policy["maxDelayMs"] + TYPING_MAX_MS * policy["typing"]) / 1000
            deadline = self._clock() + timeout + ahead * per_send
            while True:
                lane = self._lanes.get(account_id)
                if lane is None or ticket not in lane.tickets:   # the account was deleted
                    raise AccountTimeout("The account was deleted while the send waited")
                now = self._clock()
                if lane.tickets[0] is ticket and now >= lane.next_at:
                    return
                if self._closed.is_set() or now >= deadline:
                    raise AccountTimeout("The send waited too long for its turn; it was "
                                         "cancelled and will not run")
                until = lane.next_at if lane.tickets[0] is ticket else deadline
                self._cond.wait(max(0.01, min(until, deadline) - now))

    def _leave(self, account_id, ticket, policy):
        """Done with `ticket`: after a send, the next may start a random delay later."""
        with self._cond:
            lane = self._lanes.get(account_id)
            if lane is None:
                return
            was_head = bool(lane.tickets) and lane.tickets[0] is ticket
            try:
                lane.tickets.remove(ticket)
            except ValueError:
                pass
            if was_head and policy is not None:
                delay = random.uniform(policy["minDelayMs"], policy["maxDelayMs"]) / 1000
                lane.next_at = self._clock() + delay
            if not lane.tickets and lane.next_at <= self._clock():
                self._lanes.pop(account_id, None)
            self._cond.notify_all()
