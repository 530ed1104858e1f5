"""Load: the headless engine on a fast Bybit feed with a console attached, for minutes.

Three processes, as on a VPS:
- the exchange: the fake Bybit (tests/integration/fake_bybit.py) publishing order book deltas
  at --rate messages a second over its public WebSocket, and serving REST and the private
  stream for the live broker;
- the engine: `launch.build` with venue bybit in live mode against it, recording on, and the
  control socket (`ControlServer`), exactly what `asconsole run --headless` runs; the real
  Bybit feed path (WebSocket, JSON parse, sequence checks, book) carries every message;
- the console: a `RemoteController` attached over the control socket in its own process,
  counting snapshots and pressing the kill switch (FLATTEN, then RESUME) every second.

Prints per rate:
- event lag p50/p99/max: when the engine finished an event minus the event's exchange
  timestamp (Bybit's `cts`, whole milliseconds, so up to 1 ms too high);
- kill switch p50/p99/max: from the console sending FLATTEN to the cancel-all request's body
  leaving the engine process (aiohttp's chunk-sent hook); both stamps are CLOCK_MONOTONIC
  (time.perf_counter_ns) of one machine, so they compare across processes;
- engine RSS (VmRSS from /proc/self/status) after warm-up, at the end, and the largest seen.

Run: PYTHONPATH=. python bench/load.py [--rates 1000,5000] [--minutes 1]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fake exchange lives in tests/

from asconsole.clock import NS_PER_MS, WallClock
from asconsole.control.client import RemoteController
from asconsole.control.server import ControlServer
from asconsole.domain import Command, CommandKind, MarketEvent
from asconsole.launch import build, resolve_instrument
from tests.integration.bybit_kit import settings as bybit_settings
from tests.integration.fake_bybit import API_KEY, API_SECRET, FakeBybit

MID = 1_000_000
DEPTH = 50
WARMUP_S = 5.0
KILL_EVERY_S = 1.0
LAG_BIN_US = 100
LAG_BINS = 100_000
"""Lag histogram: 0.1 ms bins up to 10 s; fixed size, so measuring does not grow memory."""


# --- the exchange ----------------------------------------------------------------------------


def exchange(port_q: Any, rate: float, seconds: float, seed: int) -> None:
    async def main() -> None:
        fake = FakeBybit()
        fake.set_book({MID - k: 1_000 for k in range(1, DEPTH + 1)},
                      {MID + k: 1_000 for k in range(1, DEPTH + 1)})
        await fake.start()
        port_q.put(fake.port)
        await fake.book_subscriber()
        sent = await publish(fake, rate, seconds, random.Random(seed))
        port_q.put(sent)
        await asyncio.sleep(3600)

    asyncio.run(main())


async def publish(fake: FakeBybit, rate: float, seconds: float, rng: random.Random) -> int:
    """`rate` deltas a second, paced every 5 ms: sizes change in the book, and about every 50th
    message the touch moves a tick (a level deleted on one side, one added on the other)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent = 0
    mid = MID
    while (elapsed := loop.time() - start) < seconds:
        due = int(rate * elapsed)
        while sent < due:
            if rng.random() < 0.02:
                step = rng.choice((-1, 1))
                gone, new = (mid + DEPTH, mid) if step > 0 else (mid - DEPTH, mid)
                mid += step
                if step > 0:
                    await fake.set_levels({new: 1_000, mid - DEPTH - 1: 0},
                                          {mid: 0, gone + 1: 1_000})
                else:
                    await fake.set_levels({mid: 0, gone - 1: 1_000},
                                          {new: 1_000, mid + DEPTH + 1: 0})
            else:
                k = rng.randint(1, DEPTH - 1)
                await fake.set_levels({mid - k: rng.randint(1, 2_000)},
                                      {mid + k: rng.randint(1, 2_000)})
            sent += 1
        await asyncio.sleep(0.005)
    return sent


# --- the console -----------------------------------------------------------------------------


def console(socket: str, seconds: float, out: Any) -> None:
    """Attach, count snapshots, press the kill switch every KILL_EVERY_S (resume in between)."""

    async def main() -> None:
        ctl = RemoteController(Path(socket))
        snapshots = [0]
        ctl.add_listener(lambda snap: snapshots.__setitem__(0, snapshots[0] + 1))
        attached = asyncio.create_task(ctl.run())
        pressed: list[int] = []
        await asyncio.sleep(WARMUP_S)
        end = time.monotonic() + seconds - WARMUP_S - 1.0
        while time.monotonic() < end:
            pressed.append(time.perf_counter_ns())
            ctl.submit(Command(CommandKind.FLATTEN, source="bench"))
            await asyncio.sleep(KILL_EVERY_S / 2)
            ctl.submit(Command(CommandKind.RESUME, source="bench"))
            await asyncio.sleep(KILL_EVERY_S / 2)
        ctl.detach()
        await attached
        out.put((snapshots[0], pressed))

    asyncio.run(main())


