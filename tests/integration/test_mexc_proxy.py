"""Every MEXC connection (REST, market WebSocket, user WebSocket) goes through the SOCKS5
proxy when one is configured, and a feed that cannot connect says so within its bound."""

from __future__ import annotations

import asyncio

import pytest

from asconsole.clock import WallClock
from asconsole.domain import BookSnapshot, OrderAck, PlaceOrder, Side
from asconsole.venues.base import VenueError
from asconsole.venues.credentials import Credentials
from asconsole.venues.mexc import data
from asconsole.venues.mexc.config import MexcSettings, default_instrument
from asconsole.venues.mexc.data import MexcFeed
from asconsole.venues.mexc.execution import MexcBroker
from tests.integration.fake_mexc import API_KEY, API_SECRET, EventLog, FakeMexc
from tests.integration.socks5_proxy import Socks5Proxy

BTC = default_instrument("BTCUSDT")


def test_feed_and_broker_run_through_an_authenticated_socks5_proxy() -> None:
    async def main() -> None:
        fake, proxy = FakeMexc(), Socks5Proxy("trader", "s3cret")
        await fake.start()
        await proxy.start()
        fake.set_book({"100.00": "1"}, {"100.10": "1"})
        settings = MexcSettings(rest_url=fake.rest_url, ws_url=fake.ws_url, proxy=proxy.url)
        feed = MexcFeed(settings, BTC, WallClock())
        broker = MexcBroker(settings, BTC, WallClock(), Credentials(API_KEY, API_SECRET))
        try:
            await asyncio.wait_for(feed.start(), 5)
            await asyncio.wait_for(broker.start(), 5)
            book = EventLog(feed.events())
            execs = EventLog(broker.exec_events())
            await book.wait_for(lambda e: any(isinstance(i, BookSnapshot) for i in e))
            await broker.submit(PlaceOrder("p-1", Side.BUY, 9990, 1000))
            await execs.wait_for(lambda e: any(isinstance(i, OrderAck) for i in e))
            book.stop()
            execs.stop()
        finally:
            await broker.stop()
            await feed.stop()
            await proxy.stop()
            await fake.stop()
        # REST session(s) plus the market and the user WebSocket, all via the proxy
        assert len(proxy.connections) >= 3
        assert {port for _, port in proxy.connections} == {fake.port}
        assert proxy.refused_auth == 0
        assert fake.open_orders() == []

    asyncio.run(main())


def test_feed_start_gives_up_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "START_TIMEOUT_S", 0.5)

    async def main() -> None:
        feed = MexcFeed(MexcSettings(rest_url="http://127.0.0.1:9", ws_url="ws://127.0.0.1:9/ws"), BTC, WallClock())
        try:
            with pytest.raises(VenueError, match="no MEXC order book within"):
                await feed.start()
        finally:
            await feed.stop()

    asyncio.run(main())
