"""Builders shared by the Bybit integration tests and the benchmark."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import pytest

from asconsole.clock import WallClock
from asconsole.config import Settings
from asconsole.domain import BookDelta, BookSnapshot, MarketEvent
from asconsole.venues import net
from asconsole.venues.credentials import Credentials
from asconsole.venues.bybit.execution import BybitBroker
from tests.integration.fake_bybit import API_KEY, API_SECRET, INSTRUMENT, FakeBybit

T = TypeVar("T")


@pytest.fixture
def no_ambient_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The factories read $SOCKS5_PROXY; a developer's own proxy must not leak into tests."""
    monkeypatch.delenv("SOCKS5_PROXY", raising=False)


def settings(fake: FakeBybit, **bybit: Any) -> Settings:
    return Settings().replace("bybit", **(fake.urls() | bybit))


def broker(fake: FakeBybit, *, secret: str = API_SECRET, **bybit: Any) -> BybitBroker:
    s = settings(fake, **bybit)
    return BybitBroker(
        INSTRUMENT,
        s.bybit,
        WallClock(),
        Credentials(API_KEY, secret),
        leverage=10,
        proxy=net.proxy_url(s.bybit.proxy, env={}),
        rng=random.Random(1),
        ping_s=5.0,
    )


class Collector:
    """Reads an async iterator in the background into a list the test can wait on."""

    def __init__(self, source: AsyncIterator[T]) -> None:
        self.items: list[Any] = []
        self.task = asyncio.get_running_loop().create_task(self._run(source))

    async def _run(self, source: AsyncIterator[Any]) -> None:
        async for item in source:
            self.items.append(item)

    async def wait(self, pred: Callable[[list[Any]], bool], timeout: float = 3.0) -> list[Any]:
        async with asyncio.timeout(timeout):
            while not pred(self.items):
                await asyncio.sleep(0.005)
        return self.items

    def of(self, kind: type) -> list[Any]:
        return [i for i in self.items if isinstance(i, kind)]

    def stop(self) -> None:
        self.task.cancel()


async def until(pred: Callable[[], bool], timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not pred():
            await asyncio.sleep(0.005)


class DictBook:
    """The simplest correct book: what the feed's events must rebuild."""

    def __init__(self) -> None:
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}

    def apply(self, ev: MarketEvent) -> None:
        if isinstance(ev, BookSnapshot):
            self.bids, self.asks = dict(ev.bids), dict(ev.asks)
        elif isinstance(ev, BookDelta):
            for book, levels in ((self.bids, ev.bids), (self.asks, ev.asks)):
                for price, size in levels:
                    if size:
                        book[price] = size
                    else:
                        book.pop(price, None)
