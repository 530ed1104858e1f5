"""Charts for the larger layouts: the mid price and the total PnL over the engine's history
(one sample a second), drawn as area charts with eighth blocks."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import usd
from asconsole.tui.widgets.pane import Pane

BLOCKS = " ▁▂▃▄▅▆▇█"


def area_chart(values: tuple[float, ...], width: int, height: int) -> list[str]:
    """`height` rows (top first) of the last `width` values scaled between their min and max."""
    vals = [v for v in values[-width:]] if width > 0 else []
    if len(vals) < 2 or height <= 0:
        return []
    lo, hi = min(vals), max(vals)
    span = hi - lo or 1.0
    levels = [round((v - lo) / span * (height * 8 - 1)) + 1 for v in vals]
    rows = []
    for row in range(height - 1, -1, -1):
        base = row * 8
        rows.append("".join(BLOCKS[max(0, min(8, lv - base))] for lv in levels))
    return rows


class ChartsPane(Pane):
    DEFAULT_CSS = """
    ChartsPane > .charts--mid { color: $primary; }
    ChartsPane > .charts--up { color: $success; }
    ChartsPane > .charts--down { color: $error; }
    ChartsPane > .charts--dim { text-style: dim; }
    """
    COMPONENT_CLASSES = {"charts--mid", "charts--up", "charts--down", "charts--dim"}

    def __init__(self, **kw: object) -> None:
        super().__init__("Charts", **kw)

    def draw(self, s: Snapshot, width: int, height: int) -> RenderableType:
        self.border_title = f"Charts · last {len(s.mid_history)}s"
        each = max(1, (height - 2) // 2)
        mids = tuple(m for m in s.mid_history if m)
        pnl_style = "charts--up" if s.total >= 0 else "charts--down"
        out: list[Text] = []
        for label, series, style, fmt in (
            ("mid", mids, "charts--mid", lambda v: f"{v:,.1f}"),
            ("PnL", s.pnl_history, pnl_style, lambda v: usd(v, True)),
        ):
            head = Text(f"{label} ", style="bold")
            if series:
                head.append(f"{fmt(series[-1])}  ")
                head.append(f"range {fmt(min(series))} … {fmt(max(series))}", style=self.rich("charts--dim"))
            out.append(head)
            rows = area_chart(series, width, each)
            out += [Text(r, style=self.rich(style)) for r in rows]
            out += [Text("collecting…", style=self.rich("charts--dim"))] if not rows else []
        return Text("\n", no_wrap=True, overflow="crop").join(out)

