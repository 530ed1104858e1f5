"""Every guard driven to trip by a scripted market, through the engine and the paper venue,
checking the orders that result: pulled sides, widened prices, reduce-only orders."""

import asyncio
import itertools
import random

import pytest

from asconsole import config
from asconsole.clock import ScaledClock
from asconsole.domain import (
    CancelAll,
    Command,
    CommandKind,
    Fill,
    PlaceOrder,
    Side,
    TimeInForce,
)
from asconsole.launch import build
from asconsole.risk.base import GuardState
from asconsole.venues.sim import SimMarket, SimParams
from tests.kit.builders import rig
from tests.kit.script import TICK, scene

TRIPPED, WARN, OK = GuardState.TRIPPED, GuardState.WARN, GuardState.OK


def reduce_orders(sc) -> list[PlaceOrder]:
    return [a for a in sc.sent if isinstance(a, PlaceOrder) and a.reduce_only]


def long_position(sc, lots: int) -> None:
    for _ in range(lots):
        sc.fill_bid()
        sc.hold(0.5)


# --- 1. tick filter ------------------------------------------------------------------------


def test_tick_filter_rejects_an_outlier_and_pulls_then_quotes_again():
    sc = scene()
    sc.hold(5)
    assert sc.bid() and sc.ask()
    samples = sc.engine.cal.vol.samples
    actions = sc.corrupt(110_000.0)  # a 10% jump only our feed saw
    assert any(a for a in actions)  # the first outlier decides at once: quotes pulled
    assert sc.resting(Side.BUY) == [] and sc.resting(Side.SELL) == []
    st = sc.guard("tick filter")
    assert st.state is TRIPPED and st.trips == 1
    assert sc.engine.tick_filter.rejected_books == 1
    sc.trade(Side.BUY, 110_000.0)  # a trade at the outlier price is not fed either
    assert sc.engine.tick_filter.rejected_trades == 1
    assert sc.engine.cal.vol.last_mid == pytest.approx(100_000.0, abs=1)
    sc.step(100_000.0)  # the next update is back at the real level
    sc.hold(1)
    assert sc.guard("tick filter").state is OK
    assert sc.bid() == pytest.approx(99_980, abs=5) and sc.ask() == pytest.approx(100_020, abs=5)
    assert sc.engine.cal.vol.samples > samples


def test_tick_filter_accepts_a_genuine_move_after_confirmations():
    """The seed's EMA filter rejected forever after a real 2% move; this one re-anchors."""
    sc = scene(tick_confirm=3)
    sc.hold(5)
    sc.step(102_000.0)  # a real 2% gap: first look is an outlier
    assert sc.guard("tick filter").state is TRIPPED and not sc.bid()
    sc.step(102_010.0)
    assert not sc.bid()
    sc.step(102_005.0)  # third agreeing update: accepted as the new level
    sc.hold(1)
    f = sc.engine.tick_filter
    assert f.reanchors == 1 and not f.holding and sc.guard("tick filter").state is OK
    # Accepted, the move reaches the other guards: a 2% gap is the displacement guard's.
    assert "pulled" in sc.guard("displacement").reason
    sc.hold(11)
    assert sc.bid() == pytest.approx(101_980, abs=15) and sc.ask() == pytest.approx(102_020, abs=15)
    sc.hold(60)
    assert sc.guard("tick filter").state is OK and sc.bid()  # no lock-out, no stale pull


def test_tick_filter_reanchors_on_a_fresh_snapshot():
    sc = scene(displacement_bps=0.0)
    sc.hold(2)
    sc.corrupt(95_000.0)
    assert sc.engine.tick_filter.holding
    sc.mid = 96_000.0
    sc.ghosts.append(95_000.0)
    sc.start()  # a resync snapshot
    sc.hold(1)
    assert not sc.engine.tick_filter.holding and sc.bid() == pytest.approx(95_980, abs=10)


# --- 2. spread bounds ----------------------------------------------------------------------