# --- the engine ------------------------------------------------------------------------------


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class LagHistogram:
    def __init__(self) -> None:
        self.bins = [0] * LAG_BINS
        self.n = 0
        self.max_us = 0

    def add(self, lag_ns: int) -> None:
        us = max(0, lag_ns // 1000)
        self.bins[min(LAG_BINS - 1, us // LAG_BIN_US)] += 1
        self.n += 1
        self.max_us = max(self.max_us, us)

    def percentile(self, q: float) -> float:
        """Upper edge of the bin holding the q-quantile, in ms."""
        need, seen = q * self.n, 0
        for i, c in enumerate(self.bins):
            seen += c
            if seen >= need:
                return (i + 1) * LAG_BIN_US / 1000
        return float("nan")


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


async def engine(rate: float, seconds: float, tmp: Path) -> None:
    ctx = mp.get_context("spawn")
    port_q = ctx.Queue()
    venue = ctx.Process(target=exchange, args=(port_q, rate, seconds, 1), daemon=True)
    venue.start()
    fake = FakeBybit()
    fake.port = port_q.get(timeout=30)
    s = (bybit_settings(fake, dcp_window_s=0)
         .replace("market", venue="bybit", live=True)
         .replace("recording", dir=str(tmp / "sessions"))
         .replace("quote", warmup="configured")
         .replace("control", on_detach="keep"))
    os.environ.update(BYBIT_API_KEY=API_KEY, BYBIT_API_SECRET=API_SECRET)
    clock = WallClock()
    runner = build(s, clock, instrument=await resolve_instrument(s)).runner

    lags = LagHistogram()
    handle = runner._handle_market

    def timed(ev: MarketEvent) -> None:
        handle(ev)
        lags.add(clock.now() - ev.ts)

    runner._handle_market = timed  # type: ignore[method-assign]

    cancel_sent: list[int] = []

    async def on_chunk(session: Any, ctx: Any, params: Any) -> None:
        if params.url.path == "/v5/order/cancel-all":
            cancel_sent.append(time.perf_counter_ns())

    trace = aiohttp.TraceConfig()
    trace.on_request_chunk_sent.append(on_chunk)
    runner.broker.rest._trace_configs = [trace]  # type: ignore[attr-defined]

    server = ControlServer(runner, tmp / "engine.sock", "keep")
    await server.start()
    out = ctx.Queue()
    attached = ctx.Process(target=console, args=(str(server.path), seconds, out), daemon=True)
    attached.start()
    task = asyncio.create_task(runner.run())
    await asyncio.sleep(WARMUP_S)
    rss_start = rss_kib()
    rss_max = rss_start
    events_at_start = lags.n
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds - WARMUP_S:
        await asyncio.sleep(1.0)
        rss_max = max(rss_max, rss_kib())
    rss_end = rss_kib()
    measured_s = time.monotonic() - t0
    events = lags.n - events_at_start
    snapshots, pressed = await asyncio.get_running_loop().run_in_executor(None, out.get)
    runner.request_stop("bench done")
    await asyncio.wait_for(task, 15)
    await server.stop()
    sent = port_q.get(timeout=10)
    venue.kill()
    attached.join(5)

    kill_ms = []
    for t in pressed:
        after = [c for c in cancel_sent if c >= t]
        if after:
            kill_ms.append((min(after) - t) / NS_PER_MS)
    print(f"rate {rate:,.0f} msg/s for {seconds / 60:.1f} min: exchange sent {sent:,} deltas; "
          f"engine handled {events / measured_s:,.0f} events/s after warm-up, "
          f"largest backlog {runner.max_backlog:,}")
    print(f"  event lag      p50 {lags.percentile(0.5):6.1f} ms  p99 {lags.percentile(0.99):6.1f} ms"
          f"  max {lags.max_us / 1000:7.1f} ms  ({lags.n:,} events)")
    print(f"  kill switch    p50 {pct(kill_ms, 0.5):6.1f} ms  p99 {pct(kill_ms, 0.99):6.1f} ms"
          f"  max {max(kill_ms, default=float('nan')):7.1f} ms  ({len(kill_ms)} of {len(pressed)}"
          " presses reached the exchange)")
    print(f"  engine RSS     {rss_start / 1024:6.1f} MiB after warm-up, {rss_end / 1024:6.1f} MiB at "
          f"the end, {rss_max / 1024:6.1f} MiB largest")
    print(f"  console        {snapshots:,} snapshots over the control socket "
          f"({snapshots / seconds:.1f}/s)")
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rates", default="1000,5000", help="messages per second, comma-separated")
    ap.add_argument("--minutes", type=float, default=1.0, help="duration per rate (issue: 10)")
    args = ap.parse_args()
    for rate in (float(r) for r in args.rates.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(engine(rate, args.minutes * 60, Path(tmp)))


if __name__ == "__main__":
    main()
