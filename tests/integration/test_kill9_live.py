"""`kill -9` of a live headless engine: the recording reads back with every fill it had
written, and the orders it left working are cancelled by the exchange (Bybit's disconnection
protection), since a killed process cannot cancel anything itself."""

import asyncio
import os
import signal
import sys
from pathlib import Path

import tomli_w

from asconsole import config
from asconsole.recording.reader import open_session
from tests.integration.fake_bybit import API_KEY, API_SECRET, FakeBybit
from tests.integration.faults import Market, run_settings

ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys; from asconsole.cli import main; sys.exit(main())"
DCP_S = 3


def recorded_fills(sessions: Path) -> set[str]:
    """Fill ids in the one session under `sessions` (what a reader sees right now)."""
    found = list(sessions.glob("*/meta.toml"))
    if not found:
        return set()
    return {x["fid"] for x in open_session(found[0].parent).lines() if x["k"] == "fill"}


async def until(pred, timeout: float, what: str) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not pred():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"not within {timeout} s: {what}") from None


def test_kill_9_leaves_a_readable_recording_and_dcp_cancels(tmp_path):
    sessions = tmp_path / "sessions"

    async def go():
        fake = FakeBybit()
        market = Market(fake, seed=5)
        await fake.start()
        s = run_settings(fake, sessions).replace("bybit", dcp_window_s=DCP_S)
        cfg = tmp_path / "config.toml"
        cfg.write_text(tomli_w.dumps(config.to_mapping(s, mask_secrets=False)))
        env = dict(os.environ, PYTHONPATH=str(ROOT), BYBIT_API_KEY=API_KEY,
                   BYBIT_API_SECRET=API_SECRET)
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLI, "run", "--headless", "--config", str(cfg),
            "--socket", str(tmp_path / "engine.sock"),
            cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        trading = asyncio.create_task(market.run())
        try:
            await until(lambda: len(fake.executions) >= 3 and fake.open_orders(), 15.0,
                        "the headless engine quoting and filled")
            before = {e["execId"] for e in fake.executions}
            await until(lambda: before <= recorded_fills(sessions), 5.0, "fills on disk")
            child.send_signal(signal.SIGKILL)
            assert await child.wait() == -signal.SIGKILL
            trading.cancel()
            left_working = len(fake.open_orders())
            killed = asyncio.get_running_loop().time()
            await until(lambda: not fake.open_orders(), DCP_S + 2.0, "DCP cancelling")
            dcp_s = asyncio.get_running_loop().time() - killed
            return before, {e["execId"] for e in fake.executions}, left_working, dcp_s
        finally:
            trading.cancel()
            if child.returncode is None:
                child.kill()
                await child.wait()
            await fake.stop()

    before, all_fills, left_working, dcp_s = asyncio.run(go())
    (meta,) = sessions.glob("*/meta.toml")
    session = open_session(meta.parent)
    lines = list(session.lines())
    assert "end" not in session.meta  # it never closed
    assert session.meta["mode"] == "live"
    fills = {x["fid"] for x in lines if x["k"] == "fill"}
    assert before <= fills <= all_fills  # what was written survives; nothing invented
    assert left_working >= 1 and DCP_S - 0.5 <= dcp_s <= DCP_S + 2.0
