"""Total, realized, unrealized PnL and fees, fills and win rate, and a sparkline of the total."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import usd
from asconsole.tui.widgets.pane import Pane, flow

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: tuple[float, ...], width: int) -> str:
    """The last `width` values scaled between their min and max ("" with fewer than two)."""
    vals = values[-width:] if width > 0 else ()
    if len(vals) < 2:
        return ""
    lo, hi = min(vals), max(vals)
    span = hi - lo or 1.0
    return "".join(BARS[round((v - lo) / span * (len(BARS) - 1))] for v in vals)


class PnLPane(Pane):
    DEFAULT_CSS = """
    PnLPane > .pnl--up { color: $success; text-style: bold; }
    PnLPane > .pnl--down { color: $error; text-style: bold; }
    PnLPane > .pnl--line { color: $accent; }
    PnLPane > .pnl--dim { text-style: dim; }
    """
    COMPONENT_CLASSES = {"pnl--up", "pnl--down", "pnl--line", "pnl--dim"}

    def __init__(self, **kw: object) -> None:
        super().__init__("PnL", **kw)

    def draw(self, s: Snapshot, width: int, height: int) -> RenderableType:
        self.border_title = f"PnL {s.instrument.quote}"
        trend = "pnl--up" if s.total > 0 else "pnl--down" if s.total < 0 else "pnl--dim"
        totals = [
            Text(f"total {usd(s.total, True)}", style=self.rich(trend)),
            Text(f"real {usd(s.realized, True)}"),
            Text(f"unreal {usd(s.unrealized, True)}"),
            Text(f"fees {usd(s.fees)}"),
        ]
        win = f"win {s.wins / s.closes:.0%}" if s.closes else "win –"
        counts = [Text(f"fills {s.fills} ({s.buys}B/{s.sells}S)"), Text(win),
                  Text(f"vol {usd(s.volume)}", style=self.rich("pnl--dim"))]
        minutes = len(s.pnl_history) / 60
        label = Text(f"{minutes:.0f}m " if minutes >= 1 else f"{len(s.pnl_history)}s ",
                     style=self.rich("pnl--dim"))
        line = Text(sparkline(s.pnl_history, width - label.cell_len), style=self.rich("pnl--line"))
        return flow([totals, counts, [label + line]], width)
