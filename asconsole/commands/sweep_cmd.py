"""`asconsole sweep PARAMS.toml`: many backtests in parallel, results sorted by a metric."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from asconsole.commands.common import load_settings, settings_flags

if TYPE_CHECKING:
    from asconsole.sweep import Result


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "sweep",
        help="backtest a grid or list of parameter sets in parallel",
        description="Each parameter set of the TOML file is a backtest of the same data; see "
        "docs/backtest.md for the file format. Other settings come from --config and the flags.",
    )
    p.add_argument("params", type=Path, help="the sweep file (TOML)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="local worker processes (default: one per CPU)")
    p.add_argument("--scheduler", default="", metavar="ADDRESS",
                   help="run on a Dask distributed cluster, e.g. tcp://host:8786 (extra 'cluster')")
    p.add_argument("--sort", default="total", metavar="METRIC",
                   help="order the results best first by this summary metric (default: total)")
    p.add_argument("--csv", type=Path, metavar="FILE", help="also write every result as CSV")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    settings_flags(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from asconsole.config import ConfigError
    from asconsole.sweep import executor, load_jobs, run_jobs, sort_results

    if args.workers < 1:
        raise ConfigError("--workers must be at least 1")
    jobs = load_jobs(args.params, load_settings(args))
    sort_results([], args.sort)  # a bad metric fails before any run
    with executor(min(args.workers, len(jobs)), args.scheduler) as pool:
        if sys.stderr.isatty() and not args.no_progress:
            from rich.console import Console
            from rich.progress import Progress

            with Progress(console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task(f"sweep {args.params.name}", total=len(jobs))
                results = run_jobs(jobs, pool, lambda n: bar.update(task, completed=n))
        else:
            results = run_jobs(jobs, pool)
    ranked = sort_results(results, args.sort)
    print_results(ranked, args.sort)
    if args.csv:
        write_csv(ranked, args.csv)
    return 0


COLUMNS = {
    "total": "total $", "fees": "fees $", "fills": "fills", "max_position": "max BTC",
    "max_drawdown": "max dd $", "markout_5s_bps": "mk5s bps",
}
"""The metrics the table shows (all of them go to the CSV), with short headers."""


def print_results(results: list[Result], metric: str) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    params = list(results[0].params) if results else []
    keys = [p.split(".")[1] for p in params]
    headers = ["#", *(keys if len(set(keys)) == len(keys) else params)]
    metrics = [metric, *(c for c in COLUMNS if c != metric)]
    headers += [COLUMNS.get(m, m) for m in metrics]
    rows = []
    for r in results:
        row = r.row()
        rows.append([str(r.index + 1), *(str(row[p]) for p in params),
                     *(_cell(m, row[m]) for m in metrics)])
    t = Table(title=f"sweep: {len(results)} runs, best {metric} first", title_justify="left",
              box=box.SIMPLE_HEAD)
    bold = 1 + len(params)
    for i, name in enumerate(headers):
        # numbers are never cut; a long header folds instead
        width = max((len(row[i]) for row in rows), default=1)
        t.add_column(name, justify="right", min_width=width, overflow="fold",
                     style="bold" if i == bold else None)
    for cells in rows:
        t.add_row(*cells)
    Console().print(t)


def _cell(metric: str, value: float) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}" if metric in ("max_position", "position") else f"{value:,.2f}"


def write_csv(results: list[Result], path: Path) -> None:
    rows = [{"run": r.index + 1, **r.row()} for r in results]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["run"])
        w.writeheader()
        w.writerows(rows)