def test_spread_bounds_max_binds_and_warns():
    s = config.Settings().replace("fees", maker=0.0, taker=0.0).replace(
        "quote", max_spread_dollar=6.0, kappa_source="fixed", kappa_value=0.05)
    sc = scene(s, asym_widen_per_order=0.0)
    sc.hold(3)
    st = sc.guard("spread bounds")
    assert st.state is WARN and "max spread binds" in st.reason
    assert sc.ask() - sc.bid() == pytest.approx(6.0, abs=2 * TICK)


def test_spread_bounds_min_binds_and_warns():
    s = config.Settings().replace("fees", maker=0.0, taker=0.0).replace(
        "quote", min_spread_dollar=300.0, max_spread_dollar=500.0)
    sc = scene(s)
    sc.hold(3)
    st = sc.guard("spread bounds")
    assert st.state is WARN and "min spread binds" in st.reason
    assert sc.ask() - sc.bid() == pytest.approx(300.0, abs=2 * TICK)


def test_spread_bounds_settings_range_is_5_to_500():
    for bad in ({"min_spread_dollar": 4.0}, {"max_spread_dollar": 501.0}):
        with pytest.raises(config.ConfigError, match="out of range"):
            config.from_mapping({"quote": bad})


# --- 3. inventory limits -------------------------------------------------------------------


def test_inventory_soft_pulls_adding_side_and_hard_reduces_to_soft():
    s = config.Settings().replace("quote", order_size=0.002)
    sc = scene(s, imbalance_fills=0)
    long_position(sc, 3)  # 3 orders of 2 lots: 6 lots, the soft limit
    assert sc.engine.portfolio.position == 6
    assert sc.resting(Side.BUY) == [] and sc.resting(Side.SELL)  # soft: bid pulled
    assert sc.guard("inventory").state is WARN
    # Halving the order size halves the limits in lots: 6 lots is now past hard (5).
    sc.command(CommandKind.SET_PARAM, name="order_size", value=0.001)
    red = reduce_orders(sc)
    assert len(red) == 1 and red[0].side is Side.SELL and red[0].qty == 3
    assert red[0].tif is TimeInForce.IOC
    assert sc.engine.portfolio.position == 3 == sc.exchange.position
    assert sc.guard("inventory").trips == 1
    assert sc.resting(Side.BUY) == []  # still at soft: no adding
    assert sc.kinds("reduce")[0]["lots"] == -3


# --- 4. fill imbalance ---------------------------------------------------------------------


def test_fill_imbalance_cools_down_the_side_run_over():
    sc = scene(imbalance_fills=3, imbalance_window_s=30.0, imbalance_cooldown_s=20.0,
               inventory_soft=10.0, inventory_hard=20.0)
    sc.hold(2)
    long_position(sc, 3)
    st = sc.guard("fill imbalance")
    assert st.state is TRIPPED and st.trips == 1
    assert sc.resting(Side.BUY) == [] and sc.resting(Side.SELL)  # only the bid is pulled
    sc.hold(15)
    assert sc.resting(Side.BUY) == []
    sc.hold(6)  # cooldown over
    assert sc.resting(Side.BUY) and sc.guard("fill imbalance").state is not TRIPPED


# --- 5. displacement -----------------------------------------------------------------------


def test_displacement_widens_on_a_fast_move_pulls_on_a_flash_move_and_settles():
    sc = scene(asym_widen_per_order=0.0, imbalance_fills=0, inventory_soft=20.0,
               inventory_hard=40.0)
    sc.hold(12)
    normal = sc.ask() - sc.bid()
    sc.glide(100_200.0, 2.0)  # 20 bp in 2 s: widen
    sc.hold(0.5)
    st = sc.guard("displacement")
    assert st.state is TRIPPED and "x2" in st.reason
    assert sc.ask() - sc.bid() == pytest.approx(2 * normal, rel=0.1)
    sc.glide(100_800.0, 2.0)  # 80 bp: pulled
    sc.hold(0.5)
    assert "pulled" in sc.guard("displacement").reason
    assert sc.resting(Side.BUY) == [] and sc.resting(Side.SELL) == []
    sc.hold(11)  # a whole calm window: settled
    assert sc.guard("displacement").state is OK
    assert sc.ask() - sc.bid() == pytest.approx(normal, rel=0.1)
    assert sc.guard("displacement").trips == 1


# --- 6. asymmetric spreads -----------------------------------------------------------------


