"""Every guard with its state, watched value and threshold, coloured by state."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from asconsole.engine.snapshot import Snapshot

STATE_STYLE = {"ok": "green", "warn": "yellow", "tripped": "bold red"}
SEVERITY = {"tripped": 0, "warn": 1, "ok": 2}
"""Rows are ordered by this, so tripped and warning guards stay visible in a short pane."""


class RiskPane(Static):
    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.border_title = "Risk"

    def show(self, s: Snapshot) -> None:
        t = Table.grid(expand=True, padding=(0, 1))
        t.add_column(width=12, no_wrap=True)
        t.add_column(width=7, no_wrap=True)
        t.add_column(no_wrap=True, overflow="ellipsis", ratio=1)  # takes the squeeze, not the state
        for g in sorted(s.guards, key=lambda g: SEVERITY[g.state.value]):
            state = g.state.value
            detail = f"{g.value} / {g.threshold}" + (f" {g.reason}" if g.reason else "")
            t.add_row(g.name, Text(state.upper(), style=STATE_STYLE[state]), detail)
        self.update(t)
