from asconsole.domain import CancelOrder, Fill, OrderAck, OrderCanceled, PlaceOrder, Side
from asconsole.engine.orders import OrderManager, Target


def ack_all(om: OrderManager, actions) -> None:
    for a in actions:
        if isinstance(a, PlaceOrder):
            om.on_exec(OrderAck(0, a.client_id))


def test_places_once_and_keeps_order_within_threshold():
    om = OrderManager("t", requote_ticks=5)
    acts = om.reconcile(Target(100, 1), Target(110, 1), 0)
    assert [type(a) for a in acts] == [PlaceOrder, PlaceOrder]
    assert om.reconcile(Target(100, 1), Target(110, 1), 0) == []  # in flight: wait
    ack_all(om, acts)
    assert om.reconcile(Target(104, 1), Target(106, 1), 0) == []  # moved < 5 ticks


def test_replace_is_cancel_then_place_after_confirmation():
    om = OrderManager("t", requote_ticks=5)
    acts = om.reconcile(Target(100, 1), None, 0)
    ack_all(om, acts)
    (cancel,) = om.reconcile(Target(90, 1), None, 0)
    assert isinstance(cancel, CancelOrder)
    assert om.reconcile(Target(90, 1), None, 0) == []  # never two live orders on a side
    om.on_exec(OrderCanceled(0, cancel.client_id))
    (place,) = om.reconcile(Target(90, 1), None, 0)
    assert isinstance(place, PlaceOrder) and place.price == 90


def test_partial_fill_keeps_order_and_duplicate_fill_ignored():
    om = OrderManager("t", requote_ticks=5)
    (p,) = om.reconcile(Target(100, 3), None, 0)
    ack_all(om, [p])
    f = Fill(0, p.client_id, Side.BUY, 100, 1, 0.0, True, "x1", 2)
    assert om.on_exec(f) is f
    assert om.on_exec(f) is None  # same fill id
    assert om.orders[p.client_id].filled == 1
    assert om.reconcile(Target(100, 3), None, 0) == []  # no re-post after a partial
    om.on_exec(Fill(0, p.client_id, Side.BUY, 100, 2, 0.0, True, "x2", 0))
    assert not om.orders
