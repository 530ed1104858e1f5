"""One protocol for every risk guard.

Before each quoting decision the engine builds a `RiskContext` and passes one `Verdict`
through every guard in order; each guard may only make it more cautious (pull a side,
widen, reduce, kill), so the order of guards never loosens a limit. Every guard keeps a
`GuardStatus` the UI shows as is: state, watched value, threshold, reason, trip count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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
    pnl: float
    """Total PnL of the session in dollars (after fees)."""
    last_data_ts: int
    feed_connected: bool
    book_valid: bool


@dataclass(slots=True)
class Verdict:
    allow_bid: bool = True
    allow_ask: bool = True
    widen_bid: float = 1.0
    widen_ask: float = 1.0
    reduce_lots: int = 0
    """Signed lots to trade now with reduce-only orders (negative = sell)."""
    kill: bool = False
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

    @property
    def quoting(self) -> bool:
        return self.allow_bid or self.allow_ask


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
        """Called on every usable book update (mid in dollars)."""

    def on_fill(self, ts: int, side: int, lots: int) -> None:
        """Called on every own fill."""

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        raise NotImplementedError
