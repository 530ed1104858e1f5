"""MEXC spot balances reach the engine, through the console's own launch path, against the
fake MEXC server: at start, as orders lock funds, and again after the private stream
reconnects (a deposit made meanwhile shows up). The coins held are balances, not a position
the inventory guard would sell down."""

import asyncio
from decimal import Decimal

from asconsole.clock import WallClock
from asconsole.config import Settings
from asconsole.domain import Command, CommandKind
from asconsole.launch import build, resolve_instrument
from asconsole.risk import find_guard
from asconsole.risk.liquidation import LiquidationGuard
from asconsole.risk.spot_balance import SpotBalance
from tests.integration.fake_mexc import API_KEY, API_SECRET, FakeMexc


async def wait_for(pred, timeout=5.0):
    async with asyncio.timeout(timeout):
        while not pred():
            await asyncio.sleep(0.02)


def venue_view(fake: FakeMexc, ins) -> tuple[int, int, int, int]:
    """The fake venue's balances in the engine's units."""
    (bf, bl), (qf, ql) = fake.balances["BTC"], fake.balances["USDT"]
    return ins.qty_lots(bf), ins.qty_lots(bl), ins.quote_units(qf), ins.quote_units(ql)


def engine_view(engine) -> tuple[int, int, int, int] | None:
    b = engine.snapshot().balances
    return None if b is None else (b.base_free, b.base_locked, b.quote_free, b.quote_locked)


def test_mexc_balances_reach_the_engine_at_start_on_change_and_after_a_reconnect(tmp_path, monkeypatch):
    monkeypatch.setenv("MEXC_API_KEY", API_KEY)
    monkeypatch.setenv("MEXC_API_SECRET", API_SECRET)

    async def go():
        fake = FakeMexc()
        await fake.start()
        fake.set_book({f"{99_999 - k}.00": "1" for k in range(20)},
                      {f"{100_001 + k}.00": "1" for k in range(20)})
        s = (Settings().replace("market", venue="mexc", live=True)
             .replace("mexc", rest_url=fake.rest_url, ws_url=fake.ws_url)
             .replace("recording", dir=str(tmp_path))
             .replace("quote", warmup="configured")
             .replace("fees", maker=0.0))  # MEXC spot: 0% maker, so a bid locks no fee
        ins = await resolve_instrument(s)
        runner = build(s, WallClock(), instrument=ins).runner
        engine = runner.engine
        assert engine.snapshot().balances is None  # live: unknown until the venue reports
        task = asyncio.create_task(runner.run())
        try:
            # both quotes rest on MEXC and lock funds; the engine's view follows the pushes
            await wait_for(lambda: len(fake.open_orders()) == 2)
            await wait_for(lambda: engine_view(engine) == venue_view(fake, ins))
            base_free, base_locked, _, quote_locked = engine_view(engine)
            assert base_locked == engine.order_lots and quote_locked > 0
            assert base_free + base_locked == ins.qty_lots("1")
            # the 1 BTC held is a balance, not a position to unwind: inventory starts at zero
            assert engine.portfolio.position == 0 and not any(o.reduce_only for o in engine.om.live())
            guard = find_guard(engine.guards, SpotBalance).status
            assert guard.value.startswith("base 0.999 BTC / quote 99,90")  # 0.001 BTC, ~$100 in quotes
            assert find_guard(engine.guards, LiquidationGuard).status.reason.startswith("spot: no leverage")

            # a deposit lands while the private stream is down: read again after the reconnect
            fake.balances["USDT"][0] += Decimal(500)
            await fake.drop_connections(public=False)
            await wait_for(lambda: engine_view(engine) == venue_view(fake, ins))
            assert engine.spot.wallet.quote == ins.quote_units("100500")  # total: free + locked
            runner.submit(Command(CommandKind.QUIT))
            reason = await asyncio.wait_for(task, 10)
        finally:
            await fake.stop()
        return reason, fake.open_orders()

    reason, left = asyncio.run(go())
    assert reason == "quit" and left == []
