"""Never lose control: the real live stack against the fake Bybit under every fault of
`faults.FAULTS`, one at a time and in seeded random sequences, with the invariants of
`faults.Watch` checked on every exchange state and `LiveRun.check_stopped` after the stop."""

import asyncio
import random

import pytest

from asconsole.domain import Command, CommandKind
from tests.integration.fake_bybit import API_KEY, API_SECRET
from tests.integration.faults import FAULTS, STALE_S, LiveRun, heal

PULL_WITHIN_S = 2.0
"""Quotes must be off the exchange this soon after the market data stopped."""


@pytest.fixture(autouse=True)
def _keys(monkeypatch):
    monkeypatch.setenv("BYBIT_API_KEY", API_KEY)
    monkeypatch.setenv("BYBIT_API_SECRET", API_SECRET)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_invariants_hold_under(fault, tmp_path):
    """Quote, trade, take the fault for a second, heal: the console quotes again, and after the
    stop nothing is open and every fill is booked once; never two orders on one side, the
    position never past the hard limit plus one order."""

    async def go():
        async with LiveRun(tmp_path, seed=1) as run:
            await run.quoting()
            await run.trade_for(0.3)
            await FAULTS[fault](run)
            await run.trade_for(1.0)
            heal(run)
            await run.quoting(timeout=4.0)
            await run.trade_for(0.2)
            assert await run.stop() == "quit"
            run.check_stopped()
            return run.fake.executions

    executions = asyncio.run(go())
    assert executions  # the market did trade against the quotes


@pytest.mark.parametrize("fault", ["stall public feed", "drop public socket", "book sequence gap"])
def test_quotes_pulled_when_market_data_stops(fault, tmp_path):
    """Stalled (socket open, no data), lost or out of sequence: no quote stays on the exchange
    for more than two seconds of a market the console cannot see. Nobody trades here, so
    only the console itself takes its quotes off (no fill does)."""

    async def go():
        async with LiveRun(tmp_path, seed=2, trade_p=0.0) as run:
            await run.quoting()
            assert run.watch is not None and not run.watch.pulled.is_set()
            await FAULTS[fault](run)
            started = asyncio.get_running_loop().time()
            await asyncio.wait_for(run.watch.pulled.wait(), PULL_WITHIN_S)
            pulled_after = asyncio.get_running_loop().time() - started
            heal(run)
            await run.quoting(timeout=4.0)
            await run.stop()
            run.check_stopped()
            return pulled_after

    pulled_after = asyncio.run(go())
    if fault == "stall public feed":
        assert pulled_after >= STALE_S  # the stale-data guard, not something else, pulled them


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_random_fault_sequences(seed, tmp_path):
    """Three faults in a seeded random order, some overlapping: the invariants still hold."""
    rng = random.Random(seed)
    names = rng.sample(sorted(FAULTS), 3)

    async def go():
        async with LiveRun(tmp_path, seed=seed) as run:
            await run.quoting()
            for name in names:
                await FAULTS[name](run)
                await run.trade_for(rng.uniform(0.3, 0.6))
                if rng.random() < 0.5:
                    heal(run)
            heal(run)
            await run.quoting(timeout=4.0)
            await run.stop()
            run.check_stopped()

    asyncio.run(go())


def test_kill_switch_flattens_through_faults(tmp_path):
    """Kill switch with the private stream just dropped and the first order requests refused:
    the position is closed on the exchange and nothing is left working."""

    async def go():
        async with LiveRun(tmp_path, seed=3) as run:
            await run.quoting()
            await run.until(lambda: run.fake.position != 0, 5.0, "a position")
            await FAULTS["drop private socket"](run)
            await FAULTS["rate limits"](run)
            assert run.runner is not None
            run.runner.submit(Command(CommandKind.FLATTEN, source="test"))
            await run.until(lambda: run.engine.flatten_state == "flat", 6.0, "flat")
            flat_on_exchange = run.fake.position == 0 and run.fake.open_orders() == []
            await run.stop()
            run.check_stopped()
            return flat_on_exchange

    assert asyncio.run(go())
