"""The paper venue's queue model, latency and taker sweeps, case by case, by hand."""

from asconsole.clock import EventClock
from asconsole.domain import (
    AmendOrder,
    BookDelta,
    CancelOrder,
    Fill,
    OrderAck,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    Trade,
)
from asconsole.fees import FeeSchedule
from asconsole.venues.paper import NO_LATENCY, FillModel, PaperExchange
from tests.kit.builders import INST, book

FEES = FeeSchedule(0.0002, 0.00055)


def exchange(model: FillModel = NO_LATENCY) -> PaperExchange:
    x = PaperExchange(INST, FEES, EventClock(1), model)
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


def test_issue_case_behind_five_lots():
    """Order behind 5 lots; 3 lots traded: no fill; 3 more: 1 lot filled (order of 1)."""
    x = exchange()
    x.submit(PlaceOrder("q", Side.BUY, 1_000_000, 1))
    assert fills(x.on_market(Trade(2, Side.SELL, 1_000_000, 3))) == []
    (f,) = fills(x.on_market(Trade(3, Side.SELL, 1_000_000, 3)))
    assert (f.qty, f.leaves_qty) == (1, 0)
    assert "q" not in x.orders


def test_level_trade_through_fills_in_full_even_with_queue_ahead():
    x = exchange()
    x.submit(PlaceOrder("r", Side.BUY, 1_000_000, 3))
    (f,) = fills(x.on_market(Trade(2, Side.SELL, 999_990, 1)))
    assert (f.qty, f.price, f.leaves_qty, f.is_maker) == (3, 1_000_000, 0, True)


def test_partial_fills_add_up_and_report_leaves():
    x = exchange()
    x.submit(PlaceOrder("s", Side.SELL, 1_000_001, 5))  # 4 lots ahead
    got = []
    for i, q in enumerate((3, 2, 2, 9)):
        evs = x.on_market(Trade(2 + i, Side.BUY, 1_000_001, q))
        got += [(f.qty, f.leaves_qty) for f in fills(evs)]
    assert got == [(1, 4), (2, 2), (2, 0)]
    assert x.position == -5


def test_queue_growth_behind_does_not_delay_the_order():
    x = exchange()
    x.submit(PlaceOrder("t", Side.BUY, 1_000_000, 1))  # 5 ahead
    x.on_market(BookDelta(2, ((1_000_000, 50),), (), 2, 1))  # 45 join behind
    (f,) = fills(x.on_market(Trade(3, Side.SELL, 1_000_000, 6)))
    assert f.qty == 1


def queue_after_cancels(policy: str) -> int:
    x = exchange(FillModel(cancel_policy=policy))
    x.submit(PlaceOrder("u", Side.BUY, 1_000_000, 1))  # 5 ahead
    x.on_market(BookDelta(2, ((1_000_000, 10),), (), 2, 1))  # 5 behind
    x.on_market(BookDelta(3, ((1_000_000, 6),), (), 3, 2))  # 4 cancelled
    return x.orders["u"].ahead


def test_cancels_at_the_level_by_policy():
    assert queue_after_cancels("pro_rata") == 3  # half of the level was ahead: 2 of 4
    assert queue_after_cancels("ahead_first") == 1
    assert queue_after_cancels("behind_first") == 5


def test_traded_lots_are_not_counted_again_as_cancels():
    x = exchange(FillModel(cancel_policy="ahead_first"))
    x.submit(PlaceOrder("v", Side.BUY, 1_000_000, 1))  # 5 ahead
    x.on_market(Trade(2, Side.SELL, 1_000_000, 2))  # 3 ahead
    x.on_market(BookDelta(3, ((1_000_000, 3),), (), 2, 1))  # the data shows the trade
    assert x.orders["v"].ahead == 3


def test_latency_order_reaches_the_book_only_when_due():
    x = PaperExchange(INST, FEES, clock := EventClock(1), FillModel(entry_ns=10))
    x.on_market(book([(1_000_000, 5)], [(1_000_001, 4)]))
    assert x.submit(PlaceOrder("w", Side.BUY, 1_000_000, 1)) == []
    assert x.next_due() == 11
    clock.advance_to(5)
    x.on_market(BookDelta(5, ((1_000_000, 8),), (), 2, 1))  # queue grew before we arrived
    assert x.advance(10) == [] and not x.orders
    (ack,) = x.advance(11)
    assert isinstance(ack, OrderAck) and ack.ts == 11
    assert x.orders["w"].ahead == 8 and x.next_due() is None


