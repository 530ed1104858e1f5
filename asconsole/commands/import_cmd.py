"""`asconsole import SOURCE... --format F --symbol S -o SESSION`: public market data into a
session recording that backtest, replay and report read like a recorded one."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asconsole.clock import NS_PER_S
from asconsole.commands.common import number
from asconsole.config import ConfigError
from asconsole.importers.instruments import VENUES, instrument_facts
from asconsole.importers.session import FORMATS, ImportResult, import_session
from asconsole.importers.source import ImportContext


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import", help="import exchange captures or history files as a session",
        description="Stream market data files into the session recording format (docs/import.md).",
    )
    p.add_argument("sources", nargs="+", type=Path, metavar="SOURCE",
                   help="input files, in time order (gzip and zip are read directly)")
    p.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt")
    p.add_argument("--symbol", required=True, help="instrument symbol, e.g. BTCUSDT")
    p.add_argument("--venue", choices=sorted(VENUES),
                   help="venue of --format normalized data (its tick, lot, fee and kind defaults)")
    p.add_argument("--tick", help="price step, e.g. 0.1 (default: the venue's)")
    p.add_argument("--lot", help="size step, e.g. 0.001 (default: the venue's)")
    p.add_argument("--maker", type=number, help="maker fee rate (default: the venue's VIP0)")
    p.add_argument("--taker", type=number, help="taker fee rate (default: the venue's VIP0)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="SESSION",
                   help="the new session directory")
    p.add_argument("--skip-bad", action="store_true",
                   help="skip corrupt lines (counted) instead of stopping at the first one")
    p.set_defaults(handler=run)


class ProgressBar:
    """A rich progress bar of input bytes on a terminal; silent otherwise (pipes, tests, CI)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if not sys.stderr.isatty():
            return lambda done: None
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        self._bar = Progress("importing", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                             console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task("import", total=self.total)
        return self._update

    def _update(self, done: int) -> None:
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def run(args: argparse.Namespace) -> int:
    fixed = FORMATS[args.fmt][0]
    if fixed and args.venue not in (None, fixed):
        raise ConfigError(f"--format {args.fmt} is {fixed} data; --venue {args.venue} does not apply")
    venue = fixed or args.venue
    if venue is None:
        raise ConfigError("--format normalized needs --venue (the normalized form does not say)")
    try:
        facts = instrument_facts(venue, args.symbol, args.tick, args.lot, args.maker, args.taker)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    missing = [str(p) for p in args.sources if not p.is_file()]
    if missing:
        raise ConfigError(f"no such file: {', '.join(missing)}")
    total = sum(p.stat().st_size for p in args.sources)
    with ProgressBar(total) as progress:
        ctx = ImportContext(skip_bad=args.skip_bad, progress=progress)
        result = import_session(args.fmt, args.sources, facts, args.output, ctx)
    print(summary(result))
    return 0


def summary(r: ImportResult) -> str:
    st = r.stats
    span = (st.last_ts - st.first_ts) / NS_PER_S
    lines = [
        f"imported {st.events:,} events into {r.path}",
        f"  {st.snapshots:,} book snapshots, {st.deltas:,} book deltas, {st.trades:,} trades"
        f" over {span:,.1f} s",
        f"  gaps {st.gaps}, bad lines skipped {st.bad_lines}, dropped {st.dropped:,}, "
        f"ignored {st.ignored:,}",
    ]
    return "\n".join(lines)
