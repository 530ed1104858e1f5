"""`report --html FILE`: one self-contained page (inline CSS and SVG, no script, no external
asset) with the report table and PnL and inventory over time, sessions overlaid."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from asconsole.analysis.metrics import Metrics
from asconsole.analysis.report import sections

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
W, H, PAD = 760, 220, 44
MAX_POINTS = 1500
CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; }
th { text-align: right; } td:first-child, th:first-child { text-align: left; }
td { text-align: right; font-variant-numeric: tabular-nums; }
tr.section td { font-weight: bold; color: #1f4e79; padding-top: 10px; text-align: left; }
svg { border: 1px solid #ddd; margin: 8px 0; } .legend span { margin-right: 1.5em; }
"""


def _thin(values: list[float]) -> list[float]:
    step = max(1, -(-len(values) // MAX_POINTS))
    return values[::step]


def chart(title: str, series: list[tuple[str, list[float]]], unit: str) -> str:
    """Lines on a shared scale; x is seconds from each session's start."""
    data = [(name, _thin(v), len(v)) for name, v in series if len(v) >= 2]
    if not data:
        return ""
    lo = min(min(v) for _, v, _ in data)
    hi = max(max(v) for _, v, _ in data)
    span = hi - lo or 1.0
    longest = max(n for _, _, n in data)
    lines = []
    for i, (_, vals, n) in enumerate(data):
        step = n / len(vals)
        pts = " ".join(
            f"{PAD + (j * step) / max(longest - 1, 1) * (W - 2 * PAD):.1f},"
            f"{H - PAD / 2 - (v - lo) / span * (H - PAD):.1f}"
            for j, v in enumerate(vals)
        )
        lines.append(
            f'<polyline fill="none" stroke="{COLOURS[i % len(COLOURS)]}" stroke-width="1.5" '
            f'points="{pts}"/>'
        )
    zero = ""
    if lo < 0 < hi:
        y = H - PAD / 2 - (0 - lo) / span * (H - PAD)
        zero = (
            f'<line x1="{PAD}" x2="{W - PAD}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#aaa" stroke-dasharray="4"/>'
        )
    labels = (
        f'<text x="4" y="{PAD / 2 + 4}" font-size="11">{hi:+.3g} {unit}</text>'
        f'<text x="4" y="{H - PAD / 2}" font-size="11">{lo:+.3g} {unit}</text>'
        f'<text x="{W - PAD}" y="{H - 4}" font-size="11" text-anchor="end">{longest - 1} s</text>'
    )
    return (
        f"<h3>{escape(title)}</h3>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}">'
        f"{zero}{''.join(lines)}{labels}</svg>"
    )


def page(ms: list[Metrics]) -> str:
    head = "".join(f"<th>{escape(m.name)}</th>" for m in ms)
    body = []
    for title, rows in sections(ms):
        body.append(f'<tr class="section"><td colspan="{len(ms) + 1}">{escape(title)}</td></tr>')
        for label, value in rows:
            cells = "".join(f"<td>{escape(value(m))}</td>" for m in ms)
            body.append(f"<tr><td>{escape(label)}</td>{cells}</tr>")
    legend = "".join(
        f'<span style="color:{COLOURS[i % len(COLOURS)]}">&#9632; {escape(m.name)}</span>'
        for i, m in enumerate(ms)
    )
    started = ", ".join(
        datetime.fromtimestamp(m.start_ns / 1e9, UTC).strftime("%Y-%m-%d %H:%M:%S UTC") for m in ms
    )
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>asconsole report</title>"
        f"<style>{CSS}</style></head><body><h1>asconsole session report</h1>"
        f"<p>Started {escape(started)}. Definitions: docs/report.md.</p>"
        f"<table><tr><th></th>{head}</tr>{''.join(body)}</table>"
        f'<p class="legend">{legend}</p>'
        + chart("Total PnL over time", [(m.name, m.equity) for m in ms], "USDT")
        + chart("Inventory over time", [(m.name, m.inventory) for m in ms], "BTC")
        + "</body></html>\n"
    )
