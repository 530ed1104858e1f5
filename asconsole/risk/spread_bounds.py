"""Spread bounds made visible: the clamp itself is `models.rounding.shape_quote` (around the
reservation price, so the inventory skew survives); this guard shows what it did.

WARN while a configured bound binds (the model asked for less than min_spread_dollar or more
than max_spread_dollar), with the model's own spread, so an operator sees when the quotes
are set by configuration rather than by the market. The fee floor (a spread that cannot pay
its round trip of fees is never quoted) is economics, not a limit: it binds most of the time
at a 2 bp maker fee, so it is shown in the reason with the state left OK, keeping WARN for
what needs a look. It never pulls or widens. The
allowed range of the settings ($5 to $500, min <= max) is enforced by the config.
"""

from __future__ import annotations

from asconsole.risk.base import Guard, GuardState, QuoteOutcome, RiskContext, Verdict

BOUND_NAMES = {"min": "min spread", "fee": "fee floor", "max": "max spread"}


class SpreadBounds(Guard):
    name = "spread bounds"

    def __init__(self, min_dollar: float, max_dollar: float) -> None:
        super().__init__()
        self.set(GuardState.OK, "no quote", f"${min_dollar:g}-${max_dollar:g}")

    def on_quote(self, ts: int, outcome: QuoteOutcome | None) -> None:
        if outcome is None:
            self.set(GuardState.OK, "no quote", self.status.threshold)
            return
        o = outcome
        value = f"${o.spread:.2f}"
        threshold = f"${o.lo:.2f}-${o.hi:.2f}"
        if o.bound:
            reason = f"{BOUND_NAMES[o.bound]} binds: model ${o.model_spread:.2f}"
            state = GuardState.OK if o.bound == "fee" else GuardState.WARN
            self.set(state, value, threshold, reason)
        else:
            self.set(GuardState.OK, value, threshold)

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        """Nothing to decide before the quote: the status follows `on_quote`."""
