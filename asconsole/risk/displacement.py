"""Displacement guard: when the mid has ranged more than `widen_bps` within the last
`window_s` seconds, both half spreads are widened by `widen`; beyond `pull_bps` quotes are
pulled. It releases once the range over the window is back under the threshold, i.e. after
the market has been calm for a whole window ("until it settles").

The range (high - low) is used rather than the seed's end-to-end change over 6 polls, so a
flash move that comes straight back still counts; it is kept with two monotonic deques, O(1)
per mid.
"""

from __future__ import annotations

from collections import deque

from asconsole.clock import NS_PER_S
from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


class Displacement(Guard):
    name = "displacement"

    def __init__(self, widen_bps: float, window_s: float, widen: float, pull_bps: float) -> None:
        super().__init__()
        self.widen_bps = widen_bps
        self.window_ns = int(window_s * NS_PER_S)
        self.widen = widen
        self.pull_bps = pull_bps
        self._hi: deque[tuple[int, float]] = deque()
        self._lo: deque[tuple[int, float]] = deque()

    def on_mid(self, ts: int, mid: float) -> None:
        if self.widen_bps <= 0:
            return
        hi, lo = self._hi, self._lo
        while hi and hi[-1][1] <= mid:
            hi.pop()
        hi.append((ts, mid))
        while lo and lo[-1][1] >= mid:
            lo.pop()
        lo.append((ts, mid))

    def range_bps(self, now: int) -> float:
        start = now - self.window_ns
        hi, lo = self._hi, self._lo
        while hi and hi[0][0] < start and len(hi) > 1:
            hi.popleft()
        while lo and lo[0][0] < start and len(lo) > 1:
            lo.popleft()
        if not hi or lo[0][1] <= 0:
            return 0.0
        return (hi[0][1] - lo[0][1]) / lo[0][1] * 1e4

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        if self.widen_bps <= 0:
            self.set(GuardState.OK, "off", "off", "disabled in config")
            return
        moved = self.range_bps(ctx.now)
        value = f"{moved:.1f}bp/{self.window_ns / NS_PER_S:g}s"
        pull = f" pull {self.pull_bps:g}" if self.pull_bps > 0 else ""
        threshold = f"widen {self.widen_bps:g}{pull}bp"
        if self.pull_bps > 0 and moved > self.pull_bps:
            verdict.pull("displacement: quotes pulled")
            self.set(GuardState.TRIPPED, value, threshold, "flash move: quotes pulled")
        elif moved > self.widen_bps:
            verdict.widen(self.widen, self.widen, f"displacement: widened x{self.widen:g}")
            self.set(GuardState.TRIPPED, value, threshold, f"fast move: spreads x{self.widen:g}")
        elif moved > 0.75 * self.widen_bps:
            self.set(GuardState.WARN, value, threshold, "approaching the widening threshold")
        else:
            self.set(GuardState.OK, value, threshold)
