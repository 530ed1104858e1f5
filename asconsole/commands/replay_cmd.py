"""`asconsole replay SESSION [--what-if key=value ...]`: watch a recording in the console."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from asconsole.commands.common import number
from asconsole.config import ConfigError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("replay", help="watch a recorded session in the console (what-if optional)")
    p.add_argument("session", type=Path, help="session directory (e.g. sessions/sample)")
    p.add_argument(
        "--what-if",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="re-run the engine with these settings on the same market data and a paper "
        "exchange, shown beside the recording; KEY is one of [quote] or section.key",
    )
    p.add_argument(
        "--speed", type=number, default=1.0, help="playback speed, 0.5 to 100 (default 1)"
    )
    p.add_argument(
        "--at", default="", help="start at this time: +MM:SS from the start, or HH:MM[:SS] UTC"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from asconsole.engine.replay import Replay
    from asconsole.engine.replay_control import ReplayController, parse_when
    from asconsole.engine.whatif import parse_changes
    from asconsole.recording.reader import open_session
    from asconsole.tui.replay import ReplayApp

    if not 0.5 <= args.speed <= 100:
        raise ConfigError(f"--speed {args.speed:g}: allowed from 0.5 to 100")
    changes = parse_changes(args.what_if)
    replay = Replay(open_session(args.session), whatif=changes)
    controller = ReplayController(
        replay, replay.settings.ui.refresh_hz, args.speed, whatif_label=" ".join(args.what_if)
    )
    if args.at:
        try:
            replay.advance_to(parse_when(args.at, replay.start_ns))
        except ValueError as exc:
            raise ConfigError(f"--at {exc}") from None
        controller.publish()
    app = ReplayApp(controller, refresh_hz=replay.settings.ui.refresh_hz)
    asyncio.run(app.run_async())
    for w in replay.session.warnings:
        print(f"asconsole: {w}")
    return 0
