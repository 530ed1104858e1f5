"""Order book ladder: asks above, bids below, own orders marked, spread and mid between."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from asconsole.engine.snapshot import Snapshot


class BookLadder(Static):
    DEFAULT_CSS = """
    BookLadder { width: 30; }
    """

    def __init__(self, levels: int = 9, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.levels = levels
        self.border_title = "Book"

    def show(self, s: Snapshot) -> None:
        inst = s.instrument
        own = {(o.side, o.price): o.qty - o.filled for o in s.own}
        t = Table.grid(expand=True)
        t.add_column(width=2)
        t.add_column(justify="right")
        t.add_column(justify="right")
        t.add_row("", Text("price", style="dim"), Text(f"size {inst.base}", style="dim"))
        asks = list(s.asks[: self.levels])
        pad = self.levels - len(asks)
        for _ in range(pad):
            t.add_row("", "", "")
        for px, q in reversed(asks):
            mark = Text("◀", style="bold yellow") if (-1, px) in own else ""
            t.add_row(mark, Text(inst.price_str(px), style="red"), inst.qty_str(q))
        spread = (s.asks[0][0] - s.bids[0][0]) * inst.tick if s.asks and s.bids else 0.0
        t.add_row("", Text(f"{s.mid:,.2f}", style="bold"), Text(f"sprd {spread:.1f}", style="dim"))
        for px, q in s.bids[: self.levels]:
            mark = Text("▶", style="bold yellow") if (1, px) in own else ""
            t.add_row(mark, Text(inst.price_str(px), style="green"), inst.qty_str(q))
        self.update(t)
