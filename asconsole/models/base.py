"""The quote-model protocol: numbers in, numbers out, in dollars and seconds.

Models are pure: no I/O, no clock reads, no venue knowledge. The engine converts the result
to ticks (bids down, asks up) and applies guards afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ModelInputs:
    mid: float
    """Mid price S, dollars."""
    q: float
    """Inventory in units of the order size (signed: long > 0)."""
    sigma: float
    """Volatility, dollars per sqrt(second)."""
    A: float
    """Order-arrival intensity at the mid, per second."""
    kappa: float
    """Decay of the arrival intensity with distance from the mid, per dollar."""
    gamma: float
    """Risk aversion, per dollar (for one order of inventory)."""
    time_left_s: float = 0.0
    """Finite-horizon models only: seconds to the end of the session."""


@dataclass(frozen=True, slots=True)
class ModelQuote:
    reservation: float
    half_spread: float
    skew: float
    """Dollars the quotes move per order of inventory."""
    bid: float
    ask: float


class QuoteModel(Protocol):
    name: str

    def quote(self, x: ModelInputs) -> ModelQuote | None:
        """The model's bid and ask, or None when the inputs cannot give a quote
        (non-finite, zero or negative sigma, A, kappa or gamma)."""
        ...


def valid_inputs(x: ModelInputs) -> bool:
    """Every parameter finite and of the sign the formulas need."""
    vals = (x.mid, x.q, x.sigma, x.A, x.kappa, x.gamma, x.time_left_s)
    if any(v != v or v in (float("inf"), float("-inf")) for v in vals):
        return False
    return x.mid > 0 and x.sigma >= 0 and x.A > 0 and x.kappa > 0 and x.gamma > 0
