"""Bybit v5 linear perpetuals: what the CLI needs to wire `--venue bybit`.

Kept import-light (network modules load on first use) because `asconsole.config` imports the
settings section from `asconsole.venues.bybit.config`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

from asconsole.clock import Clock
from asconsole.domain import Instrument
from asconsole.venues.bybit.config import KEY_ENV, SECRET_ENV
from asconsole.venues.credentials import Credentials, load_credentials

if TYPE_CHECKING:
    from asconsole.config import Settings
    from asconsole.venues.base import Broker, Feed


def credentials(settings: Settings, env: Mapping[str, str] | None = None) -> Credentials:
    """The API keys: `[bybit] key_file`, else $BYBIT_API_KEY / $BYBIT_API_SECRET. Raises
    VenueError when they are missing or the key file is unsafe."""
    return load_credentials("Bybit", settings.bybit.key_file, KEY_ENV, SECRET_ENV, env)


async def load_instrument(settings: Settings) -> Instrument:
    """Tick size, lot step and minimums of `settings.market.symbol` from instruments-info."""
    from asconsole.clock import WallClock
    from asconsole.venues import net
    from asconsole.venues.base import VenueError
    from asconsole.venues.bybit.messages import instrument_from_info
    from asconsole.venues.bybit.rest import RestClient

    rest_url, _, _ = settings.bybit.urls()
    rest = RestClient(rest_url, WallClock(), proxy=net.proxy_url(settings.bybit.proxy))
    try:
        reply = await rest.get(
            "/v5/market/instruments-info",
            {"category": "linear", "symbol": settings.market.symbol},
            signed=False,
            retries=2,
        )
    finally:
        await rest.close()
    rows = reply.result.get("list") or [] if reply.ok else []
    if not rows:
        why = reply.explain() if not reply.ok else "no such linear symbol"
        raise VenueError(f"Bybit instruments-info for {settings.market.symbol}: {why}")
    return instrument_from_info(rows[0])


def make_feed(settings: Settings, instrument: Instrument, clock: Clock | None = None) -> Feed:
    from asconsole.venues import net
    from asconsole.venues.bybit.data import BybitFeed

    _, ws_public, _ = settings.bybit.urls()
    return BybitFeed(
        instrument,
        ws_public,
        depth=settings.bybit.depth,
        proxy=net.proxy_url(settings.bybit.proxy),
        clock=clock,
        data_timeout_s=settings.bybit.feed_data_timeout_s,
    )


def make_broker(settings: Settings, instrument: Instrument, clock: Clock) -> Broker:
    """The live broker. Raises VenueError when keys are missing or the key file is unsafe."""
    from asconsole.venues import net
    from asconsole.venues.bybit.execution import BybitBroker

    return BybitBroker(
        instrument,
        settings.bybit,
        clock,
        credentials(settings),
        leverage=settings.market.leverage,
        proxy=net.proxy_url(settings.bybit.proxy),
        rng=random.Random(),
    )
