"""Helpers for tests of anything that yields events asynchronously (venue feeds and brokers):
collect what a stream yields, wait for a condition with a deadline instead of sleeping, and
rebuild a book from market events to compare with the venue's own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from asconsole.domain import BookDelta, BookSnapshot, MarketEvent


class Collector:
    """Reads an async iterator in a background task into `items`, which a test can wait on."""

    def __init__(self, source: AsyncIterator[Any]) -> None:
        self.items: list[Any] = []
        self.task = asyncio.get_running_loop().create_task(self._run(source))

    async def _run(self, source: AsyncIterator[Any]) -> None:
        async for item in source:
            self.items.append(item)

    async def wait(self, pred: Callable[[list[Any]], bool], timeout: float = 3.0) -> list[Any]:
        """The items so far once `pred(items)` holds; fails the test, showing them, on timeout."""
        try:
            await until(lambda: pred(self.items), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout} s; got {self.items!r}") from None
        return self.items

    def of(self, kind: type) -> list[Any]:
        return [i for i in self.items if isinstance(i, kind)]

    def stop(self) -> None:
        self.task.cancel()


async def until(pred: Callable[[], bool], timeout: float = 3.0) -> None:
    """Poll `pred` until it holds; TimeoutError after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not pred():
            await asyncio.sleep(0.005)


class DictBook:
    """The simplest correct book: what a feed's events must rebuild. Every delta must continue
    the sequence of the event before it (`prev_seq`), as the engine's book requires."""

    def __init__(self) -> None:
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.seq = 0

    def apply(self, ev: MarketEvent) -> None:
        if isinstance(ev, BookSnapshot):
            self.bids, self.asks, self.seq = dict(ev.bids), dict(ev.asks), ev.seq
        elif isinstance(ev, BookDelta):
            assert ev.prev_seq == self.seq, f"delta {ev.prev_seq}->{ev.seq} after {self.seq}"
            for book, levels in ((self.bids, ev.bids), (self.asks, ev.asks)):
                for price, size in levels:
                    if size:
                        book[price] = size
                    else:
                        book.pop(price, None)
            self.seq = ev.seq
