"""Stale data: no market data for N seconds, a lost feed or a book gap pulls all quotes."""

from __future__ import annotations

from asconsole.clock import NS_PER_S
from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


class StaleData(Guard):
    name = "stale data"

    def __init__(self, max_age_s: float) -> None:
        super().__init__()
        self.max_age_ns = int(max_age_s * NS_PER_S)

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        age = ctx.now - ctx.last_data_ts if ctx.last_data_ts else 0
        value = f"{age / NS_PER_S:.1f}s"
        threshold = f"{self.max_age_ns / NS_PER_S:g}s"
        if not ctx.feed_connected:
            reason = "feed disconnected"
        elif not ctx.book_valid:
            reason = "no valid book (gap or waiting for snapshot)"
        elif age > self.max_age_ns:
            reason = f"no market data for {value}"
        else:
            self.set(GuardState.OK, value, threshold)
            return
        verdict.pull(f"stale data: {reason}")
        self.set(GuardState.TRIPPED, value, threshold, reason)
