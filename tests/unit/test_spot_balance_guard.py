"""The spot balance guard: built only for spot, pulls the side the free balance cannot pay
for (counting what our own quote on that side already locks), shows what it watches."""

from asconsole import config
from asconsole.risk import build_guards
from asconsole.risk.base import GuardState, SpotFunds
from asconsole.risk.spot_balance import SpotBalance
from tests.kit.builders import SPOT
from tests.unit.test_guards import ctx, verdict_of

ORDER_LOTS = 1
BUY_NEED = SPOT.quote_units("100.02")  # one 0.001 BTC bid at $100,000 plus the maker fee


def funds(base_free: int, quote_free: float, ask_locked: int = 0, bid_locked: float = 0.0) -> SpotFunds:
    return SpotFunds(base_free, SPOT.quote_units(quote_free), ask_locked, SPOT.quote_units(bid_locked),
                     ORDER_LOTS, BUY_NEED, "USDT", SPOT.tick * SPOT.lot)


def test_built_only_for_spot_after_the_inventory_limits():
    assert not any(isinstance(g, SpotBalance) for g in build_guards(config.Settings()))
    names = [g.name for g in build_guards(config.Settings(), spot=True)]
    assert names.index("balance") == names.index("inventory") + 1 and len(names) == 11


def test_enough_of_both_quotes_both_sides():
    g = SpotBalance()
    v = verdict_of(g, ctx(spot=funds(10, 1000.0)))
    assert v.allow_bid and v.allow_ask and g.status.state is GuardState.OK
    assert g.status.value == "base 0.01 BTC / quote 1,000.00 USDT"
    assert g.status.threshold == "order 0.001 BTC / 100.02 USDT"


def test_no_free_base_pulls_the_sell_side_only():
    g = SpotBalance()
    v = verdict_of(g, ctx(spot=funds(0, 512.30)))
    assert v.allow_bid and not v.allow_ask
    assert v.reasons == ["balance: not enough base to sell"]
    assert g.status.state is GuardState.TRIPPED and g.status.trips == 1
    assert g.status.value == "base 0 BTC / quote 512.30 USDT"
    assert "sell side pulled" in g.status.reason


def test_short_of_quote_pulls_the_buy_side_only():
    g = SpotBalance()
    v = verdict_of(g, ctx(spot=funds(4, 100.01)))
    assert not v.allow_bid and v.allow_ask
    assert v.reasons == ["balance: not enough quote to buy"]
    assert g.status.state is GuardState.TRIPPED and "buy side pulled" in g.status.reason


def test_what_our_own_quote_locks_keeps_that_side_quoted():
    # all base sits in our resting ask and all quote in our resting bid: both stay
    g = SpotBalance()
    v = verdict_of(g, ctx(spot=funds(0, 0.0, ask_locked=1, bid_locked=100.02)))
    assert v.allow_bid and v.allow_ask
    assert g.status.state is GuardState.WARN and "one order left" in g.status.reason


def test_unknown_balances_pull_both_sides():
    g = SpotBalance()
    v = verdict_of(g, ctx(spot=None))
    assert not v.quoting and g.status.state is GuardState.TRIPPED
    assert "waiting for the venue" in g.status.reason
