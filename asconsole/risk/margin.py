"""Isolated-margin liquidation price of a linear (USDT) perpetual: pure arithmetic.

Long:  LP = entry - (IM - MM) / size = entry x (1 - 1/leverage + mmr)
Short: LP = entry + (IM - MM) / size = entry x (1 + 1/leverage - mmr)
with IM = size x entry / leverage and MM = size x entry x mmr (no extra margin, no
mmDeduction: the first risk-limit tier). Worked example (Bybit docs): 1 BTC long at 20,000,
50x, MMR 0.5% -> IM 400, MM 100, LP 19,700. A live venue's own figure wins over this
estimate. The seed used entry x (1 -/+ 1/leverage), ignoring the maintenance margin, which
puts the liquidation later than it really is.
"""

from __future__ import annotations


def liquidation_price(entry: float, long: bool, leverage: float, mmr: float) -> float:
    """Dollars; `entry` in dollars, `mmr` as a fraction (0.005 = 0.5%)."""
    if long:
        return max(entry * (1.0 - 1.0 / leverage + mmr), 0.0)
    return entry * (1.0 + 1.0 / leverage - mmr)


def distance_left(entry: float, mark: float, liq: float, long: bool) -> float:
    """Share of the entry-to-liquidation distance still between the mark and liquidation:
    1 at entry, 0 at (or past) the liquidation price, above 1 when in profit."""
    full = entry - liq if long else liq - entry
    if full <= 0.0:
        return 0.0
    left = mark - liq if long else liq - mark
    return max(left / full, 0.0)
