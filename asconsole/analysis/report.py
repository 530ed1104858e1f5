"""The performance report: rich tables (one column per session, side by side), terminal
charts of PnL and inventory, and JSON. The rows are data (`rows`), shared by the HTML page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from asconsole.analysis.metrics import MARKOUT_S, Metrics

BARS = "▁▂▃▄▅▆▇█"
Row = tuple[str, Callable[[Metrics], str]]


def _usd(x: float | None, signed: bool = True, places: int = 2) -> str:
    if x is None:
        return "-"
    return f"{x:+,.{places}f}" if signed else f"{x:,.{places}f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


def _num(x: float | None, fmt: str = ".2f") -> str:
    return "-" if x is None else format(x, fmt)


def _dur(s: float) -> str:
    s = int(round(s))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def _markout(h: int) -> Callable[[Metrics], str]:
    def value(m: Metrics) -> str:
        bps = _num(m.markouts_bps.get(h), "+.2f")
        return f"{_usd(m.markouts.get(h), places=4)}  {bps} bps"

    return value


def _paused(cause: str) -> Callable[[Metrics], str]:
    return lambda m: _dur(m.paused_s.get(cause, 0.0))


def _trips(guard: str) -> Callable[[Metrics], str]:
    return lambda m: str(m.trips.get(guard, 0))


def sections(ms: list[Metrics]) -> list[tuple[str, list[Row]]]:
    """(section, [(label, value of one session)]) for these sessions; guard rows are the union
    of every session's guards."""
    causes = sorted({k for m in ms for k in m.paused_s})
    guards = sorted({k for m in ms for k in m.trips})
    return [
        (
            "PnL (USDT)",
            [
                ("total", lambda m: _usd(m.total)),
                ("realized", lambda m: _usd(m.realized)),
                ("unrealized (at the last mid)", lambda m: _usd(m.unrealized)),
                ("fees paid", lambda m: _usd(m.fees_paid, False)),
                ("rebates received", lambda m: _usd(m.rebates, False)),
                ("max drawdown", lambda m: _usd(m.max_drawdown, False)),
                ("Sharpe (annualised)", lambda m: f"{_num(m.sharpe)} ({m.period})"),
                ("Sortino (annualised)", lambda m: f"{_num(m.sortino)} ({m.period})"),
            ],
        ),
        (
            "Trading",
            [
                ("duration", lambda m: _dur(m.duration_s)),
                ("volume (USDT)", lambda m: _usd(m.volume, False)),
                (
                    "fills (buys/sells, maker)",
                    lambda m: f"{m.fills} ({m.buys}/{m.sells}, {m.maker_fills})",
                ),
                ("round trips", lambda m: str(m.round_trips)),
                ("win rate of round trips", lambda m: _pct(m.win_rate)),
                ("net per round trip", lambda m: _usd(m.avg_round_trip, places=4)),
                (
                    "spread captured ($/unit, bps)",
                    lambda m: f"{_num(m.spread_captured)}  {_num(m.spread_captured_bps, '.1f')}",
                ),
            ],
        ),
        (
            "Markouts per fill (vs the mid)",
            [
                (f"{h} s after" if h else "at the fill", _markout(h))
                for h in MARKOUT_S
            ],
        ),
        (
            "Inventory",
            [
                ("time-weighted position", lambda m: f"{m.avg_inventory:+.4f}"),
                ("time-weighted |position|", lambda m: f"{m.avg_abs_inventory:.4f}"),
                ("largest |position|", lambda m: f"{m.max_abs_inventory:.4f}"),
                ("time at soft limit", lambda m: _pct(m.time_at_soft)),
                ("time at hard limit", lambda m: _pct(m.time_at_hard)),
            ],
        ),
        (
            "Quoting",
            [
                ("uptime, both sides", lambda m: _pct(m.uptime_both)),
                ("uptime, at least one side", lambda m: _pct(m.uptime_any)),
                *[(f"paused: {c}", _paused(c)) for c in causes],
                *[(f"trips: {g}", _trips(g)) for g in guards],
            ],
        ),
    ]


def table(ms: list[Metrics]) -> Table:
    t = Table(title="asconsole session report", show_lines=False, header_style="bold")
    t.add_column("")
    for m in ms:
        t.add_column(m.name, justify="right", overflow="fold")
    for title, rows in sections(ms):
        t.add_row(Text(title, style="bold cyan"), *[""] * len(ms))
        for label, value in rows:
            t.add_row(f"  {label}", *[value(m) for m in ms])
    return t


def sparkline(values: list[float], width: int) -> str:
    """`values` squeezed to `width` columns (each the last value of its bucket) as bars."""
    if len(values) < 2:
        return ""
    step = max(1, -(-len(values) // width))
    vals = values[step - 1 :: step] if step > 1 else values
    lo, hi = min(vals), max(vals)
    span = hi - lo or 1.0
    return "".join(BARS[round((v - lo) / span * (len(BARS) - 1))] for v in vals)


def charts(m: Metrics, width: int = 60) -> Table:
    t = Table.grid(padding=(0, 1))
    t.add_column(style="bold")
    t.add_column()
    t.add_column(style="dim")
    for label, vals, fmt, style in (
        ("PnL", m.equity, "+,.2f", "cyan"),
        ("inventory", m.inventory, "+.3f", "magenta"),
    ):
        if len(vals) < 2:
            continue
        t.add_row(
            label,
            Text(sparkline(vals, width), style=style),
            f"{min(vals):{fmt}} .. {max(vals):{fmt}}",
        )
    return t


def render(ms: list[Metrics], console: Console, width: int = 48) -> None:
    console.print(table(ms))
    for m in ms:
        console.print(
            Group(
                Text(
                    f"{m.name}  (one bar per {max(1, -(-len(m.equity) // width))} s)", style="bold"
                ),
                charts(m, width),
            )
        )


def to_json(ms: list[Metrics]) -> str:
    """A list with one object per session, in the order given."""
    data: list[dict[str, Any]] = [m.as_dict() for m in ms]
    return json.dumps(data, indent=2)
