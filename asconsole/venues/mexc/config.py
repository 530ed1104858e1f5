"""MEXC settings (`[mexc]` in the config file), where its keys come from, and the instrument
defaults used when exchangeInfo cannot be read.

Import-light like every venue's config module: `asconsole.config` imports `MexcSettings`, and
loading a config must not pull in network or protobuf code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from asconsole.domain import Instrument, VenueKind
from asconsole.setting import setting
from asconsole.venues import settings as common

VENUE = "mexc"
KEY_ENV = "MEXC_API_KEY"
SECRET_ENV = "MEXC_API_SECRET"
DEFAULT_TICK = "0.01"
DEFAULT_LOT = "0.000001"
DEFAULT_MIN_NOTIONAL = 1.0


@dataclass(frozen=True, slots=True)
class MexcSettings:
    """MEXC spot v3: where to connect and how to trade. Keys never live here: they come from
    `key_file` or the MEXC_API_KEY / MEXC_API_SECRET environment variables."""

    RENAMED: ClassVar[dict[str, str]] = {"on_start": "start_orders"}
    """Old key names still read (the name Bybit's section uses won)."""

    rest_url: str = setting("https://api.mexc.com", "MEXC REST base URL")
    ws_url: str = setting("wss://wbs-api.mexc.com/ws", "MEXC WebSocket URL (market and user data)")
    proxy: str = common.proxy()
    recv_window_ms: int = common.recv_window_ms()
    key_file: str = common.key_file(KEY_ENV, SECRET_ENV)
    start_orders: str = common.start_orders()
    depth_limit: int = setting(1000, "levels in the REST depth snapshot", lo=5, hi=5000)
    listen_key_keepalive_s: float = setting(
        1800.0, "extend the user-data listenKey this often, seconds", lo=1, hi=3000
    )
    stop_timeout_s: float = common.stop_timeout_s()


def default_instrument(symbol: str) -> Instrument:
    quote = next((q for q in ("USDT", "USDC", "USDE", "BTC") if symbol.endswith(q)), "USDT")
    return Instrument(
        venue=VENUE,
        symbol=symbol,
        tick_size=DEFAULT_TICK,
        lot_size=DEFAULT_LOT,
        min_notional=DEFAULT_MIN_NOTIONAL,
        kind=VenueKind.SPOT,
        base=symbol.removesuffix(quote),
        quote=quote,
    )
