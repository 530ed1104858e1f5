"""A what-if replay's quotes and PnL beside the recorded ones."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import usd


def _px(s: Snapshot, ticks: int) -> str:
    return s.instrument.price_str(ticks) if ticks else "-"


def _quote(s: Snapshot) -> tuple[str, str]:
    q = s.quote
    return (_px(s, q.bid), _px(s, q.ask)) if q is not None else ("-", "-")


class WhatIfPane(Static):
    DEFAULT_CSS = """
    WhatIfPane { height: 5; border: round $secondary; padding: 0 1; }
    """

    def __init__(self, label: str, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.border_title = f"What-if: {label}"

    def show(self, recorded: Snapshot, whatif: Snapshot) -> None:
        t = Table.grid(expand=True, padding=(0, 1))
        for _ in range(6):
            t.add_column()
        t.add_row(
            *(Text(h, style="bold") for h in ("", "bid", "ask", "position", "fills", "total PnL"))
        )
        for name, s in (("recorded", recorded), ("what-if", whatif)):
            bid, ask = _quote(s)
            style = "green" if s.total > 0 else "red" if s.total < 0 else ""
            t.add_row(
                name,
                Text(bid, style="green"),
                Text(ask, style="red"),
                s.instrument.qty_str(s.position),
                str(s.fills),
                Text(usd(s.total, True), style=style),
            )
        self.update(t)
