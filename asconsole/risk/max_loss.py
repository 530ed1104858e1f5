"""Max loss: a session loss beyond the limit trips the kill switch (flatten, then pause)."""

from __future__ import annotations

from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


class MaxLoss(Guard):
    name = "max loss"

    def __init__(self, limit_dollar: float) -> None:
        super().__init__()
        self.limit = limit_dollar

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        value = f"{ctx.pnl:+.2f}"
        if self.limit <= 0:
            self.set(GuardState.OK, value, "off")
            return
        threshold = f"-{self.limit:.2f}"
        if ctx.pnl <= -self.limit:
            verdict.kill_switch("max loss reached")
            self.set(GuardState.TRIPPED, value, threshold, "loss limit: kill switch")
        elif ctx.pnl <= -0.8 * self.limit:
            self.set(GuardState.WARN, value, threshold, "within 20% of the loss limit")
        else:
            self.set(GuardState.OK, value, threshold)
