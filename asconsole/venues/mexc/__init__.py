"""MEXC spot v3 venue: market data (`MexcFeed`) and live orders (`MexcBroker`).

Files, as in every venue folder: config (credentials, instrument defaults), data (feed),
execution (broker), messages (wire shapes); plus rest (signed REST), userstream (listenKey
and private WebSocket), ledger (order state and idempotent fills) and pb/ (protobuf modules
generated from proto/mexc/). Network plumbing (proxy, sockets, backoff, tasks, rate limits) is
venues/net.py, shared with Bybit."""

from __future__ import annotations

import logging

from asconsole.clock import Clock, WallClock
from asconsole.config import Settings
from asconsole.domain import Instrument, VenueKind
from asconsole.venues import net
from asconsole.venues.base import Broker, Feed, VenueError
from asconsole.venues.mexc.config import VENUE, default_instrument, load_credentials
from asconsole.venues.mexc.data import MexcFeed
from asconsole.venues.mexc.execution import MexcBroker
from asconsole.venues.mexc.rest import MexcRest

__all__ = ["MexcBroker", "MexcFeed", "load_instrument", "make_broker", "make_feed"]

log = logging.getLogger(__name__)


async def load_instrument(settings: Settings) -> Instrument:
    """Tick and lot from /api/v3/exchangeInfo (quotePrecision and baseAssetPrecision are
    decimal places); the BTCUSDT defaults (tick 0.01, lot 0.000001) when it cannot be read."""
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
    return MexcFeed(settings.mexc, instrument, clock or WallClock())


def make_broker(settings: Settings, instrument: Instrument, clock: Clock) -> Broker:
    """Raises `VenueError` when no credentials are configured."""
    return MexcBroker(settings.mexc, instrument, clock, load_credentials(settings.mexc))


def _step(decimals: int) -> str:
    return "1" if decimals <= 0 else "0." + "0" * (decimals - 1) + "1"
