"""The +/- and [/] keys: the next gamma and order size within the [ui] bounds.

A step never moves against the key: with gamma configured above `gamma_max`, `+` does
nothing rather than pull it down to the bound.
"""

from __future__ import annotations

from asconsole.config import UISettings


def next_gamma(gamma: float, direction: int, ui: UISettings) -> float | None:
    """The gamma one step up (direction > 0) or down, rounded to 4 significant digits;
    None at the bound."""
    raw = gamma * ui.gamma_step if direction > 0 else gamma / ui.gamma_step
    new = float(f"{min(ui.gamma_max, max(ui.gamma_min, raw)):.4g}")
    return new if (new - gamma) * direction > 0 else None


def next_size_lots(lots: int, lot: float, min_lots: int, direction: int, ui: UISettings) -> int | None:
    """The order size one step up or down, in lots; None at the bound."""
    size = lots * lot + direction * ui.order_size_step
    new = max(min_lots, round(min(ui.order_size_max, max(ui.order_size_min, size)) / lot))
    return new if (new - lots) * direction > 0 else None
