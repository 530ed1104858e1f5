"""A paper run on a spot pair of the simulated market: no short selling, no spending beyond
the quote balance, the balance guard pulls the right side, liquidation protection is off."""

from asconsole import config
from asconsole.clock import NS_PER_S
from asconsole.engine.driver import Driver
from asconsole.fees import FeeSchedule
from asconsole.risk import find_guard
from asconsole.risk.base import GuardState
from asconsole.risk.liquidation import LiquidationGuard
from asconsole.risk.spot_balance import SpotBalance
from asconsole.venues.paper import FillModel, PaperExchange, fill_model_from_settings, paper_wallet
from tests.kit.builders import SPOT, Rig, rig

# two orders' worth of each side, so the run keeps running out of one or the other
SMALL = config.Settings().replace("paper", spot_base=0.002, spot_quote=250.0)


def run_watching(r: Rig, seconds: float) -> dict[str, int]:
    """Drive the rig; after every market event check the paper venue's balances and note what
    the balance guard and the engine's quotes did."""
    guard = find_guard(r.engine.guards, SpotBalance)
    seen = {"sell_pulled": 0, "buy_pulled": 0, "asks_while_no_base": 0, "bids_while_no_quote": 0}
    until = r.clock.now() + int(seconds * NS_PER_S)
    start_base = r.exchange.wallet.base
    for ev in r.market:
        r.driver.market(ev)
        b = r.exchange.balances()
        assert b.base_free >= 0 and b.quote_free >= 0, b  # never short, never overspent
        assert r.exchange.position >= -start_base  # sold at most what it started with
        reason = guard.status.reason
        if guard.status.state is GuardState.TRIPPED:
            seen["sell_pulled"] += "sell side pulled" in reason
            seen["buy_pulled"] += "buy side pulled" in reason
            quote = r.engine.quote
            if "sell side pulled" in reason and quote is not None and quote.ask:
                seen["asks_while_no_base"] += 1
            if "buy side pulled" in reason and quote is not None and quote.bid:
                seen["bids_while_no_quote"] += 1
        if ev.ts >= until:
            break
    return seen


def test_spot_run_never_sells_short_nor_overspends_and_the_guard_pulls_the_right_side():
    r = rig(seed=7, settings=SMALL, instrument=SPOT)
    seen = run_watching(r, 300)
    assert seen["sell_pulled"] > 0 and seen["buy_pulled"] > 0
    assert seen["asks_while_no_base"] == 0 and seen["bids_while_no_quote"] == 0
    # the guard kept the engine inside the balances: the venue never had to refuse
    assert not any("insufficient balance" in r for r in r.engine.om.rejects)
    assert r.engine.portfolio.fills > 20
    # the engine's view of the wallet is the paper venue's, exactly
    assert (r.engine.spot.wallet.base, r.engine.spot.wallet.quote) == (
        r.exchange.wallet.base, r.exchange.wallet.quote)


def test_with_order_latency_the_venue_still_refuses_what_it_cannot_cover():
    r = rig(seed=8, settings=SMALL, instrument=SPOT)
    fees = FeeSchedule(SMALL.fees.maker, SMALL.fees.taker)
    r.exchange = PaperExchange(SPOT, fees, r.clock, fill_model_from_settings(SMALL.paper, 8),
                               paper_wallet(SMALL.paper, SPOT))
    assert r.exchange.model != FillModel()
    r.driver = Driver(r.engine, r.exchange, r.clock)
    seen = run_watching(r, 300)
    assert seen["sell_pulled"] > 0 and r.engine.portfolio.fills > 10


def test_spot_snapshot_shows_balances_no_leverage_and_liquidation_off():
    r = rig(seed=7, instrument=SPOT)
    r.run_for(30)
    snap = r.engine.snapshot()
    assert snap.leverage == 1.0 and snap.liq_price == 0.0
    b = snap.balances
    assert b is not None
    # defaults: 0.01 BTC and 1,000 USDT; free + locked is the total
    assert b.base_free + b.base_locked == r.exchange.wallet.base
    assert b.quote_free + b.quote_locked == r.exchange.wallet.quote
    liq = find_guard(r.engine.guards, LiquidationGuard).status
    assert liq.state is GuardState.OK and liq.value == "off"
    assert liq.reason.startswith("spot: no leverage")
    # even with [market] futures = true (the default), a spot instrument has no leverage
    assert r.settings.market.futures


def test_perpetual_snapshot_has_no_balances_and_no_balance_guard():
    r = rig(seed=7)
    r.run_for(5)
    assert r.engine.snapshot().balances is None and r.engine.spot is None
    assert not any(isinstance(g, SpotBalance) for g in r.engine.guards)
