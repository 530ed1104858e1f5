"""One line: venue, symbol, PAPER/LIVE, connection and data age, engine state, lag, UTC clock."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import age, utc_clock


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; dock: top; background: $panel; }
    """

    def show(self, s: Snapshot) -> None:
        inst = s.instrument
        t = Text()
        t.append(" asconsole ", style="bold")
        t.append(f"{inst.venue.upper()} {inst.symbol} ")
        if s.mode == "live":
            t.append(" LIVE ", style="bold white on red")
        else:
            t.append(" PAPER ", style="bold black on cyan")
        t.append(" ")
        if s.connected:
            t.append(f"● {age(s.data_age_s)} ", style="green")
        else:
            t.append("● disconnected ", style="bold red")
        state = s.flatten if s.flatten else s.status
        style = "bold yellow" if s.paused or s.flatten else "green" if s.status == "quoting" else "yellow"
        t.append(state[:26], style=style)
        t.append(f"  lag {s.lag_ms:.0f}ms  {utc_clock(s.ts)}", style="dim")
        self.update(t)
