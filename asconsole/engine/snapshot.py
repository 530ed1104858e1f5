"""The immutable picture of the engine the UI renders (published at most `refresh_hz`)."""

from __future__ import annotations

from dataclasses import dataclass

from asconsole.domain import Instrument, Level
from asconsole.risk.base import GuardStatus


@dataclass(frozen=True, slots=True)
class OwnOrder:
    client_id: str
    side: int
    price: int
    qty: int
    filled: int
    status: str


@dataclass(frozen=True, slots=True)
class QuoteView:
    model: str
    sigma: float
    A: float
    kappa: float
    gamma: float
    param_source: str
    reservation: float
    half_spread: float
    skew: float
    bid: int
    """Ticks actually quoted; 0 = side not quoted."""
    ask: int
    bid_qty: int
    ask_qty: int
    calibration: str
    """"ready", or "calibrating (n/N)"."""
    warning: str = ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    ts: int
    instrument: Instrument
    mode: str
    """"paper" or "live"."""
    status: str
    """"quoting", "paused", "flattening", "flat", "stopped", or a guard's reason."""
    connected: bool
    data_age_s: float
    lag_ms: float
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    mid: float
    own: tuple[OwnOrder, ...]
    quote: QuoteView | None
    position: int
    entry: float
    """Average entry in dollars (0 when flat)."""
    mark: float
    realized: float
    unrealized: float
    fees: float
    total: float
    fills: int
    buys: int
    sells: int
    volume: float
    leverage: float
    guards: tuple[GuardStatus, ...]
    log: tuple[str, ...]
    flatten: str
    """Kill-switch progress: "", "cancelling", "closing n/N", "flat", or an error."""
    paused: bool
    pnl_history: tuple[float, ...] = ()
