"""One protocol for every risk guard.

Before each quoting decision the engine builds a `RiskContext` and passes one `Verdict`
through every guard in order; each guard may only make it more cautious (pull a side,
widen, reduce, kill), so the order of guards never loosens a limit. Every guard keeps a
`GuardStatus` the UI shows as is: state, watched value, threshold, reason, trip count.

States mean the same for every guard: OK = not acting; WARN = near its threshold, or a mild
adjustment that is part of normal quoting (a side pulled at the soft inventory limit, a
spread bound binding); TRIPPED = overriding the model (pulling, widening for a market event,
reducing, killing). `trips` counts entries into TRIPPED.

Hooks, all optional: `on_mid` (every accepted book mid), `on_fill` (every own fill),
`on_quote` (after each quote is shaped, what the bounds did). Guards read no clock: time
comes in the calls, so a replay makes the same decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from asconsole.domain import Fill


class GuardState(str, Enum):
    OK = "ok"
    WARN = "warn"
    TRIPPED = "tripped"


@dataclass(slots=True)
class GuardStatus:
    name: str
    state: GuardState = GuardState.OK
    value: str = ""
    threshold: str = ""
    reason: str = ""
    trips: int = 0


@dataclass(frozen=True, slots=True)
class SpotFunds:
    """What a spot account can still trade: free balances, what our own quotes already lock
    (a re-quote releases it first), and what one more quote on each side needs. Base in lots,
    quote in notional units (`Instrument.quote_units`)."""

    base_free: int
    quote_free: int
    ask_locked: int
    """Base our quoting ask locks."""
    bid_locked: int
    """Quote our quoting bid locks."""
    sell_need: int
    """Base one ask needs (the order size)."""
    buy_need: int
    """Quote one bid needs: the order size at the mid, fee included."""
    quote: str
    """Quote currency, for display (USDT)."""
    unit: float
    """Quote currency per notional unit (tick x lot)."""


@dataclass(slots=True)
class RiskContext:
    now: int
    mid: float
    """Dollars; 0 when there is no usable book."""
    position: int
    """Signed lots."""
    order_lots: int
    lot: float
    """Base units per lot."""
    base: str
    """Base currency, for display (BTC)."""
    pnl: float
    """Total PnL of the session in dollars (after fees)."""
    last_data_ts: int
    feed_connected: bool
    book_valid: bool
    entry: float = 0.0
    """Average entry of the open position, dollars (0 when flat)."""
    mark: float = 0.0
    """The venue's mark price, else the mid, dollars."""
    futures: bool = False
    leverage: float = 1.0
    venue_liq: float = 0.0
    """Liquidation price the venue reported for the open position, dollars; 0 = none."""
    spot: SpotFunds | None = None
    """Spot balances; None for derivatives, or on spot while the venue has not reported them."""


@dataclass(slots=True)
class Verdict:
    allow_bid: bool = True
    allow_ask: bool = True
    widen_bid: float = 1.0
    widen_ask: float = 1.0
    reduce_lots: int = 0
    """Signed lots to trade now with reduce-only orders (negative = sell)."""
    kill: bool = False
    """Start the kill switch: cancel all, close the position, stay paused."""
    kill_reason: str = ""
    reasons: list[str] = field(default_factory=list)

    def pull(self, reason: str) -> None:
        self.allow_bid = self.allow_ask = False
        self.reasons.append(reason)

    def pull_side(self, is_bid: bool, reason: str) -> None:
        if is_bid:
            self.allow_bid = False
        else:
            self.allow_ask = False
        self.reasons.append(reason)

    def kill_switch(self, reason: str) -> None:
        self.kill = True
        self.kill_reason = self.kill_reason or reason
        self.pull(reason)

    def widen(self, bid: float, ask: float, reason: str) -> None:
        """Stretch the half spreads; factors only ever grow (the largest guard wins). An empty
        reason keeps a routine adjustment out of the status line (it is still recorded)."""
        self.widen_bid = max(self.widen_bid, bid)
        self.widen_ask = max(self.widen_ask, ask)
        if reason:
            self.reasons.append(reason)

    def reduce(self, lots: int, reason: str) -> None:
        """Ask for a reduce-only trade of `lots` (signed); the larger reduction wins."""
        if lots and abs(lots) > abs(self.reduce_lots):
            self.reduce_lots = lots
        self.reasons.append(reason)

    @property
    def quoting(self) -> bool:
        return self.allow_bid or self.allow_ask

    def key(self) -> tuple[object, ...]:
        """What the verdict decides, for change detection in the recording."""
        return (self.allow_bid, self.allow_ask, round(self.widen_bid, 2), round(self.widen_ask, 2),
                self.reduce_lots, self.kill, tuple(self.reasons))


@dataclass(frozen=True, slots=True)
class QuoteOutcome:
    """What the spread bounds did to one quote (dollars)."""

    model_spread: float
    """Bid-to-ask spread the model asked for."""
    spread: float
    """After the bounds, before guard widening and ticks."""
    bound: str
    """Which bound set it: "" (the model), "min", "fee" or "max"."""
    lo: float
    hi: float


class Guard:
    """Base of every guard: keeps the status and counts transitions into TRIPPED."""

    name = "guard"

    def __init__(self) -> None:
        self.status = GuardStatus(self.name)

    def set(self, state: GuardState, value: str, threshold: str, reason: str = "") -> None:
        s = self.status
        if state is GuardState.TRIPPED and s.state is not GuardState.TRIPPED:
            s.trips += 1
        s.state, s.value, s.threshold, s.reason = state, value, threshold, reason

    def on_mid(self, ts: int, mid: float) -> None:
        """Called on every accepted book update (mid in dollars)."""

    def on_fill(self, fill: Fill) -> None:
        """Called on every own fill."""

    def on_quote(self, ts: int, outcome: QuoteOutcome | None) -> None:
        """Called after each quote is shaped; None when no quote could be made."""

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        raise NotImplementedError


def hooked(guards: list[Guard], hook: str) -> list[Guard]:
    """The guards that implement `hook` (on_mid, on_fill, on_quote), in order: the engine
    calls only these per event instead of every guard's empty default."""
    default = getattr(Guard, hook)
    return [g for g in guards if getattr(type(g), hook) is not default]
