"""Builders shared by the Bybit integration tests and the benchmark."""

from __future__ import annotations

import random
from typing import Any

from asconsole.clock import WallClock
from asconsole.config import Settings
from asconsole.venues import net
from asconsole.venues.bybit.execution import BybitBroker
from asconsole.venues.credentials import Credentials
from tests.integration.fake_bybit import API_KEY, API_SECRET, INSTRUMENT, FakeBybit


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
