"""Fill imbalance cooldown: `fills` consecutive maker fills on one side within `window_s`
look like informed flow running over that side, so it is not quoted for `cooldown_s`.

Counted per order (partial fills of one order count once) and only for our quotes (maker
fills): a reduce-only or kill-switch fill is ours, not the market's. The seed only widened
the heavy side by 30% from the last 10 fills and never stopped quoting it.
"""

from __future__ import annotations

from collections import deque

from asconsole.clock import NS_PER_S
from asconsole.domain import Fill, Side
from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


class FillImbalance(Guard):
    name = "fill imbalance"

    def __init__(self, fills: int, window_s: float, cooldown_s: float) -> None:
        super().__init__()
        self.fills = fills
        self.window_ns = int(window_s * NS_PER_S)
        self.cooldown_ns = int(cooldown_s * NS_PER_S)
        self.recent: deque[tuple[int, Side, str]] = deque(maxlen=max(fills, 1))
        self.until = {Side.BUY: 0, Side.SELL: 0}
        """Per side: end of its cooldown, ns."""

    def on_fill(self, fill: Fill) -> None:
        if self.fills <= 0 or not fill.is_maker:
            return
        if self.recent and self.recent[-1][2] == fill.client_id:
            return
        if self.recent and self.recent[-1][1] is not fill.side:
            self.recent.clear()
        self.recent.append((fill.ts, fill.side, fill.client_id))
        if len(self.recent) == self.fills and fill.ts - self.recent[0][0] <= self.window_ns:
            self.until[fill.side] = fill.ts + self.cooldown_ns
            self.recent.clear()

    def _streak(self) -> str:
        if not self.recent:
            return "0"
        side = "buy" if self.recent[-1][1] is Side.BUY else "sell"
        return f"{len(self.recent)} {side}"

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        if self.fills <= 0:
            self.set(GuardState.OK, "off", "off", "disabled in config")
            return
        threshold = f"{self.fills} in {self.window_ns / NS_PER_S:g}s"
        cooling = [s for s in (Side.BUY, Side.SELL) if ctx.now < self.until[s]]
        if cooling:
            parts = []
            for s in cooling:
                left = (self.until[s] - ctx.now) / NS_PER_S
                name = "bid" if s is Side.BUY else "ask"
                verdict.pull_side(s is Side.BUY, f"fill imbalance: {name} cooling down")
                parts.append(f"{name} off {left:.0f}s")
            self.set(GuardState.TRIPPED, ", ".join(parts), threshold,
                     f"{self.fills} fills in a row on one side")
        elif len(self.recent) == self.fills - 1 and self.fills > 1:
            self.set(GuardState.WARN, self._streak(), threshold, "one more fill starts a cooldown")
        else:
            self.set(GuardState.OK, self._streak(), threshold)
