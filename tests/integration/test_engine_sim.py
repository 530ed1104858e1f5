"""Ten simulated minutes of the engine, the sim market and the paper broker (seeded)."""

import pytest

from asconsole.clock import NS_PER_S
from asconsole.domain import Command, CommandKind, Side
from tests.kit.builders import T0, rig

MINUTES = 10


@pytest.fixture(scope="module")
def run():
    r = rig(seed=11)
    hard = round(r.settings.risk.inventory_hard * r.engine.order_lots)
    max_pos = 0
    crossed = 0
    end = T0 + MINUTES * 60 * NS_PER_S
    for ev in r.market:
        r.driver.market(ev)
        max_pos = max(max_pos, abs(r.engine.portfolio.position))
        resting = r.exchange.orders.values()
        bids = [o.price for o in resting if o.side is Side.BUY]
        asks = [o.price for o in resting if o.side is Side.SELL]
        if bids and asks and max(bids) >= min(asks):
            crossed += 1
        if ev.ts >= end:
            break
    return r, hard, max_pos, crossed


def test_quotes_get_filled(run):
    r, *_ = run
    p = r.engine.portfolio
    assert p.fills >= 20 and p.buys > 0 and p.sells > 0
    assert p.maker_fills == p.fills  # quotes are post-only


def test_position_never_beyond_hard_limit(run):
    _, hard, max_pos, _ = run
    assert 0 < max_pos <= hard


def test_own_bid_always_below_own_ask(run):
    *_, crossed = run
    assert crossed == 0


def test_pnl_accounting_closes(run):
    r, *_ = run
    p = r.engine.portfolio
    s = r.engine.snapshot()
    mark = s.mark / r.engine.instrument.tick
    assert s.total == pytest.approx(p.cash() + p.position * mark * 0.1 * 0.001 - p.fees, abs=1e-6)
    assert s.total == pytest.approx(s.realized + s.unrealized - s.fees, abs=1e-9)
    assert p.position == r.exchange.position  # engine and venue agree


def test_flatten_then_stays_paused(run):
    r, *_ = run
    if r.engine.portfolio.position == 0:
        r.run_for(60)
    assert r.engine.portfolio.position != 0
    r.driver.command(Command(CommandKind.FLATTEN))
    assert r.engine.portfolio.position == 0
    assert r.engine.flatten_state == "flat" and r.engine.paused
    assert not r.exchange.orders
    r.run_for(30)
    assert not r.exchange.orders and r.engine.portfolio.position == 0
    r.driver.command(Command(CommandKind.RESUME))
    r.run_for(5)
    assert r.exchange.orders


def test_same_seed_same_result():
    a, b = rig(seed=5), rig(seed=5)
    a.run_for(120)
    b.run_for(120)
    sa, sb = a.engine.snapshot(), b.engine.snapshot()
    assert (sa.fills, sa.position, sa.total) == (sb.fills, sb.position, sb.total)


def test_driver_run_in_slices_equals_one_run():
    a, b = rig(seed=9), rig(seed=9)
    a.driver.run(a.market, until_ts=T0 + 90 * NS_PER_S)
    for k in range(1, 10):
        b.driver.run(b.market, until_ts=T0 + k * 10 * NS_PER_S)
    sa, sb = a.engine.snapshot(), b.engine.snapshot()
    assert b.engine.book.gaps == 0
    assert (sa.fills, sa.position, sa.total, sa.bids) == (sb.fills, sb.position, sb.total, sb.bids)
