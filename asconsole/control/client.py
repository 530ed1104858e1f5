"""A console's side of the control socket: the `Controller` the Textual app expects, backed by
a running engine in another process."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from asconsole.control.wire import from_plain
from asconsole.domain import Command
from asconsole.engine.snapshot import Snapshot


class AttachError(RuntimeError):
    """No engine to attach to, said in one line."""


async def connect(path: Path) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, dict[str, Any]]:
    try:
        reader, writer = await asyncio.open_unix_connection(str(path), limit=16 * 1024 * 1024)
    except (FileNotFoundError, ConnectionRefusedError):
        raise AttachError(
            f"no engine is running at {path} (start one with `asconsole run --headless`)"
        ) from None
    except PermissionError:
        raise AttachError(f"{path}: permission denied (the engine belongs to another user)") from None
    hello = json.loads(await reader.readline())
    return reader, writer, hello


def send_command(writer: asyncio.StreamWriter, cmd: Command) -> None:
    msg = {"type": "command", "kind": cmd.kind.value, "name": cmd.name, "value": cmd.value,
           "source": cmd.source}
    writer.write((json.dumps(msg) + "\n").encode())


class RemoteController:
    """Snapshots from the engine, commands to it. `run()` returns when the console detaches
    (quit) or the engine goes away; quitting the console does not stop the engine unless the
    command was QUIT from this console."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.latest: Snapshot | None = None
        self.live_refusal = ""
        self._listeners: list[Any] = []
        self._writer: asyncio.StreamWriter | None = None
        self._detach = asyncio.Event()

    def add_listener(self, fn: Any) -> None:
        self._listeners.append(fn)
        if self.latest is not None:
            fn(self.latest)

    def submit(self, cmd: Command) -> None:
        if self._writer is not None:
            send_command(self._writer, cmd)

    def detach(self) -> None:
        self._detach.set()

    def request_stop(self, reason: str) -> None:
        """The console is going away (a crash): detach; the engine keeps running."""
        self.detach()

    async def run(self) -> str:
        reader, writer, hello = await connect(self.path)
        self._writer = writer
        self.live_refusal = hello.get("live_refusal", "")
        detach = asyncio.create_task(self._detach.wait())
        try:
            while True:
                line_task = asyncio.create_task(reader.readline())
                done, _ = await asyncio.wait({line_task, detach}, return_when=asyncio.FIRST_COMPLETED)
                if detach in done:
                    line_task.cancel()
                    return "detached"
                line = line_task.result()
                if not line:
                    return "engine stopped"
                msg = json.loads(line)
                if msg.get("type") == "snapshot":
                    self.latest = from_plain(Snapshot, msg["data"])
                    for fn in self._listeners:
                        fn(self.latest)
        finally:
            detach.cancel()
            writer.close()
