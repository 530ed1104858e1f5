"""`asconsole run` (the default): the console on a live engine."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from asconsole.clock import WallClock
from asconsole.commands.common import load_settings, settings_flags


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
    app = AsconsoleApp(launch.runner, refresh_hz=settings.ui.refresh_hz)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, launch.runner.request_stop, sig.name)
        await app.run_async()

    try:
        asyncio.run(main())
    finally:
        if launch.recorder is not None:
            launch.recorder.close(WallClock().now(), app.exit_reason or "console closed")
    if launch.recorder is not None:
        print(f"session recorded in {launch.recorder.path}")
    if app.exit_reason.startswith("engine error"):
        print(f"asconsole: {app.exit_reason}", file=sys.stderr)
        return 1
    return 0
