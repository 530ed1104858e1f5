"""One line: venue, symbol, PAPER/LIVE, connection and data age, engine state, lag, UTC clock.

LIVE turns the whole bar the error colour and the badge to reverse video, so it cannot be
missed in any theme, monochrome included.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive

from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import age, utc_clock
from asconsole.tui.widgets.pane import Pane

STALE_AFTER_S = 5.0


class StatusBar(Pane):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; }
    StatusBar.-live { background: $error; color: $background; text-style: bold; }
    StatusBar > .status--paper { background: $primary; color: $background; text-style: bold; }
    StatusBar > .status--live { text-style: bold reverse; }
    StatusBar > .status--ok { color: $success; }
    StatusBar > .status--warn { color: $warning; text-style: bold; }
    StatusBar > .status--bad { color: $error; text-style: bold reverse; }
    StatusBar > .status--dim { text-style: dim; }
    StatusBar.-live > .status--ok, StatusBar.-live > .status--warn, StatusBar.-live > .status--dim {
        color: $background;
    }
    """
    COMPONENT_CLASSES = {
        "status--paper", "status--live", "status--ok", "status--warn", "status--bad", "status--dim",
    }

    pending: reactive[str] = reactive("")
    """What the console itself is waiting for (e.g. quitting once flat)."""

    def __init__(self, **kw: object) -> None:
        super().__init__("Status", **kw)

    def watch_snap(self, s: Snapshot | None) -> None:
        self.set_class(s is not None and s.mode == "live", "-live")

    def draw(self, s: Snapshot, width: int, height: int) -> RenderableType:
        inst = s.instrument
        left = Text(no_wrap=True, overflow="ellipsis")
        if width >= 100:
            left.append(" asconsole ", style="bold")
        left.append(f" {inst.venue.upper()} {inst.symbol} ")
        if s.mode == "live":
            left.append(" ▲ LIVE ▲ ", style=self.rich("status--live"))
        else:
            left.append(" PAPER ", style=self.rich("status--paper"))
        left.append(" ")
        if not s.connected:
            left.append(" DISCONNECTED ", style=self.rich("status--bad"))
        elif s.data_age_s > STALE_AFTER_S:
            left.append(f"● data {age(s.data_age_s)} old", style=self.rich("status--warn"))
        else:
            left.append(f"● {age(s.data_age_s)}", style=self.rich("status--ok"))
        left.append("  ")
        state = self.pending or (f"flatten: {s.flatten}" if s.flatten else s.status)
        calm = s.status == "quoting" and not s.flatten and not self.pending
        left.append(state, style=self.rich("status--ok" if calm else "status--warn"))
        right = Text(no_wrap=True, justify="right")
        right.append(f"lag {s.lag_ms:.0f}ms ", style=self.rich("status--dim"))
        right.append(f"{utc_clock(s.ts)} ")
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(left, right)
        return grid
