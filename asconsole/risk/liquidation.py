"""Liquidation protection (linear perpetuals, isolated margin).

The liquidation price is the venue's when it reports one (`MarkPrice.liq_price`), else the
estimate of `risk.margin`; the watched value is the share of the entry-to-liquidation
distance the mark price has left. Below 2 x `threshold` the side that adds to the position
is pulled (WARN); below `threshold` (seed README: 20%) the guard trips: it keeps the adding
side pulled and reduces the position by at least `reduce_fraction` with reduce-only orders; below
half the threshold it closes the whole position. The seed compared distance x leverage with
0.50 (its README said 20%) and sold half once with a market order; here the reduction holds
until the mark is back out of the zone, and it follows the mark, not the last trade.
Off for spot: no leverage, no liquidation.
"""

from __future__ import annotations

from math import floor

from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict
from asconsole.risk.margin import distance_left, liquidation_price


class LiquidationGuard(Guard):
    name = "liquidation"

    def __init__(self, threshold: float, mmr: float, reduce_fraction: float) -> None:
        super().__init__()
        self.threshold = threshold
        self.mmr = mmr
        self.reduce_fraction = reduce_fraction
        self.liq_price = 0.0
        """Dollars; 0 when flat or spot."""
        self.left = 0.0
        """Share of the distance to liquidation left (see `margin.distance_left`)."""
        self.source = ""
        """"venue" or "estimate"."""
        self._target: int | None = None

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        threshold = f"<{self.threshold * 100:g}% left"
        pos = ctx.position
        if not ctx.futures:
            self.liq_price, self.source = 0.0, ""
            self.set(GuardState.OK, "off", "spot", "spot: no leverage, no liquidation")
            return
        if pos == 0 or ctx.entry <= 0 or ctx.mark <= 0:
            self.liq_price, self.source, self._target = 0.0, "", None
            self.set(GuardState.OK, "flat", threshold)
            return
        long = pos > 0
        if ctx.venue_liq > 0:
            self.liq_price, self.source = ctx.venue_liq, "venue"
        else:
            self.liq_price = liquidation_price(ctx.entry, long, ctx.leverage, self.mmr)
            self.source = "estimate"
        self.left = distance_left(ctx.entry, ctx.mark, self.liq_price, long)
        value = f"{self.left * 100:.0f}% left"
        where = f"liq {self.liq_price:,.1f} ({self.source})"
        if self.left >= 2 * self.threshold:
            self._target = None
            self.set(GuardState.OK, value, threshold, where)
            return
        verdict.pull_side(long, "liquidation: adding side pulled")
        if self.left >= self.threshold:
            self._target = None
            self.set(GuardState.WARN, value, threshold, f"near {where}: not adding")
            return
        if self._target and (self._target > 0) != long:
            self._target = None  # the position flipped: a new one, a new reduction
        if self.left < self.threshold / 2:
            self._target = 0
        elif self._target is None:
            keep = floor(abs(pos) * (1.0 - self.reduce_fraction))
            self._target = keep if long else -keep
        if abs(pos) > abs(self._target):
            verdict.reduce(self._target - pos, "liquidation: reducing")
        self.set(GuardState.TRIPPED, value, threshold, f"near {where}: reducing")
