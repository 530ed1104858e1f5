"""Re-run a recording through the engine: the state the console showed, rebuilt exactly.

Market, execution and command lines go into a fresh `Engine` on an `EventClock`, in the
order they were recorded (the order the engine saw them); no broker is involved, because the
recorded execution events are what happened. The clock stands, for each line, where the
recording's engine had it: the line's `t`, plus its `lag` when a live run took it later.
A live run (`timing = "recorded"` in meta.toml) recorded its timer ticks and paper/live
switches too, and the replay fires exactly those; otherwise timers fire on the `Driver`'s
schedule (every `timer_ns` of event time from the first market event) before the first line
at or after their time. Either way the recording is reproduced decision for decision: every
order action and `quote` line the replayed engine emits is checked against the recorded one,
and the first difference is kept in `mismatch`.

Seeking back re-runs from the start (the engine is far faster than real time); seeking
forward runs on without publishing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from asconsole import config
from asconsole.clock import NS_PER_MS, EventClock
from asconsole.domain import CommandKind, OrderAction, VenuePosition
from asconsole.engine.engine import Engine
from asconsole.engine.snapshot import Snapshot
from asconsole.engine.whatif import WhatIf
from asconsole.recording.codec import (
    ACTION_KINDS,
    EXEC_KINDS,
    MARKET_KINDS,
    MODE,
    TIMER,
    decode,
    taken_at,
)
from asconsole.recording.reader import RecordingError, Session, instrument_from_meta
from asconsole.recording.writer import RECORDED_TIMING

TIMER_NS = 100 * NS_PER_MS
PREFIX_SCAN = 100_000
"""Lines searched for our first order id (its prefix names our orders)."""
VENUE_ONLY = (CommandKind.GO_LIVE, CommandKind.GO_PAPER)
"""Commands the live runner answers itself; the engine never saw them."""


def settings_of(session: Session) -> config.Settings:
    try:
        return config.from_mapping(session.meta.get("config", {}), f"{session.path}/meta.toml")
    except config.ConfigError as exc:
        raise RecordingError(
            f"recorded configuration not usable by this asconsole: {exc}"
        ) from None


def order_prefix(session: Session) -> str:
    for n, line in enumerate(session.lines()):
        if line["k"] == "place":
            return str(line["id"]).rsplit("-", 1)[0]
        if n >= PREFIX_SCAN:
            break
    return "as"


class Replay:
    def __init__(
        self,
        session: Session,
        whatif: dict[str, dict[str, Any]] | None = None,
        timer_ns: int = TIMER_NS,
    ) -> None:
        self.session = session
        self.settings = settings_of(session)
        self.instrument = instrument_from_meta(session.meta)
        self.prefix = order_prefix(session)
        self.start_ns: int = int(session.meta.get("start_ns", 0))
        end = session.meta.get("end_ns")
        self.end_ns: int | None = int(end) if end is not None else None
        self.timer_ns = timer_ns
        self.recorded_timing = session.meta.get("timing") == RECORDED_TIMING
        """Timer ticks are the recording's `timer` lines, not the Driver's schedule."""
        self.whatif_changes = whatif or {}
        self.restart()

    def restart(self) -> None:
        """A fresh engine at the start of the recording (seeking back runs from here)."""
        self.clock = EventClock(self.start_ns)
        self.engine = Engine(
            self.settings,
            self.instrument,
            self.clock,
            prefix=self.prefix,
            journal=self._journal,
            mode=str(self.session.meta.get("mode", "paper")),
        )
        self.whatif = (
            WhatIf(self.settings, self.whatif_changes, self.instrument, self.start_ns)
            if self.whatif_changes
            else None
        )
        self._lines: Iterator[dict[str, Any]] = self.session.lines()
        self._peek: dict[str, Any] | None = None
        self.done = False
        self.next_timer = 0
        self.lines = 0
        self.matched = 0
        self.mismatch = ""
        self._actions: deque[OrderAction] = deque()
        self._quotes: deque[dict[str, Any]] = deque()

    # --- what the replayed engine decides, checked against the recording ----------------------

    def _journal(self, ts: int, kind: str, payload: dict[str, Any]) -> None:
        if kind == "quote":
            self._quotes.append(payload)

    def _emitted(self, actions: list[OrderAction]) -> None:
        self._actions.extend(actions)

    def _check(self, line: dict[str, Any]) -> None:
        k = line["k"]
        if k in ACTION_KINDS:
            want: Any = decode(line)
            got: Any = self._actions.popleft() if self._actions else None
        else:
            want = {key: v for key, v in line.items() if key not in ("k", "t")}
            got = self._quotes.popleft() if self._quotes else None
        if got == want:
            self.matched += 1
        elif not self.mismatch:
            self.mismatch = f"line {self.lines}: recorded {k} {want}, replay decided {got}"

    # --- driving -----------------------------------------------------------------------------

    def _timers(self, ts: int) -> None:
        """Fire the Driver's timers due by `ts` (none when the recording has its own)."""
        while self.next_timer and ts >= self.next_timer:
            self.clock.advance_to(self.next_timer)
            self.next_timer += self.timer_ns
            self._emitted(self.engine.on_timer())

    def _apply(self, line: dict[str, Any]) -> None:
        k, ts = line["k"], taken_at(line)
        self.lines += 1
        if k in MARKET_KINDS and not self.next_timer and not self.recorded_timing:
            self.next_timer = ts + self.timer_ns
        self._timers(ts)
        if k in MARKET_KINDS:
            self.clock.advance_to(ts)
            ev = decode(line)
            self._emitted(self.engine.on_market(ev))
            if self.whatif is not None:
                self.whatif.market(ev)
        elif k in EXEC_KINDS:
            self.clock.advance_to(ts)
            self._emitted(self.engine.on_exec(decode(line)))
        elif k == TIMER:
            self.clock.advance_to(ts)
            self._emitted(self.engine.on_timer())
        elif k == MODE:
            self.clock.advance_to(ts)
            self.engine.om.orders.clear()
            self.engine.set_mode(line["mode"], VenuePosition(line["pos"], line["entry"]))
        elif k == "cmd":
            self.clock.advance_to(ts)
            cmd = decode(line)
            if cmd.kind not in VENUE_ONLY:
                self._emitted(self.engine.on_command(cmd))
                if self.whatif is not None:
                    self.whatif.command(cmd)
        elif k in ACTION_KINDS or k == "quote":
            self._check(line)

    def _next(self) -> dict[str, Any] | None:
        if self._peek is None:
            self._peek = next(self._lines, None)
            if self._peek is None:
                self.done = True
                if self.end_ns is None:
                    self.end_ns = self.clock.now()
        return self._peek

    def advance_to(self, ts: int) -> None:
        """Apply every line up to `ts` (event time); the clock then stands at `ts` or at the
        end of the recording."""
        while (line := self._next()) is not None and taken_at(line) <= ts:
            self._peek = None
            self._apply(line)
        if line is not None:
            self._timers(ts)
            self.clock.advance_to(ts)

    def run_to_end(self) -> None:
        while (line := self._next()) is not None:
            self._peek = None
            self._apply(line)

    def seek(self, ts: int) -> None:
        if ts < self.clock.now():
            self.restart()
        self.advance_to(ts)

    @property
    def now(self) -> int:
        return self.clock.now()

    def snapshot(self) -> Snapshot:
        return self.engine.snapshot()
