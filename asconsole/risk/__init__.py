"""Risk guards: one class each behind `risk.base.Guard`; `build_guards` sets the order.

Order: the guards that stop everything first (their reason is the one the status line
shows), then the ones that reduce, pull a side, widen, and last the spread bounds, which
only report. The verdict can only become more cautious, so the order never loosens a limit.
"""

from __future__ import annotations

from typing import TypeVar

from asconsole.config import Settings
from asconsole.risk.asymmetric import AsymmetricSpread
from asconsole.risk.base import Guard
from asconsole.risk.displacement import Displacement
from asconsole.risk.imbalance import FillImbalance
from asconsole.risk.inventory import InventoryLimits
from asconsole.risk.liquidation import LiquidationGuard
from asconsole.risk.max_loss import MaxLoss
from asconsole.risk.regime import RegimeFilter
from asconsole.risk.spot_balance import SpotBalance
from asconsole.risk.spread_bounds import SpreadBounds
from asconsole.risk.stale import StaleData
from asconsole.risk.tick_filter import TickFilter

G = TypeVar("G", bound=Guard)


def build_guards(settings: Settings, spot: bool = False) -> list[Guard]:
    """`spot`: the instrument is spot, which adds the balance guard (no leverage, no shorts)."""
    r, q = settings.risk, settings.quote
    balance: list[Guard] = [SpotBalance()] if spot else []
    return [
        MaxLoss(r.max_loss_dollar),
        StaleData(r.stale_data_s),
        TickFilter(r.tick_filter, r.tick_max_sigmas, r.tick_min_move_bps, r.tick_confirm),
        LiquidationGuard(r.liquidation_threshold, r.maintenance_margin, r.liquidation_reduce),
        InventoryLimits(r.inventory_soft, r.inventory_hard),
        *balance,
        Displacement(r.displacement_bps, r.displacement_window_s, r.displacement_widen,
                     r.displacement_pull_bps),
        RegimeFilter(r.regime_filter, r.regime_bar_s, r.regime_period, r.regime_widen_adx,
                     r.regime_pull_adx, r.regime_widen),
        FillImbalance(r.imbalance_fills, r.imbalance_window_s, r.imbalance_cooldown_s),
        AsymmetricSpread(r.asym_widen_per_order, r.asym_max_widen),
        SpreadBounds(q.min_spread_dollar, q.max_spread_dollar),
    ]


def find_guard(guards: list[Guard], cls: type[G]) -> G:
    """The engine's handle on a guard it feeds directly (the tick filter, liquidation)."""
    for g in guards:
        if isinstance(g, cls):
            return g
    raise LookupError(f"no {cls.__name__} among the guards")