def test_latency_requests_keep_their_order():
    x = PaperExchange(INST, FEES, EventClock(1), FillModel(entry_ns=50, cancel_ns=5))
    x.on_market(book([(1_000_000, 5)], [(1_000_001, 4)]))
    x.submit(PlaceOrder("x", Side.BUY, 1_000_000, 1))
    x.submit(CancelOrder("x"))  # faster, but sent after the order: it may not overtake it
    evs = x.advance(100)
    assert [type(e) for e in evs] == [OrderAck, OrderCanceled]
    assert [e.ts for e in evs] == [51, 51]


def test_jitter_is_seeded():
    def dues(seed: int) -> list[int]:
        model = FillModel(entry_ns=10, jitter_ns=1_000, seed=seed)
        x = PaperExchange(INST, FEES, EventClock(0), model)
        out = []
        for i in range(5):
            x.submit(PlaceOrder(f"j{i}", Side.BUY, 1, 1))
            out.append(x._last_due)
        return out

    assert dues(3) == dues(3) != dues(4)
    assert all(10 <= d <= 1_010 for d in dues(3)[:1])


def test_cancel_racing_a_fill_arrives_too_late():
    x = PaperExchange(INST, FEES, clock := EventClock(1), FillModel(cancel_ns=10))
    x.on_market(book([(1_000_000, 5)], [(1_000_001, 4)]))
    x.act(PlaceOrder("y", Side.BUY, 1_000_000, 2), 1)
    clock.advance_to(2)
    assert x.submit(CancelOrder("y")) == []  # reaches the venue at 12
    (f,) = fills(x.on_market(Trade(5, Side.SELL, 999_990, 1)))  # traded through at 5
    assert f.qty == 2 and x.position == 2
    (rej,) = x.advance(12)
    assert isinstance(rej, OrderRejected) and rej.request == "cancel"


def test_taker_sweep_walks_the_book_and_leaves_impact():
    x = exchange()
    fs = fills(x.submit(PlaceOrder("z1", Side.BUY, 0, 3, TimeInForce.MARKET)))
    assert [(f.price, f.qty) for f in fs] == [(1_000_001, 3)]
    fs = fills(x.submit(PlaceOrder("z2", Side.BUY, 0, 2, TimeInForce.MARKET)))
    # only 1 lot left at the touch: the second order pays the next level
    assert [(f.price, f.qty) for f in fs] == [(1_000_001, 1), (1_000_010, 1)]
    assert x.book.best_ask == 1_000_010 and x.book.size_at(False, 1_000_010) == 1
    assert sum(f.fee for f in fs) == FEES.fee(INST.notional(1_000_001, 1), False) + FEES.fee(
        INST.notional(1_000_010, 1), False
    )


def test_async_broker_releases_requests_at_their_due_time():
    import asyncio

    from asconsole.clock import NS_PER_MS, WallClock
    from asconsole.venues.paper import PaperBroker

    async def go() -> tuple[list[object], int, int]:
        clock = WallClock()
        model = FillModel(entry_ns=30 * NS_PER_MS, cancel_ns=30 * NS_PER_MS)
        x = PaperExchange(INST, FEES, clock, model)
        x.on_market(book([(1_000_000, 5)], [(1_000_001, 4)], ts=clock.now()))
        broker = PaperBroker(x)
        sent = clock.now()
        await broker.submit(PlaceOrder("a1", Side.BUY, 1_000_000, 1))
        await broker.submit(CancelOrder("a1"))
        stream = broker.exec_events()
        got = [await asyncio.wait_for(anext(stream), 1.0) for _ in range(2)]
        return got, sent, clock.now()

    (ack, cancel), sent, done = asyncio.run(go())
    assert isinstance(ack, OrderAck) and isinstance(cancel, OrderCanceled)
    # both sent at once: each arrives 30 ms later, the cancel not before the order
    assert ack.ts - sent >= 30 * 1_000_000 and cancel.ts >= ack.ts
    assert done >= cancel.ts


