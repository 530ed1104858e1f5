"""OrderTracker: which Bybit message gives which exec event, and what is ignored."""

from __future__ import annotations

from asconsole.domain import (
    Fill,
    OrderAck,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    Side,
    VenueOrder,
)
from asconsole.venues.bybit.messages import Execution, OrderUpdate
from asconsole.venues.bybit.orders import OrderTracker


def upd(
    status: str,
    *,
    cid: str = "c1",
    price: int = 100,
    qty: int = 5,
    filled: int = 0,
    reason: str = "EC_NoError",
    link: bool = True,
) -> OrderUpdate:
    return OrderUpdate(
        "oid-" + cid,
        cid if link else "",
        Side.BUY,
        price,
        qty,
        status,
        filled,
        qty - filled,
        reason,
        "CancelByUser",
        7,
    )


def ex(exec_id: str, qty: int, leaves: int, cid: str = "c1", kind: str = "Trade") -> Execution:
    return Execution(exec_id, "oid-" + cid, cid, Side.BUY, 100, qty, 0.01, True, kind, leaves, 9)


def test_ack_amend_partial_fill_cancel() -> None:
    t = OrderTracker()
    t.track("c1", Side.BUY, 100, 5)
    assert t.on_order(upd("New"), 0) == [OrderAck(7, "c1", "oid-c1")]
    assert t.on_order(upd("New"), 0) == []  # same state again: nothing new
    assert t.on_order(upd("New", price=99), 0) == [OrderAmended(7, "c1", 99, 5)]
    assert t.on_execution(ex("e1", 2, 3)) == [Fill(9, "c1", Side.BUY, 100, 2, 0.01, True, "e1", 3)]
    assert t.on_order(upd("PartiallyFilled", price=99, filled=2), 0) == []
    events = t.on_order(upd("Cancelled", price=99, filled=2), 0)
    assert len(events) == 1 and isinstance(events[0], OrderCanceled)
    assert t.get("c1") is None and t.known("c1")


def test_post_only_cross_is_a_reject_not_a_cancel() -> None:
    t = OrderTracker()
    t.track("c1", Side.BUY, 100, 5)
    (event,) = t.on_order(upd("Cancelled", reason="EC_PostOnlyWillTakeLiquidity"), 0)
    assert isinstance(event, OrderRejected) and "post-only" in event.reason
    assert event.request == "place"


def test_cancel_racing_fill_duplicate_filled_and_late_messages_are_ignored() -> None:
    t = OrderTracker()
    t.track("c1", Side.BUY, 100, 5)
    t.on_order(upd("New"), 0)
    assert len(t.on_execution(ex("e1", 5, 0))) == 1
    assert t.on_order(upd("Filled", filled=5), 0) == []
    assert t.on_order(upd("Filled", filled=5), 0) == []
    assert t.on_order(upd("Cancelled", filled=5), 0) == []
    assert t.on_execution(ex("e1", 5, 0)) == [] and t.duplicates == 1


def test_funding_is_not_a_fill_and_primed_executions_are_silent() -> None:
    t = OrderTracker()
    assert t.on_execution(ex("f1", 0, 0, kind="Funding")) == []
    assert t.on_execution(ex("old", 1, 0), emit=False) == []
    assert t.on_execution(ex("old", 1, 0)) == []  # seen at start: never reported


def test_orders_missing_from_rest_are_reported_cancelled_unless_filled() -> None:
    t = OrderTracker()
    for cid in ("a", "b", "c", "pending"):
        t.track(cid, Side.SELL, 100, 2)
    for cid in ("a", "b", "c"):
        t.get(cid).order_id = "x" + cid  # type: ignore[union-attr]
    t.on_execution(ex("e", 2, 0, cid="b"))
    events = t.missing(t.placed(), open_now={"c"}, now=5, why="periodic")
    assert [(type(e), e.client_id) for e in events] == [(OrderCanceled, "a")]
    assert t.get("pending") is not None  # its create call had not returned: not judged


def test_adopted_order_without_link_id_is_named_by_venue_id() -> None:
    t = OrderTracker()
    t.adopt(VenueOrder("123", "123", Side.SELL, 110, 2, 0))
    tracked = t.get("123")
    assert tracked is not None and tracked.ref() == {"orderId": "123"}
    t.adopt(VenueOrder("mine", "456", Side.SELL, 110, 2, 0))
    assert t.get("mine").ref() == {"orderLinkId": "mine"}  # type: ignore[union-attr]


def test_ioc_cancelled_after_a_partial_fill_is_a_cancel_even_before_its_execution() -> None:
    t = OrderTracker()
    t.track("c1", Side.BUY, 100, 5)
    (event,) = t.on_order(upd("Cancelled", filled=2), 0)  # the execution message comes later
    assert isinstance(event, OrderCanceled)


def test_an_order_working_after_it_was_given_up_is_an_orphan() -> None:
    """A create given up after a timeout that landed all the same: the broker must cancel it."""
    t = OrderTracker()
    t.track("c1", Side.BUY, 100, 5)
    assert not t.is_orphan(upd("New"))  # still ours and tracked
    t.finish("c1")
    assert t.is_orphan(upd("New")) and t.on_order(upd("New"), 0) == []
    assert not t.is_orphan(upd("Cancelled"))  # closed: nothing to cancel
    assert not t.is_orphan(upd("New", cid="other"))  # never ours: adopted, not cancelled
