"""GLFT: the infinite-horizon quotes of Gueant, Lehalle and Fernandez-Tapia (2013), in the
closed-form approximation of Gueant (2017, "Optimal market making", Applied Mathematical
Finance) that hftbacktest's GLFT tutorial also uses. The default model: crypto trades around the clock, so
there is no session end for a finite horizon to aim at.

Units (see `asconsole.models.base`): S $, q orders, sigma $/sqrt(s), A 1/s per side,
kappa 1/$, gamma 1/$ per order of inventory, xi = gamma unless configured, Delta = the order
size in the units of q (1 when q counts orders, the default).

    c1 = 1/(xi*Delta) * ln(1 + xi*Delta/kappa)                                         [$]
    c2 = sqrt( gamma / (2*A*Delta*kappa) * (1 + xi*Delta/kappa)^(kappa/(xi*Delta) + 1) )  [sqrt(s)]
    half_spread = c1 + Delta/2 * sigma * c2                                            [$]
    skew        = sigma * c2                                                           [$ per unit of q]
    reservation = S - skew*q
    bid = S - (half_spread + skew*q) = reservation - half_spread
    ask = S + (half_spread - skew*q) = reservation + half_spread

This is the paper's delta_b(q) = c1 + (2q + Delta)/2 * sigma * c2 and
delta_a(q) = c1 - (2q - Delta)/2 * sigma * c2. With xi = gamma and Delta = 1 it is the 2013
paper's closed form; c1 -> 1/kappa as gamma -> 0 and c2 -> sqrt(e*gamma/(2*A*kappa)) as
gamma/kappa -> 0. c2 is computed in logs so that tiny or huge gamma/kappa neither loses
precision nor overflows.

The seed's code swaps gamma and kappa in c1 ((1/kappa) ln(1 + kappa/gamma)), uses the
small-gamma/kappa limit e without the 1/2 for the volatility term, and takes
gamma*sigma^2/(2*A*kappa) as skew (quadratic in sigma, no root); with sigma as a fraction of
price per poll. tests/unit/test_glft.py puts the two side by side on the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp, isfinite, log, log1p
from typing import ClassVar

from asconsole.models.base import ModelInputs, ModelQuote, valid_inputs

_MAX_LOG = 700.0
"""exp() of more than this overflows a float; such a c2 means no usable quote."""


@dataclass(frozen=True, slots=True)
class GLFT:
    xi: float = 0.0
    """0 means xi = gamma."""
    delta: float = 1.0
    """Order size in the units of q (1 when q counts orders)."""
    name: str = "glft"
    uses_time_left: ClassVar[bool] = False

    def coefficients(self, gamma: float, A: float, kappa: float) -> tuple[float, float]:
        """(c1 in $, c2 in sqrt(s)); c2 is inf when it would overflow."""
        xd = (self.xi or gamma) * self.delta
        ratio = xd / kappa
        lg = log1p(ratio)
        c1 = lg / xd
        log_c2_sq = log(gamma) - log(2.0 * A * self.delta * kappa) + (1.0 / ratio + 1.0) * lg
        c2 = exp(0.5 * log_c2_sq) if log_c2_sq < _MAX_LOG else float("inf")
        return c1, c2

    def quote(self, x: ModelInputs) -> ModelQuote | None:
        if not valid_inputs(x):
            return None
        c1, c2 = self.coefficients(x.gamma, x.A, x.kappa)
        skew = x.sigma * c2
        half = c1 + 0.5 * self.delta * skew
        reservation = x.mid - skew * x.q
        if not (isfinite(half) and isfinite(reservation)):
            return None
        return ModelQuote(reservation, half, skew, reservation - half, reservation + half)
