"""Each guard on its own: fed numbers by hand, checked against its thresholds and the
verdict it gives. Scenarios through the engine are in tests/integration/test_risk_scenarios."""

import random

import pytest

from asconsole import config
from asconsole.clock import NS_PER_S
from asconsole.domain import Fill, Side
from asconsole.risk import build_guards, find_guard
from asconsole.risk.adx import WilderADX
from asconsole.risk.asymmetric import AsymmetricSpread
from asconsole.risk.base import GuardState, QuoteOutcome, RiskContext, Verdict
from asconsole.risk.displacement import Displacement
from asconsole.risk.imbalance import FillImbalance
from asconsole.risk.inventory import InventoryLimits
from asconsole.risk.liquidation import LiquidationGuard
from asconsole.risk.margin import distance_left, liquidation_price
from asconsole.risk.max_loss import MaxLoss
from asconsole.risk.regime import RegimeFilter
from asconsole.risk.spread_bounds import SpreadBounds
from asconsole.risk.stale import StaleData
from asconsole.risk.tick_filter import TickFilter

S = NS_PER_S
OK, WARN, TRIPPED = GuardState.OK, GuardState.WARN, GuardState.TRIPPED


def ctx(now: int = 100 * S, position: int = 0, **kw) -> RiskContext:
    base = {"now": now, "mid": 100_000.0, "position": position, "order_lots": 1, "lot": 0.001,
            "base": "BTC", "pnl": 0.0, "last_data_ts": now, "feed_connected": True,
            "book_valid": True}
    return RiskContext(**(base | kw))


def verdict_of(guard, c: RiskContext) -> Verdict:
    v = Verdict()
    guard.check(c, v)
    return v


def fill(ts_s: float, side: Side, cid: str, maker: bool = True) -> Fill:
    return Fill(int(ts_s * S), cid, side, 1_000_000, 1, 0.02, maker, f"f-{cid}-{ts_s}")


# --- verdict ---------------------------------------------------------------------------------


def test_verdict_only_gets_more_cautious():
    v = Verdict()
    v.widen(2.0, 1.0, "a")
    v.widen(1.5, 1.2, "")
    assert (v.widen_bid, v.widen_ask) == (2.0, 1.2) and v.reasons == ["a"]
    v.reduce(-2, "x")
    v.reduce(-1, "y")
    assert v.reduce_lots == -2
    v.kill_switch("max loss reached")
    v.kill_switch("other")
    assert v.kill and v.kill_reason == "max loss reached" and not v.quoting


def test_build_guards_lists_every_guard_once_in_order():
    guards = build_guards(config.Settings())
    names = [g.name for g in guards]
    assert names[:2] == ["max loss", "stale data"] and names[-1] == "spread bounds"
    assert len(set(names)) == len(names) == 10
    assert isinstance(find_guard(guards, TickFilter), TickFilter)


# --- tick filter -----------------------------------------------------------------------------


def test_tick_filter_threshold_is_sigma_scaled_with_a_floor():
    f = TickFilter(True, sigmas=10, min_move_bps=20, confirm=3)
    assert f.screen_mid(0, 100_000.0, sigma=8.0)
    assert f.screen_mid(S, 100_199.0, sigma=8.0)  # under the 20 bp floor ($200)
    assert not f.screen_mid(2 * S, 100_500.0, sigma=8.0)  # $301 > max($80, $200)
    f2 = TickFilter(True, sigmas=10, min_move_bps=20, confirm=3)
    f2.screen_mid(0, 100_000.0, 8.0)
    assert f2.screen_mid(100 * S, 100_500.0, sigma=8.0)  # 100 s later: 10 x 8 x 10 = $800


