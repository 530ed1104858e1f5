"""Wilder's Average Directional Index over time bars of the mid: pure arithmetic.

Per closed bar (high, low, close) after the first:
  TR  = max(H - L, |H - C_prev|, |L - C_prev|)
  +DM = H - H_prev if it exceeds L_prev - L and is positive, else 0 (-DM mirrored)
Wilder's smoothing over `period` bars: the first value is the sum of the first `period`
inputs, then S <- S - S/period + x. +DI = 100 +DM_s / TR_s, -DI likewise,
DX = 100 |+DI - -DI| / (+DI + -DI); the first ADX is the mean of the first `period` DX
values, then ADX <- (ADX (period - 1) + DX) / period. So the first ADX needs 2 x period
bars. (The seed used a pandas EWM with span 14, alpha 2/15, which is not Wilder's 1/14, on
5-second polls with high = low = close.)
"""

from __future__ import annotations

from math import nan


class WilderADX:
    __slots__ = (
        "_dx_n",
        "_dx_sum",
        "_mdm",
        "_n",
        "_pdm",
        "_prev",
        "_tr",
        "adx",
        "bars",
        "minus_di",
        "period",
        "plus_di",
    )

    def __init__(self, period: int) -> None:
        self.period = period
        self.bars = 0
        self.adx = nan
        self.plus_di = nan
        self.minus_di = nan
        self._prev: tuple[float, float, float] | None = None
        self._n = 0
        self._tr = self._pdm = self._mdm = 0.0
        self._dx_sum = 0.0
        self._dx_n = 0

    @property
    def ready(self) -> bool:
        return self.adx == self.adx

    def add_bar(self, high: float, low: float, close: float) -> None:
        self.bars += 1
        prev, self._prev = self._prev, (high, low, close)
        if prev is None:
            return
        ph, pl, pc = prev
        tr = max(high - low, abs(high - pc), abs(low - pc))
        up, down = high - ph, pl - low
        pdm = up if up > down and up > 0 else 0.0
        mdm = down if down > up and down > 0 else 0.0
        n = self.period
        if self._n < n:
            self._tr += tr
            self._pdm += pdm
            self._mdm += mdm
            self._n += 1
            if self._n < n:
                return
        else:
            self._tr += tr - self._tr / n
            self._pdm += pdm - self._pdm / n
            self._mdm += mdm - self._mdm / n
        if self._tr <= 0.0:
            self.plus_di = self.minus_di = 0.0
            dx = 0.0
        else:
            self.plus_di = 100.0 * self._pdm / self._tr
            self.minus_di = 100.0 * self._mdm / self._tr
            total = self.plus_di + self.minus_di
            dx = 100.0 * abs(self.plus_di - self.minus_di) / total if total > 0 else 0.0
        if self._dx_n < n:
            self._dx_sum += dx
            self._dx_n += 1
            if self._dx_n == n:
                self.adx = self._dx_sum / n
        else:
            self.adx = (self.adx * (n - 1) + dx) / n
