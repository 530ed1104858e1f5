"""Shared network plumbing: backoff, token bucket, task helper."""

from __future__ import annotations

import asyncio
import bisect
import random

import pytest

from asconsole.clock import NS_PER_S, EventClock
from asconsole.venues.mexc.rest import MexcRest
from asconsole.venues.net import Backoff, Tasks, TokenBucket, wait_ready


def test_backoff_grows_is_capped_jittered_and_seeded() -> None:
    a = Backoff(random.Random(3), base=0.5, cap=4.0)
    delays = [a.next_delay() for _ in range(8)]
    for i, d in enumerate(delays):
        ceiling = min(4.0, 0.5 * 2**i)
        assert ceiling / 2 <= d <= ceiling
    b = Backoff(random.Random(3), base=0.5, cap=4.0)
    assert [b.next_delay() for _ in range(8)] == delays
    b.reset()
    assert b.next_delay() <= 0.5


def test_token_bucket_refills_on_the_injected_clock() -> None:
    clock = EventClock(0)
    bucket = TokenBucket(rate=10, burst=2, clock=clock)
    assert bucket.try_take() and bucket.try_take() and not bucket.try_take()
    assert bucket.delay() == pytest.approx(0.1)
    clock.advance_to(NS_PER_S // 10)
    assert bucket.try_take() and not bucket.try_take()
    clock.advance_to(10 * NS_PER_S)
    assert bucket.try_take() and bucket.try_take() and not bucket.try_take()  # burst caps refill


def test_token_bucket_block_for_holds_every_request() -> None:
    clock = EventClock(0)
    bucket = TokenBucket(rate=100, burst=100, clock=clock)
    bucket.block_for(0.5)
    assert bucket.delay() == pytest.approx(0.5)
    clock.advance_to(NS_PER_S * 49 // 100)
    assert not bucket.try_take()
    clock.advance_to(NS_PER_S * 52 // 100)
    assert bucket.try_take()


def test_tasks_are_named_referenced_and_failures_reported() -> None:
    failures: list[tuple[str, str]] = []

    async def boom() -> None:
        raise RuntimeError("feed died")

    async def main() -> None:
        tasks = Tasks(on_error=lambda name, exc: failures.append((name, str(exc))))
        t = tasks.spawn("bybit-feed", boom())
        forever = tasks.spawn("idle", asyncio.sleep(3600))
        assert t.get_name() == "bybit-feed" and len(tasks) == 2
        await asyncio.sleep(0.01)
        assert len(tasks) == 1
        await tasks.cancel_all()
        assert forever.cancelled() and len(tasks) == 0

    asyncio.run(main())
    assert failures == [("bybit-feed", "feed died")]


def test_wait_ready_reports_ready_timeout_and_the_loops_own_failure() -> None:
    async def comes_up(ready: asyncio.Event) -> None:
        ready.set()
        await asyncio.sleep(3600)

    async def never_up(ready: asyncio.Event) -> None:
        await asyncio.sleep(3600)

    async def dies(ready: asyncio.Event) -> None:
        raise ConnectionRefusedError("refused")

    async def main() -> None:
        tasks = Tasks()
        ready = asyncio.Event()
        up = tasks.spawn("up", comes_up(ready))
        assert await wait_ready(up, ready, 1.0) and not up.done()
        ready = asyncio.Event()
        stuck = tasks.spawn("stuck", never_up(ready))
        assert not await wait_ready(stuck, ready, 0.05) and stuck.cancelled()
        ready = asyncio.Event()
        with pytest.raises(ConnectionRefusedError):
            await wait_ready(tasks.spawn("dies", dies(ready)), ready, 1.0)
        await tasks.cancel_all()

    asyncio.run(main())


def test_mexc_endpoint_bucket_keeps_every_10_s_window_within_500() -> None:
    clock = EventClock(0)
    bucket = MexcRest(None, "http://127.0.0.1:9", clock).bucket("/api/v3/order")  # type: ignore[arg-type]
    taken: list[int] = []
    for step in range(1000):  # 20 s in 20 ms steps, taking everything the bucket allows
        clock.advance_to(step * NS_PER_S // 50)
        while bucket.try_take():
            taken.append(clock.now())
    window = 10 * NS_PER_S
    assert max(bisect.bisect_left(taken, t + window) - i for i, t in enumerate(taken)) <= 500
    assert len(taken) >= 900  # and the limit is nearly used, not wasted
