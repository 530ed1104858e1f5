"""Paper on Bybit's real feed, then live, then back to paper: against the fake Bybit server,
through the same launch path the console uses."""

import asyncio

from asconsole.clock import WallClock
from asconsole.domain import Command, CommandKind
from asconsole.engine.replay import Replay
from asconsole.launch import build, live_refusal, resolve_instrument
from asconsole.recording.reader import open_session
from tests.integration.bybit_kit import settings as bybit_settings
from tests.integration.fake_bybit import API_KEY, API_SECRET, FakeBybit

MID = 1_000_000  # ticks: 100,000.0


def venue_settings(fake: FakeBybit, tmp_path):
    s = bybit_settings(fake).replace("market", venue="bybit")
    return s.replace("recording", dir=str(tmp_path)).replace("quote", warmup="configured")


async def wait_for(pred, timeout=5.0):
    async with asyncio.timeout(timeout):
        while not pred():
            await asyncio.sleep(0.02)


async def open_market(fake: FakeBybit) -> None:
    fake.set_book({MID - k: 5_000 for k in range(1, 40)}, {MID + k: 5_000 for k in range(0, 40)})


def test_live_refused_without_keys_names_the_variables(tmp_path, monkeypatch):
    fake = FakeBybit()
    s = venue_settings(fake, tmp_path)
    assert "BYBIT_API_KEY" in live_refusal(s)
    monkeypatch.setenv("BYBIT_API_KEY", API_KEY)
    monkeypatch.setenv("BYBIT_API_SECRET", API_SECRET)
    assert live_refusal(s) == ""


def test_paper_then_live_then_paper(tmp_path, monkeypatch):
    monkeypatch.setenv("BYBIT_API_KEY", API_KEY)
    monkeypatch.setenv("BYBIT_API_SECRET", API_SECRET)

    async def go():
        fake = FakeBybit()
        await fake.start()
        await open_market(fake)
        s = venue_settings(fake, tmp_path)
        instrument = await resolve_instrument(s)
        launch = build(s, WallClock(), instrument=instrument)
        runner = launch.runner
        task = asyncio.create_task(runner.run())
        engine = runner.engine
        try:
            # paper: quotes rest on the paper exchange, nothing reaches Bybit
            await wait_for(lambda: len(runner.broker.exchange.orders) == 2)
            assert not runner.broker.is_live and fake.open_orders() == []
            paper_snapshot_mode = runner.latest.mode

            runner.submit(Command(CommandKind.GO_LIVE))
            await wait_for(lambda: runner.broker.is_live and len(fake.open_orders()) == 2)
            live_mode = engine.mode
            live_orders = {(o.side, o.link_id) for o in fake.open_orders()}
            assert all(link.startswith(engine.om.prefix) for _, link in live_orders)

            runner.submit(Command(CommandKind.GO_PAPER))
            await wait_for(lambda: not runner.broker.is_live and not runner.switching)
            await wait_for(lambda: len(runner.broker.exchange.orders) == 2)
            left_on_bybit = fake.open_orders()
            runner.submit(Command(CommandKind.QUIT))
            reason = await asyncio.wait_for(task, 10)
        finally:
            await fake.stop()
        return (paper_snapshot_mode, live_mode, live_orders, left_on_bybit, reason, list(engine.log),
                launch.recorder.path)

    paper_mode, live_mode, live_orders, left, reason, log, path = asyncio.run(go())
    assert paper_mode == "paper" and live_mode == "live"
    assert {side for side, _ in live_orders} == {"Buy", "Sell"}
    assert left == []  # back to paper cancels every live order first
    assert reason == "quit"
    assert any("LIVE trading" in line for line in log) and any("PAPER trading" in line for line in log)
    # the switches are in the recording, which replays decision for decision across them
    session = open_session(path)
    assert [x["mode"] for x in session.lines() if x["k"] == "mode"] == ["live", "paper"]
    replay = Replay(session)
    replay.run_to_end()
    assert replay.mismatch == "" and replay.matched > 0
    assert replay.engine.mode == "paper"
