"""`asconsole backtest [SESSION]`: the engine headless over a recording or a simulated regime."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from asconsole.commands.common import load_settings, number, settings_flags
from asconsole.summary import Summary

if TYPE_CHECKING:
    from asconsole.backtest import Source
    from asconsole.config import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "backtest",
        help="run the engine without UI over a recorded session or a simulated regime",
        description="Runs the same engine on an event clock against the paper venue. Without "
        "SESSION the simulated market of the settings (--regime, --seed) runs for --minutes.",
    )
    p.add_argument("session", nargs="?", help="a session recording directory (default: simulate)")
    p.add_argument("--minutes", type=number, default=None,
                   help="span: simulated minutes (default 60), or at most this much of a recording")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the summary as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--record", type=Path, metavar="DIR", nargs="?", const=Path("sessions"),
                   help="also write the run as a session (default dir: sessions) for report and replay")
    settings_flags(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from asconsole.backtest import Source, backtest, session_span_s

    settings = load_settings(args)
    minutes = args.minutes if args.minutes is not None else (0.0 if args.session else 60.0)
    source = Source(args.session or "", minutes)
    label = args.session or f"sim {settings.market.regime}, seed {settings.market.seed}"
    t0 = time.perf_counter()
    if sys.stderr.isatty() and not args.no_progress:
        summary = _with_progress(settings, source, session_span_s(source), label, args.record)
    else:
        summary = backtest(settings, source, record=args.record)
    wall = time.perf_counter() - t0
    print_summary(summary, label, wall)
    if args.json:
        from asconsole.config import to_mapping

        doc = {"source": label, "wall_s": wall, **summary.as_dict(),
               "settings": to_mapping(settings)}
        args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 0


def _with_progress(
    settings: Settings, source: Source, span_s: float | None, label: str, record: Path | None
) -> Summary:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from asconsole.backtest import backtest

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,.0f} s"),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"backtest {label}", total=span_s)
        return backtest(settings, source, lambda done: bar.update(task, completed=done), record)


def print_summary(s: Summary, label: str, wall_s: float) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"backtest: {label}", show_header=False, title_justify="left")
    t.add_column(justify="left")
    t.add_column(justify="right")
    rows = (
        ("span", f"{s.span_s / 60:,.1f} min, {s.events:,} market events"),
        ("speed", f"{s.events / wall_s:,.0f} events/s ({wall_s:.2f} s)" if wall_s > 0 else "-"),
        ("PnL realized", f"{s.realized:,.2f} $"),
        ("PnL unrealized", f"{s.unrealized:,.2f} $"),
        ("fees", f"{s.fees:,.2f} $"),
        ("PnL total", f"{s.total:,.2f} $"),
        ("fills", f"{s.fills:,} ({s.maker_fills:,} maker)"),
        ("volume", f"{s.volume:,.2f} $"),
        ("position at end", f"{s.position:g} BTC"),
        ("max position", f"{s.max_position:g} BTC"),
        ("max drawdown", f"{s.max_drawdown:,.2f} $"),
        ("markout 5 s", f"{s.markout_5s_bps:+.2f} bps"),
        ("book gaps", f"{s.book_gaps:,} (quotes pulled until a fresh snapshot)" if s.book_gaps else "0"),
    )
    for k, v in rows:
        t.add_row(k, v)
    Console().print(t)
