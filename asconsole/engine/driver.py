"""Drive the engine synchronously on an event clock: backtests, what-if replays and tests.

The paper exchange sees each market event before the engine does, so orders fill as they
rested when the market moved; the engine then reacts. Actions and the execution events they
cause are processed through one queue until the system is quiet again. A timer fires every
`timer_ns` of event time, as the live runner's does in wall time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from asconsole.clock import NS_PER_MS, EventClock
from asconsole.domain import Command, ExecEvent, MarketEvent, OrderAction
from asconsole.engine.engine import Engine
from asconsole.venues.paper import PaperExchange

Tap = Callable[[object], None]


def _ignore(_: object) -> None:
    return None


class Driver:
    def __init__(
        self,
        engine: Engine,
        exchange: PaperExchange,
        clock: EventClock,
        *,
        timer_ns: int = 100 * NS_PER_MS,
        tap: Tap = _ignore,
    ) -> None:
        self.engine = engine
        self.exchange = exchange
        self.clock = clock
        self.timer_ns = timer_ns
        self.tap = tap
        """Sees every market event, execution event, command and order action, in the order
        the engine sees or emits them (the recorder)."""
        self.next_timer = 0
        self.events = 0

    def _settle(self, actions: list[OrderAction]) -> None:
        pending: deque[ExecEvent] = deque()
        acts = deque(actions)
        while acts or pending:
            while acts:
                action = acts.popleft()
                self.tap(action)
                pending.extend(self.exchange.submit(action))
            while pending:
                ev = pending.popleft()
                self.tap(ev)
                acts.extend(self.engine.on_exec(ev))

    def _timers(self, ts: int) -> None:
        if self.next_timer == 0:
            self.next_timer = ts + self.timer_ns
        while ts >= self.next_timer:
            self.clock.advance_to(self.next_timer)
            self.next_timer += self.timer_ns
            self._settle(self.engine.on_timer())

    def market(self, ev: MarketEvent) -> None:
        self._timers(ev.ts)
        self.clock.advance_to(ev.ts)
        self.events += 1
        fills = self.exchange.on_market(ev)
        for f in fills:
            self.tap(f)
            self._settle(self.engine.on_exec(f))
        self.tap(ev)  # tapped in the order the engine sees things, as the recording requires
        self._settle(self.engine.on_market(ev))

    def command(self, cmd: Command) -> None:
        self.tap(cmd)
        self._settle(self.engine.on_command(cmd))

    def run(self, events: Iterable[MarketEvent], until_ts: int | None = None) -> None:
        for ev in events:
            if until_ts is not None and ev.ts > until_ts:
                break
            self.market(ev)
