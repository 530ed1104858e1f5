"""The model's numbers with their sources, and the quotes actually working."""

from __future__ import annotations

import math

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
        ready = q.calibration == "ready"
        t.append(q.calibration, style="green" if ready else "yellow")
        t.append(f"  γ {q.gamma:g}\n")
        t.append(f"σ {q.sigma:.2f}$/√s {q.sigma_annual_pct:.0f}%/y  A {q.A:.3g}/s κ {q.kappa:.3g}/$ {q.param_source}")
        if not math.isnan(q.param_age_s):
            t.append(f" {q.param_age_s:.0f}s")
        if not math.isnan(q.fit_r2):
            t.append(f" R² {q.fit_r2:.2f}")
        t.append("\n")
        t.append(f"res {q.reservation:,.2f}  half {q.half_spread:.2f}$")
        t.append(f" ({q.bound} bound)" if q.bound else " (model)", style="dim")
        t.append(f"  skew {q.skew:.2f}$\n")
        for label, px, ticks, bps, style in (
            ("bid", q.bid, q.bid_ticks, q.bid_bps, "green"),
            ("ask", q.ask, q.ask_ticks, q.ask_bps, "red"),
        ):
            if not px:
                t.append(f"{label} pulled", style="dim")
            else:
                t.append(f"{label} {inst.price_str(px)}", style=style)
                t.append(f" {ticks:.0f}t {bps:.1f}bp")
            t.append("  " if label == "bid" else "")
        if q.warning:
            t.append(f"\n{q.warning}", style="yellow")
        self.update(t)
