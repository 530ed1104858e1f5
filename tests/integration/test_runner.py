"""The live runner: commands before market data, a clean stop, recording on the way."""

import asyncio
import itertools

from asconsole import config
from asconsole.clock import ScaledClock
from asconsole.domain import CancelAll, Command, CommandKind
from asconsole.launch import build
from asconsole.recording.reader import open_session
from asconsole.venues.sim import SimMarket, SimParams


def settings(tmp_path) -> config.Settings:
    return config.Settings().replace("recording", dir=str(tmp_path))


class Spy:
    """Wraps the broker's submit to see what leaves the process, in order."""

    def __init__(self, broker):
        self.sent = []
        self._submit = broker.submit

        async def submit(action):
            self.sent.append(action)
            await self._submit(action)

        broker.submit = submit


def test_kill_switch_jumps_a_backlog_of_market_events(tmp_path):
    async def go():
        launch = build(settings(tmp_path), ScaledClock(1.0))
        runner = launch.runner
        spy = Spy(runner.broker)
        task = asyncio.create_task(runner.run())
        while not runner.engine.om.live():
            await asyncio.sleep(0.01)
        # 10,000 market events pile up, then the operator presses the kill switch
        backlog = itertools.islice(SimMarket(SimParams(seed=2), start_ts=runner.clock.now()).events(), 1, 10_001)
        runner._market.extend(backlog)
        before = len(spy.sent)
        runner.submit(Command(CommandKind.FLATTEN))
        runner._wake.set()
        await asyncio.sleep(0)  # one loop turn
        await asyncio.sleep(0)
        first = spy.sent[before]
        pending = len(runner._market)
        runner.submit(Command(CommandKind.QUIT))
        reason = await asyncio.wait_for(task, 10)
        return first, pending, reason, runner

    first, pending, reason, runner = asyncio.run(go())
    assert isinstance(first, CancelAll)
    assert pending > 9_000  # the cancel left before the backlog was worked off
    assert reason == "quit"


def test_quit_leaves_no_working_order_and_records_the_session(tmp_path):
    async def go():
        launch = build(settings(tmp_path), ScaledClock(20.0))
        runner = launch.runner
        task = asyncio.create_task(runner.run())
        for _ in range(500):
            await asyncio.sleep(0.02)
            if runner.engine.portfolio.fills >= 1:
                break
        runner.submit(Command(CommandKind.QUIT))
        reason = await asyncio.wait_for(task, 10)
        return reason, runner, launch.recorder

    reason, runner, recorder = asyncio.run(go())
    assert reason == "quit"
    assert runner.broker.exchange.orders == {}
    assert runner.engine.portfolio.fills >= 1
    session = open_session(recorder.path)
    assert session.meta["exit_reason"] == "quit"
    kinds = [line["k"] for line in session.lines()]
    assert kinds[0] == "book" and "fill" in kinds and "cmd" in kinds
    assert any(k == "trade" for k in kinds)
    assert all(isinstance(line["t"], int) and line["t"] > 0 for line in session.lines())


def test_feed_failure_stops_with_reason_and_cancels(tmp_path):
    async def go():
        launch = build(settings(tmp_path), ScaledClock(1.0))
        runner = launch.runner

        async def broken():
            yield next(SimMarket(SimParams(), start_ts=runner.clock.now()).events())
            raise ConnectionError("socket closed")

        runner.feed.events = broken  # type: ignore[method-assign]
        return await asyncio.wait_for(runner.run(), 10), runner

    reason, runner = asyncio.run(go())
    assert reason == "feed failed: socket closed"
    assert runner.broker.exchange.orders == {}
