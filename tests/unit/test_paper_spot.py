"""The paper venue on a spot pair refuses, like the venue, what the balances cannot pay for,
counting what resting orders already lock; fills move the balances exactly."""

from asconsole.clock import EventClock
from asconsole.domain import (
    AmendOrder,
    CancelOrder,
    Fill,
    OrderAck,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    Trade,
)
from asconsole.fees import FeeSchedule
from asconsole.venues.paper import PaperExchange
from asconsole.wallet import SpotWallet, fee_hold
from tests.kit.builders import SPOT, book

FEES = FeeSchedule(0.0002, 0.00055)
BID, ASK = 1_000_000, 1_000_001  # $100,000.0 and $100,000.1


def exchange(base_lots: int, quote_dollars: float) -> PaperExchange:
    wallet = SpotWallet(SPOT, base_lots, SPOT.quote_units(quote_dollars))
    x = PaperExchange(SPOT, FEES, EventClock(1), wallet=wallet)
    x.on_market(book([(BID, 5), (999_990, 3)], [(ASK, 4), (1_000_010, 2)]))
    return x


def rejected(events) -> bool:
    return len(events) == 1 and isinstance(events[0], OrderRejected) and events[0].reason == "insufficient balance"


def test_quote_units_are_exact_notional():
    # one unit = tick x lot = 0.1 x 0.001 = 0.0001 USDT; an order costs price ticks x size lots
    assert SPOT.quote_units("1000") == 10_000_000
    assert SPOT.quote_units("512.30019") == 5_123_001  # rounded down: never overstated
    assert SPOT.quote_amount(BID * 2) == 200.0


def test_sell_beyond_free_base_is_refused_and_resting_sells_lock_base():
    x = exchange(3, 0)
    assert rejected(x.submit(PlaceOrder("s0", Side.SELL, 1_000_020, 4)))
    assert isinstance(x.submit(PlaceOrder("s1", Side.SELL, 1_000_020, 2))[0], OrderAck)
    b = x.balances()
    assert (b.base_free, b.base_locked) == (1, 2)
    assert rejected(x.submit(PlaceOrder("s2", Side.SELL, 1_000_030, 2)))  # only 1 lot free
    x.submit(CancelOrder("s1"))
    assert isinstance(x.submit(PlaceOrder("s3", Side.SELL, 1_000_030, 3))[0], OrderAck)


def test_buy_beyond_free_quote_is_refused_counting_the_maker_fee():
    cost = BID * 2
    exact = cost + fee_hold(cost, FEES.maker)
    x = exchange(0, SPOT.quote_amount(exact - 1))
    assert rejected(x.submit(PlaceOrder("b0", Side.BUY, BID, 2)))
    x = exchange(0, SPOT.quote_amount(exact))
    assert isinstance(x.submit(PlaceOrder("b1", Side.BUY, BID, 2))[0], OrderAck)
    b = x.balances()
    assert (b.quote_free, b.quote_locked) == (0, exact)
    assert rejected(x.submit(PlaceOrder("b2", Side.BUY, 999_000, 1)))


def test_amend_up_needs_the_extra_balance():
    x = exchange(2, 0)
    x.submit(PlaceOrder("s", Side.SELL, 1_000_020, 2))
    (ev,) = x.submit(AmendOrder("s", 1_000_020, 3))
    assert isinstance(ev, OrderRejected) and ev.request == "amend" and ev.reason == "insufficient balance"


def test_fills_move_balances_and_free_never_goes_negative():
    x = exchange(2, 300.0)
    x.submit(PlaceOrder("b", Side.BUY, BID, 2))
    x.submit(PlaceOrder("s", Side.SELL, 1_000_010, 2))
    # a sell trade through our bid fills it; a buy trade through our ask fills that
    f1 = [e for e in x.on_market(Trade(2, Side.SELL, 999_990, 10)) if isinstance(e, Fill)]
    f2 = [e for e in x.on_market(Trade(3, Side.BUY, 1_000_020, 10)) if isinstance(e, Fill)]
    assert [f.qty for f in f1 + f2] == [2, 2]
    w = x.wallet
    assert w.base == 2  # bought 2, sold 2
    fee = w.charged(f1[0].fee) + w.charged(f2[0].fee)
    assert w.quote == SPOT.quote_units(300.0) - BID * 2 + 1_000_010 * 2 - fee
    b = x.balances()
    assert b.base_locked == b.quote_locked == 0 and b.base_free >= 0 and b.quote_free >= 0


def test_market_buy_needs_the_cost_of_sweeping_the_book():
    sweep = ASK * 4 + 1_000_010 * 1  # 4 lots at the touch, 1 at the next level
    need = sweep + fee_hold(sweep, FEES.taker)
    x = exchange(0, SPOT.quote_amount(need - 1))
    assert rejected(x.submit(PlaceOrder("m0", Side.BUY, 0, 5, TimeInForce.MARKET)))
    x = exchange(0, SPOT.quote_amount(need))
    events = x.submit(PlaceOrder("m1", Side.BUY, 0, 5, TimeInForce.MARKET))
    assert sum(e.qty for e in events if isinstance(e, Fill)) == 5
    assert x.wallet.base == 5 and x.wallet.quote >= 0


def test_reset_restores_the_starting_balances():
    x = exchange(2, 300.0)
    x.submit(PlaceOrder("s", Side.SELL, 0, 2, TimeInForce.MARKET))
    assert x.wallet.base == 0
    x.close("reset")
    x.reset_account()
    assert (x.wallet.base, x.wallet.quote, x.position) == (2, SPOT.quote_units(300.0), 0)
