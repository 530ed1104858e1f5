"""Spot balances: no leverage and no short selling, so a side is quoted only while the
account can pay for a fill of it.

The ask needs the order size in free base; the bid needs its cost at the mid plus the maker
fee in free quote (a bid sits below the mid, so this never understates). What our own quote
on a side already locks counts as available to it, because a re-quote cancels that order
before placing the next. A side that cannot be covered is pulled (TRIPPED); covering fewer
than two orders on a side is a WARN. Until a live venue has reported its balances both sides
stay pulled. Registered only for spot instruments (`build_guards(..., spot=True)`).
"""

from __future__ import annotations

from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


def _amount(x: float) -> str:
    return f"{x:.8f}".rstrip("0").rstrip(".")


class SpotBalance(Guard):
    name = "balance"

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        f = ctx.spot
        if f is None:
            verdict.pull("balance: waiting for the venue's balances")
            self.set(GuardState.TRIPPED, "unknown", "", "waiting for the venue's balances")
            return
        value = (f"base {_amount(f.base_free * ctx.lot)} {ctx.base} / "
                 f"quote {f.quote_free * f.unit:,.2f} {f.quote}")
        threshold = (f"order {_amount(f.sell_need * ctx.lot)} {ctx.base} / "
                     f"{f.buy_need * f.unit:,.2f} {f.quote}")
        for_ask = f.base_free + f.ask_locked
        for_bid = f.quote_free + f.bid_locked
        pulled = []
        if for_ask < f.sell_need:
            verdict.pull_side(False, "balance: not enough base to sell")
            pulled.append("sell side pulled: free base short of one order")
        if for_bid < f.buy_need:
            verdict.pull_side(True, "balance: not enough quote to buy")
            pulled.append("buy side pulled: free quote short of one order")
        if pulled:
            self.set(GuardState.TRIPPED, value, threshold, "; ".join(pulled))
        elif for_ask < 2 * f.sell_need or for_bid < 2 * f.buy_need:
            side = "sell" if for_ask < 2 * f.sell_need else "buy"
            self.set(GuardState.WARN, value, threshold, f"low: one order left on the {side} side")
        else:
            self.set(GuardState.OK, value, threshold)
