"""Risk guards: one class each behind `risk.base.Guard`; `build_guards` sets the order."""

from __future__ import annotations

from asconsole.risk.base import Guard
from asconsole.risk.inventory import InventoryLimits
from asconsole.risk.max_loss import MaxLoss
from asconsole.risk.stale import StaleData


def build_guards(settings: object) -> list[Guard]:
    r = getattr(settings, "risk")
    return [
        StaleData(r.stale_data_s),
        InventoryLimits(r.inventory_soft, r.inventory_hard),
        MaxLoss(r.max_loss_dollar),
    ]
