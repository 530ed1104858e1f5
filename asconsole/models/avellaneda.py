"""Avellaneda-Stoikov (2008): finite-horizon quotes around a reservation price, for a session
of `horizon_s` seconds that rolls over (default 24 h, aligned to the Unix epoch, so daily
sessions end at 00:00 UTC and a replay sees the same session clock as the live run).

Units (see `asconsole.models.base`): S $, q orders, sigma $/sqrt(s), kappa 1/$,
gamma 1/$ per order of inventory, tau = T - t in seconds.

    reservation r = S - q * gamma * sigma^2 * tau                    [$]
    spread        = gamma * sigma^2 * tau + (2/gamma) * ln(1 + gamma/kappa)   [$, bid to ask]
    half_spread   = spread / 2,  skew = gamma * sigma^2 * tau        [$ per order]
    bid = r - spread/2,  ask = r + spread/2

These are the paper's approximate solution (its r(s, q, t) and delta_a + delta_b), unchanged;
A does not enter (the paper's quotes do not depend on it). The seed uses the same form, but with
sigma as a fraction of price per 5-second poll times the mid and tau = 0.5 ("half a session")
whatever the time, so its units do not match and its skew never changes.

Practical note: gamma*sigma^2*tau grows with the horizon. At sigma = 8 $/sqrt(s) and a 24 h
session, gamma = 0.005 (the GLFT default) gives a $27,648 inventory term: the A-S model needs a
gamma around 1e-6 for day-long sessions (docs/models.md has a table). Near the end of a session
tau -> 0, the skew fades and the spread shrinks to (2/gamma) ln(1 + gamma/kappa); at the
roll-over it jumps back to the full horizon. That sawtooth is the model, not a bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite, log1p
from typing import ClassVar

from asconsole.models.base import ModelInputs, ModelQuote, valid_inputs

NS_PER_S = 1_000_000_000


def session_time_left(ts_ns: int, horizon_s: float, anchor_ns: int = 0) -> float:
    """Seconds to the end of the current session, in (0, horizon_s]. Sessions are back to back
    from `anchor_ns`; a timestamp exactly on a boundary starts a new session."""
    horizon_ns = int(horizon_s * NS_PER_S)
    elapsed_ns = (ts_ns - anchor_ns) % horizon_ns
    return (horizon_ns - elapsed_ns) / NS_PER_S


@dataclass(frozen=True, slots=True)
class AvellanedaStoikov:
    horizon_s: float = 86_400.0
    """Session length T in seconds; the engine passes time_left_s from session_time_left."""
    name: str = "as"
    uses_time_left: ClassVar[bool] = True

    def time_left(self, ts_ns: int) -> float:
        return session_time_left(ts_ns, self.horizon_s)

    def quote(self, x: ModelInputs) -> ModelQuote | None:
        if not valid_inputs(x):
            return None
        tau = min(x.time_left_s, self.horizon_s)
        skew = x.gamma * x.sigma * x.sigma * tau
        half = 0.5 * skew + log1p(x.gamma / x.kappa) / x.gamma
        reservation = x.mid - x.q * skew
        if not (isfinite(half) and isfinite(reservation)):
            return None
        return ModelQuote(reservation, half, skew, reservation - half, reservation + half)
