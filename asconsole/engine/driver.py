"""Drive the engine synchronously on an event clock: backtests, what-if replays and tests.

The paper exchange sees each market event before the engine does, so orders fill as they
rested when the market moved; the engine then reacts. Actions and the execution events they
cause are processed through one queue until the system is quiet again. A timer fires every
`timer_ns` of event time, as the live runner's does in wall time.

With order latency the exchange holds requests in flight; before each market event the
driver releases, in time order, every timer and request due by then (a request before a
timer due at the same instant, both before the market event of that instant), so the run
is the same every time for the same inputs.
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
        self._held: MarketEvent | None = None
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

    def _deliver(self, events: list[ExecEvent]) -> None:
        for ev in events:
            self.tap(ev)
            self._settle(self.engine.on_exec(ev))

    def release(self, ts: int) -> None:
        """Fire the timers and venue requests due at or before `ts`, in time order."""
        if self.next_timer == 0:
            self.next_timer = ts + self.timer_ns
        exchange, clock = self.exchange, self.clock
        while True:
            due = exchange.next_due()
            if due is not None and due <= ts and due <= self.next_timer:
                clock.advance_to(due)
                self._deliver(exchange.advance(due))
            elif self.next_timer <= ts:
                clock.advance_to(self.next_timer)
                self.next_timer += self.timer_ns
                self._settle(self.engine.on_timer())
            else:
                return

    def market(self, ev: MarketEvent) -> None:
        ts = ev.ts
        due = self.exchange.next_due()
        if ts >= self.next_timer or (due is not None and due <= ts):
            self.release(ts)
        self.clock.advance_to(ts)
        self.events += 1
        fills = self.exchange.on_market(ev)
        if fills:
            self._deliver(fills)
        self.tap(ev)  # tapped in the order the engine sees things, as the recording requires
        actions = self.engine.on_market(ev)
        if actions:
            self._settle(actions)
        due = self.exchange.next_due()
        if due is not None and due <= ts:
            self.release(ts)

    def command(self, cmd: Command) -> None:
        self.tap(cmd)
        self._settle(self.engine.on_command(cmd))

    def run(self, events: Iterable[MarketEvent], until_ts: int | None = None) -> None:
        """Drive `events` up to `until_ts`. The first event past it is held, not lost: the
        next `run` on the same stream starts with it (a lost book delta would be a gap)."""
        held, self._held = self._held, None
        if held is not None:
            if until_ts is not None and held.ts > until_ts:
                self._held = held
                return
            self.market(held)
        for ev in events:
            if until_ts is not None and ev.ts > until_ts:
                self._held = ev
                return
            self.market(ev)
