"""MEXC spot v3 venue: market data (`MexcFeed`) and live orders (`MexcBroker`).

Files, as in every venue folder: config (settings section, key variables, instrument
defaults), data (feed), execution (broker), messages (wire shapes); plus rest (signed REST),
userstream (listenKey and private WebSocket), ledger (order state and idempotent fills) and pb/
(protobuf modules generated from proto/mexc/). Network plumbing (proxy, sockets, backoff,
tasks, rate limits) is venues/net.py and keys are venues/credentials.py, shared with Bybit.

Kept import-light (network and protobuf modules load on first use) because `asconsole.config`
imports the settings section from `asconsole.venues.mexc.config`."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

from asconsole.clock import Clock
from asconsole.domain import Instrument, VenueKind
from asconsole.venues.credentials import Credentials, load_credentials
from asconsole.venues.mexc.config import KEY_ENV, SECRET_ENV, VENUE, default_instrument

if TYPE_CHECKING:
    from asconsole.config import Settings
    from asconsole.venues.base import Broker, Feed

__all__ = ["credentials", "load_instrument", "make_broker", "make_feed"]

log = logging.getLogger(__name__)


def credentials(settings: Settings, env: Mapping[str, str] | None = None) -> Credentials:
    """The API keys: `[mexc] key_file`, else $MEXC_API_KEY / $MEXC_API_SECRET. Raises
    VenueError when they are missing or the key file is unsafe."""
    return load_credentials("MEXC", settings.mexc.key_file, KEY_ENV, SECRET_ENV, env)


async def load_instrument(settings: Settings) -> Instrument:
    """Tick and lot from /api/v3/exchangeInfo (quotePrecision and baseAssetPrecision are
    decimal places); the BTCUSDT defaults (tick 0.01, lot 0.000001) when it cannot be read."""
    from asconsole.clock import WallClock
    from asconsole.venues import net
    from asconsole.venues.base import VenueError
    from asconsole.venues.mexc.rest import MexcRest

    symbol = settings.market.symbol
    try:
        async with net.http_session(net.proxy_url(settings.mexc.proxy)) as session:
            raw = await MexcRest(session, settings.mexc.rest_url, WallClock()).public(
                "GET", "/api/v3/exchangeInfo", {"symbol": symbol}
            )
        info = next(s for s in raw["symbols"] if s["symbol"] == symbol)
    except (VenueError, KeyError, StopIteration, TypeError, ValueError) as exc:
        log.warning("MEXC exchangeInfo for %s unreadable (%s); using defaults", symbol, exc)
        return default_instrument(symbol)
    tick = _step(int(info["quotePrecision"]))
    lot = _step(int(info["baseAssetPrecision"]))
    return Instrument(
        venue=VENUE,
        symbol=symbol,
        tick_size=tick,
        lot_size=lot,
        min_notional=float(info.get("quoteAmountPrecision") or 0),
        kind=VenueKind.SPOT,
        base=info["baseAsset"],
        quote=info["quoteAsset"],
    )


def make_feed(settings: Settings, instrument: Instrument, clock: Clock | None = None) -> Feed:
    from asconsole.clock import WallClock
    from asconsole.venues import net
    from asconsole.venues.mexc.data import MexcFeed

    return MexcFeed(
        settings.mexc, instrument, clock or WallClock(), proxy=net.proxy_url(settings.mexc.proxy)
    )


def make_broker(settings: Settings, instrument: Instrument, clock: Clock) -> Broker:
    """Raises `VenueError` when no credentials are configured."""
    from asconsole.venues import net
    from asconsole.venues.mexc.execution import MexcBroker

    return MexcBroker(
        settings.mexc,
        instrument,
        clock,
        credentials(settings),
        proxy=net.proxy_url(settings.mexc.proxy),
        rng=random.Random(),
    )


def _step(decimals: int) -> str:
    return "1" if decimals <= 0 else "0." + "0" * (decimals - 1) + "1"
