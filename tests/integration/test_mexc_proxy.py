"""Every MEXC connection (REST, market WebSocket, user WebSocket) goes through the SOCKS5
proxy when one is configured (in [mexc], else $SOCKS5_PROXY: venues/net.py's resolution, as for
Bybit), a wrong proxy password is never shown, and a feed that cannot connect says so within
its bound."""

from __future__ import annotations

import asyncio
import logging

import pytest

from asconsole.clock import WallClock
from asconsole.config import Settings
from asconsole.domain import BookSnapshot, OrderAck, PlaceOrder, Side
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.credentials import Credentials
from asconsole.venues.mexc import data, load_instrument, make_feed
from asconsole.venues.mexc.config import MexcSettings, default_instrument
from asconsole.venues.mexc.data import MexcFeed
from asconsole.venues.mexc.execution import MexcBroker
from tests.integration.fake_mexc import API_KEY, API_SECRET, FakeMexc
from tests.integration.socks5_server import Socks5Server
from tests.kit.streams import Collector

BTC = default_instrument("BTCUSDT")


def test_feed_and_broker_run_through_an_authenticated_socks5_proxy() -> None:
    async def main() -> None:
        fake, proxy = FakeMexc(), Socks5Server("trader", "s3cret")
        await fake.start()
        await proxy.start()
        fake.set_book({"100.00": "1"}, {"100.10": "1"})
        settings = Settings().replace(
            "mexc", rest_url=fake.rest_url, ws_url=fake.ws_url, proxy=proxy.url
        )
        feed = make_feed(settings, BTC)  # the factory resolves [mexc] proxy
        broker = MexcBroker(
            settings.mexc,
            BTC,
            WallClock(),
            Credentials(API_KEY, API_SECRET),
            proxy=net.proxy_url(settings.mexc.proxy),
        )
        try:
            await asyncio.wait_for(feed.start(), 5)
            await asyncio.wait_for(broker.start(), 5)
            book = Collector(feed.events())
            execs = Collector(broker.exec_events())
            await book.wait(lambda e: any(isinstance(i, BookSnapshot) for i in e))
            await broker.submit(PlaceOrder("p-1", Side.BUY, 9990, 1000))
            await execs.wait(lambda e: any(isinstance(i, OrderAck) for i in e))
            book.stop()
            execs.stop()
        finally:
            await broker.stop()
            await feed.stop()
            await proxy.stop()
            await fake.stop()
        # REST session(s) plus the market and the user WebSocket, all via the proxy
        assert len(proxy.tunnels) >= 3
        assert {port for _, port in proxy.tunnels} == {fake.port}
        assert proxy.auth_failures == 0
        assert fake.open_orders() == []

    asyncio.run(main())


def test_the_environment_proxy_is_used_when_mexc_names_none(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(data, "START_TIMEOUT_S", 1.0)

    async def main() -> None:
        fake, proxy = FakeMexc(), Socks5Server("trader", "s3cret")
        await fake.start()
        await proxy.start()
        fake.set_book({"100.00": "1"}, {"100.10": "1"})
        settings = Settings().replace("mexc", rest_url=fake.rest_url, ws_url=fake.ws_url)
        try:
            monkeypatch.setenv("SOCKS5_PROXY", proxy.url)
            assert (await load_instrument(settings)).symbol == "BTCUSDT"
            feed = make_feed(settings, BTC)
            await feed.start()
            await feed.stop()
            assert len(proxy.tunnels) >= 3 and proxy.auth_failures == 0  # exchangeInfo, depth, WS
            monkeypatch.setenv("SOCKS5_PROXY", proxy.url.replace("s3cret", "wrong-pw-123"))
            feed = make_feed(settings, BTC)
            with pytest.raises(VenueError) as err:
                await feed.start()
            await feed.stop()
            assert "wrong-pw-123" not in str(err.value) and proxy.auth_failures >= 1
        finally:
            await proxy.stop()
            await fake.stop()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(main())
    assert all("wrong-pw-123" not in r.getMessage() for r in caplog.records)


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
