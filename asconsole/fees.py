"""Maker/taker fee schedules. Rates are fractions of notional; a negative rate is a rebate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    maker: float
    taker: float
    name: str = "custom"

    def fee(self, notional: float, is_maker: bool) -> float:
        """Dollars paid on a fill of `notional` dollars (negative = rebate received)."""
        return notional * (self.maker if is_maker else self.taker)

    def round_trip_maker(self, price: float) -> float:
        """Fees of buying and selling one unit at `price` as maker on both sides."""
        return 2.0 * self.maker * price


# Published schedules the seed knew (SYSTEM.md section 4), plus Bybit's current VIP0 perpetual
# rates from the venue facts; live venues read their own rate at start.
SCHEDULES: dict[str, FeeSchedule] = {
    s.name: s
    for s in (
        FeeSchedule(0.0, 0.0005, "mexc_regular"),
        FeeSchedule(0.0, 0.0004, "mexc_mx_deduction"),
        FeeSchedule(0.0002, 0.00055, "bybit_vip0"),
        FeeSchedule(0.0001, 0.0005, "bybit_vip1"),
    )
}
