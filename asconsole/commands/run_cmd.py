"""`asconsole run` (the default): the console on a live engine, or `--headless` with a
control socket for `asconsole attach`.

If the console crashes, Textual restores the terminal and prints the traceback; the reason
is also written to `crash.txt` in the session directory and becomes the session's exit
reason, so it survives a closed terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from asconsole.clock import WallClock
from asconsole.commands.common import load_settings, settings_flags
from asconsole.config import Settings

ON_DETACH_WAIT_S = 10.0
CRASH_FILE = "crash.txt"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run_p = sub.add_parser("run", help="start the console (default)")
    settings_flags(run_p)
    run_p.add_argument("--no-record", action="store_true", help="do not record this run")
    run_p.add_argument("--headless", action="store_true",
                       help="no console: run the engine with a control socket (asconsole attach)")
    run_p.add_argument("--socket", type=Path, help="control socket path for --headless")
    run_p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from asconsole.launch import build, resolve_instrument

    settings = load_settings(args)
    instrument = asyncio.run(resolve_instrument(settings))
    launch = build(settings, WallClock(), record=not args.no_record, instrument=instrument)
    if args.headless:
        try:
            reason = asyncio.run(headless(launch.runner, settings, args.socket))
        finally:  # the runner closes it, unless it never ran (the socket could not be opened)
            close_recording(launch, "headless start failed")
        print(f"engine stopped: {reason}", file=sys.stderr)
        if launch.recorder is not None:
            print(f"session recorded in {launch.recorder.path}", file=sys.stderr)
        return 0
    return console(launch, settings)


def close_recording(launch, reason: str) -> None:  # type: ignore[no-untyped-def]
    """Stop the recorder's writer thread and close its file; a no-op when the runner did."""
    if launch.recorder is not None:
        launch.recorder.close(WallClock().now(), reason)


def console(launch, settings: Settings) -> int:  # type: ignore[no-untyped-def]
    app = None
    try:
        from asconsole.tui.app import AsconsoleApp

        app = AsconsoleApp(launch.runner, ui=settings.ui)

        async def main() -> None:
            assert app is not None
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, launch.runner.request_stop, "SIGTERM")
            loop.add_signal_handler(signal.SIGHUP, launch.runner.detached,
                                    settings.control.on_detach, ON_DETACH_WAIT_S)
            await app.run_async()

        asyncio.run(main())
    finally:  # the UI may have failed before or while the runner stopped
        reason = (app.exit_reason if app else "") or "console closed"
        crash = app.crash_report if app else ""
        if crash:  # the runner may have closed the session with this reason already
            reason = "console crashed: " + crash.strip().splitlines()[-1]
            if launch.recorder is not None:
                (launch.recorder.path / CRASH_FILE).write_text(crash, encoding="utf-8")
        close_recording(launch, reason)
    if launch.recorder is not None:
        print(f"session recorded in {launch.recorder.path}")
        if crash:
            print(f"asconsole: {reason} (details in {launch.recorder.path / CRASH_FILE})",
                  file=sys.stderr)
    if crash:
        return 1
    if app.exit_reason.startswith("engine error"):
        print(f"asconsole: {app.exit_reason}", file=sys.stderr)
        return 1
    return 0


async def headless(runner, settings: Settings, socket: Path | None) -> str:  # type: ignore[no-untyped-def]
    from asconsole.control.server import ControlServer, default_socket

    path = socket or (Path(settings.control.socket) if settings.control.socket else default_socket())
    server = ControlServer(runner, path, settings.control.on_detach)
    await server.start()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, runner.request_stop, sig.name)
    loop.add_signal_handler(signal.SIGHUP, runner.note, "SIGHUP ignored: running headless")
    print(f"engine running headless; attach with: asconsole attach --socket {path}", file=sys.stderr)
    try:
        return await runner.run()
    finally:
        await server.stop()
