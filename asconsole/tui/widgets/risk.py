"""The risk pane: kill-switch progress, liquidation price and distance (futures), then every
guard with its state, watched value and threshold, coloured by state.

Tripped guards come first, then warnings, then the rest in the engine's order, so a short
pane (80x24) always shows what is acting. When the OK guards do not fit, they fold into one
last line that still names them.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from asconsole.engine.snapshot import Snapshot
from asconsole.risk.base import GuardState, GuardStatus
from asconsole.tui.format import usd

STATE_STYLE = {"ok": "green", "warn": "yellow", "tripped": "bold red"}
STATE_LABEL = {"ok": "OK", "warn": "WARN", "tripped": "TRIP"}
SEVERITY = {GuardState.TRIPPED: 0, GuardState.WARN: 1, GuardState.OK: 2}


def guard_order(guards: tuple[GuardStatus, ...]) -> list[GuardStatus]:
    """Tripped, then warn, then OK; the engine's order within each."""
    return sorted(guards, key=lambda g: SEVERITY[g.state])


def header_lines(s: Snapshot) -> list[Text]:
    """Kill-switch progress and the liquidation line, when they apply."""
    lines: list[Text] = []
    if s.flatten:
        style = "bold green" if s.flatten == "flat" else "bold red"
        lines.append(Text(f"KILL SWITCH: {s.flatten}", style=style, no_wrap=True,
                          overflow="ellipsis"))
    if s.liq_price > 0:
        away = abs(s.mark - s.liq_price) / s.mark * 100 if s.mark > 0 else 0.0
        src = "venue" if s.liq_source == "venue" else "est."
        style = "bold red" if s.liq_left < 0.2 else "yellow" if s.liq_left < 0.4 else ""
        lines.append(Text(f"liq {usd(s.liq_price)} ({src}) {away:.2f}% away, "
                          f"{s.liq_left * 100:.0f}% left", style=style, no_wrap=True,
                          overflow="ellipsis"))
    return lines


def guard_table(rows: list[GuardStatus]) -> Table:
    t = Table.grid(expand=True, padding=(0, 1))
    t.add_column(width=14, no_wrap=True, overflow="ellipsis")
    t.add_column(width=4, no_wrap=True)
    t.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    for g in rows:
        state = g.state.value
        detail = Text(f"{g.value} / {g.threshold}")
        if g.reason:
            detail.append(f"  {g.reason}", style="dim" if g.state is GuardState.OK else "")
        t.add_row(g.name, Text(STATE_LABEL[state], style=STATE_STYLE[state]), detail)
    return t


class RiskPane(Static):
    DEFAULT_CSS = """
    RiskPane.-warn { border: round $warning; }
    RiskPane.-tripped { border: round $error; }
    """

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.border_title = "Risk"
        self._last: Snapshot | None = None

    def on_resize(self) -> None:
        """How many guards fit depends on the height: lay the last snapshot out again."""
        if self._last is not None:
            self.show(self._last)

    def show(self, s: Snapshot) -> None:
        self._last = s
        head = header_lines(s)
        rows = guard_order(s.guards)
        room = self.content_size.height - len(head)
        folded: list[GuardStatus] = []
        if 0 < room < len(rows):
            # Fold the OK guards that do not fit into one line; never fold an acting guard.
            keep = max(room - 1, sum(g.state is not GuardState.OK for g in rows))
            rows, folded = rows[:keep], rows[keep:]
        parts: list[Text | Table] = [*head, guard_table(rows)]
        if folded:
            names = ", ".join(g.name for g in folded)
            parts.append(Text(f"+{len(folded)} OK: {names}", style="green", no_wrap=True,
                              overflow="ellipsis"))
        worst = rows[0].state if rows else GuardState.OK
        self.set_class(worst is GuardState.TRIPPED, "-tripped")
        self.set_class(worst is GuardState.WARN, "-warn")
        self.update(Group(*parts))
