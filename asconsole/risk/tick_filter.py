"""Tick filter: a book mid or trade price that jumps too far from the last accepted mid is an
outlier. It reaches neither the estimators, the other guards nor the model, and is counted.

Too far = more than max(`sigmas` x sigma x sqrt(dt), `min_move_bps` of the mid), with sigma
the calibrated volatility in $/sqrt(s) and dt the seconds since the last accepted mid (at
least 1 s), so a quiet minute allows a larger step than the next 50 ms.

A book update always goes into the book (dropping one would break the venue's sequence and
leave a wrong book for good); while its mid is held as an outlier the engine quotes nothing.
Unlike the seed (an EMA that only accepted ticks could move, so a real 2% move locked it out
forever), the filter re-anchors: after `confirm` consecutive outliers that agree with each
other (each within the threshold of the one before) the new level is a genuine move and is
accepted; a fresh book snapshot (reconnect, resync) re-anchors at once.
"""

from __future__ import annotations

from math import sqrt

from asconsole.clock import NS_PER_S
from asconsole.risk.base import Guard, GuardState, RiskContext, Verdict


class TickFilter(Guard):
    name = "tick filter"

    def __init__(self, enabled: bool, sigmas: float, min_move_bps: float, confirm: int) -> None:
        super().__init__()
        self.enabled = enabled
        self.sigmas = sigmas
        self.min_move = min_move_bps / 1e4
        self.confirm = confirm
        self.ref = 0.0
        """Last accepted mid, dollars."""
        self.ref_ts = 0
        self.holding = False
        self.chain = 0
        self._chain_last = 0.0
        self.rejected_books = 0
        self.rejected_trades = 0
        self.reanchors = 0
        self._threshold = 0.0

    def _limit(self, ts: int, sigma: float) -> float:
        dt = max((ts - self.ref_ts) / NS_PER_S, 1.0)
        self._threshold = max(self.sigmas * sigma * sqrt(dt), self.min_move * self.ref)
        return self._threshold

    def _accept(self, ts: int, mid: float) -> None:
        self.ref, self.ref_ts = mid, ts
        self.holding = False
        self.chain = 0

    def anchor(self, ts: int, mid: float) -> None:
        """A fresh snapshot: the venue's whole book, taken as the new reference."""
        if self.holding:
            self.reanchors += 1
        self._accept(ts, mid)

    def screen_mid(self, ts: int, mid: float, sigma: float) -> bool:
        """True when the book mid may be used; False while it is held as an outlier."""
        if not self.enabled or self.ref <= 0.0:
            self._accept(ts, mid)
            return True
        limit = self._limit(ts, sigma)
        if abs(mid - self.ref) <= limit:
            self._accept(ts, mid)
            return True
        agrees = self.chain > 0 and abs(mid - self._chain_last) <= limit
        self.chain = self.chain + 1 if agrees else 1
        self._chain_last = mid
        if self.chain >= self.confirm:
            self.reanchors += 1
            self._accept(ts, mid)
            return True
        self.rejected_books += 1
        self.holding = True
        return False

    def screen_trade(self, ts: int, price: float, sigma: float) -> bool:
        """True when a public trade may feed the estimators."""
        if not self.enabled or self.ref <= 0.0:
            return True
        if self.holding or abs(price - self.ref) > self._limit(ts, sigma):
            self.rejected_trades += 1
            return False
        return True

    def check(self, ctx: RiskContext, verdict: Verdict) -> None:
        if not self.enabled:
            self.set(GuardState.OK, "off", "off", "disabled in config")
            return
        value = f"{self.rejected_books + self.rejected_trades} rejected"
        threshold = f"${self._threshold:.0f} move"
        if self.holding:
            verdict.pull("tick filter: outlier mid held")
            self.set(GuardState.TRIPPED, value, threshold,
                     f"outlier held ({self.chain}/{self.confirm} to accept a new level)")
        else:
            reason = f"re-anchored {self.reanchors}x" if self.reanchors else ""
            self.set(GuardState.OK, value, threshold, reason)
