"""The order manager: turns the desired quotes into the fewest venue actions.

Per side there is at most one quoting order. A working order is replaced only when its price
moves by `requote_ticks` or more, or its size changes; a partial fill does not count as a
size change (re-posting would lose the queue position). A replacement is a cancel first
and a new order only once the cancel is confirmed, so two orders are never live on one side.
While a request is in flight on a side, that side waits.

Execution events are applied idempotently: a fill id seen before is ignored.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from asconsole.domain import (
    CancelAll,
    CancelOrder,
    Fill,
    Order,
    OrderAck,
    OrderAction,
    OrderAmended,
    OrderCanceled,
    OrderEvent,
    OrderRejected,
    OrderStatus,
    PlaceOrder,
    Side,
    TimeInForce,
)


@dataclass(frozen=True, slots=True)
class Target:
    price: int
    qty: int


class OrderManager:
    def __init__(self, prefix: str, requote_ticks: int) -> None:
        self.prefix = prefix
        self.requote_ticks = requote_ticks
        self.orders: dict[str, Order] = {}
        self.rejects: deque[str] = deque(maxlen=20)
        self._seq = 0
        self._fill_ids: set[str] = set()

    def next_id(self) -> str:
        self._seq += 1
        return f"{self.prefix}-{self._seq}"

    # --- views -----------------------------------------------------------------------------

    def live(self, side: Side | None = None) -> list[Order]:
        return [o for o in self.orders.values() if side is None or o.side is side]

    @property
    def has_working(self) -> bool:
        return bool(self.orders)

    # --- decisions -------------------------------------------------------------------------

    def place(self, side: Side, price: int, qty: int, now: int, *, tif: TimeInForce = TimeInForce.POST_ONLY,
              reduce_only: bool = False) -> PlaceOrder:
        cid = self.next_id()
        self.orders[cid] = Order(cid, side, price, qty, tif, reduce_only, created_ts=now)
        return PlaceOrder(cid, side, price, qty, tif, reduce_only)

    def _cancel(self, o: Order) -> CancelOrder:
        o.status = OrderStatus.PENDING_CANCEL
        return CancelOrder(o.client_id)

    def reconcile(self, bid: Target | None, ask: Target | None, now: int) -> list[OrderAction]:
        out: list[OrderAction] = []
        for side, target in ((Side.BUY, bid), (Side.SELL, ask)):
            orders = [o for o in self.orders.values() if o.side is side and not o.reduce_only]
            if any(o.status is not OrderStatus.OPEN for o in orders):
                if target is None:
                    out.extend(self._cancel(o) for o in orders if o.status is OrderStatus.OPEN)
                continue
            keep = None
            for o in orders:
                if keep is None and target is not None and self._matches(o, target):
                    keep = o
                else:
                    out.append(self._cancel(o))
            if target is not None and keep is None and not orders:
                out.append(self.place(side, target.price, target.qty, now))
        return out

    def _matches(self, o: Order, t: Target) -> bool:
        return abs(o.price - t.price) < self.requote_ticks and o.qty == t.qty

    def cancel_all(self, reason: str) -> list[OrderAction]:
        for o in self.orders.values():
            if o.status is not OrderStatus.PENDING_NEW:
                o.status = OrderStatus.PENDING_CANCEL
        return [CancelAll(reason)]

    # --- execution events ------------------------------------------------------------------

    def on_exec(self, ev: OrderEvent) -> Fill | None:
        """Apply one event; returns the fill to book when it is a new one."""
        o = self.orders.get(ev.client_id)
        if isinstance(ev, Fill):
            if ev.fill_id in self._fill_ids:
                return None
            self._fill_ids.add(ev.fill_id)
            if o is not None:
                o.filled += ev.qty
                if o.filled >= o.qty:
                    self._done(o, OrderStatus.FILLED)
                elif o.status is OrderStatus.PENDING_NEW:
                    o.status = OrderStatus.OPEN
            return ev
        if o is None:
            return None
        if isinstance(ev, OrderAck):
            o.venue_order_id = ev.venue_order_id
            if o.status is OrderStatus.PENDING_NEW:
                o.status = OrderStatus.OPEN
        elif isinstance(ev, OrderCanceled):
            self._done(o, OrderStatus.CANCELED)
        elif isinstance(ev, OrderRejected):
            self.rejects.append(f"{ev.request} {ev.client_id}: {ev.reason}")
            if ev.request == "place" or ev.request == "cancel":
                # A refused cancel means the venue no longer has the order working.
                self._done(o, OrderStatus.REJECTED if ev.request == "place" else OrderStatus.CANCELED)
            elif o.status is OrderStatus.PENDING_CANCEL:
                o.status = OrderStatus.OPEN
        elif isinstance(ev, OrderAmended):
            o.price, o.qty = ev.price, ev.qty
        return None

    def _done(self, o: Order, status: OrderStatus) -> None:
        o.status = status
        self.orders.pop(o.client_id, None)
