"""`asconsole run` (the default): the console on a live engine.

If the console crashes, Textual restores the terminal and prints the traceback; the reason
is also written to `crash.txt` in the session directory and becomes the session's exit
reason, so it survives a closed terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from asconsole.clock import WallClock
from asconsole.commands.common import load_settings, settings_flags

CRASH_FILE = "crash.txt"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run_p = sub.add_parser("run", help="start the console (default)")
    settings_flags(run_p)
    run_p.add_argument("--no-record", action="store_true", help="do not record this run")
    run_p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from asconsole.launch import build
    from asconsole.tui.app import AsconsoleApp

    settings = load_settings(args)
    launch = build(settings, WallClock(), record=not args.no_record)
    app = AsconsoleApp(launch.runner, ui=settings.ui)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, launch.runner.request_stop, sig.name)
        await app.run_async()

    try:
        asyncio.run(main())
    finally:
        reason = app.exit_reason or "console closed"
        if app.crash_report:  # the runner may have closed the session with this already
            reason = "console crashed: " + app.crash_report.strip().splitlines()[-1]
        if launch.recorder is not None:
            if app.crash_report:
                (launch.recorder.path / CRASH_FILE).write_text(app.crash_report, encoding="utf-8")
            launch.recorder.close(WallClock().now(), reason)
    if launch.recorder is not None:
        print(f"session recorded in {launch.recorder.path}")
        if app.crash_report:
            print(f"asconsole: {reason} (details in {launch.recorder.path / CRASH_FILE})",
                  file=sys.stderr)
    if app.crash_report:
        return 1
    if app.exit_reason.startswith("engine error"):
        print(f"asconsole: {app.exit_reason}", file=sys.stderr)
        return 1
    return 0
