"""The quote-model protocol: numbers in, numbers out, in dollars and seconds.

Models are pure: no I/O, no clock reads, no venue knowledge. The engine turns the result into
ticks with `asconsole.models.rounding` (spread bounds, bids down, asks up, post-only) and
applies its guards afterwards.

Units shared by every model:
    mid S        $                     sigma   $ per sqrt(second) (price volatility)
    q            orders (signed)       A       1/s (fills per second at the mid, per side)
    gamma        1/$ per order of q    kappa   1/$ (decay of the fill rate with distance)
Inventory counts orders (position / order size), so gamma is the risk aversion for one order's
worth of inventory, the convention of hftbacktest's GLFT tutorial.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite
from typing import ClassVar, Protocol


@dataclass(frozen=True, slots=True)
class ModelInputs:
    mid: float
    """Mid price S, dollars."""
    q: float
    """Inventory in units of the order size (signed: long > 0)."""
    sigma: float
    """Volatility, dollars per sqrt(second)."""
    A: float
    """Order-arrival intensity at the mid, per second, per side."""
    kappa: float
    """Decay of the arrival intensity with distance from the mid, per dollar."""
    gamma: float
    """Risk aversion, per dollar (for one order of inventory)."""
    time_left_s: float = 0.0
    """Finite-horizon models only: seconds to the end of the session
    (`asconsole.models.avellaneda.session_time_left`)."""


@dataclass(frozen=True, slots=True)
class ModelQuote:
    reservation: float
    """Price the quotes are centred on, dollars: mid - skew * q."""
    half_spread: float
    """Distance from the reservation price to either quote, dollars."""
    skew: float
    """Dollars the quotes move per order of inventory."""
    bid: float
    ask: float


class QuoteModel(Protocol):
    @property
    def name(self) -> str:
        """Read-only: the models are frozen dataclasses."""
        ...

    uses_time_left: ClassVar[bool]
    """Whether `quote` reads `time_left_s`: when not, equal other inputs give an equal quote
    (the engine reuses the last one)."""

    def quote(self, x: ModelInputs) -> ModelQuote | None:
        """The model's bid and ask, or None when the inputs cannot give a quote
        (non-finite, zero or negative sigma, A, kappa or gamma)."""
        ...


def valid_inputs(x: ModelInputs) -> bool:
    """Every parameter finite and of the sign the formulas need. sigma = 0 is refused too:
    it would quote with no inventory skew at all, which is never what a live market means."""
    return (
        isfinite(x.mid)
        and isfinite(x.q)
        and isfinite(x.sigma)
        and isfinite(x.A)
        and isfinite(x.kappa)
        and isfinite(x.gamma)
        and isfinite(x.time_left_s)
        and x.mid > 0.0
        and x.sigma > 0.0
        and x.A > 0.0
        and x.kappa > 0.0
        and x.gamma > 0.0
        and x.time_left_s >= 0.0
    )
