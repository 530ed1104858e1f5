"""The model's numbers and the quotes actually working."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from asconsole.engine.snapshot import Snapshot


class QuotesPane(Static):
    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.border_title = "Quotes"

    def show(self, s: Snapshot) -> None:
        q = s.quote
        if q is None:
            self.update(Text("no quote: waiting for a usable book", style="yellow"))
            return
        inst = s.instrument
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(f"{q.model.upper()} ", style="bold")
        t.append(f"{q.calibration}  γ {q.gamma:g}  σ {q.sigma:.2f}$/√s\n")
        t.append(f"A {q.A:.3g}/s  κ {q.kappa:.3g}/$  ({q.param_source})  skew {q.skew:.3f}$\n")
        t.append(f"res {q.reservation:,.2f}  half-spread {q.half_spread:.2f}$\n")
        for label, px, qty, style in (("bid", q.bid, q.bid_qty, "green"), ("ask", q.ask, q.ask_qty, "red")):
            if not px:
                t.append(f"{label} pulled", style="dim")
            else:
                dist = abs(px * inst.tick - s.mid)
                bps = dist / s.mid * 1e4 if s.mid else 0.0
                t.append(f"{label} {inst.price_str(px)}", style=style)
                t.append(f" {dist / inst.tick:.0f}t {bps:.1f}bp")
            t.append("  " if label == "bid" else "")
        if q.warning:
            t.append(f"\n{q.warning}", style="yellow")
        self.update(t)
