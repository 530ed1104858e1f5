"""The venue entry points: the instrument from exchangeInfo (or the defaults), the feed
factory, and the broker factory's refusal to run without keys."""

from __future__ import annotations

import asyncio

import pytest

from asconsole.clock import WallClock
from asconsole.config import Settings
from asconsole.domain import VenueKind
from asconsole.venues.base import Broker, Feed, VenueError
from asconsole.venues.mexc import load_instrument, make_broker, make_feed
from asconsole.venues.mexc.config import default_instrument
from tests.integration.fake_mexc import FakeMexc


def test_instrument_comes_from_exchange_info() -> None:
    async def main() -> None:
        fake = FakeMexc()
        await fake.start()
        try:
            ins = await load_instrument(Settings().replace("mexc", rest_url=fake.rest_url))
        finally:
            await fake.stop()
        assert (ins.venue, ins.symbol, ins.tick_size, ins.lot_size) == ("mexc", "BTCUSDT", "0.01", "0.000001")
        assert (ins.kind, ins.base, ins.quote, ins.min_notional) == (VenueKind.SPOT, "BTC", "USDT", 1.0)
        assert ("GET", "/api/v3/exchangeInfo") in fake.requests

    asyncio.run(main())


def test_instrument_falls_back_to_defaults_when_the_venue_is_unreachable() -> None:
    settings = Settings().replace("mexc", rest_url="http://127.0.0.1:9")
    ins = asyncio.run(load_instrument(settings))
    assert (ins.tick_size, ins.lot_size, ins.kind) == ("0.01", "0.000001", VenueKind.SPOT)


def test_make_broker_needs_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEXC_API_KEY", raising=False)
    monkeypatch.delenv("MEXC_API_SECRET", raising=False)
    ins = asyncio.run(load_instrument(Settings().replace("mexc", rest_url="http://127.0.0.1:9")))
    with pytest.raises(VenueError, match="MEXC_API_KEY"):
        make_broker(Settings(), ins, WallClock())
    monkeypatch.setenv("MEXC_API_KEY", "k")
    monkeypatch.setenv("MEXC_API_SECRET", "s")
    broker = make_broker(Settings(), ins, WallClock())
    assert isinstance(broker, Broker) and broker.is_live


def test_make_feed_builds_a_feed_from_settings() -> None:
    ins = default_instrument("BTCUSDT")
    feed = make_feed(Settings(), ins)
    assert isinstance(feed, Feed) and feed.instrument is ins
