"""MEXC settings that are not plain values: API credentials (environment or a protected key
file) and the instrument defaults used when exchangeInfo cannot be read.

The `[mexc]` section itself (`MexcSettings`) is declared in `asconsole/config.py` with the
other sections, so loading a config never imports the venue code."""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from asconsole.config import MexcSettings
from asconsole.domain import Instrument, VenueKind
from asconsole.venues.base import VenueError

VENUE = "mexc"
DEFAULT_TICK = "0.01"
DEFAULT_LOT = "0.000001"
DEFAULT_MIN_NOTIONAL = 1.0
KEY_ENV = "MEXC_API_KEY"
SECRET_ENV = "MEXC_API_SECRET"


@dataclass(frozen=True, slots=True)
class Credentials:
    api_key: str
    api_secret: str

    def __repr__(self) -> str:  # never let a secret reach a log line or a traceback
        return "Credentials(***)"


def load_credentials(settings: MexcSettings, environ: Mapping[str, str] = os.environ) -> Credentials:
    """The key file when one is configured (it must be private to its owner), else the
    MEXC_API_KEY / MEXC_API_SECRET environment variables."""
    if settings.key_file:
        return _read_key_file(Path(settings.key_file).expanduser())
    key, secret = environ.get(KEY_ENV, ""), environ.get(SECRET_ENV, "")
    if not key or not secret:
        raise VenueError(
            f"MEXC live trading needs {KEY_ENV} and {SECRET_ENV}, or [mexc] key_file"
        )
    return Credentials(key, secret)


def _read_key_file(path: Path) -> Credentials:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise VenueError(f"{path}: cannot read the MEXC key file: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise VenueError(
            f"{path}: the MEXC key file is open to group or other; run: chmod 600 {path}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        raise VenueError(f"{path}: the MEXC key file is not TOML with api_key and api_secret") from None
    key, secret = data.get("api_key"), data.get("api_secret")
    if not isinstance(key, str) or not isinstance(secret, str) or not key or not secret:
        raise VenueError(f"{path}: the MEXC key file needs api_key and api_secret strings")
    return Credentials(key, secret)


def default_instrument(symbol: str) -> Instrument:
    quote = next((q for q in ("USDT", "USDC", "USDE", "BTC") if symbol.endswith(q)), "USDT")
    return Instrument(
        venue=VENUE,
        symbol=symbol,
        tick_size=DEFAULT_TICK,
        lot_size=DEFAULT_LOT,
        min_notional=DEFAULT_MIN_NOTIONAL,
        kind=VenueKind.SPOT,
        base=symbol[: -len(quote)] if symbol.endswith(quote) else symbol,
        quote=quote,
    )
