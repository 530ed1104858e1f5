"""Asymmetric spreads: the side whose fill adds to the position is widened by
`per_order` for each order size of inventory, up to `max_widen`, on top of the model's skew
(which moves both quotes; this makes adding dearer without making reducing cheaper).

The seed widened a side by 20% after a 0.08% price move over 20 polls, i.e. by momentum,
not inventory; momentum is the displacement and regime guards' business here.
"""

from __future__ import annotations

from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


class AsymmetricSpread(Guard):
    name = "asymmetric"

    def __init__(self, per_order: float, max_widen: float) -> None:
        super().__init__()
        self.per_order = per_order
        self.max_widen = max_widen

    def factor(self, position: int, order_lots: int) -> float:
        orders = abs(position) / order_lots if order_lots else 0.0
        return min(1.0 + self.per_order * orders, self.max_widen)

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        if self.per_order <= 0:
            self.set(GuardState.OK, "off", "off", "disabled in config")
            return
        threshold = f"+{self.per_order:g}/order max x{self.max_widen:g}"
        f = self.factor(ctx.position, ctx.order_lots)
        if ctx.position == 0 or f <= 1.0:
            self.set(GuardState.OK, "x1", threshold)
            return
        side = "bid" if ctx.position > 0 else "ask"
        if ctx.position > 0:
            verdict.widen(f, 1.0, "")
        else:
            verdict.widen(1.0, f, "")
        state = GuardState.WARN if f >= self.max_widen else GuardState.OK
        self.set(state, f"{side} x{f:.2f}", threshold, f"adding side ({side}) widened")
