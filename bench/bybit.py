"""Bybit adapter benchmark against the fake server (tests/integration/fake_bybit.py).

Prints:
1. public feed handler throughput, in process: JSON parse alone, then parse + tick conversion
   + sequence checks (BybitFeed's handler), then that plus applying to a dict book. The lead's
   book is not on this branch, so the book here is the simple dict book of the tests.
2. the same end to end over a 127.0.0.1 WebSocket, the fake server in a child process sending
   pre-built deltas as fast as it can: messages/s the consumer sustained.
3. cancel-all latency: from `broker.submit(CancelAll())` being called to its return (it hands
   the request to a task), to the request's body being written to the socket (aiohttp trace
   hook), and to the reply, over keep-alive HTTP.

Run: PYTHONPATH=. python bench/bybit.py [--messages N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fake exchange lives in tests/

from asconsole.clock import WallClock
from asconsole.domain import BookDelta, CancelAll
from asconsole.venues.bybit.data import BybitFeed
from asconsole.venues.bybit.execution import BybitBroker
from asconsole.venues.bybit.messages import parse_book
from asconsole.venues.bybit.rest import RestClient
from asconsole.venues.credentials import Credentials
from tests.integration.bybit_kit import settings
from tests.integration.fake_bybit import API_KEY, API_SECRET, INSTRUMENT, FakeBybit
from tests.kit.streams import DictBook

MID = 950_000  # 95,000.0 at tick 0.10
DEPTH = 50


def book_messages(n: int, seed: int = 1) -> tuple[str, list[str]]:
    """A depth-50 snapshot and `n` deltas shaped like Bybit's: a few levels per side per
    message, some deletions, prices and sizes as strings."""
    rng = random.Random(seed)
    inst = INSTRUMENT

    def row(p: int, s: int) -> list[str]:
        return [inst.price_str(p), inst.qty_str(s)]

    snap = {
        "topic": f"orderbook.{DEPTH}.BTCUSDT",
        "type": "snapshot",
        "ts": 1,
        "cts": 1,
        "data": {
            "s": "BTCUSDT",
            "u": 100,
            "seq": 1000,
            "b": [row(MID - i, rng.randint(1, 900)) for i in range(DEPTH)],
            "a": [row(MID + 1 + i, rng.randint(1, 900)) for i in range(DEPTH)],
        },
    }
    deltas = []
    for k in range(n):

        def side(sign: int) -> list[list[str]]:
            return [
                row(
                    MID + sign * rng.randint(0, DEPTH) + (1 if sign > 0 else 0),
                    0 if rng.random() < 0.2 else rng.randint(1, 900),
                )
                for _ in range(rng.randint(0, 4))
            ]

        msg = {
            "topic": f"orderbook.{DEPTH}.BTCUSDT",
            "type": "delta",
            "ts": 2 + k,
            "cts": 2 + k,
            "data": {"s": "BTCUSDT", "u": 101 + k, "seq": 1001 + k, "b": side(-1), "a": side(1)},
        }
        deltas.append(json.dumps(msg))
    return json.dumps(snap), deltas


def in_process(n: int) -> None:
    snap, deltas = book_messages(n)
    t = time.perf_counter()
    for m in deltas:
        json.loads(m)
    json_s = time.perf_counter() - t

    t = time.perf_counter()
    for m in deltas:
        parse_book(json.loads(m), INSTRUMENT)
    parse_s = time.perf_counter() - t

    feed = BybitFeed(INSTRUMENT, "ws://unused", depth=DEPTH)
    feed.handle(snap)
    t = time.perf_counter()
    for m in deltas:
        feed.handle(m)
    handler_s = time.perf_counter() - t

    feed = BybitFeed(INSTRUMENT, "ws://unused", depth=DEPTH)
    book = DictBook()
    for ev in feed.handle(snap):
        book.apply(ev)
    t = time.perf_counter()
    for m in deltas:
        for ev in feed.handle(m):
            book.apply(ev)
    full_s = time.perf_counter() - t
    levels = sum(len(d["data"]["b"]) + len(d["data"]["a"]) for d in map(json.loads, deltas)) / n
    print(f"in process, {n} depth-{DEPTH} deltas, {levels:.1f} levels per delta on average:")
    for name, s in (
        ("json.loads only", json_s),
        ("parse to ticks/lots", parse_s),
        ("feed handler (parse + u/seq checks + events)", handler_s),
        ("feed handler + dict book apply", full_s),
    ):
        print(f"  {name:46s} {n / s:>10,.0f} msg/s  {s / n * 1e6:6.2f} us/msg")


def serve(port_q: Any, deltas: list[str]) -> None:
    """Child process: the fake; blasts `deltas` to the first book subscriber."""

    async def main() -> None:
        fake = FakeBybit()
        fake.set_book({MID - i: 10 for i in range(DEPTH)}, {MID + 1 + i: 10 for i in range(DEPTH)})
        fake.u = 100
        await fake.start()
        port_q.put(fake.port)
        ws = await fake.book_subscriber()
        await asyncio.sleep(0.2)
        for m in deltas:
            await ws.send_str(m)
        await asyncio.sleep(3600)

    asyncio.run(main())


def serve_plain(port_q: Any) -> None:
    async def main() -> None:
        fake = FakeBybit()
        fake.set_book({MID: 10}, {MID + 1: 10})
        await fake.start()
        port_q.put(fake.port)
        await asyncio.sleep(3600)

    asyncio.run(main())


def start_child(target: Any, *args: Any) -> tuple[Any, int]:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=target, args=(q, *args), daemon=True)
    proc.start()
    return proc, q.get(timeout=10)


async def over_websocket(n: int) -> None:
    _, deltas = book_messages(n, seed=2)
    proc, port = start_child(serve, deltas)
    try:
        feed = BybitFeed(INSTRUMENT, f"ws://127.0.0.1:{port}/v5/public/linear", depth=DEPTH)
        await feed.start()
        book = DictBook()
        seen = 0
        first = 0.0
        async for ev in feed.events():
            book.apply(ev)
            if isinstance(ev, BookDelta):
                if seen == 0:
                    first = time.perf_counter()
                seen += 1
                if seen == n:
                    break
        elapsed = time.perf_counter() - first
        await feed.stop()
        print(
            f"over a 127.0.0.1 WebSocket (fake in a child process), {n} deltas: "
            f"{(n - 1) / elapsed:,.0f} msg/s sustained (receive + parse + checks + dict book)"
        )
    finally:
        proc.kill()


async def cancel_all_latency(rounds: int) -> None:
    proc, port = start_child(serve_plain)
    try:
        fake_urls = FakeBybit()
        fake_urls.port = port
        s = settings(fake_urls, dcp_window_s=0)
        sent: list[int] = []
        answered: list[int] = []

        async def on_chunk(session: Any, ctx: Any, params: Any) -> None:
            sent.append(time.perf_counter_ns())

        async def on_end(session: Any, ctx: Any, params: Any) -> None:
            answered.append(time.perf_counter_ns())

        trace = aiohttp.TraceConfig()
        trace.on_request_chunk_sent.append(on_chunk)
        trace.on_request_end.append(on_end)
        clock = WallClock()
        creds = Credentials(API_KEY, API_SECRET)
        rest = RestClient(s.bybit.rest_url, clock, creds=creds, trace_configs=[trace])
        broker = BybitBroker(INSTRUMENT, s.bybit, clock, creds, leverage=10, rest=rest)
        await broker.start()
        to_wire: list[float] = []
        round_trip: list[float] = []
        returned: list[float] = []
        for _ in range(rounds):
            await asyncio.sleep(0.11)  # stay under the 10/s cancel-all limit: no bucket waits
            sent.clear()
            answered.clear()
            t0 = time.perf_counter_ns()
            await broker.submit(CancelAll("kill switch"))
            returned.append((time.perf_counter_ns() - t0) / 1000)
            while not answered:
                await asyncio.sleep(0)
            to_wire.append((sent[0] - t0) / 1000)
            round_trip.append((answered[0] - t0) / 1000)
        await broker.stop()

        def stats(xs: list[float]) -> str:
            xs = sorted(xs)
            return (
                f"median {statistics.median(xs):7.0f} us  p90 {xs[int(len(xs) * 0.9)]:7.0f} us  "
                f"max {xs[-1]:7.0f} us"
            )

        print(f"cancel-all, {rounds} rounds over keep-alive HTTP to 127.0.0.1:")
        print(f"  submit() called -> submit() returned:            {stats(returned)}")
        print(f"  submit() called -> request body on the socket:   {stats(to_wire)}")
        print(f"  submit() called -> reply received (round trip):  {stats(round_trip)}")
    finally:
        proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=50)
    args = ap.parse_args()
    in_process(args.messages)
    asyncio.run(over_websocket(args.messages))
    asyncio.run(cancel_all_latency(args.rounds))


if __name__ == "__main__":
    main()
