"""A live run's recording (the real `Runner`, wall-clock time, timers in wall time) replays
decision for decision; the recorder's trouble reaches the operator; and the recording is
closed whichever way the run ends."""

import asyncio
import dataclasses

import pytest

from asconsole import config
from asconsole.clock import NS_PER_S, ScaledClock, WallClock
from asconsole.commands import run_cmd
from asconsole.domain import Command, CommandKind
from asconsole.engine.replay import Replay
from asconsole.launch import build
from asconsole.recording.reader import open_session

SPEED = 60.0
"""Simulated seconds per wall second: three simulated minutes take three seconds."""
DECISIONS = ("place", "amend", "cancel", "cancel_all", "quote")


def settings(tmp_path) -> config.Settings:
    return config.Settings().replace("recording", dir=str(tmp_path))


async def until(runner, start: int, sim_s: float) -> None:
    """Wait until `sim_s` simulated seconds after `start`."""
    while runner.clock.now() - start < sim_s * NS_PER_S:
        await asyncio.sleep(0.02)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(engine, session): three simulated minutes of the runner on the sim at 60x, paused at
    1:00 and resumed at 1:30 by the operator, then quit."""
    root = tmp_path_factory.mktemp("live")

    async def go():
        launch = build(settings(root), ScaledClock(SPEED))
        runner = launch.runner
        start = runner.clock.now()
        task = asyncio.create_task(runner.run())
        await until(runner, start, 60)
        runner.submit(Command(CommandKind.PAUSE))
        await until(runner, start, 90)
        runner.submit(Command(CommandKind.RESUME))
        await until(runner, start, 180)
        runner.submit(Command(CommandKind.QUIT))
        assert await asyncio.wait_for(task, 10) == "quit"
        return runner.engine, launch.recorder.path

    engine, path = asyncio.run(go())
    return engine, open_session(path)


def test_a_live_recording_replays_decision_for_decision(live):
    engine, session = live
    lines = list(session.lines())
    kinds = [x["k"] for x in lines]
    decisions = sum(k in DECISIONS for k in kinds)
    cmds = [x["cmd"] for x in lines if x["k"] == "cmd"]
    assert cmds == ["pause", "resume", "quit"]
    assert engine.portfolio.fills >= 5 and decisions > 100
    # what makes it exact: the engine's own times and timer ticks are in the recording
    assert session.meta["timing"] == "recorded" and kinds.count("timer") > 20
    assert sum("lag" in x for x in lines) > len(lines) / 2

    replay = Replay(session)
    replay.run_to_end()
    assert replay.mismatch == ""
    assert replay.matched == decisions
    a, b = engine.portfolio, replay.engine.portfolio
    assert (b.position, b.fills, b.realized_units, b.fees) == (
        a.position,
        a.fills,
        a.realized_units,
        a.fees,
    )
    assert list(replay.engine.pnl_history) == list(engine.pnl_history)


def test_played_in_steps_and_seeked_a_live_recording_still_matches(live):
    """The console's playback moves the clock in small steps between lines and seeks back
    (a re-run from the start): the recorded timing still decides every time the engine sees."""
    engine, session = live
    replay = Replay(session)
    step = 70 * NS_PER_S // 1000  # 70 ms of recording per step, not aligned to any line
    while not replay.done:
        replay.advance_to(replay.now + step)
    assert replay.mismatch == "" and replay.engine.portfolio.fills == engine.portfolio.fills
    at_end = replay.snapshot()
    replay.seek(replay.start_ns + 75 * NS_PER_S)  # back, into the operator's pause
    assert replay.snapshot().paused and replay.mismatch == ""
    replay.seek(replay.end_ns)
    again = replay.snapshot()
    assert replay.mismatch == ""
    assert (again.position, again.fills, again.realized, again.own) == (
        at_end.position,
        at_end.fills,
        at_end.realized,
        at_end.own,
    )


def test_without_the_recorded_timing_the_same_recording_does_not_replay(live):
    """The `lag` fields and `timer` lines are what the exact replay rests on: replayed on
    event times with the Driver's timer schedule, the decisions differ."""
    session = live[1]
    meta = {k: v for k, v in session.meta.items() if k != "timing"}
    replay = Replay(dataclasses.replace(session, meta=meta))
    replay.run_to_end()
    assert replay.mismatch.startswith("line ")


