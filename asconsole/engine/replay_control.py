"""The replay as a console controller: plays a `Replay` in (scaled) wall time and publishes
snapshots, like the live `Runner` does, so the same console renders it.

The operator drives the playback, not the engine: pause, speed (0.5x-100x), seek and jump.
Commands meant for the engine (pause quoting, flatten, go live) are not sent anywhere: a
replay is read-only; quit ends it. A seek that has to re-run from the start runs in a worker
thread so the screen stays responsive meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asconsole.clock import NS_PER_S
from asconsole.domain import Command, CommandKind
from asconsole.engine.replay import Replay
from asconsole.engine.snapshot import Snapshot

Listener = Callable[[Snapshot], None]
SPEEDS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
SEEK_NS = 60 * NS_PER_S


def parse_when(text: str, start_ns: int) -> int:
    """`+90`, `+1:30`, `+1:02:03` from the start of the recording, or `14:05[:30]` UTC on its
    day (the next day when that is before the start) -> ns. ValueError when unreadable."""
    text = text.strip()
    offset = text.startswith("+")
    parts = text.lstrip("+").split(":")
    if not 1 <= len(parts) <= 3 or (not offset and len(parts) == 1):
        raise ValueError(f"{text!r}: expected +SS, +MM:SS, +HH:MM:SS or HH:MM[:SS] UTC")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"{text!r}: not a time") from None
    if offset:
        seconds = sum(n * 60**i for i, n in enumerate(reversed(nums)))
        return start_ns + int(seconds * NS_PER_S)
    h, m, sec = (nums + [0.0])[:3]
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= sec < 60):
        raise ValueError(f"{text!r}: not a time of day")
    start = datetime.fromtimestamp(start_ns / NS_PER_S, UTC)
    at = start.replace(hour=int(h), minute=int(m), second=0, microsecond=0) + timedelta(seconds=sec)
    if at < start.replace(microsecond=0):
        at += timedelta(days=1)
    return int(at.timestamp()) * NS_PER_S + round((at.timestamp() % 1) * NS_PER_S)


@dataclass(frozen=True, slots=True)
class ReplayState:
    """What the replay bar shows."""

    now: int
    start: int
    end: int | None
    speed: float
    paused: bool
    at_end: bool
    seeking: bool
    matched: int
    mismatch: str
    whatif: Snapshot | None
    whatif_label: str


class ReplayController:
    live_refusal = "this is a replay: nothing is sent to a venue"

    def __init__(
        self, replay: Replay, refresh_hz: float = 10.0, speed: float = 1.0, whatif_label: str = ""
    ) -> None:
        self.replay = replay
        self.period = 1.0 / refresh_hz
        self.speed = speed
        self.paused = False
        self.whatif_label = whatif_label
        self.latest: Snapshot | None = None
        self.state: ReplayState | None = None
        self._listeners: list[Listener] = []
        self._target: int | None = None
        self._goal = replay.now
        self._seeking = False
        self._whatif: Snapshot | None = None
        self._quit = asyncio.Event()
        self.publish()

    # --- the controller API the console uses ---------------------------------------------------

    def submit(self, cmd: Command) -> None:
        if cmd.kind is CommandKind.QUIT:
            self._quit.set()

    def add_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)
        if self.latest is not None:
            fn(self.latest)

    def request_stop(self, reason: str) -> None:
        """The console is going away (it crashed): stop playing; a replay has no orders to
        cancel and no session directory to write the reason to."""
        self._quit.set()

    # --- playback controls ---------------------------------------------------------------------

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        self.publish()

    def faster(self) -> None:
        self.speed = next((s for s in SPEEDS if s > self.speed), SPEEDS[-1])
        self.publish()

    def slower(self) -> None:
        self.speed = next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0])
        self.publish()

    @property
    def busy(self) -> bool:
        """A seek is pending or running."""
        return self._target is not None or self._seeking

    @property
    def position(self) -> int:
        """Where the replay is, or is going when a seek is under way."""
        return self._goal if self.busy else self.replay.now

    def seek(self, delta_ns: int) -> None:
        self.jump(self.position + delta_ns)

    def jump(self, ts: int) -> None:
        """Go to `ts` (event time), clamped to the recording."""
        ts = max(ts, self.replay.start_ns)
        if self.replay.end_ns is not None:
            ts = min(ts, self.replay.end_ns)
        self._target = self._goal = ts
        self.publish()

    # --- running ----------------------------------------------------------------------------------

    def publish(self) -> None:
        """Hand the newest snapshot to the listeners. During a seek the engine belongs to the
        worker thread: only the replay bar's numbers are refreshed."""
        r = self.replay
        fresh: Snapshot | None = None
        if not self._seeking:
            self.latest = fresh = r.snapshot()
            self._whatif = r.whatif.engine.snapshot() if r.whatif is not None else None
        self.state = ReplayState(
            now=r.now,
            start=r.start_ns,
            end=r.end_ns,
            speed=self.speed,
            paused=self.paused,
            at_end=r.done,
            seeking=self.busy,
            matched=r.matched,
            mismatch=r.mismatch,
            whatif=self._whatif,
            whatif_label=self.whatif_label,
        )
        if fresh is not None:
            for fn in self._listeners:
                fn(fresh)

    async def _do_seek(self, ts: int) -> None:
        try:
            if ts < self.replay.now:
                await asyncio.to_thread(self.replay.seek, ts)
            else:
                await asyncio.to_thread(self.replay.advance_to, ts)
        finally:
            self._seeking = False

    async def run(self) -> str:
        last = time.monotonic()
        while not self._quit.is_set():
            try:
                await asyncio.wait_for(self._quit.wait(), self.period)
                break
            except TimeoutError:
                pass
            now = time.monotonic()
            elapsed, last = now - last, now
            if self._target is not None:
                target, self._target = self._target, None
                self._seeking = True
                self.publish()
                await self._do_seek(target)
                last = time.monotonic()
            elif not self.paused and not self.replay.done:
                self.replay.advance_to(self.replay.now + int(elapsed * self.speed * NS_PER_S))
            self.publish()
        return "quit"
