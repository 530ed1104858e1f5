"""OrderLedger: what the MEXC broker knows about each of its orders, and the one place that
turns venue reports (REST replies, private pushes, reconciliation reads) into exec events.

Every report may arrive more than once or out of order (a REST reply racing its push, a
reconnect replaying trades): an order is acked once, ends once, and a fill is applied once
per venue trade id."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from asconsole.domain import (
    ExecEvent,
    Fill,
    Instrument,
    OrderAck,
    OrderCanceled,
    OrderRejected,
    Side,
    VenueOrder,
)


@dataclass(slots=True)
class _Tracked:
    client_id: str
    side: Side
    qty: int
    venue_id: str = ""
    filled: int = 0
    acked: bool = False
    done: bool = False


@dataclass(frozen=True, slots=True)
class Execution:
    """One venue trade of ours, from a private deal push or GET /api/v3/myTrades."""

    ts: int
    trade_id: str
    client_id: str
    venue_order_id: str
    side: Side | None
    price: str
    qty: str
    fee: str
    fee_asset: str
    is_maker: bool


class OrderLedger:
    def __init__(self, instrument: Instrument, maker_rate: float = 0.0, taker_rate: float = 0.0) -> None:
        self.instrument = instrument
        self.maker_rate = maker_rate
        self.taker_rate = taker_rate
        self._orders: dict[str, _Tracked] = {}
        self._by_venue_id: dict[str, str] = {}
        self._trade_ids: set[str] = set()

    def placing(self, client_id: str, side: Side, qty: int) -> None:
        self._orders[client_id] = _Tracked(client_id, side, qty)

    def adopt(self, order: VenueOrder) -> None:
        """An order found open at start or after a reconnect that we did not know."""
        if order.client_id in self._orders:
            return
        tracked = _Tracked(order.client_id, order.side, order.qty, order.venue_order_id, order.filled, True)
        self._orders[order.client_id] = tracked
        self._by_venue_id[order.venue_order_id] = order.client_id

    def working(self) -> list[str]:
        """Client ids of orders acked by the venue and not yet ended."""
        return [o.client_id for o in self._orders.values() if o.acked and not o.done]

    def is_done(self, client_id: str) -> bool:
        tracked = self._orders.get(client_id)
        return tracked is None or tracked.done

    def side_of(self, client_id: str) -> Side | None:
        tracked = self._orders.get(client_id)
        return tracked.side if tracked else None

    def client_id(self, client_id: str, venue_id: str) -> str:
        """Our id for a venue report: its client id when we know it, else the one mapped from
        the venue order id, else the venue order id (an order placed outside asconsole)."""
        if client_id in self._orders:
            return client_id
        return self._by_venue_id.get(venue_id, client_id or venue_id)

    # --- reports ----------------------------------------------------------------------------

    def acked(self, ts: int, client_id: str, venue_id: str) -> list[ExecEvent]:
        tracked = self._orders.get(client_id)
        if tracked is None or tracked.acked:
            return []
        tracked.acked = True
        tracked.venue_id = venue_id
        self._by_venue_id[venue_id] = client_id
        return [OrderAck(ts, client_id, venue_id)]

    def rejected(self, ts: int, client_id: str, reason: str, request: str = "place") -> list[ExecEvent]:
        tracked = self._orders.get(client_id)
        if request == "place" and tracked is not None:
            if tracked.acked or tracked.done:
                return []
            tracked.done = True
        return [OrderRejected(ts, client_id, reason, request)]

    def canceled(self, ts: int, client_id: str, reason: str) -> list[ExecEvent]:
        tracked = self._orders.get(client_id)
        if tracked is None or tracked.done:
            return []
        tracked.done = True
        return [OrderCanceled(ts, client_id, reason)]

    def filled(self, ex: Execution) -> list[ExecEvent]:
        if ex.trade_id in self._trade_ids:
            return []
        self._trade_ids.add(ex.trade_id)
        ins = self.instrument
        client_id = self.client_id(ex.client_id, ex.venue_order_id)
        tracked = self._orders.get(client_id)
        side = tracked.side if tracked else ex.side
        if side is None:
            raise ValueError(f"MEXC trade {ex.trade_id} has no side")
        price, qty = ins.price_ticks(ex.price), ins.qty_lots(ex.qty)
        events: list[ExecEvent] = []
        leaves = 0
        if tracked is not None:
            if not tracked.acked and ex.venue_order_id:
                events += self.acked(ex.ts, client_id, ex.venue_order_id)
            tracked.filled += qty
            leaves = max(0, tracked.qty - tracked.filled)
            tracked.done = tracked.done or leaves == 0
        fee = self._fee_in_quote(ex, Decimal(ex.price) * Decimal(ex.qty))
        events.append(Fill(ex.ts, client_id, side, price, qty, fee, ex.is_maker, ex.trade_id, leaves))
        return events

    def _fee_in_quote(self, ex: Execution, notional: Decimal) -> float:
        """Fees are charged in quote, in base or in MX; the engine counts them in quote.
        MX fees are valued at the fee rate read from the venue at start."""
        amount = Decimal(ex.fee or "0")
        if not amount or ex.fee_asset == self.instrument.quote:
            return float(amount)
        if ex.fee_asset == self.instrument.base:
            return float(amount * Decimal(ex.price))
        return float(notional) * (self.maker_rate if ex.is_maker else self.taker_rate)