def test_asymmetric_widens_only_the_adding_side():
    def run(per_order: float):
        sc = scene(asym_widen_per_order=per_order, imbalance_fills=0)
        sc.hold(2)
        long_position(sc, 2)
        sc.hold(1)
        mid = sc.engine.book.mid_ticks() * TICK
        return sc, mid - sc.bid(), sc.ask() - mid

    on, on_bid, on_ask = run(0.25)
    off, off_bid, off_ask = run(0.0)
    assert on.engine.portfolio.position == off.engine.portfolio.position == 2
    assert on_ask == pytest.approx(off_ask, abs=2 * TICK)  # the reducing side is untouched
    half = on.engine.quote.half_spread
    assert on_bid - off_bid == pytest.approx(0.5 * half, abs=2 * TICK)  # 1 + 0.25 x 2 orders
    assert on.guard("asymmetric").value == "bid x1.50"


# --- 7. regime filter ----------------------------------------------------------------------


def test_regime_filter_pulls_quotes_in_a_steady_trend():
    sc = scene(regime_bar_s=2.0, regime_period=10, displacement_bps=0.0, imbalance_fills=0,
               tick_min_move_bps=50.0)
    sc.hold(2)
    assert sc.bid() and sc.ask()
    sc.glide(100_600.0, 60.0, dt_s=0.5)  # $10/s up for a minute: 30 bars of trend
    st = sc.guard("regime")
    assert st.state is TRIPPED and "trending up" in st.reason
    assert float(st.value.split()[1]) > 30
    assert sc.resting(Side.BUY) == [] and sc.resting(Side.SELL) == []
    assert st.trips == 1


def test_regime_filter_quiet_market_is_ranging():
    sc = scene(regime_bar_s=2.0, regime_period=10)
    rng = random.Random(3)
    for _ in range(240):
        sc.step(100_000.0 + rng.uniform(-15, 15), 0.25)
    st = sc.guard("regime")
    assert st.state is OK and st.reason == "ranging"
    assert sc.bid() and sc.ask()


# --- 8. liquidation protection -------------------------------------------------------------


def futures_50x(**risk: object):
    s = config.Settings().replace("market", futures=True, leverage=50.0)
    return scene(s, imbalance_fills=0, displacement_bps=0.0, regime_filter=False, **risk)


def test_liquidation_at_50x_stops_adding_then_reduces_then_closes():
    sc = futures_50x()
    sc.hold(2)
    long_position(sc, 3)
    entry = sc.engine.portfolio.entry * TICK
    liq = entry * (1 - 1 / 50 + 0.005)  # isolated margin, MMR 0.5%
    snap = sc.engine.snapshot()
    assert snap.liq_price == pytest.approx(liq) and snap.liq_source == "estimate"
    full = entry - liq
    sc.glide(liq + 0.35 * full, 4.0)  # 35% of the distance left: stop adding
    st = sc.guard("liquidation")
    assert st.state is WARN
    assert sc.resting(Side.BUY) == [] and sc.resting(Side.SELL)
    assert reduce_orders(sc) == []
    sc.glide(liq + 0.15 * full, 2.0)  # 15% left: trip, reduce at least half
    st = sc.guard("liquidation")
    assert st.state is TRIPPED and st.trips == 1
    red = reduce_orders(sc)
    assert red and all(o.side is Side.SELL for o in red)
    assert sc.engine.portfolio.position == 1 == sc.exchange.position
    sc.glide(liq + 0.05 * full, 1.0)  # 5% left: close it all
    red = reduce_orders(sc)
    assert [o.qty for o in red] == [2, 1] and all(o.side is Side.SELL for o in red)
    assert sum(1 for line in sc.engine.log if "SELL" in line and "taker" in line) == 2


