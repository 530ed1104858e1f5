"""Realized, unrealized, fees and total PnL, with a sparkline of the total."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import usd

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: tuple[float, ...], width: int) -> str:
    vals = values[-width:]
    if len(vals) < 2:
        return ""
    lo, hi = min(vals), max(vals)
    span = hi - lo or 1.0
    return "".join(BARS[int((v - lo) / span * (len(BARS) - 1))] for v in vals)


class PnLPane(Static):
    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.border_title = "PnL (USDT)"

    def show(self, s: Snapshot) -> None:
        t = Table.grid(expand=True, padding=(0, 1))
        for _ in range(4):
            t.add_column()
        total_style = "green" if s.total > 0 else "red" if s.total < 0 else ""
        t.add_row(
            f"real {usd(s.realized, True)}",
            f"unreal {usd(s.unrealized, True)}",
            f"fees {usd(s.fees)}",
            Text(f"total {usd(s.total, True)}", style=f"bold {total_style}".strip()),
        )
        t.add_row(Text(sparkline(s.pnl_history, 44), style="cyan"), "", "", f"vol {usd(s.volume)}")
        self.update(t)
