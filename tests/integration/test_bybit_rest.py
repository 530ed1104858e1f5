"""The signed REST client against the fake: clock drift and HTTP-level refusals."""

from __future__ import annotations

import asyncio

import pytest

from asconsole.clock import WallClock
from asconsole.venues.base import VenueError
from asconsole.venues.bybit import load_instrument
from asconsole.venues.bybit.rest import RestClient
from asconsole.venues.credentials import Credentials
from tests.integration.bybit_kit import settings
from tests.integration.fake_bybit import API_KEY, API_SECRET, FakeBybit


def test_clock_drift_gives_10002_once_then_the_offset_is_remeasured() -> None:
    async def main() -> None:
        fake = FakeBybit()
        await fake.start()
        rest = RestClient(fake.base, WallClock(), creds=Credentials(API_KEY, API_SECRET))
        await rest.sync_time()
        assert (await rest.get("/v5/account/info")).ok
        fake.time_offset_ms = 15_000  # Bybit's clock jumps 15 s ahead of ours
        reply = await rest.get("/v5/account/info")
        assert reply.ok and abs(rest.offset_ms - 15_000) < 500
        paths = [p for _, p, _ in fake.requests]
        assert paths[-3:] == ["/v5/account/info", "/v5/market/time", "/v5/account/info"]
        await rest.close()
        await fake.stop()

    asyncio.run(main())


def test_http_403_is_explained_and_not_hammered() -> None:
    async def main() -> None:
        fake = FakeBybit()
        await fake.start()
        fake.faults.forbid = True
        with pytest.raises(VenueError, match="HTTP 403.*region"):
            await load_instrument(settings(fake))
        assert len(fake.requests) == 1
        await fake.stop()

    asyncio.run(main())
