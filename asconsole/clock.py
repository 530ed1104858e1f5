"""The clock protocol. Engine logic never reads the wall clock itself: it is always handed an
`EventClock`. Replays and backtests advance it to each event's timestamp; the live runner
latches it to the wall clock (`WallClock`, or `ScaledClock` in demos and tests) once per input
and records that time, so the same recorded inputs always give the same decisions."""

from __future__ import annotations

import time
from typing import Protocol

NS_PER_S = 1_000_000_000
NS_PER_MS = 1_000_000


class Clock(Protocol):
    def now(self) -> int:
        """Nanoseconds since the Unix epoch."""
        ...


class WallClock:
    __slots__ = ()

    def now(self) -> int:
        return time.time_ns()


class EventClock:
    """Time that moves only when its driver (Driver, Replay, the live Runner) says so; never
    goes backwards."""

    __slots__ = ("_now",)

    def __init__(self, start: int = 0) -> None:
        self._now = start

    def now(self) -> int:
        return self._now

    def advance_to(self, ts: int) -> None:
        if ts > self._now:
            self._now = ts


class ScaledClock:
    """Wall time running `speed` times faster from the moment it is made: demos and tests run
    the whole live stack (feed pacing, staleness, timers) faster without changing any logic."""

    __slots__ = ("_t0", "_speed")

    def __init__(self, speed: float) -> None:
        self._t0 = time.time_ns()
        self._speed = speed

    def now(self) -> int:
        return self._t0 + int((time.time_ns() - self._t0) * self._speed)