def test_liquidation_uses_the_venue_price_when_reported():
    sc = futures_50x()
    sc.hold(2)
    long_position(sc, 2)
    entry = sc.engine.portfolio.entry * TICK
    venue_liq = entry - 500.0  # the venue knows better (e.g. a different risk tier)
    sc.mark(sc.mid, liq=venue_liq)
    sc.hold(0.5)
    snap = sc.engine.snapshot()
    assert snap.liq_price == pytest.approx(venue_liq) and snap.liq_source == "venue"
    assert sc.guard("liquidation").state is OK
    start = sc.mid
    for i in range(1, 11):  # towards 12% of the venue's distance (the estimate says ~70%)
        sc.step(start + (venue_liq + 60.0 - start) * i / 10)
        sc.mark(sc.mid, liq=venue_liq)  # the venue reports with each mark
        sc.hold(0.25)
    trip = [g for g in sc.kinds("guard") if g["name"] == "liquidation" and g["state"] == "tripped"]
    assert trip and "(venue)" in trip[0]["reason"] and trip[0]["value"] == "12% left"
    assert reduce_orders(sc)
    # The reduction changed the position: until the venue reports again, the estimate holds.
    assert sc.engine.snapshot().liq_source == "estimate"


def test_liquidation_is_off_for_spot_with_the_reason():
    s = config.Settings().replace("market", futures=False)
    sc = scene(s)
    sc.hold(1)
    st = sc.guard("liquidation")
    assert st.state is OK and st.value == "off" and "spot" in st.reason
    assert sc.engine.snapshot().liq_price == 0.0


# --- stale data, max loss, kill switch ------------------------------------------------------


def test_stale_data_pulls_quotes_and_quotes_again_when_data_returns():
    sc = scene()
    sc.hold(2)
    sc.timer(16)
    st = sc.guard("stale data")
    assert st.state is TRIPPED and sc.resting(Side.BUY) == [] and sc.resting(Side.SELL) == []
    sc.hold(1)
    assert sc.guard("stale data").state is OK and sc.bid()


def test_max_loss_trips_the_kill_switch():
    sc = scene(max_loss_dollar=0.5, imbalance_fills=0, displacement_bps=0.0)
    sc.hold(2)
    long_position(sc, 3)
    sc.glide(sc.mid - 300.0, 3.0)
    e = sc.engine
    assert sc.guard("max loss").state is TRIPPED
    assert e.flatten_state == "flat" and e.paused and e.portfolio.position == 0
    assert not sc.exchange.orders
    assert sc.kinds("flatten")[0]["reason"] == "max loss reached"


def test_kill_switch_cancels_first_then_closes_reduce_only_and_logs_fill_prices():
    sc = scene(imbalance_fills=0)
    sc.hold(2)
    long_position(sc, 2)
    assert sc.exchange.orders  # a working ask
    before = len(sc.sent)
    states = []
    e = sc.engine
    sub = sc.exchange.submit

    def watch(action):
        states.append(e.flatten_state)
        return sub(action)

    sc.exchange.submit = watch
    sc.command(CommandKind.FLATTEN)
    sent = sc.sent[before:]
    assert isinstance(sent[0], CancelAll)
    close = [a for a in sent if isinstance(a, PlaceOrder)]
    assert len(close) == 1 and close[0].reduce_only and close[0].side is Side.SELL
    assert close[0].tif is TimeInForce.MARKET and close[0].qty == 2
    assert states == ["cancelling", "closing 1/5"]
    assert e.flatten_state == "flat" and e.paused and e.portfolio.position == 0
    assert any(line.startswith("flat; closing fills at 99") for line in e.log)
    sc.hold(5)
    assert not sc.exchange.orders  # stays paused


def test_kill_switch_closes_again_if_a_late_fill_reopens_a_position():
    sc = scene(imbalance_fills=0)
    sc.hold(2)
    sc.command(CommandKind.FLATTEN)
    e = sc.engine
    assert e.flatten_state == "flat" and e.portfolio.position == 0
    # A fill the venue reports late (an order the cancel-all missed)
    late = Fill(sc.now, "late", Side.BUY, round(sc.mid / TICK), 2, 0.0, True, "late-1")
    sc.exchange.position += 2
    sc.driver._settle(e.on_exec(late))
    assert e.portfolio.position == 0 == sc.exchange.position
    assert e.flatten_state == "flat" and e.paused
    assert reduce_orders(sc)[-1].qty == 2


