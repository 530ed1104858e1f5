"""Regime filter: a trending market runs over a market maker's inventory, so Wilder's ADX on
`bar_s` bars of the mid above `widen_adx` widens both half spreads by `widen`, and above
`pull_adx` pulls the quotes (seed names: ranging < 25, trending > 30; the seed's code paused
only above 37.5 and used a non-Wilder EWM). Until 2 x period bars exist it does nothing.

Bars are cut on the mid's own timestamps; a gap with no mid closes flat bars at the last
close (at most 2 x period of them, enough to warm a stale ADX down).
"""

from __future__ import annotations

from asconsole.clock import NS_PER_S
from asconsole.risk.adx import WilderADX
from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


class RegimeFilter(Guard):
    name = "regime"

    def __init__(self, enabled: bool, bar_s: float, period: int, widen_adx: float,
                 pull_adx: float, widen: float) -> None:
        super().__init__()
        self.enabled = enabled
        self.bar_ns = int(bar_s * NS_PER_S)
        self.adx = WilderADX(period)
        self.widen_adx = widen_adx
        self.pull_adx = pull_adx
        self.widen = widen
        self._bar_end = 0
        self._hlc = (0.0, 0.0, 0.0)

    def on_mid(self, ts: int, mid: float) -> None:
        if not self.enabled:
            return
        if self._bar_end == 0:
            self._bar_end = (ts // self.bar_ns + 1) * self.bar_ns
            self._hlc = (mid, mid, mid)
            return
        if ts >= self._bar_end:
            self.adx.add_bar(*self._hlc)
            close = self._hlc[2]
            missed = min((ts - self._bar_end) // self.bar_ns, 2 * self.adx.period)
            for _ in range(missed):
                self.adx.add_bar(close, close, close)
            self._bar_end = (ts // self.bar_ns + 1) * self.bar_ns
            self._hlc = (mid, mid, mid)
            return
        h, lo, _ = self._hlc
        self._hlc = (max(h, mid), min(lo, mid), mid)

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        if not self.enabled:
            self.set(GuardState.OK, "off", "off", "disabled in config")
            return
        threshold = f"widen {self.widen_adx:g} pull {self.pull_adx:g}"
        a = self.adx
        if not a.ready:
            self.set(GuardState.OK, "warming", threshold, f"{a.bars}/{2 * a.period} bars")
            return
        value = f"ADX {a.adx:.1f}"
        trend = "up" if a.plus_di > a.minus_di else "down"
        if a.adx > self.pull_adx:
            verdict.pull(f"regime: trending {trend}, quotes pulled")
            self.set(GuardState.TRIPPED, value, threshold, f"trending {trend}: quotes pulled")
        elif a.adx > self.widen_adx:
            factor = f"x{self.widen:g}"
            verdict.widen(self.widen, self.widen, f"regime: widened {factor}")
            self.set(GuardState.WARN, value, threshold, f"trending {trend}: spreads {factor}")
        else:
            self.set(GuardState.OK, value, threshold, "ranging")
