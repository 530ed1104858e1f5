"""Position, entry, notional and leverage."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import usd


class InventoryPane(Static):
    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.border_title = "Inventory"

    def show(self, s: Snapshot) -> None:
        inst = s.instrument
        pos = s.position * inst.lot
        t = Text(no_wrap=True, overflow="ellipsis")
        style = "bold green" if pos > 0 else "bold red" if pos < 0 else "bold"
        t.append(f"{pos:+.3f} {inst.base}", style=style)
        t.append(f" @ {usd(s.entry)}" if s.position else " flat")
        t.append(f"  notional {usd(abs(pos) * s.mark)}\n")
        t.append(f"mark {usd(s.mark)}  lev {s.leverage:g}x  fills {s.fills} ({s.buys}B/{s.sells}S)")
        self.update(t)
