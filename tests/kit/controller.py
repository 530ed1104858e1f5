"""A controller for the TUI driven by the synchronous `Driver`: commands apply at once and the
clock moves only when the test says so, so Pilot tests and snapshots are deterministic."""

from __future__ import annotations

import asyncio
from typing import Any

from asconsole.domain import Command, CommandKind
from asconsole.engine.snapshot import Snapshot
from tests.kit.builders import Rig


class SteppedController:
    live_refusal = "the simulated market has no live trading"

    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.latest: Snapshot | None = None
        self._listeners: list[Any] = []
        self._quit = asyncio.Event()
        self.commands: list[Command] = []
        self.stop_reason = ""
        self.publish()

    def publish(self) -> None:
        self.latest = self.rig.engine.snapshot()
        for fn in self._listeners:
            fn(self.latest)

    def add_listener(self, fn: Any) -> None:
        self._listeners.append(fn)
        if self.latest is not None:
            fn(self.latest)

    def submit(self, cmd: Command) -> None:
        self.commands.append(cmd)
        self.rig.driver.command(cmd)
        self.publish()
        if cmd.kind is CommandKind.QUIT:
            self._quit.set()

    def request_stop(self, reason: str) -> None:
        self.stop_reason = reason
        self._quit.set()

    def advance(self, seconds: float) -> None:
        self.rig.run_for(seconds)
        self.publish()

    async def run(self) -> str:
        await self._quit.wait()
        return "quit"
