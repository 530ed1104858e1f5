"""OrderTracker: Bybit order and execution messages in, exec events out. No I/O.

- `OrderAck` when the order stream first shows the order resting (New / PartiallyFilled);
- `OrderRejected` when the order closes before it ever rested (a PostOnly order that would
  have crossed is accepted by REST, then Cancelled with EC_PostOnlyWillTakeLiquidity);
- `OrderAmended` when the order stream shows a new price or quantity;
- `OrderCanceled` when a resting order closes without being fully filled;
- nothing for an order shown working that already finished here (`is_orphan`): the broker
  cancels it (a create given up after a timeout that landed all the same);
- `Fill` once per `execId`, however many times Bybit (or reconciliation) reports it.
Messages for an order that already finished (a second `Filled`, a late cancel) change nothing.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass

from asconsole.clock import NS_PER_MS
from asconsole.domain import (
    ExecEvent,
    Fill,
    OrderAck,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    Side,
    VenueOrder,
)
from asconsole.venues.bybit.messages import POST_ONLY_REJECT, Execution, OrderUpdate

log = logging.getLogger(__name__)

CLOSED_UNFILLED = frozenset({"Cancelled", "Rejected", "Deactivated", "PartiallyFilledCanceled"})
REMEMBER = 100_000
"""Finished client ids and execution ids kept to recognise late duplicates."""


@dataclass(slots=True)
class Tracked:
    client_id: str
    side: Side
    price: int
    qty: int
    by_link: bool = True
    """Placed with our orderLinkId (refer to it by that), else only its venue id is known."""
    order_id: str = ""
    filled: int = 0
    acked: bool = False
    asked: tuple[int, int] = (0, 0)
    """(price, qty) last requested; `price`/`qty` are what the venue last confirmed."""

    def __post_init__(self) -> None:
        if self.asked == (0, 0):
            self.asked = (self.price, self.qty)

    def ref(self) -> dict[str, str]:
        """How a request names this order."""
        return {"orderLinkId": self.client_id} if self.by_link else {"orderId": self.order_id}


class OrderTracker:
    def __init__(self) -> None:
        self._orders: dict[str, Tracked] = {}
        self._done: OrderedDict[str, None] = OrderedDict()
        self._seen_execs: OrderedDict[str, None] = OrderedDict()
        self.last_exec_ms = 0
        """Venue time of the newest execution applied: where a catch-up query starts."""
        self.duplicates = 0

    def get(self, client_id: str) -> Tracked | None:
        return self._orders.get(client_id)

    def known(self, client_id: str) -> bool:
        return client_id in self._orders or client_id in self._done

    def track(self, client_id: str, side: Side, price: int, qty: int) -> Tracked:
        """Called before the create request is sent: its messages may beat the REST reply."""
        t = self._orders[client_id] = Tracked(client_id, side, price, qty)
        return t

    def adopt(self, o: VenueOrder) -> None:
        self._orders[o.client_id] = Tracked(
            o.client_id,
            o.side,
            o.price,
            o.qty,
            by_link=o.client_id != o.venue_order_id,
            order_id=o.venue_order_id,
            filled=o.filled,
            acked=True,
        )

    def finish(self, client_id: str) -> None:
        self._orders.pop(client_id, None)
        _remember(self._done, client_id)

    def is_orphan(self, u: OrderUpdate) -> bool:
        """Working at the venue though finished here: a create given up (no answer) that landed
        after all. It must be cancelled. (A `New` overtaken by the order's own close also looks
        like this; its cancel is refused, harmlessly.)"""
        return u.is_open and u.client_id in self._done and bool(u.order_id)

    def placed(self) -> list[str]:
        """Orders whose create call has returned (only those can be judged missing by REST)."""
        return [cid for cid, t in self._orders.items() if t.order_id]

    def on_order(self, u: OrderUpdate, now: int) -> list[ExecEvent]:
        cid = u.client_id
        if cid in self._done:
            return []
        t = self._orders.get(cid)
        if t is None:
            if not u.is_open:
                return []
            t = self._orders[cid] = Tracked(cid, u.side, u.price, u.qty, by_link=bool(u.link_id))
            log.warning("Bybit: order %s appeared that this session did not place", cid)
        t.order_id = u.order_id
        ts = u.ts or now
        out: list[ExecEvent] = []
        if u.is_open:
            if not t.acked:
                t.acked = True
                out.append(OrderAck(ts, cid, u.order_id))
            elif (u.price, u.qty) != (t.price, t.qty):
                out.append(OrderAmended(ts, cid, u.price, u.qty))
            t.price, t.qty = u.price, u.qty
        elif u.status == "Filled":
            if not t.acked:
                out.append(OrderAck(ts, cid, u.order_id))
            self.finish(cid)
        elif u.status in CLOSED_UNFILLED:
            self.finish(cid)
            reason = close_reason(u)
            if not t.acked and t.filled == 0 and u.filled == 0:  # never rested, nothing filled
                out.append(OrderRejected(ts, cid, reason, "place"))
            else:
                out.append(OrderCanceled(ts, cid, reason))
        return out

    def on_execution(self, e: Execution, *, emit: bool = True) -> list[ExecEvent]:
        """`emit=False` records the id only (executions that happened before this session)."""
        if e.exec_type != "Trade":
            return []  # funding, ADL and bust executions are not fills of our orders
        if e.exec_id in self._seen_execs:
            self.duplicates += 1
            return []
        _remember(self._seen_execs, e.exec_id)
        self.last_exec_ms = max(self.last_exec_ms, e.ts // NS_PER_MS)
        if not emit:
            return []
        t = self._orders.get(e.client_id)
        if t is not None:
            t.filled += e.qty
        return [
            Fill(e.ts, e.client_id, e.side, e.price, e.qty, e.fee, e.is_maker, e.exec_id, e.leaves)
        ]

    def missing(
        self, candidates: list[str], open_now: set[str], now: int, why: str
    ) -> list[ExecEvent]:
        """Orders REST no longer lists as open: finished; unfilled remainder reported cancelled."""
        out: list[ExecEvent] = []
        for cid in candidates:
            t = self._orders.get(cid)
            if t is None or cid in open_now:
                continue
            self.finish(cid)
            if t.filled < t.qty:
                out.append(OrderCanceled(now, cid, f"closed at venue (found by {why} reconcile)"))
        return out


def _remember(seen: OrderedDict[str, None], key: str) -> None:
    seen[key] = None
    if len(seen) > REMEMBER:
        seen.popitem(last=False)


def close_reason(u: OrderUpdate) -> str:
    if u.reject_reason == POST_ONLY_REJECT:
        return "post-only order would have taken liquidity (Bybit cancelled it)"
    if u.reject_reason and u.reject_reason != "EC_NoError":
        return f"{u.status}: {u.reject_reason}"
    if u.cancel_type and u.cancel_type != "UNKNOWN":
        return f"{u.status}: {u.cancel_type}"
    return u.status