def test_a_recorder_that_stopped_writing_is_told_to_the_operator_once(tmp_path):
    async def go():
        launch = build(settings(tmp_path).replace("recording", flush_s=0.1), ScaledClock(SPEED))
        runner, rec = launch.runner, launch.recorder

        def full(data):
            raise OSError(28, "No space left on device")

        rec._sink.write = full
        task = asyncio.create_task(runner.run())
        await asyncio.sleep(0.6)  # several writer flushes and refresh ticks
        runner.submit(Command(CommandKind.QUIT))
        await asyncio.wait_for(task, 10)
        return runner.engine, rec

    engine, rec = asyncio.run(go())
    told = [line for line in engine.log if "No space left" in line]
    assert told == [rec.error] and told[0].startswith("recording stopped")
    assert open_session(rec.path).meta["error"] == rec.error


def closed(rec, reason: str) -> None:
    assert not rec._thread.is_alive() and rec._sink._file.closed
    meta = open_session(rec.path).meta
    assert meta["exit_reason"] == reason and meta["end_ns"] >= meta["start_ns"]


def test_a_cancelled_run_closes_its_recording(tmp_path):
    """Cancelled twice (the first cancel's shutdown is itself cancelled): still closed."""

    async def go():
        launch = build(settings(tmp_path), ScaledClock(SPEED))
        task = asyncio.create_task(launch.runner.run())
        while not launch.runner.engine.om.live():
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return launch.recorder

    closed(asyncio.run(go()), "cancelled")


def test_a_feed_that_fails_at_start_closes_the_recording(tmp_path):
    async def go():
        launch = build(settings(tmp_path), ScaledClock(SPEED))

        async def refuse():
            raise ConnectionError("connection refused")

        launch.runner.feed.start = refuse
        with pytest.raises(ConnectionError):
            await launch.runner.run()
        return launch.recorder

    closed(asyncio.run(go()), "error: connection refused")


def test_a_failing_console_closes_the_recording(tmp_path, monkeypatch):
    """The UI dies while the engine runs: the runner is cancelled on the way out of
    asyncio.run and closes the recording, and the console command's own close is a no-op."""
    import asconsole.tui.app

    class BrokenApp:
        def __init__(self, runner, refresh_hz=None, ui=None):
            self.runner, self.exit_reason, self.crash_report = runner, "", ""

        async def run_async(self):
            task = asyncio.create_task(self.runner.run())
            while not self.runner.engine.om.live():
                await asyncio.sleep(0.01)
            assert not task.done()
            raise RuntimeError("widget exploded")

    monkeypatch.setattr(asconsole.tui.app, "AsconsoleApp", BrokenApp)
    s = settings(tmp_path)
    launch = build(s, WallClock())
    with pytest.raises(RuntimeError, match="widget exploded"):
        run_cmd.console(launch, s)
    closed(launch.recorder, "cancelled")


def test_a_run_that_cannot_be_built_leaves_no_writer_behind(tmp_path, monkeypatch):
    import asconsole.launch

    def broken(*args, **kwargs):
        raise ValueError("bad feed parameters")

    monkeypatch.setattr(asconsole.launch, "SimFeed", broken)
    with pytest.raises(ValueError, match="bad feed"):
        build(settings(tmp_path), WallClock())
    (path,) = tmp_path.iterdir()
    meta = open_session(path).meta
    assert meta["exit_reason"] == "start failed" and meta["events"] == 0
