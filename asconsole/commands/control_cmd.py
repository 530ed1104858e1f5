"""`asconsole attach | flatten | stop`: talk to a headless engine over its control socket."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from asconsole.commands.common import load_settings
from asconsole.control.client import AttachError, connect, send_command
from asconsole.control.server import default_socket
from asconsole.domain import Command, CommandKind

FLATTEN_TIMEOUT_S = 30.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name, help_text in (
        ("attach", "open the console on a headless engine (q detaches, the engine keeps running)"),
        ("flatten", "kill switch of a headless engine: cancel all, close the position, pause"),
        ("stop", "stop a headless engine (working orders are cancelled)"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--config", type=Path)
        p.add_argument("--socket", type=Path, help="control socket (default from config)")
        p.set_defaults(handler=run, control=name)


def socket_path(args: argparse.Namespace) -> Path:
    if args.socket:
        return Path(args.socket)
    cfg = load_settings(argparse.Namespace(config=args.config))
    return Path(cfg.control.socket) if cfg.control.socket else default_socket()


def run(args: argparse.Namespace) -> int:
    path = socket_path(args)
    try:
        if args.control == "attach":
            return attach(path)
        return asyncio.run(flatten(path) if args.control == "flatten" else stop(path))
    except AttachError as exc:
        print(f"asconsole: {exc}", file=sys.stderr)
        return 1


def attach(path: Path) -> int:
    from asconsole.control.client import RemoteController
    from asconsole.tui.attached import AttachedApp

    ctl = RemoteController(path)
    app = AttachedApp(ctl)
    app.run()
    if app.exit_reason.startswith("engine error"):
        print(f"asconsole: {app.exit_reason.removeprefix('engine error: ')}", file=sys.stderr)
        return 1
    return 0


async def flatten(path: Path) -> int:
    reader, writer, _ = await connect(path)
    send_command(writer, Command(CommandKind.FLATTEN, source="cli"))
    await writer.drain()
    deadline = time.monotonic() + FLATTEN_TIMEOUT_S
    last = ""
    try:
        while time.monotonic() < deadline:
            try:
                line = await asyncio.wait_for(reader.readline(), deadline - time.monotonic())
            except TimeoutError:
                break
            if not line:
                print("asconsole: the engine stopped before the position was flat", file=sys.stderr)
                return 1
            msg = json.loads(line)
            if msg.get("type") != "snapshot":
                continue
            state = msg["data"]["flatten"]
            if state != last:
                print(f"flatten: {state or 'requested'}")
                last = state
            if state == "flat":
                return 0
            if state.startswith("error"):
                return 1
        print(f"asconsole: not flat after {FLATTEN_TIMEOUT_S:.0f} s (last state: {last or 'none'})",
              file=sys.stderr)
        return 1
    finally:
        writer.close()


async def stop(path: Path) -> int:
    reader, writer, _ = await connect(path)
    send_command(writer, Command(CommandKind.QUIT, source="cli"))
    await writer.drain()
    while await reader.readline():
        pass
    print("engine stopped")
    return 0
