"""Capped exponential backoff with jitter, shared by reconnects and webhook retries."""
import random


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait before retry number `attempt` (1-based): jittered in [d/2, d]."""
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * random.uniform(0.5, 1.0)
