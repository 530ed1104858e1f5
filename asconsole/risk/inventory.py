"""Inventory limits, in multiples of the order size (seed README: soft 3, hard 5; the seed's
code used 2 and 2 and did nothing at the soft limit).

Soft: stop quoting the side whose fill would take the position past the soft limit. Hard:
also reduce the position back to the soft limit with reduce-only orders (the engine sends
one IOC at a time, capped in slippage, and retries while the limit holds).
"""

from __future__ import annotations

from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


class InventoryLimits(Guard):
    name = "inventory"

    def __init__(self, soft_orders: float, hard_orders: float) -> None:
        super().__init__()
        self.soft_orders = soft_orders
        self.hard_orders = hard_orders

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        soft = round(self.soft_orders * ctx.order_lots)
        hard = round(self.hard_orders * ctx.order_lots)
        pos = ctx.position
        size = abs(pos)
        value = f"{pos * ctx.lot:+.3f}"
        threshold = f"soft {soft * ctx.lot:.3f} / hard {hard * ctx.lot:.3f} {ctx.base}"
        # A quote that fills must not take the position past the soft limit.
        if pos + ctx.order_lots > soft:
            verdict.pull_side(True, "inventory: long at soft limit")
        if pos - ctx.order_lots < -soft:
            verdict.pull_side(False, "inventory: short at soft limit")
        if size >= hard:
            target = soft if pos > 0 else -soft
            verdict.reduce(target - pos, "inventory: hard limit, reducing to soft")
            self.set(GuardState.TRIPPED, value, threshold, "hard limit: reducing to soft")
        elif size + ctx.order_lots > soft:
            self.set(GuardState.WARN, value, threshold, "soft limit: adding side pulled")
        else:
            self.set(GuardState.OK, value, threshold)
