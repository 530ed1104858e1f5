"""The paper broker: orders rest against the real (or simulated) market and fill only when
market trades reach them, behind the displayed queue at their price.

Queue model (the walking-skeleton version; the fill-model issue deepens it):
- a post-only order that would cross is rejected, like on the venues;
- a resting order joins the back of the queue: `ahead` = displayed size at its price;
- a trade at its price consumes `ahead` first, then fills the order (partially or fully);
- a trade through its price, or the opposite best price reaching it, fills the rest at its
  own price (maker);
- a level that shrinks without trades shortens `ahead` to at most the displayed size;
- market and IOC orders sweep the opposite levels as taker and pay the taker fee.

`PaperExchange` is synchronous (backtests call it directly on an event clock);
`PaperBroker` wraps it in the async `Broker` protocol for live runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from asconsole.book import Book
from asconsole.clock import Clock
from asconsole.domain import (
    AmendOrder,
    BookDelta,
    BookSnapshot,
    CancelAll,
    CancelOrder,
    ExecEvent,
    Fill,
    Instrument,
    MarketEvent,
    OrderAck,
    OrderAction,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    Trade,
    VenueOrder,
    VenuePosition,
)
from asconsole.fees import FeeSchedule


@dataclass(slots=True)
class _Resting:
    client_id: str
    side: Side
    price: int
    qty: int
    filled: int = 0
    ahead: int = 0

    @property
    def leaves(self) -> int:
        return self.qty - self.filled


class PaperExchange:
    def __init__(self, instrument: Instrument, fees: FeeSchedule, clock: Clock) -> None:
        self.instrument = instrument
        self.fees = fees
        self.clock = clock
        self.book = Book()
        self.orders: dict[str, _Resting] = {}
        self.position = 0
        self._fill_seq = 0

    # --- requests ------------------------------------------------------------------------

    def submit(self, action: OrderAction) -> list[ExecEvent]:
        now = self.clock.now()
        if isinstance(action, PlaceOrder):
            return self._place(action, now)
        if isinstance(action, CancelOrder):
            o = self.orders.pop(action.client_id, None)
            if o is None:
                return [OrderRejected(now, action.client_id, "unknown order", "cancel")]
            return [OrderCanceled(now, o.client_id, "canceled")]
        if isinstance(action, CancelAll):
            out: list[ExecEvent] = [OrderCanceled(now, cid, "cancel all") for cid in self.orders]
            self.orders.clear()
            return out
        if isinstance(action, AmendOrder):
            return self._amend(action, now)
        raise TypeError(f"unknown action {action!r}")

    def _crosses(self, side: Side, price: int) -> bool:
        b = self.book
        return price >= b.best_ask if side is Side.BUY else price <= b.best_bid

    def _place(self, a: PlaceOrder, now: int) -> list[ExecEvent]:
        if not self.book.ready:
            return [OrderRejected(now, a.client_id, "no market data")]
        if a.client_id in self.orders:
            return [OrderRejected(now, a.client_id, "duplicate client order id")]
        qty = a.qty
        if a.reduce_only:
            if self.position == 0 or (self.position > 0) == (a.side is Side.BUY):
                return [OrderRejected(now, a.client_id, "reduce-only order would increase position")]
            qty = min(qty, abs(self.position))
        if qty < self.instrument.min_qty_lots:
            return [OrderRejected(now, a.client_id, "quantity below the minimum")]
        if a.tif in (TimeInForce.MARKET, TimeInForce.IOC):
            limit = None if a.tif is TimeInForce.MARKET else a.price
            return [OrderAck(now, a.client_id), *self._sweep(a.client_id, a.side, qty, limit, now)]
        if self._crosses(a.side, a.price):
            if a.tif is TimeInForce.POST_ONLY:
                return [OrderRejected(now, a.client_id, "post-only order would take liquidity")]
            fills = self._sweep(a.client_id, a.side, qty, a.price, now)
            done = sum(f.qty for f in fills)
            if done >= qty:
                return [OrderAck(now, a.client_id), *fills]
            o = _Resting(a.client_id, a.side, a.price, qty, done, 0)
            self.orders[a.client_id] = o
            return [OrderAck(now, a.client_id), *fills]
        ahead = self.book.size_at(a.side is Side.BUY, a.price)
        self.orders[a.client_id] = _Resting(a.client_id, a.side, a.price, qty, 0, ahead)
        return [OrderAck(now, a.client_id)]

    def _amend(self, a: AmendOrder, now: int) -> list[ExecEvent]:
        o = self.orders.get(a.client_id)
        if o is None:
            return [OrderRejected(now, a.client_id, "unknown order", "amend")]
        if a.price != o.price and self._crosses(o.side, a.price):
            return [OrderRejected(now, a.client_id, "post-only amend would take liquidity", "amend")]
        if a.qty <= o.filled:
            return [OrderRejected(now, a.client_id, "amend below filled quantity", "amend")]
        if a.price != o.price:
            o.ahead = self.book.size_at(o.side is Side.BUY, a.price)
        o.price, o.qty = a.price, a.qty
        return [OrderAmended(now, a.client_id, a.price, a.qty)]

    def _sweep(self, cid: str, side: Side, qty: int, limit: int | None, now: int) -> list[ExecEvent]:
        """Take liquidity level by level (price impact), up to `limit` if given."""
        out: list[ExecEvent] = []
        left = qty
        for price, size in self.book.levels(side is Side.SELL, 1_000):
            if left <= 0 or (limit is not None and self._beyond(side, price, limit)):
                break
            take = min(left, size)
            left -= take
            out.append(self._fill(cid, side, price, take, False, now, left))
        if left > 0:
            out.append(OrderCanceled(now, cid, "rest of IOC order not filled"))
        return out

    @staticmethod
    def _beyond(side: Side, price: int, limit: int) -> bool:
        return price > limit if side is Side.BUY else price < limit

    def _fill(
        self, cid: str, side: Side, price: int, qty: int, maker: bool, now: int, leaves: int
    ) -> Fill:
        self._fill_seq += 1
        self.position += qty * side
        fee = self.fees.fee(self.instrument.notional(price, qty), maker)
        return Fill(now, cid, side, price, qty, fee, maker, f"paper-{self._fill_seq}", leaves)

    # --- market --------------------------------------------------------------------------

    def on_market(self, ev: MarketEvent) -> list[ExecEvent]:
        if isinstance(ev, Trade):
            return self._on_trade(ev) if self.orders else []
        if isinstance(ev, BookDelta):
            self.book.apply_delta(ev)
        elif isinstance(ev, BookSnapshot):
            self.book.apply_snapshot(ev)
        else:
            return []
        return self._on_book() if self.orders else []

    def _on_trade(self, t: Trade) -> list[ExecEvent]:
        out: list[ExecEvent] = []
        maker_side = t.side.opposite
        for o in list(self.orders.values()):
            if o.side is not maker_side:
                continue
            through = t.price < o.price if o.side is Side.BUY else t.price > o.price
            if through:
                qty = o.leaves
            elif t.price == o.price:
                used = min(o.ahead, t.qty)
                o.ahead -= used
                qty = min(t.qty - used, o.leaves)
            else:
                continue
            if qty > 0:
                out.append(self._rest_fill(o, qty, t.ts))
        return out

    def _on_book(self) -> list[ExecEvent]:
        out: list[ExecEvent] = []
        b = self.book
        for o in list(self.orders.values()):
            is_bid = o.side is Side.BUY
            if b.ready and self._crosses(o.side, o.price):
                out.append(self._rest_fill(o, o.leaves, b.ts))
                continue
            shown = b.size_at(is_bid, o.price)
            if o.ahead > shown:
                o.ahead = shown
        return out

    def _rest_fill(self, o: _Resting, qty: int, ts: int) -> Fill:
        o.filled += qty
        if o.leaves <= 0:
            del self.orders[o.client_id]
        return self._fill(o.client_id, o.side, o.price, qty, True, ts, o.leaves)

    def open_orders(self) -> list[VenueOrder]:
        return [
            VenueOrder(o.client_id, o.client_id, o.side, o.price, o.qty, o.filled)
            for o in self.orders.values()
        ]


class PaperBroker:
    """`PaperExchange` behind the async `Broker` protocol; fed the market by the runner."""

    is_live = False

    def __init__(self, exchange: PaperExchange) -> None:
        self.exchange = exchange
        self.instrument = exchange.instrument
        self._events: asyncio.Queue[ExecEvent] = asyncio.Queue()

    async def start(self) -> None:
        return None

    def _emit(self, events: list[ExecEvent]) -> None:
        for e in events:
            self._events.put_nowait(e)

    async def submit(self, action: OrderAction) -> None:
        self._emit(self.exchange.submit(action))

    def on_market(self, event: MarketEvent) -> None:
        self._emit(self.exchange.on_market(event))

    async def exec_events(self) -> AsyncIterator[ExecEvent]:  # type: ignore[override]
        while True:
            yield await self._events.get()

    async def open_orders(self) -> list[VenueOrder]:
        return self.exchange.open_orders()

    async def position(self) -> VenuePosition:
        return VenuePosition(self.exchange.position)

    async def stop(self) -> None:
        self._emit(self.exchange.submit(CancelAll("stop")))
