"""Fills and events, newest first, with the UTC time the console first saw them.

Three sources meet here: the engine's log lines (fills, notes), guard state changes seen
between snapshots, and the console's own messages (refusals, errors, theme problems).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text

from asconsole.engine.snapshot import Snapshot
from asconsole.risk.base import GuardStatus
from asconsole.tui.format import hms
from asconsole.tui.widgets.pane import Pane

KEEP = 200


@dataclass(frozen=True, slots=True)
class Entry:
    ts: int
    kind: str
    """buy, sell, error, warn or info: picks the colour."""
    text: str


def new_lines(prev: tuple[str, ...], cur: tuple[str, ...]) -> list[str]:
    """Lines of `cur` (newest first) not already in `prev`: the smallest k for which the rest
    of `cur` continues `prev`."""
    for k in range(len(cur) + 1):
        rest = cur[k:]
        if rest == prev[: len(rest)]:
            return list(cur[:k])
    return list(cur)


def kind_of(line: str) -> str:
    low = line.lower()
    if low.startswith("fill buy"):
        return "buy"
    if low.startswith("fill sell"):
        return "sell"
    if any(w in low for w in ("error", "failed", "rejected", "refused", "disconnect")):
        return "error"
    if any(w in low for w in ("flatten", "gap", "stale", "limit", "paused", "live")):
        return "warn"
    return "info"


def guard_changes(prev: tuple[GuardStatus, ...], cur: tuple[GuardStatus, ...]) -> list[Entry]:
    before = {g.name: g.state for g in prev}
    out = []
    for g in cur:
        was = before.get(g.name)
        if was is not None and was is not g.state:
            kind = {"tripped": "error", "warn": "warn"}.get(g.state.value, "info")
            why = f": {g.reason}" if g.reason else ""
            text = f"guard {g.name} {was.value.upper()} → {g.state.value.upper()} ({g.value}){why}"
            out.append(Entry(0, kind, text))
    return out


class LogPane(Pane):
    DEFAULT_CSS = """
    LogPane > .log--buy { color: $success; }
    LogPane > .log--sell { color: $error; }
    LogPane > .log--error { color: $error; text-style: bold; }
    LogPane > .log--warn { color: $warning; }
    LogPane > .log--info { }
    LogPane > .log--time { text-style: dim; }
    """
    COMPONENT_CLASSES = {"log--buy", "log--sell", "log--error", "log--warn", "log--info", "log--time"}

    def __init__(self, **kw: object) -> None:
        super().__init__("Fills & events", **kw)
        self.entries: deque[Entry] = deque(maxlen=KEEP)
        self._seen: Snapshot | None = None

    def show(self, s: Snapshot) -> None:
        prev = self._seen
        self._seen = s
        lines = new_lines(prev.log if prev else (), s.log)
        for line in reversed(lines):
            self.entries.appendleft(Entry(s.ts, kind_of(line), line))
        if prev is not None:
            for e in guard_changes(prev.guards, s.guards):
                self.entries.appendleft(Entry(s.ts, e.kind, e.text))
        super().show(s)

    def add(self, ts: int, kind: str, text: str) -> None:
        """A message from the console itself."""
        self.entries.appendleft(Entry(ts, kind, text))
        self.refresh()

    def draw(self, s: Snapshot, width: int, height: int) -> RenderableType:
        if not self.entries:
            return Text("no fills or events yet", style=self.rich("log--time"))
        out = []
        for e in list(self.entries)[: max(height, 1)]:
            t = Text(hms(e.ts) + " ", style=self.rich("log--time"))
            t.append(e.text, style=self.rich(f"log--{e.kind}"))
            t.truncate(width, overflow="ellipsis")
            out.append(t)
        return Text("\n", no_wrap=True, overflow="ellipsis").join(out)
