"""Per-account send rate: a token bucket refilled at WILDCAT_SEND_RATE_PER_MINUTE."""
import math
import threading
import time


class SendRateLimiter:
    """One bucket per account holding up to a minute's allowance; 0 per minute = no limit."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets = {}     # account id -> (tokens, last refill time)

    def take(self, account_id) -> int:
        """Spend one token: 0 when allowed, else the whole seconds to wait (Retry-After)."""
        if self.per_minute <= 0:
            return 0
        rate = self.per_minute / 60.0
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(account_id, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[account_id] = (tokens - 1.0, now)
                return 0
            self._buckets[account_id] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate))

    def forget(self, account_id):
        with self._lock:
            self._buckets.pop(account_id, None)
