"""The engine's view of a spot account: what each side of the quote can still afford.

Paper (and backtest) runs start from `[paper] spot_base` / `spot_quote`, the same balances
the paper venue starts from, and move them with our own fills, so both agree without any
message between them. A live venue's balances are unknown until its broker reports them (a
`Balances` execution event at start, after a reconnect and on every change); each report
re-anchors the totals (the venue's free + locked) and our fills move them in between. What
is free is the total less what our own working orders lock. A report that already counts a
fill we have not seen yet counts it twice until the next report (MEXC sends one with every
balance change); the venue still refuses an order the balance cannot pay for, and the engine
waits for the next market event after such a reject.
"""

from __future__ import annotations

from collections.abc import Iterable

from asconsole.config import Settings
from asconsole.domain import Balances, Fill, Instrument, Order, Side
from asconsole.risk.base import SpotFunds
from asconsole.wallet import OpenOrder, SpotWallet


def _open(orders: Iterable[Order]) -> list[OpenOrder]:
    return [(o.side, o.price, o.leaves) for o in orders]


class SpotAccount:
    def __init__(self, settings: Settings, instrument: Instrument, live: bool) -> None:
        self.instrument = instrument
        self.fee_rate = settings.fees.maker
        self._start = (settings.paper.spot_base, settings.paper.spot_quote)
        self.wallet: SpotWallet | None = None
        self.set_mode(live)

    def set_mode(self, live: bool) -> None:
        """Live: unknown until the venue reports; paper: the paper venue's starting balances."""
        self.wallet = None if live else SpotWallet.of(self.instrument, *self._start)

    def on_fill(self, fill: Fill) -> None:
        if self.wallet is not None:
            self.wallet.apply(fill)

    def on_report(self, report: Balances) -> None:
        if self.wallet is None:
            self.wallet = SpotWallet(self.instrument, 0, 0)
        self.wallet.anchor(report)

    def balances(self, ts: int, orders: Iterable[Order]) -> Balances | None:
        if self.wallet is None:
            return None
        return self.wallet.balances(ts, _open(orders), self.fee_rate)

    def funds(self, orders: list[Order], mid_ticks: float, order_lots: int) -> SpotFunds | None:
        """What the balance guard checks before a decision (None: balances unknown)."""
        if self.wallet is None:
            return None
        rate = self.fee_rate
        bal = self.wallet.balances(0, _open(orders), rate)
        quoting = [o for o in orders if not o.reduce_only]
        _, bid_locked = self.wallet.locked(_open(o for o in quoting if o.side is Side.BUY), rate)
        ask_locked = sum(o.leaves for o in quoting if o.side is Side.SELL)
        _, buy_need = SpotWallet.hold(Side.BUY, int(-(-mid_ticks // 1)), order_lots, rate)
        ins = self.instrument
        return SpotFunds(bal.base_free, bal.quote_free, ask_locked, bid_locked, order_lots, buy_need,
                         ins.quote, ins.tick * ins.lot)
