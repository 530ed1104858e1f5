"""Headless engine + control socket: attach, commands, detach policy, flatten from the CLI."""

import asyncio
import json
import os
import stat

import pytest

from asconsole import config
from asconsole.clock import ScaledClock
from asconsole.commands.control_cmd import flatten, stop
from asconsole.control.client import AttachError, RemoteController, connect, send_command
from asconsole.control.server import ControlServer
from asconsole.domain import Command, CommandKind
from asconsole.launch import build


async def start(tmp_path, on_detach="keep", speed=20.0):
    s = config.Settings().replace("recording", dir=str(tmp_path / "sessions"))
    runner = build(s, ScaledClock(speed)).runner
    server = ControlServer(runner, tmp_path / "ctl" / "engine.sock", on_detach)
    await server.start()
    task = asyncio.create_task(runner.run())
    while runner.latest is None:
        await asyncio.sleep(0.01)
    return runner, server, task


async def finish(runner, server, task):
    runner.request_stop("test")
    await asyncio.wait_for(task, 10)
    await server.stop()


def test_socket_is_owner_only_and_single_engine(tmp_path):
    async def go():
        runner, server, task = await start(tmp_path)
        mode = stat.S_IMODE(os.stat(server.path).st_mode)
        dmode = stat.S_IMODE(os.stat(server.path.parent).st_mode)
        other = ControlServer(runner, server.path)
        with pytest.raises(RuntimeError, match="already running"):
            await other.start()
        await finish(runner, server, task)
        return mode, dmode, server.path.exists()

    mode, dmode, exists = asyncio.run(go())
    assert mode == 0o600 and dmode == 0o700 and not exists


def test_attached_controller_gets_snapshots_and_sends_commands(tmp_path):
    async def go():
        runner, server, task = await start(tmp_path)
        ctl = RemoteController(server.path)
        seen = []
        ctl.add_listener(seen.append)
        client = asyncio.create_task(ctl.run())
        while len(seen) < 3:
            await asyncio.sleep(0.02)
        ctl.submit(Command(CommandKind.PAUSE))
        while not runner.engine.paused:
            await asyncio.sleep(0.01)
        while not seen[-1].paused:
            await asyncio.sleep(0.02)
        ctl.detach()
        reason = await asyncio.wait_for(client, 5)
        await asyncio.sleep(0.1)
        still = not task.done()
        await finish(runner, server, task)
        return seen, reason, still, ctl.live_refusal

    seen, reason, still_running, refusal = asyncio.run(go())
    assert seen[0].instrument.symbol == "BTCUSDT" and seen[-1].paused
    assert reason == "detached" and still_running  # detaching never stops the engine
    assert "simulated market" in refusal


@pytest.mark.parametrize(("policy", "paused"), [("keep", False), ("pause", True)])
def test_dropped_console_applies_on_detach(tmp_path, policy, paused):
    async def go():
        runner, server, task = await start(tmp_path, on_detach=policy)
        _, writer, _ = await connect(server.path)
        await asyncio.sleep(0.2)
        writer.transport.abort()  # SSH drop: no goodbye
        await asyncio.sleep(0.3)
        state = runner.engine.paused
        alive = not task.done()
        await finish(runner, server, task)
        return state, alive

    state, alive = asyncio.run(go())
    assert state is paused and alive


def test_cli_flatten_reports_flat_and_stop_cancels_everything(tmp_path, capsys):
    async def go():
        runner, server, task = await start(tmp_path, speed=50.0)
        while runner.engine.portfolio.position == 0:
            await asyncio.sleep(0.02)
        rc = await flatten(server.path)
        pos = runner.engine.portfolio.position
        rc_stop = await stop(server.path)
        reason = await asyncio.wait_for(task, 10)
        await server.stop()
        return rc, pos, rc_stop, reason, runner

    rc, pos, rc_stop, reason, runner = asyncio.run(go())
    out = capsys.readouterr().out
    assert rc == 0 and pos == 0 and "flatten: flat" in out
    assert rc_stop == 0 and reason == "quit"
    assert runner.broker.exchange.orders == {}


def test_malformed_messages_are_ignored(tmp_path):
    async def go():
        runner, server, task = await start(tmp_path)
        _, writer, _ = await connect(server.path)
        writer.write(b"not json\n" + json.dumps({"type": "command", "kind": "nope"}).encode() + b"\n")
        send_command(writer, Command(CommandKind.PAUSE))
        await writer.drain()
        while not runner.engine.paused:
            await asyncio.sleep(0.01)
        writer.close()
        await finish(runner, server, task)
        return list(runner.engine.log)

    log = asyncio.run(go())
    assert sum("malformed" in line for line in log) == 2


def test_attach_without_engine_is_one_clear_error(tmp_path):
    with pytest.raises(AttachError, match="no engine is running"):
        asyncio.run(connect(tmp_path / "none.sock"))
