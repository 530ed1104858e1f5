"""The control socket of a running engine.

A Unix socket (owner-only: the directory is 0700 and the socket 0600) speaking JSON lines.
Server to client: `{"type": "hello", "live_refusal": ...}` then `{"type": "snapshot",
"data": ...}` at the runner's refresh rate; a client whose link is slow gets only the newest
snapshot (older ones are dropped, never queued). Client to server: `{"type": "command",
"kind": ..., "name": ..., "value": ...}`. When the last console goes away, `on_detach`
decides: keep trading, pause, or flatten.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from asconsole.control.wire import to_plain
from asconsole.domain import Command, CommandKind
from asconsole.engine.runner import Runner
from asconsole.engine.snapshot import Snapshot

MAX_PENDING_BYTES = 256 * 1024
ON_DETACH = {"pause": CommandKind.PAUSE, "flatten": CommandKind.FLATTEN}


def default_socket() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path(f"/tmp/asconsole-{os.getuid()}")
    return base / "asconsole.sock"


def encode_snapshot(snap: Snapshot) -> bytes:
    return (json.dumps({"type": "snapshot", "data": to_plain(snap)}, separators=(",", ":")) + "\n").encode()


class ControlServer:
    def __init__(self, runner: Runner, path: Path, on_detach: str = "keep") -> None:
        self.runner = runner
        self.path = path
        self.on_detach = on_detach
        self.clients: set[asyncio.StreamWriter] = set()
        self._server: asyncio.AbstractServer | None = None
        self._latest: bytes = b""
        self._watch: asyncio.Task[None] | None = None
        runner.add_listener(self._on_snapshot)

    async def start(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.path.parent, 0o700)
        if self.path.exists():
            if await self._alive():
                raise RuntimeError(f"{self.path}: another engine is already running")
            self.path.unlink()
        old = os.umask(0o177)
        try:
            self._server = await asyncio.start_unix_server(self._client, path=str(self.path))
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        self._watch = asyncio.create_task(self._close_when_engine_stops(), name="control-watch")

    async def _close_when_engine_stops(self) -> None:
        """Consoles learn the engine is gone by their connection closing."""
        await self.runner.stopped.wait()
        for w in list(self.clients):
            w.close()

    async def _alive(self) -> bool:
        try:
            _, w = await asyncio.open_unix_connection(str(self.path))
        except OSError:
            return False
        w.close()
        return True

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if self._server is not None:
            self._server.close()
        for w in list(self.clients):
            w.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _on_snapshot(self, snap: Snapshot) -> None:
        if not self.clients:
            return
        self._latest = encode_snapshot(snap)
        for w in list(self.clients):
            if w.is_closing():
                continue
            if w.transport.get_write_buffer_size() > MAX_PENDING_BYTES:
                continue  # slow link: skip this one, the next snapshot supersedes it
            w.write(self._latest)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hello = {"type": "hello", "live_refusal": self.runner.live_refusal}
        writer.write((json.dumps(hello) + "\n").encode())
        if self.runner.latest is not None:
            writer.write(encode_snapshot(self.runner.latest))
        self.clients.add(writer)
        try:
            while line := await reader.readline():
                self._handle(line)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the console went away, or the engine is shutting down
        finally:
            self.clients.discard(writer)
            writer.close()
            if not self.clients and self.on_detach in ON_DETACH:
                self.runner.note(f"console detached: {self.on_detach}")
                self.runner.submit(Command(ON_DETACH[self.on_detach], source="detach"))

    def _handle(self, line: bytes) -> None:
        try:
            msg: dict[str, Any] = json.loads(line)
            if msg.get("type") != "command":
                return
            cmd = Command(CommandKind(msg["kind"]), name=msg.get("name", ""),
                          value=msg.get("value"), source=msg.get("source", "attach"))
        except (ValueError, KeyError, TypeError):
            self.runner.note("control: ignored a malformed message")
            return
        self.runner.submit(cmd)
