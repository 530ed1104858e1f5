"""GLFT: the infinite-horizon market-making quotes of Gueant, Lehalle and Fernandez-Tapia (2013),
in the closed-form approximation of Gueant (2017) that hftbacktest also uses.

Units: S mid ($), q inventory in orders (Delta = 1 order), sigma $/sqrt(s), A 1/s,
kappa 1/$, gamma 1/$ (per order of inventory), xi = gamma unless configured.

    c1 = 1/(xi*Delta) * ln(1 + xi*Delta/kappa)                                  [$]
    c2 = sqrt( gamma / (2*A*Delta*kappa) * (1 + xi*Delta/kappa)^(kappa/(xi*Delta) + 1) )   [sqrt(s)]
    half_spread = c1 + Delta/2 * sigma * c2                                     [$]
    skew        = sigma * c2                                                    [$ per order]
    bid = S - (half_spread + skew*q),  ask = S + (half_spread - skew*q)

The seed's code swaps gamma and kappa in c1, drops the 1/2 on the volatility term and uses
gamma*sigma^2/(2*A*kappa) as skew; see tests/unit/test_glft.py for the numbers side by side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from asconsole.models.base import ModelInputs, ModelQuote, valid_inputs


@dataclass(frozen=True, slots=True)
class GLFT:
    xi: float = 0.0
    """0 means xi = gamma."""
    delta: float = 1.0
    name: str = "glft"

    def coefficients(self, gamma: float, A: float, kappa: float) -> tuple[float, float]:
        xi = self.xi or gamma
        xd = xi * self.delta
        c1 = math.log1p(xd / kappa) / xd
        c2 = math.sqrt(
            gamma / (2.0 * A * self.delta * kappa) * (1.0 + xd / kappa) ** (kappa / xd + 1.0)
        )
        return c1, c2

    def quote(self, x: ModelInputs) -> ModelQuote | None:
        if not valid_inputs(x):
            return None
        c1, c2 = self.coefficients(x.gamma, x.A, x.kappa)
        half = c1 + 0.5 * self.delta * x.sigma * c2
        skew = x.sigma * c2
        if not (math.isfinite(half) and math.isfinite(skew)):
            return None
        reservation = x.mid - skew * x.q
        return ModelQuote(reservation, half, skew, reservation - half, reservation + half)
