"""Volatility of the mid as an exponentially weighted average over time, in $/sqrt(s).

The mid is sampled at the first event at least `sample_s` after the previous sample (event
times are irregular; sampling keeps bid-ask bounce from dominating). For each sample i with
change dS_i over the elapsed dt_i seconds, and decay w = 2^(-dt_i / half_life_s):

    V <- w*V + dS_i^2        ($^2)
    D <- w*D + dt_i          (s)
    sigma^2 = V / D          ($^2/s)

A ratio of two EWMAs rather than an EWMA of dS^2/dt: a short interval's squared jump divided by
its tiny dt would dominate the latter, while the ratio weighs every second of history alike and
is the maximum-likelihood variance rate of a Brownian mid under those weights. Gaps (a feed
that stalls) are handled by the same formula. Annualised: sigma * sqrt(365 * 86400) / mid (crypto
trades every day).
"""

from __future__ import annotations

from math import exp, isfinite, sqrt

NS_PER_S = 1_000_000_000
SECONDS_PER_YEAR = 365.0 * 86_400.0
SQRT_YEAR = sqrt(SECONDS_PER_YEAR)
_LN2 = 0.6931471805599453


class EwmaVolatility:
    """Per event: `on_mid(ts_ns, mid)`, a comparison unless a sample is due."""

    __slots__ = (
        "half_life_s", "sample_ns", "samples", "last_mid", "_last_ts", "_v", "_d", "_k",
    )

    def __init__(self, half_life_s: float = 300.0, sample_s: float = 1.0) -> None:
        if not half_life_s > 0.0 or not sample_s >= 0.0:
            raise ValueError("half_life_s must be > 0 and sample_s >= 0")
        self.half_life_s = half_life_s
        self.sample_ns = int(sample_s * NS_PER_S)
        self.samples = 0
        """Mid changes folded in so far (the warm-up counts these)."""
        self.last_mid = 0.0
        self._last_ts = -1
        self._v = 0.0
        self._d = 0.0
        self._k = _LN2 / half_life_s

    def on_mid(self, ts_ns: int, mid: float) -> bool:
        """Feed a mid; True when it was taken as a sample (sigma may have changed)."""
        last = self._last_ts
        if last >= 0 and ts_ns - last < self.sample_ns:
            return False
        if not (mid > 0.0 and isfinite(mid)):
            return False
        if last < 0:
            self._last_ts = ts_ns
            self.last_mid = mid
            return False
        dt = (ts_ns - last) / NS_PER_S
        if dt <= 0.0:
            return False
        w = exp(-self._k * dt)
        dm = mid - self.last_mid
        self._v = w * self._v + dm * dm
        self._d = w * self._d + dt
        self._last_ts = ts_ns
        self.last_mid = mid
        self.samples += 1
        return True

    @property
    def sigma(self) -> float:
        """Dollars per sqrt(second); nan before the first sample."""
        return sqrt(self._v / self._d) if self._d > 0.0 else float("nan")



def annualised_pct(sigma: float, mid: float) -> float:
    """sigma in $/sqrt(s) as a percentage of the mid per sqrt(year); nan without a mid."""
    return sigma * SQRT_YEAR / mid * 100.0 if mid > 0.0 else float("nan")