def test_amend_keeps_the_place_only_when_shrinking_at_the_same_price():
    x = exchange()
    x.submit(PlaceOrder("am", Side.BUY, 1_000_000, 3))  # 5 ahead
    x.on_market(Trade(2, Side.SELL, 1_000_000, 4))  # 1 still ahead
    assert isinstance(x.submit(AmendOrder("am", 1_000_000, 2))[0], OrderAmended)
    assert x.orders["am"].ahead == 1  # smaller: same place
    (f,) = fills(x.on_market(Trade(3, Side.SELL, 1_000_000, 2)))
    assert f.qty == 1 and f.leaves_qty == 1
    x.submit(AmendOrder("am", 1_000_000, 3))
    assert x.orders["am"].ahead == x.book.size_at(True, 1_000_000)  # larger: back of the queue
    x.submit(AmendOrder("am", 999_990, 3))
    assert x.orders["am"].ahead == 3  # new price: behind what shows there
    (rej,) = x.submit(AmendOrder("am", 999_990, 1))
    assert isinstance(rej, OrderRejected)  # not above what is already filled


def test_queue_invariants_under_random_flow():
    """Seeded random trades, level changes and requests: the queue never goes negative or past
    the level, fills never exceed an order, and the venue's position is the sum of its fills."""
    import random

    for policy in ("pro_rata", "ahead_first", "behind_first"):
        rng = random.Random(policy)
        clock = EventClock(1)
        model = FillModel(entry_ns=3, cancel_ns=2, jitter_ns=4, cancel_policy=policy, seed=1)
        x = PaperExchange(INST, FEES, clock, model)
        bid, ask = 1_000_000, 1_000_005
        x.on_market(book([(bid - i, 10) for i in range(5)], [(ask + i, 10) for i in range(5)]))
        position, seq, n, filled = 0, 1, 0, 0
        for ts in range(2, 3_000):
            clock.advance_to(ts)
            evs = x.advance(ts)
            r = rng.random()
            if r < 0.2:
                n += 1
                side = Side.BUY if rng.random() < 0.5 else Side.SELL
                px = (bid if side is Side.BUY else ask) - side * rng.randint(0, 3)
                evs += x.submit(PlaceOrder(f"o{n}", side, px, rng.randint(1, 5)))
            elif r < 0.3 and n:
                evs += x.submit(CancelOrder(f"o{rng.randint(1, n)}"))
            elif r < 0.7:
                side = Side.BUY if rng.random() < 0.5 else Side.SELL
                px = (ask if side is Side.BUY else bid) + side * rng.randint(0, 4)
                evs += x.on_market(Trade(ts, side, px, rng.randint(1, 15)))
            else:
                seq += 1
                level = bid - rng.randint(0, 4) if rng.random() < 0.5 else ask + rng.randint(0, 4)
                size = rng.randint(0, 20)
                is_bid = level <= bid
                bids, asks = (((level, size),), ()) if is_bid else ((), ((level, size),))
                evs += x.on_market(BookDelta(ts, bids, asks, seq, seq - 1))
            position += sum(f.qty * f.side for f in fills(evs))
            filled += len(fills(evs))
            for o in x.orders.values():
                assert 0 <= o.ahead <= max(o.shown, 0) and 0 <= o.filled < o.qty
        assert x.position == position and filled > 50


def test_shared_book_keeps_taken_liquidity_out_of_the_engines_book():
    """With the engine's book shared, a sweep's impact is the venue's alone, and the venue
    returns to the shared book once the data has updated every level it took from."""
    from asconsole.book import Book

    shared = Book()
    x = PaperExchange(INST, FEES, EventClock(1), NO_LATENCY, book=shared)
    snap = book([(1_000_000, 5), (999_990, 3)], [(1_000_001, 4), (1_000_010, 2)])
    x.on_market(snap)
    shared.apply_snapshot(snap)  # the engine's turn: the same event again is a no-op
    assert x.book is shared and shared.best_ask == 1_000_001
    fills(x.submit(PlaceOrder("z", Side.BUY, 0, 5, TimeInForce.MARKET)))
    assert x.book is not shared and x.book.best_ask == 1_000_010 and x.book.size_at(False, 1_000_010) == 1
    assert shared.best_ask == 1_000_001 and shared.size_at(False, 1_000_010) == 2
    d1 = BookDelta(2, (), ((1_000_001, 6),), 1)  # one of the two levels taken from
    x.on_market(d1)
    shared.apply_delta(d1)
    assert x.book is not shared and x.book.size_at(False, 1_000_010) == 1
    d2 = BookDelta(3, (), ((1_000_010, 0),), 1)  # and the other: both books agree again
    x.on_market(d2)
    assert x.book is shared and shared.best_ask == 1_000_001 and shared.size_at(False, 1_000_010) == 0
    assert shared.apply_delta(d2) and shared.asks == {1_000_001: 6}
