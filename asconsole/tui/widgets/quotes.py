"""The model's numbers with their sources, and the quotes actually working.

Model and gamma ride in the border title; the rest flows to the pane's width.
"""

from __future__ import annotations

import math

from rich.console import RenderableType
from rich.text import Text

from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import price
from asconsole.tui.widgets.pane import Pane, flow


class QuotesPane(Pane):
    DEFAULT_CSS = """
    QuotesPane > .quotes--bid { color: $success; text-style: bold; }
    QuotesPane > .quotes--ask { color: $error; text-style: bold; }
    QuotesPane > .quotes--warn { color: $warning; }
    QuotesPane > .quotes--dim { text-style: dim; }
    """
    COMPONENT_CLASSES = {"quotes--bid", "quotes--ask", "quotes--warn", "quotes--dim"}

    def __init__(self, **kw: object) -> None:
        super().__init__("Quotes", **kw)

    def draw(self, s: Snapshot, width: int, height: int) -> RenderableType:
        q = s.quote
        gamma = q.gamma if q else s.gamma
        model = q.model.upper() if q else "model"
        self.border_title = f"Quotes · {model} γ {gamma:g}"
        if q is None:
            return Text("no quote: waiting for a usable book", style=self.rich("quotes--warn"))
        inst = s.instrument
        warn, dim = self.rich("quotes--warn"), self.rich("quotes--dim")
        ready = q.calibration == "ready"
        fit = f"A,κ {q.param_source}"
        if not math.isnan(q.param_age_s):
            fit += f" {q.param_age_s:.0f}s ago"
        if not math.isnan(q.fit_r2):
            fit += f" R² {q.fit_r2:.2f}"
        groups: list[list[Text]] = [
            [Text(f"σ {q.sigma:.2f}$/√s {q.sigma_annual_pct:.0f}%/y"),
             Text(f"A {q.A:.3g}/s  κ {q.kappa:.3g}/$")],
            [Text("calibrated" if ready else q.calibration, style=dim if ready else warn),
             Text(fit, style=dim)],
        ]
        half = Text(f"half {q.half_spread:.2f}$ ")
        half.append(f"{q.bound} bound" if q.bound else "model", style=dim)
        groups.append([Text(f"res {q.reservation:,.2f}"), half, Text(f"skew {q.skew:.2f}$")])
        sides: list[Text] = []
        for label, px, ticks, bps in (
            ("bid", q.bid, q.bid_ticks, q.bid_bps),
            ("ask", q.ask, q.ask_ticks, q.ask_bps),
        ):
            t = Text()
            if not px:
                t.append(f"{label} pulled", style=dim)
            else:
                t.append(f"{label} {price(inst, px)}", style=self.rich(f"quotes--{label}"))
                t.append(f" {ticks:.0f}t {bps:.1f}bp")
            sides.append(t)
        if s.paused:  # the model still computes; nothing is sent
            sides = [Text("paused: nothing quoted", style=warn)]
        groups.append(sides)
        if q.warning:
            groups.append([Text(q.warning, style=warn)])
        return flow(groups, width)
