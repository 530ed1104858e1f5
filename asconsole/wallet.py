"""Spot balances kept as an exchange keeps them: totals moved by fills, locks held by open orders.

Spot has no leverage and no short selling: a sell can only spend base the account has and a
buy only quote it has. An open order locks what it could spend, a sell its size in base and
a buy its cost plus its fee in quote (this accounting charges every fee in quote); free =
total - locked. Amounts are integers, base in lots and quote in notional units (tick x lot of
quote currency, `Instrument.quote_units`), so an order's cost is exactly price ticks x size
lots. A lock rounds its fee up and a fill charges its fee rounded toward zero, so rounding
never takes a balance below what the locks promised.

The paper venue keeps one to refuse what the real venue would refuse; the engine keeps one
to know, before it quotes, what each side can still afford.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN

from asconsole.domain import Balances, Fill, Instrument, Side

OpenOrder = tuple[Side, int, int]
"""(side, price in ticks, lots still open) of one open order."""


def _snap(x: float) -> int | None:
    """The integer `x` is meant to be when it differs only by float noise."""
    n = round(x)
    return n if abs(x - n) < 1e-6 else None


def fee_hold(cost_units: int, rate: float) -> int:
    """Quote units a buy of `cost_units` locks for its fee (rounded up; rebates lock none)."""
    x = cost_units * rate
    n = _snap(x)
    return max(0, n if n is not None else math.ceil(x))


@dataclass(slots=True)
class SpotWallet:
    instrument: Instrument
    base: int
    """Total base, lots."""
    quote: int
    """Total quote, notional units."""

    @classmethod
    def of(cls, instrument: Instrument, base: float, quote: float) -> SpotWallet:
        """From amounts in base and quote currency (config), rounded down to lots and units."""
        return cls(instrument, instrument.qty_lots(base, ROUND_DOWN), instrument.quote_units(quote))

    def charged(self, fee: float) -> int:
        """A fill's fee (dollars) in quote units, rounded toward zero."""
        x = fee / (self.instrument.tick * self.instrument.lot)
        n = _snap(x)
        return n if n is not None else int(x)

    def apply(self, fill: Fill) -> None:
        cost = fill.price * fill.qty
        fee = self.charged(fill.fee)
        if fill.side is Side.BUY:
            self.base += fill.qty
            self.quote -= cost + fee
        else:
            self.base -= fill.qty
            self.quote += cost - fee

    @staticmethod
    def hold(side: Side, price: int, qty: int, fee_rate: float) -> tuple[int, int]:
        """(base lots, quote units) an order of `qty` at `price` locks."""
        if side is Side.SELL:
            return qty, 0
        cost = price * qty
        return 0, cost + fee_hold(cost, fee_rate)

    def locked(self, orders: Iterable[OpenOrder], fee_rate: float) -> tuple[int, int]:
        base = quote = 0
        for side, price, qty in orders:
            b, q = self.hold(side, price, qty, fee_rate)
            base += b
            quote += q
        return base, quote

    def balances(self, ts: int, orders: Iterable[OpenOrder], fee_rate: float) -> Balances:
        base_locked, quote_locked = self.locked(orders, fee_rate)
        return Balances(ts, self.base - base_locked, base_locked, self.quote - quote_locked, quote_locked)

    def anchor(self, report: Balances) -> None:
        """Take the venue's word for the totals (free + locked). The venue's locks, not ours,
        because an order we sent may not have reached it yet, or may never (a reject); if
        orders of other symbols lock the same asset, the totals overstate what this pair can
        use."""
        self.base = report.base_free + report.base_locked
        self.quote = report.quote_free + report.quote_locked
