"""The live driver: a feed, a broker, the engine and the recorder in one asyncio loop.

Inputs land in three queues. The loop always takes operator commands first, then execution
events, then market data, and yields to the event loop every few dozen market events (the
feed reader likewise), so a kill switch never waits behind a backlog and the UI stays
responsive. Order actions go out
through one sender task in order; a flatten drops any not-yet-sent new orders so the
cancel-all leaves first. Snapshots are built on a timer (the UI's refresh rate), never per
event, and handed to listeners: the in-process TUI or an attached console.

The engine's clock is latched: the runner sets it from the wall clock once per input it hands
the engine (market event, execution event, command, timer tick), so the engine reads one time
per input, and the recorder records that time with the input (`lag` where it differs from
the input's own time, a `timer` line per tick, a `mode` line per paper/live switch). A
replay of the recording therefore makes the same decisions. The recorder is closed on every
way out of `run`, and a recorder that stopped writing is told to the operator once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from asconsole.clock import NS_PER_MS, Clock, EventClock
from asconsole.domain import (
    CancelAll,
    Command,
    CommandKind,
    ExecEvent,
    MarketEvent,
    OrderAction,
    OrderRejected,
    PlaceOrder,
    VenuePosition,
)
from asconsole.engine.engine import Engine
from asconsole.engine.snapshot import Snapshot
from asconsole.venues.base import Broker, Feed, MarketObserver, VenueError

log = logging.getLogger(__name__)

Listener = Callable[[Snapshot], None]
MARKET_BATCH = 32
"""Market events handled (or read off the feed) between yields to the event loop: about 2 ms
of work, the most a command from a console waits to be read (bench/load.py: 256 let the kill
switch wait 65 ms at 5,000 messages a second)."""
STOP_TIMEOUT_S = 5.0
EXEC_DRAIN_TURNS = 3
"""Event-loop turns given to the exec reader after the broker stopped: one takes everything
the broker had queued (a queue with items hands them over without suspending)."""


class Runner:
    def __init__(
        self,
        engine: Engine,
        feed: Feed,
        broker: Broker,
        clock: Clock,
        *,
        recorder: Any = None,
        refresh_hz: float = 10.0,
        live_refusal: str = "",
        live_broker: Callable[[], Broker] | None = None,
        paper: Broker | None = None,
    ) -> None:
        if not isinstance(engine.clock, EventClock):
            raise TypeError("the runner sets the engine's time: build the engine on an EventClock")
        self.engine = engine
        self.latch: EventClock = engine.clock
        """The engine's clock; `_take` sets it to the wall clock's time for each input."""
        self.feed = feed
        self.broker = broker
        self.clock = clock
        self.recorder = recorder
        self.period = 1.0 / refresh_hz
        self.live_refusal = live_refusal
        """Why live trading cannot be entered ("" = it can)."""
        self._commands: deque[Command] = deque()
        self._exec: deque[ExecEvent] = deque()
        self._market: deque[MarketEvent] = deque()
        self._outbox: deque[OrderAction] = deque()
        self._wake = asyncio.Event()
        self._send_wake = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._listeners: list[Listener] = []
        self._stop_reason = ""
        self._done = asyncio.Event()
        self.latest: Snapshot | None = None
        self.lag_ms = 0.0
        self.max_backlog = 0
        self.observer = broker if isinstance(broker, MarketObserver) else None
        self.paper_broker: Broker | None = paper or (None if broker.is_live else broker)
        self.live_broker = live_broker
        """Makes the live broker when the operator switches to live (None: live impossible)."""
        self.switching = False
        self._recorder_error_told = False

    # --- the controller API the UI uses ------------------------------------------------------

    def submit(self, cmd: Command) -> None:
        """Queue an operator command; handled before any pending market data."""
        if not cmd.ts:
            cmd = dataclasses.replace(cmd, ts=self.clock.now())
        self._commands.append(cmd)
        self._wake.set()

    def add_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)
        if self.latest is not None:
            fn(self.latest)

    def note(self, text: str) -> None:
        """A line for the operator's log (and the recording), stamped with the time now."""
        self._take()
        self.engine.note(text)

    def request_stop(self, reason: str) -> None:
        """Stop soon (quit, signal): working orders are cancelled on the way out."""
        if not self._stop_reason:
            self._stop_reason = reason
        self._wake.set()

    def detached(self, policy: str, wait_s: float) -> None:
        """The operator's terminal went away (SIGHUP) with the engine in this process: pause or
        flatten per `policy`, then stop; working orders are cancelled on the way out. With
        "keep" there is no console left to keep trading under, so it stops like "pause"."""
        self.note(f"terminal hung up: {policy}")
        if policy == "flatten":
            self.submit(Command(CommandKind.FLATTEN, source="sighup"))
            self.spawn("sighup", self._stop_when_flat(wait_s))
        else:
            self.request_stop("SIGHUP")

    def _flatten_done(self) -> bool:
        state = self.engine.flatten_state
        return state == "flat" or state.startswith("error")

    async def _stop_when_flat(self, wait_s: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait_s):
                while not self._flatten_done():
                    await asyncio.sleep(0.05)
        self.request_stop("SIGHUP")

    @property
    def stopped(self) -> asyncio.Event:
        return self._done

    # --- tasks -------------------------------------------------------------------------------

    def spawn(self, name: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Every background task is named, referenced and has its failure reported."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.note(f"{task.get_name()} failed: {exc}")
            log.error("task %s failed", task.get_name(), exc_info=exc)
            if task.get_name() in ("feed", "exec") and not self._stop_reason:
                self.request_stop(f"{task.get_name()} failed: {exc}")

    async def _read_feed(self) -> None:
        read = 0
        async for ev in self.feed.events():
            self._market.append(ev)
            self._wake.set()
            read += 1
            if read % MARKET_BATCH == 0:
                await asyncio.sleep(0)  # a socket with data buffered never suspends the reader

    async def _read_exec(self) -> None:
        async for ev in self.broker.exec_events():
            self._exec.append(ev)
            self._wake.set()

    async def _send(self) -> None:
        while True:
            await self._send_wake.wait()
            self._send_wake.clear()
            while self._outbox:
                action = self._outbox.popleft()
                try:
                    await self.broker.submit(action)
                except VenueError as exc:
                    self.note(f"order request failed: {exc}")
                    if isinstance(action, PlaceOrder):
                        self._exec.append(OrderRejected(self.clock.now(), action.client_id, str(exc)))
                        self._wake.set()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.period)
            at = self._take()
            if self.recorder is not None:
                self.recorder.timer(at)
            self._dispatch(self.engine.on_timer())
            self._tell_recorder_error()
            self.publish()

    def _tell_recorder_error(self) -> None:
        """The operator hears once that the recording stopped (disk full...): trading goes on."""
        if self.recorder is not None and self.recorder.error and not self._recorder_error_told:
            self._recorder_error_told = True
            self.engine.note(self.recorder.error)

    def publish(self) -> None:
        self.latest = self.engine.snapshot(lag_ms=self.lag_ms)
        self.lag_ms = 0.0
        for fn in self._listeners:
            fn(self.latest)

    # --- the loop ----------------------------------------------------------------------------

    def _take(self) -> int:
        """Latch the engine's clock at the wall clock's time (never backwards) for the input
        about to be handed to it, and return that time."""
        self.latch.advance_to(self.clock.now())
        return self.latch.now()

    def _record(self, item: Any) -> None:
        """Record an input or our order action at the engine's time for it."""
        if self.recorder is not None:
            self.recorder.event(item, self.latch.now())

    def _dispatch(self, actions: list[OrderAction]) -> None:
        if not actions:
            return
        for a in actions:
            self._record(a)
        if any(isinstance(a, CancelAll) for a in actions):
            # Orders not yet sent are stale once everything is being cancelled.
            now = self.clock.now()
            for a in [a for a in self._outbox if isinstance(a, PlaceOrder) and not a.reduce_only]:
                self._outbox.remove(a)
                self._exec.append(OrderRejected(now, a.client_id, "dropped before sending: cancel all"))
            cancels = [a for a in actions if isinstance(a, CancelAll)]
            self._outbox.extendleft(reversed(cancels))
            self._outbox.extend(a for a in actions if not isinstance(a, CancelAll))
        else:
            self._outbox.extend(actions)
        self._send_wake.set()

    def _handle_command(self, cmd: Command) -> None:
        self._take()
        self._record(cmd)
        if cmd.kind in (CommandKind.GO_LIVE, CommandKind.GO_PAPER):
            self._switch(cmd.kind is CommandKind.GO_LIVE)
            return
        self._dispatch(self.engine.on_command(cmd))
        if cmd.kind is CommandKind.QUIT:
            self.request_stop("quit")
        self.publish()

    def _set_mode(self, mode: str, position: VenuePosition) -> None:
        """The engine takes over `position` in `mode`, forgetting the orders of the venue it
        leaves (whatever that venue still owed us is gone with it). Recorded: it is an input."""
        at = self._take()
        if self.recorder is not None:
            self.recorder.mode(at, mode, position)
        self.engine.om.orders.clear()
        self.engine.set_mode(mode, position)

    # --- paper <-> live ------------------------------------------------------------------------

    def _switch(self, live: bool) -> None:
        mode = "live" if live else "paper"
        if self.switching:
            self.note("a paper/live switch is already in progress")
        elif self.broker.is_live == live:
            self.note(f"already in {mode} mode")
        elif live and (self.live_refusal or self.live_broker is None):
            self.note(f"live refused: {self.live_refusal or 'no live venue configured'}")
        elif not live and self.paper_broker is None:
            self.note("paper refused: this run was started live without a paper broker")
        else:
            self.switching = True
            self.spawn("switch", self._do_switch(live))

    async def _drain_outbox(self) -> None:
        async with asyncio.timeout(STOP_TIMEOUT_S):
            while self._outbox:
                await asyncio.sleep(0.01)

    async def _do_switch(self, live: bool) -> None:
        """Cancel everything on the current venue, start the other one, adopt its position."""
        engine = self.engine
        was_paused = engine.paused
        try:
            self._handle_command(Command(CommandKind.PAUSE, self.clock.now(), source="switch"))
            await self._drain_outbox()
            if live:
                assert self.live_broker is not None
                new = self.live_broker()
                await new.start()
                await self._reconcile(new)
                position = await new.position()
            else:
                assert self.paper_broker is not None
                new = self.paper_broker
                left = engine.portfolio.position
                if left:
                    self.note(f"live position {engine.instrument.qty_str(abs(left))} "
                                f"{'long' if left > 0 else 'short'} stays open on the exchange")
                position = VenuePosition(0)
                reset = getattr(new, "reset", None)
                if reset is not None:
                    reset()
        except (VenueError, TimeoutError) as exc:
            self.note(f"live refused: {exc}" if live else f"switch to paper failed: {exc}")
            if not was_paused:
                self.submit(Command(CommandKind.RESUME, source="switch"))
            self.switching = False
            return
        old = self.broker
        for task in list(self._tasks):
            if task.get_name() == "exec":
                task.cancel()
        if old.is_live:
            async with asyncio.timeout(STOP_TIMEOUT_S):
                await old.stop()
        self.broker = new
        self.observer = new if isinstance(new, MarketObserver) else None
        self.spawn("exec", self._read_exec())
        self._set_mode("live" if live else "paper", position)
        if not was_paused:
            self.submit(Command(CommandKind.RESUME, source="switch"))
        self.switching = False
        self.publish()

    def _handle_market(self, ev: MarketEvent) -> None:
        at = self._take()
        self._record(ev)
        if self.observer is not None:
            self.observer.on_market(ev)
        self._dispatch(self.engine.on_market(ev))
        lag = (at - ev.ts) / NS_PER_MS
        if lag > self.lag_ms:
            self.lag_ms = lag

    async def _loop(self) -> None:
        while not self._stop_reason:
            await self._wake.wait()
            self._wake.clear()
            handled = 0
            while not self._stop_reason:
                if self._commands:
                    self._handle_command(self._commands.popleft())
                elif self._exec:
                    ev = self._exec.popleft()
                    self._take()
                    self._record(ev)
                    self._dispatch(self.engine.on_exec(ev))
                elif self._market:
                    self.max_backlog = max(self.max_backlog, len(self._market))
                    self._handle_market(self._market.popleft())
                    handled += 1
                    if handled % MARKET_BATCH == 0:
                        await asyncio.sleep(0)
                else:
                    break

    async def run(self) -> str:
        """Run until quit, a signal or a fatal feed error; returns the exit reason."""
        try:
            await self.feed.start()
            await self.broker.start()
            await self._reconcile(self.broker)
            if self.broker.is_live:
                self._set_mode("live", await self.broker.position())
            self.spawn("exec", self._read_exec())
            self.spawn("send", self._send())
            self.spawn("feed", self._read_feed())
            self.spawn("tick", self._tick())
            self.publish()
            await self._loop()
        except asyncio.CancelledError:
            self._stop_reason = self._stop_reason or "cancelled"
            raise
        except Exception as exc:
            self._stop_reason = self._stop_reason or f"error: {exc}"
            raise
        finally:
            await self._shutdown()
        return self._stop_reason

    async def _book_late_exec(self) -> None:
        """Execution events still queued, or reported while the broker stopped (a fill racing
        the cancel-all): the engine books them, so its final position, fills and the recording
        match the venue's. Nothing is sent any more."""
        for _ in range(EXEC_DRAIN_TURNS):
            await asyncio.sleep(0)  # the reader takes what the broker has queued
        for task in list(self._tasks):
            task.cancel()
        while self._exec:
            ev = self._exec.popleft()
            self._take()
            self._record(ev)
            self.engine.on_exec(ev)

    async def _reconcile(self, broker: Broker) -> None:
        """Orders left working by an earlier run are not ours to keep quoting: cancel them."""
        stale = await broker.open_orders()
        if stale:
            self.note(f"cancelling {len(stale)} order(s) left from an earlier run")
            await broker.submit(CancelAll("start-up reconciliation"))

    async def _shutdown(self) -> None:
        self._stop_reason = self._stop_reason or "stopped"
        for task in list(self._tasks):
            if task.get_name() not in ("send", "exec"):
                task.cancel()
        try:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(STOP_TIMEOUT_S):
                    while self._outbox:
                        await asyncio.sleep(0.01)
            for task in list(self._tasks):
                if task.get_name() != "exec":  # fills racing the stop's cancel-all still count
                    task.cancel()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(STOP_TIMEOUT_S):
                    await self.broker.stop()
            await self._book_late_exec()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(STOP_TIMEOUT_S):
                    await self.feed.stop()
        finally:  # even when this shutdown is itself cancelled: the recording must be complete
            for task in list(self._tasks):  # what a cancel of the above left running
                task.cancel()
            self.engine.stopped = True
            self.note(f"stopped: {self._stop_reason}")
            if self.recorder is not None:
                self.recorder.close(self.clock.now(), self._stop_reason)
            self._done.set()
        self.publish()
