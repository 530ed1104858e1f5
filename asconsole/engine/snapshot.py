"""The immutable picture of the engine the UI renders (published at most `refresh_hz`)."""

from __future__ import annotations

from dataclasses import dataclass

from asconsole.domain import Balances, Instrument, Level
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
    """The quote pane's numbers: the model's inputs with their source, its output, and what was
    actually sent after bounds, guards and rounding."""

    model: str
    sigma: float
    """$/sqrt(s) in use."""
    sigma_annual_pct: float
    A: float
    """Per second, per side."""
    kappa: float
    """Per dollar."""
    gamma: float
    param_source: str
    """Where A and kappa come from: fixed, trades or book."""
    param_age_s: float
    """Seconds since A and kappa were measured (nan: configured values)."""
    fit_r2: float
    reservation: float
    half_spread: float
    """Half spread quoted after the bounds, dollars."""
    model_half_spread: float
    skew: float
    """Dollars the quotes move per order of inventory."""
    bound: str
    """Which limit set the spread: "" (the model), "min", "fee" or "max"."""
    bid: int
    """Ticks actually quoted; 0 = side not quoted."""
    ask: int
    bid_qty: int
    ask_qty: int
    bid_ticks: float
    ask_ticks: float
    bid_bps: float
    ask_bps: float
    calibration: str
    """"ready", or e.g. "calibrating sigma (12/60)"."""
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
    """Total PnL sampled once a second (oldest first)."""
    mid_history: tuple[float, ...] = ()
    """Mid price sampled with the PnL (0 while there is no book)."""
    gamma: float = 0.0
    """Risk aversion in use (the console's +/- keys change it)."""
    order_lots: int = 0
    """Order size in use, lots (the console's [/] keys change it)."""
    inventory_soft: int = 0
    """Inventory limits in lots (0 = none), drawn as a gauge."""
    inventory_hard: int = 0
    margin: float = 0.0
    """Isolated margin held by the position, dollars (0 = spot or flat)."""
    closes: int = 0
    """Fills that closed part of a position; `wins` of them closed at a profit."""
    wins: int = 0
    liq_price: float = 0.0
    """Futures: liquidation price of the open position, dollars; 0 when flat or spot."""
    liq_left: float = 0.0
    """Share of the entry-to-liquidation distance the mark has left (1 at entry, 0 at it)."""
    liq_source: str = ""
    """"venue" (reported) or "estimate" (isolated-margin formula)."""
    balances: Balances | None = None
    """Spot: free and locked base (lots) and quote (notional units); None for derivatives, or
    while a live venue has not reported them."""
