"""`asconsole report SESSION... [--json] [--html FILE]`: did this make money, and why."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="performance report of recorded sessions (side by side)")
    p.add_argument("sessions", nargs="+", type=Path, metavar="SESSION", help="session directories")
    p.add_argument(
        "--json", action="store_true", help="print JSON (a list, one object per session)"
    )
    p.add_argument(
        "--html", type=Path, metavar="FILE", help="also write a self-contained HTML report"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from asconsole.analysis.html import page
    from asconsole.analysis.metrics import compute
    from asconsole.analysis.report import render, to_json
    from asconsole.recording.reader import open_session

    metrics, warnings = [], []
    names = [p.resolve().name for p in args.sessions]
    for path, name in zip(args.sessions, names, strict=True):
        if names.count(name) > 1:  # same directory name in two places: say which
            name = f"{path.resolve().parent.name}/{name}"
        session = open_session(path)
        metrics.append(compute(name, session.meta, session.lines()))
        warnings += session.warnings
    if args.json:
        sys.stdout.write(to_json(metrics) + "\n")
    else:
        render(metrics, Console())
    if args.html:
        args.html.write_text(page(metrics), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    for w in warnings:
        print(f"asconsole: {w}", file=sys.stderr)
    return 0
