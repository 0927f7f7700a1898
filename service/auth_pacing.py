"""Failed authentications paced per client address: a bad-key flood cannot crowd out valid keys.

A failure is a request with no API key, or a key that is unknown or revoked (401). Each client
address may fail `burst` times at once, then `per_second` times a second; beyond that its 401s
wait their turn (GCRA, the generic cell rate algorithm: one due time per address). A waiting
request is a sleeping coroutine and costs no CPU, and a flooding connection sends its next bad
key only once the last one is answered, so a flood falls to the pace set here. Valid keys are
never delayed, from any address, so a client behind a shared proxy is not slowed by another's
failures.

Why: one worker's event loop serves requests in turn. Measured before pacing (bench_auth.py),
16 connections sending bad keys got 6,900 answers a second, and a valid grade, which waits in
that queue at each step (its body, its commit, its answer), went from p50 3.4 ms alone to
27.6 ms, throughput down to a tenth.
"""

from __future__ import annotations

import time
from collections import OrderedDict

# However many failures an address has queued, none waits longer than this before its 401.
MAX_WAIT_S = 10.0
# Addresses remembered at most (the least recently failing forgotten first): memory stays bounded
# whatever the number of addresses a flood comes from.
MAX_ADDRESSES = 10_000


class FailurePacer:
    """When each failure from an address may be answered; one instance per service process."""

    def __init__(self, per_second: float, burst: int, *, max_wait_s: float = MAX_WAIT_S) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0  # 0: failures are never paced
        self.tolerance = burst * self.interval  # how far ahead of its pace an address may run
        self.max_wait_s = max_wait_s
        self._due: OrderedDict[str, float] = OrderedDict()  # address → when its next failure is due

    def wait(self, address: str, now: float | None = None) -> float:
        """Seconds this failure waits before its answer (0: at once); the address's pace moves on."""
        if not self.interval:
            return 0.0
        now = time.monotonic() if now is None else now
        due = max(self._due.pop(address, now), now)
        wait = min(max(0.0, due - self.tolerance - now), self.max_wait_s)
        # Capped: an address that keeps failing waits at most max_wait_s, and catches up as fast.
        self._due[address] = min(due + self.interval, now + self.tolerance + self.max_wait_s)
        if len(self._due) > MAX_ADDRESSES:
            self._due.popitem(last=False)
        return wait
