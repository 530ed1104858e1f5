"""The skeleton queue model, case by case."""

from asconsole.clock import EventClock
from asconsole.domain import (
    BookDelta,
    CancelOrder,
    Fill,
    OrderAck,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    Trade,
)
from asconsole.fees import FeeSchedule
from asconsole.venues.paper import PaperExchange
from tests.kit.builders import INST, book

FEES = FeeSchedule(0.0002, 0.00055)


def exchange() -> PaperExchange:
    x = PaperExchange(INST, FEES, EventClock(1))
    x.on_market(book([(1_000_000, 5), (999_990, 3)], [(1_000_001, 4), (1_000_010, 2)]))
    return x


def fills(events) -> list[Fill]:
    return [e for e in events if isinstance(e, Fill)]


def test_post_only_that_would_cross_is_rejected():
    x = exchange()
    (ev,) = x.submit(PlaceOrder("a", Side.BUY, 1_000_001, 1))
    assert isinstance(ev, OrderRejected) and "post-only" in ev.reason


def test_order_waits_behind_displayed_queue():
    x = exchange()
    assert isinstance(x.submit(PlaceOrder("b", Side.BUY, 1_000_000, 2))[0], OrderAck)
    # 5 lots ahead: a 3-lot sell at our price fills nothing
    assert fills(x.on_market(Trade(2, Side.SELL, 1_000_000, 3))) == []
    # 3 more: 2 consume the rest of the queue, 1 fills us (partial)
    (f,) = fills(x.on_market(Trade(3, Side.SELL, 1_000_000, 3)))
    assert (f.qty, f.price, f.is_maker, f.leaves_qty) == (1, 1_000_000, True, 1)
    assert f.fee == FEES.fee(INST.notional(1_000_000, 1), True)


def test_trade_through_fills_in_full_at_own_price():
    x = exchange()
    x.submit(PlaceOrder("c", Side.SELL, 1_000_010, 3))
    (f,) = fills(x.on_market(Trade(2, Side.BUY, 1_000_011, 1)))
    assert (f.qty, f.price, f.side) == (3, 1_000_010, Side.SELL)
    assert x.position == -3


def test_buy_trades_do_not_fill_bids():
    x = exchange()
    x.submit(PlaceOrder("d", Side.BUY, 999_995, 1))
    assert fills(x.on_market(Trade(2, Side.BUY, 999_990, 5))) == []


def test_shrinking_level_shortens_queue():
    x = exchange()
    x.submit(PlaceOrder("e", Side.BUY, 1_000_000, 1))
    x.on_market(BookDelta(2, ((1_000_000, 1),), (), 2, 1))  # 4 of 5 ahead cancelled
    (f,) = fills(x.on_market(Trade(3, Side.SELL, 1_000_000, 2)))
    assert f.qty == 1


def test_opposite_best_reaching_order_fills_it():
    x = exchange()
    x.submit(PlaceOrder("g", Side.BUY, 999_995, 2))
    (f,) = fills(x.on_market(BookDelta(2, ((1_000_000, 0),), ((1_000_001, 0), (999_995, 1)), 2, 1)))
    assert (f.qty, f.price, f.is_maker) == (2, 999_995, True)


def test_market_order_sweeps_levels_as_taker():
    x = exchange()
    x.position = -5
    evs = x.submit(PlaceOrder("h", Side.BUY, 0, 5, TimeInForce.MARKET, reduce_only=True))
    fs = fills(evs)
    assert [(f.price, f.qty) for f in fs] == [(1_000_001, 4), (1_000_010, 1)]
    assert all(not f.is_maker for f in fs)
    assert fs[0].fee == FEES.fee(INST.notional(1_000_001, 4), False)
    assert x.position == 0


def test_reduce_only_clipped_and_refused_when_it_would_add():
    x = exchange()
    x.position = 2
    (ev,) = x.submit(PlaceOrder("i", Side.BUY, 0, 1, TimeInForce.MARKET, reduce_only=True))
    assert isinstance(ev, OrderRejected)
    fs = fills(x.submit(PlaceOrder("j", Side.SELL, 0, 9, TimeInForce.MARKET, reduce_only=True)))
    assert sum(f.qty for f in fs) == 2 and x.position == 0


def test_ioc_with_price_cap_cancels_the_rest():
    x = exchange()
    evs = x.submit(PlaceOrder("k", Side.BUY, 1_000_001, 6, TimeInForce.IOC))
    assert sum(f.qty for f in fills(evs)) == 4
    assert isinstance(evs[-1], OrderCanceled)


def test_cancel_unknown_is_rejected_and_known_cancelled():
    x = exchange()
    x.submit(PlaceOrder("m", Side.BUY, 999_990, 1))
    assert isinstance(x.submit(CancelOrder("m"))[0], OrderCanceled)
    assert isinstance(x.submit(CancelOrder("m"))[0], OrderRejected)
