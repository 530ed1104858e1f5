"""Maker/taker fee schedules. Rates are fractions of notional; a negative rate is a rebate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    maker: float
    taker: float

    def fee(self, notional: float, is_maker: bool) -> float:
        """Dollars paid on a fill of `notional` dollars (negative = rebate received)."""
        return notional * (self.maker if is_maker else self.taker)