def test_kill_switch_waits_for_cancels_but_not_forever():
    sc = scene(imbalance_fills=0, flatten_cancel_wait_s=1.0)
    sc.hold(2)
    long_position(sc, 1)
    e = sc.engine
    # The venue goes silent: nothing sent reaches it.
    sc.exchange.submit = lambda action: sc.sent.append(action) or []
    before = len(sc.sent)
    sc.command(CommandKind.FLATTEN)
    assert e.flatten_state == "cancelling"
    assert [type(a) for a in sc.sent[before:]] == [CancelAll]
    sc.timer(1.2)  # cancels never confirmed: close anyway after the wait
    assert e.flatten_state.startswith("closing")
    assert any("unconfirmed" in line for line in e.log)
    sc.timer(1)
    assert e.flatten_state.startswith("error") or e.flatten_state.startswith("closing")


def test_every_guard_change_and_verdict_is_journaled():
    sc = scene(imbalance_fills=3, inventory_soft=10.0, inventory_hard=20.0)
    sc.hold(2)
    long_position(sc, 3)
    guards = sc.kinds("guard")
    assert {"name": "fill imbalance", "state": "tripped"}.items() <= next(
        g for g in guards if g["name"] == "fill imbalance" and g["state"] == "tripped").items()
    verdicts = sc.kinds("verdict")
    assert any(v["bid"] is False and "fill imbalance: bid cooling down" in v["reasons"]
               for v in verdicts)
    assert {g["name"] for g in guards} >= {g.name for g in sc.engine.guards}


# --- property: the position never exceeds hard + one order --------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_position_never_beyond_hard_limit_plus_one_order(seed):
    rng = random.Random(seed)
    soft = rng.choice([1.0, 2.0, 3.0])
    s = config.Settings().replace(
        "risk", inventory_soft=soft, inventory_hard=soft + rng.choice([0.0, 1.0, 2.0]),
        imbalance_fills=0, displacement_bps=0.0, regime_filter=False,
    ).replace("quote", requote_ticks=rng.choice([5, 20, 50]))
    r = rig(seed=seed, settings=s, sigma=rng.uniform(20.0, 60.0), trade_rate=20.0)
    order = r.engine.order_lots
    hard = round(s.risk.inventory_hard * order)
    worst = 0
    end = r.clock.now() + 90 * 10**9
    for ev in r.market:
        r.driver.market(ev)
        worst = max(worst, abs(r.engine.portfolio.position))
        if ev.ts >= end:
            break
    assert r.engine.portfolio.fills > 10
    assert worst <= hard + order


# --- kill switch under a backlog (the live runner) -----------------------------------------


def test_kill_switch_under_a_10000_event_backlog_cancels_first_then_closes(tmp_path):
    async def go():
        s = config.Settings().replace("recording", dir=str(tmp_path))
        launch = build(s, ScaledClock(1.0))
        runner = launch.runner
        sent = []
        submit = runner.broker.submit

        async def spy(action):
            sent.append((action, len(runner._market)))
            await submit(action)

        runner.broker.submit = spy
        task = asyncio.create_task(runner.run())
        while not runner.engine.om.live():
            await asyncio.sleep(0.01)
        # A position held from before (a fill of ours the venue reports)
        ex = runner.broker.exchange
        ex.position = 2
        runner._exec.append(Fill(runner.clock.now(), "manual", Side.BUY, ex.book.best_ask, 2, 0.0,
                                 False, "manual-1"))
        backlog = itertools.islice(
            SimMarket(SimParams(seed=2), start_ts=runner.clock.now()).events(), 1, 10_001)
        runner._market.extend(backlog)
        before = len(sent)
        runner.submit(Command(CommandKind.FLATTEN))
        runner._wake.set()
        for _ in range(20):
            await asyncio.sleep(0)
        after = sent[before:]
        runner.submit(Command(CommandKind.QUIT))
        await asyncio.wait_for(task, 10)
        return after, runner

    after, runner = asyncio.run(go())
    assert isinstance(after[0][0], CancelAll)
    closes = [(a, pending) for a, pending in after if isinstance(a, PlaceOrder)]
    assert closes and closes[0][0].reduce_only and closes[0][0].side is Side.SELL
    assert closes[0][1] > 9_000  # closed while the backlog was still there
    assert runner.engine.portfolio.position == 0