def test_tick_filter_isolated_outlier_is_dropped_and_never_locks_out():
    f = TickFilter(True, 10, 20, confirm=3)
    f.screen_mid(0, 100_000.0, 8.0)
    assert not f.screen_mid(S // 10, 90_000.0, 8.0)
    assert f.holding
    v = verdict_of(f, ctx())
    assert not v.quoting and f.status.state is TRIPPED and f.status.trips == 1
    assert f.screen_mid(2 * S // 10, 100_010.0, 8.0)  # back: accepted, released
    assert not f.holding and f.ref == 100_010.0
    # A genuine move: three agreeing updates re-anchor (the seed's filter never did)
    assert not f.screen_mid(S, 103_000.0, 8.0)
    assert not f.screen_mid(S + 1, 103_050.0, 8.0)
    assert f.screen_mid(S + 2, 103_020.0, 8.0)
    assert f.reanchors == 1 and f.ref == 103_020.0
    assert f.screen_mid(S + 3, 103_030.0, 8.0)  # and what follows is normal again
    assert f.rejected_books == 3  # 90,000, 103,000, 103,050


def test_tick_filter_disagreeing_outliers_do_not_confirm_each_other():
    f = TickFilter(True, 10, 20, confirm=2)
    f.screen_mid(0, 100_000.0, 8.0)
    assert not f.screen_mid(1, 90_000.0, 8.0)
    assert not f.screen_mid(2, 110_000.0, 8.0)  # a different wild value: the chain restarts
    assert not f.screen_mid(3, 90_000.0, 8.0)
    assert f.chain == 1


def test_tick_filter_trades_snapshots_and_off():
    f = TickFilter(True, 10, 20, confirm=3)
    f.screen_mid(0, 100_000.0, 8.0)
    assert f.screen_trade(1, 100_050.0, 8.0)
    assert not f.screen_trade(2, 95_000.0, 8.0)
    f.screen_mid(3, 80_000.0, 8.0)
    assert not f.screen_trade(4, 100_000.0, 8.0)  # nothing is trusted while holding
    f.anchor(5, 80_000.0)  # a fresh snapshot
    assert not f.holding and f.screen_trade(6, 80_010.0, 8.0)
    assert f.rejected_trades == 2
    off = TickFilter(False, 10, 20, 3)
    off.screen_mid(0, 100_000.0, 8.0)
    assert off.screen_mid(1, 1.0, 8.0)
    verdict_of(off, ctx())
    assert off.status.value == "off"


# --- spread bounds ---------------------------------------------------------------------------


def test_spread_bounds_warns_only_on_configured_bounds():
    g = SpreadBounds(5.0, 100.0)
    g.on_quote(0, QuoteOutcome(180.0, 100.0, "max", 5.0, 100.0))
    assert g.status.state is WARN and "max spread binds: model $180.00" == g.status.reason
    g.on_quote(0, QuoteOutcome(3.0, 5.0, "min", 5.0, 100.0))
    assert g.status.state is WARN and "min spread" in g.status.reason
    g.on_quote(0, QuoteOutcome(9.0, 40.0, "fee", 40.0, 100.0))
    assert g.status.state is OK and "fee floor binds" in g.status.reason
    g.on_quote(0, QuoteOutcome(50.0, 50.0, "", 40.0, 100.0))
    assert g.status.state is OK and g.status.value == "$50.00" and g.status.trips == 0
    assert verdict_of(g, ctx()).quoting


# --- inventory -------------------------------------------------------------------------------


def test_inventory_soft_pulls_the_adding_side_hard_reduces_to_soft():
    g = InventoryLimits(3, 5)
    v = verdict_of(g, ctx(position=2))
    assert v.allow_bid and v.allow_ask and g.status.state is OK
    v = verdict_of(g, ctx(position=3))
    assert not v.allow_bid and v.allow_ask and g.status.state is WARN and v.reduce_lots == 0
    v = verdict_of(g, ctx(position=-5))
    assert v.allow_bid and not v.allow_ask and v.reduce_lots == 2
    assert g.status.state is TRIPPED and g.status.trips == 1
    assert g.status.value == "-0.005" and g.status.threshold == "soft 0.003 / hard 0.005 BTC"


# --- fill imbalance --------------------------------------------------------------------------


def test_fill_imbalance_needs_n_orders_on_one_side_within_the_window():
    g = FillImbalance(3, window_s=30, cooldown_s=20)
    g.on_fill(fill(0, Side.BUY, "a"))
    g.on_fill(fill(1, Side.BUY, "a"))  # a partial fill of the same order counts once
    g.on_fill(fill(2, Side.BUY, "b"))
    v = verdict_of(g, ctx(now=3 * S))
    assert v.quoting and g.status.state is WARN
    g.on_fill(fill(3, Side.SELL, "t", maker=False))  # our own taker (reduce) fill: ignored
    g.on_fill(fill(4, Side.BUY, "c"))
    v = verdict_of(g, ctx(now=5 * S))
    assert not v.allow_bid and v.allow_ask and g.status.state is TRIPPED
    v = verdict_of(g, ctx(now=23 * S))
    assert not v.allow_bid
    v = verdict_of(g, ctx(now=25 * S))
    assert v.allow_bid and g.status.state is OK and g.status.trips == 1


def test_fill_imbalance_broken_streak_or_slow_fills_do_not_trip():
    g = FillImbalance(3, window_s=30, cooldown_s=20)
    for t, side, cid in ((0, Side.SELL, "a"), (1, Side.SELL, "b"), (2, Side.BUY, "c"),
                         (3, Side.SELL, "d"), (4, Side.SELL, "e")):
        g.on_fill(fill(t, side, cid))
    assert verdict_of(g, ctx(now=5 * S)).quoting
    g2 = FillImbalance(3, window_s=30, cooldown_s=20)
    for i, t in enumerate((0, 20, 40)):
        g2.on_fill(fill(t, Side.SELL, str(i)))
    assert verdict_of(g2, ctx(now=41 * S)).quoting


# --- displacement ----------------------------------------------------------------------------


def test_displacement_widens_pulls_and_settles_after_a_calm_window():
    g = Displacement(widen_bps=15, window_s=10, widen=2.0, pull_bps=50)
    for i in range(20):
        g.on_mid(i * S // 2, 100_000.0 + (i % 2))
    assert verdict_of(g, ctx(now=10 * S)).widen_ask == 1.0 and g.status.state is OK
    g.on_mid(11 * S, 100_200.0)  # 20 bp
    v = verdict_of(g, ctx(now=11 * S))
    assert (v.widen_bid, v.widen_ask) == (2.0, 2.0) and v.quoting and g.status.state is TRIPPED
    g.on_mid(12 * S, 99_600.0)  # range 60 bp: pull
    v = verdict_of(g, ctx(now=12 * S))
    assert not v.quoting
    g.on_mid(13 * S, 100_000.0)  # a flash move that came back still counts
    assert not verdict_of(g, ctx(now=13 * S)).quoting
    for t in range(14, 22):
        g.on_mid(t * S, 100_000.0)
    assert not verdict_of(g, ctx(now=21 * S)).quoting  # 100,200 and 99,600 in the window
    g.on_mid(22 * S, 100_000.0)
    v = verdict_of(g, ctx(now=22 * S))  # 100,200 has left: 40 bp, widen only
    assert v.quoting and v.widen_bid == 2.0
    g.on_mid(23 * S, 100_000.0)
    v = verdict_of(g, ctx(now=23 * S))
    assert v.quoting and v.widen_bid == 1.0 and g.status.state is OK and g.status.trips == 1


def test_displacement_range_matches_brute_force():
    g = Displacement(15, 5, 2.0, 0)
    rng = random.Random(1)
    mids = []
    for i in range(400):
        ts, m = i * S // 4, 100_000 + rng.gauss(0, 30)
        mids.append((ts, m))
        g.on_mid(ts, m)
        window = [x for t, x in mids if t >= ts - 5 * S]
        want = (max(window) - min(window)) / min(window) * 1e4
        assert g.range_bps(ts) == pytest.approx(want)


# --- asymmetric ------------------------------------------------------------------------------


def test_asymmetric_widens_the_adding_side_up_to_the_cap():
    g = AsymmetricSpread(per_order=0.2, max_widen=2.0)
    v = verdict_of(g, ctx(position=0))
    assert (v.widen_bid, v.widen_ask) == (1.0, 1.0)
    v = verdict_of(g, ctx(position=2))
    assert v.widen_bid == pytest.approx(1.4) and v.widen_ask == 1.0 and g.status.state is OK
    v = verdict_of(g, ctx(position=-8))
    assert v.widen_ask == 2.0 and v.widen_bid == 1.0 and g.status.state is WARN
    assert v.reasons == []  # a routine adjustment stays off the status line


# --- regime (Wilder's ADX) -------------------------------------------------------------------


def reference_adx(bars: list[tuple[float, float, float]], n: int) -> float:
    """Wilder's ADX written out from the textbook recipe, with lists."""
    tr, pdm, mdm = [], [], []
    for (h, lo, _), (ph, pl, pc) in zip(bars[1:], bars[:-1]):
        tr.append(max(h - lo, abs(h - pc), abs(lo - pc)))
        up, down = h - ph, pl - lo
        pdm.append(up if up > down and up > 0 else 0.0)
        mdm.append(down if down > up and down > 0 else 0.0)

    def wilder(xs):
        out = [sum(xs[:n])]
        for x in xs[n:]:
            out.append(out[-1] - out[-1] / n + x)
        return out

    dx = []
    for t, p, m in zip(wilder(tr), wilder(pdm), wilder(mdm)):
        pdi, mdi = 100 * p / t, 100 * m / t
        dx.append(100 * abs(pdi - mdi) / (pdi + mdi))
    adx = sum(dx[:n]) / n
    for d in dx[n:]:
        adx = (adx * (n - 1) + d) / n
    return adx


def test_adx_matches_the_textbook_recipe():
    rng = random.Random(4)
    bars, c = [], 100.0
    for _ in range(80):
        o = c
        c = o + rng.gauss(0.1, 1.0)
        bars.append((max(o, c) + rng.random(), min(o, c) - rng.random(), c))
    a = WilderADX(14)
    for i, b in enumerate(bars):
        a.add_bar(*b)
        assert a.ready == (i + 1 >= 28)
    assert a.adx == pytest.approx(reference_adx(bars, 14), rel=1e-12)


def test_adx_is_100_in_a_steady_trend_and_low_in_a_range():
    up = WilderADX(5)
    for i in range(20):
        up.add_bar(101.0 + i, 99.0 + i, 100.5 + i)
    assert up.adx == pytest.approx(100.0) and up.plus_di > up.minus_di
    flat = WilderADX(5)
    for i in range(20):
        flat.add_bar(101.0, 99.0, 100.0 + (i % 2))
    assert flat.adx == pytest.approx(0.0)


def test_regime_filter_widens_between_thresholds_and_pulls_above():
    g = RegimeFilter(True, bar_s=1, period=5, widen_adx=25, pull_adx=30, widen=1.5)
    assert verdict_of(g, ctx()).quoting and g.status.value == "warming"
    g.adx.adx, g.adx.plus_di, g.adx.minus_di = 27.0, 30.0, 10.0
    v = verdict_of(g, ctx())
    assert v.quoting and v.widen_bid == 1.5 and g.status.state is WARN
    g.adx.adx = 31.0
    v = verdict_of(g, ctx())
    assert not v.quoting and g.status.state is TRIPPED and "trending up" in g.status.reason


def test_regime_filter_builds_bars_from_mids_and_fills_gaps():
    g = RegimeFilter(True, bar_s=1, period=3, widen_adx=25, pull_adx=30, widen=1.5)
    for i in range(40):  # a steady climb, 4 mids per 1 s bar
        g.on_mid(i * S // 4, 100.0 + i)
    assert g.adx.bars == 9 and g.adx.ready
    assert not verdict_of(g, ctx()).quoting
    g.on_mid(100 * S, 110.0)  # a long gap: at most 2 x period flat bars
    assert g.adx.bars == 9 + 1 + 6


# --- liquidation -----------------------------------------------------------------------------


def test_liquidation_price_worked_example_and_short_side():
    assert liquidation_price(20_000, True, 50, 0.005) == pytest.approx(19_700)
    assert liquidation_price(20_000, False, 50, 0.005) == pytest.approx(20_300)
    assert distance_left(20_000, 20_000, 19_700, True) == pytest.approx(1.0)
    assert distance_left(20_000, 19_760, 19_700, True) == pytest.approx(0.2)
    assert distance_left(20_000, 20_240, 20_300, False) == pytest.approx(0.2)
    assert distance_left(20_000, 19_600, 19_700, True) == 0.0


def liq_ctx(position: int, mark: float, **kw) -> RiskContext:
    return ctx(position=position, entry=20_000.0, mark=mark, futures=True, leverage=50.0, **kw)


def test_liquidation_guard_zones():
    g = LiquidationGuard(threshold=0.2, mmr=0.005, reduce_fraction=0.5)
    v = verdict_of(g, liq_ctx(4, 19_950.0))  # 83% left
    assert v.quoting and v.reduce_lots == 0 and g.status.state is OK and g.liq_price == 19_700
    v = verdict_of(g, liq_ctx(4, 19_800.0))  # 33%: stop adding
    assert not v.allow_bid and v.allow_ask and v.reduce_lots == 0 and g.status.state is WARN
    v = verdict_of(g, liq_ctx(4, 19_745.0))  # 15%: reduce half
    assert not v.allow_bid and v.reduce_lots == -2 and g.status.state is TRIPPED
    v = verdict_of(g, liq_ctx(2, 19_745.0))  # reduced: hold the rest, still not adding
    assert v.reduce_lots == 0 and not v.allow_bid
    v = verdict_of(g, liq_ctx(2, 19_720.0))  # under half the threshold: close all
    assert v.reduce_lots == -2
    assert g.status.trips == 1
    short = LiquidationGuard(0.2, 0.005, 0.5)
    v = verdict_of(short, liq_ctx(-3, 20_255.0))
    assert not v.allow_ask and v.allow_bid and v.reduce_lots == 2  # keep floor(1.5) = 1
    v = verdict_of(short, liq_ctx(4, 19_745.0))  # flipped long (a late fill): its own target
    assert v.reduce_lots == -2


def test_liquidation_guard_prefers_the_venue_and_is_off_for_spot():
    g = LiquidationGuard(0.2, 0.005, 0.5)
    verdict_of(g, liq_ctx(1, 19_870.0, venue_liq=19_850.0))  # 20 of 150 left; estimate: 57%
    assert g.source == "venue" and g.liq_price == 19_850.0 and g.status.state is TRIPPED
    spot = LiquidationGuard(0.2, 0.005, 0.5)
    v = verdict_of(spot, ctx(position=5, entry=20_000.0, mark=1.0, futures=False))
    assert v.quoting and spot.status.value == "off" and "spot" in spot.status.reason


# --- stale data, max loss ---------------------------------------------------------------------


def test_stale_data_and_max_loss():
    g = StaleData(15)
    assert verdict_of(g, ctx(now=20 * S, last_data_ts=10 * S)).quoting
    assert not verdict_of(g, ctx(now=26 * S, last_data_ts=10 * S)).quoting
    assert not verdict_of(g, ctx(feed_connected=False)).quoting
    m = MaxLoss(100.0)
    assert verdict_of(m, ctx(pnl=-50.0)).quoting and m.status.state is OK
    verdict_of(m, ctx(pnl=-85.0))
    assert m.status.state is WARN
    v = verdict_of(m, ctx(pnl=-100.0))
    assert v.kill and v.kill_reason == "max loss reached" and m.status.trips == 1


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("risk, message", [
    ({"regime_widen_adx": 35.0}, "regime_widen_adx (35) must not exceed regime_pull_adx (30)"),
    ({"displacement_pull_bps": 10.0}, "displacement_pull_bps (10) must exceed displacement_bps"),
    ({"liquidation_threshold": 0.0}, "out of range"),
    ({"tick_confirm": 0}, "out of range"),
])
def test_risk_settings_are_checked(risk, message):
    with pytest.raises(config.ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        config.from_mapping({"risk": risk})


def test_every_risk_key_has_a_documented_default():
    text = config.init_text()
    for key in config.to_mapping(config.Settings())["risk"]:
        assert f"\n{key} = " in text
