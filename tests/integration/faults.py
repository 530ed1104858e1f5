"""Fault injection against the fake Bybit with the real stack on top, and the invariants that
must hold through every fault.

`LiveRun` starts a `FakeBybit`, a seeded `Market` on it (book deltas and taker trades that
fill resting orders), and the console's own live run (`launch.build`, venue bybit, live
mode, keys from the environment) against it. `Watch` is hooked into the fake and checks, on
every state the exchange passes through (each order or position change):

- never two working quoting orders on one side (one is intended per side);
- the position never beyond the hard inventory limit plus one order size.

After the stop, `LiveRun.check_stopped` asserts nothing is left open on the exchange and every
fill is accounted exactly once (the engine's fill count, position and traded volume equal the
exchange's executions). `FAULTS` names each fault as a one-line scenario.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from asconsole.clock import WallClock
from asconsole.config import Settings
from asconsole.domain import Command, CommandKind
from asconsole.engine.runner import Runner
from asconsole.launch import build, resolve_instrument
from tests.integration.bybit_kit import settings as bybit_settings
from tests.integration.fake_bybit import FakeBybit

MID = 1_000_000  # ticks: 100,000.0
LEVELS = 20
STALE_S = 0.5
"""The stale-data threshold of these runs (the default, 15 s, is for real markets)."""
INVENTORY_SOFT = 2.0
INVENTORY_HARD = 3.0


def run_settings(fake: FakeBybit, recordings: Path, **market: Any) -> Settings:
    """Live on the fake, with short timeouts so every fault resolves within a second or two."""
    s = bybit_settings(
        fake, reconcile_s=1.0, stop_timeout_s=2.0, rest_timeout_s=0.5, recv_window_ms=1000,
        dcp_window_s=0,
    )
    return (
        s.replace("market", venue="bybit", live=True, **market)
        .replace("recording", dir=str(recordings), flush_s=0.1)
        .replace("quote", warmup="configured", requote_ticks=5, sigma=1.0)
        .replace("fees", maker=0.0)
        .replace("risk", stale_data_s=STALE_S, inventory_soft=INVENTORY_SOFT,
                 inventory_hard=INVENTORY_HARD, flatten_cancel_wait_s=0.5)
    )


class Market:
    """A seeded random walk on the fake: `rate` book deltas a second, each with a chance of a
    taker trade some ticks into the book (crossing the console's quotes now and then)."""

    def __init__(self, fake: FakeBybit, seed: int, rate: float = 50.0, trade_p: float = 0.3) -> None:
        self.fake = fake
        self.rng = random.Random(seed)
        self.rate = rate
        self.trade_p = trade_p
        self.mid = MID
        self.bias = self.rng.choice((-1, 1))
        """Which side the takers lean to (65:35): the position reaches the soft limit within
        two seconds in every seed tried, so the position bound is tested where it matters."""
        fake.set_book(*self._levels(self.mid))

    @staticmethod
    def _levels(mid: int) -> tuple[dict[int, int], dict[int, int]]:
        return ({mid - k: 5_000 for k in range(1, LEVELS + 1)},
                {mid + k: 5_000 for k in range(1, LEVELS + 1)})

    async def step(self) -> None:
        rng, fake = self.rng, self.fake
        old_bids, old_asks = self._levels(self.mid)
        self.mid += rng.randint(-4, 4)
        bids, asks = self._levels(self.mid)
        await fake.set_levels(
            {p: 0 for p in old_bids.keys() - bids.keys()} | {p: s for p, s in bids.items() if p not in old_bids},
            {p: 0 for p in old_asks.keys() - asks.keys()} | {p: s for p, s in asks.items() if p not in old_asks},
        )
        if rng.random() < self.trade_p:
            sell = rng.random() < (0.5 + 0.3 * self.bias)
            depth = rng.randint(0, 60)
            price = self.mid - depth if sell else self.mid + depth
            await fake.trade("Sell" if sell else "Buy", price, rng.randint(1, 3))

    async def run(self) -> None:
        while True:
            await self.step()
            await asyncio.sleep(1 / self.rate)


@dataclass
class Watch:
    """Invariants checked on every change of the fake's orders or position."""

    fake: FakeBybit
    order_lots: int
    hard_lots: int
    violations: list[str] = field(default_factory=list)
    max_position: int = 0
    pulled: asyncio.Event = field(default_factory=asyncio.Event)
    """Set whenever no quoting order is open on the exchange."""

    def __call__(self) -> None:
        quoting = [o for o in self.fake.open_orders() if not o.reduce_only]
        for side in ("Buy", "Sell"):
            mine = [o.link_id for o in quoting if o.side == side]
            if len(mine) > 1:
                self.violations.append(f"{len(mine)} {side} orders open at once: {mine}")
        pos = self.fake.position
        self.max_position = max(self.max_position, abs(pos))
        if abs(pos) > self.hard_lots + self.order_lots:
            self.violations.append(f"position {pos} lots beyond {self.hard_lots} + {self.order_lots}")
        if quoting:
            self.pulled.clear()
        else:
            self.pulled.set()


class LiveRun:
    """The fake Bybit, a market on it and the console's live run against it."""

    def __init__(self, tmp: Path, seed: int = 1, trade_p: float = 0.3) -> None:
        self.fake = FakeBybit()
        self.market = Market(self.fake, seed, trade_p=trade_p)
        self.tmp = tmp
        self.runner: Runner | None = None
        self.watch: Watch | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self.reason = ""

    @property
    def engine(self) -> Any:
        assert self.runner is not None
        return self.runner.engine

    async def __aenter__(self) -> Self:
        await self.fake.start()
        s = run_settings(self.fake, self.tmp / "sessions")
        instrument = await resolve_instrument(s)
        self.runner = build(s, WallClock(), instrument=instrument).runner
        lots = self.engine.order_lots
        self.watch = Watch(self.fake, lots, round(INVENTORY_HARD * lots))
        self.fake.watchers.append(self.watch)
        self._tasks = [asyncio.create_task(self.runner.run(), name="runner"),
                       asyncio.create_task(self.market.run(), name="market")]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in reversed(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.fake.stop()

    async def until(self, pred: Callable[[], bool], timeout: float = 3.0, what: str = "") -> None:
        try:
            async with asyncio.timeout(timeout):
                while not pred():
                    if self._tasks[0].done():
                        raise AssertionError(f"the run stopped: {self._tasks[0].result()!r}")
                    await asyncio.sleep(0.005)
        except TimeoutError:
            raise AssertionError(f"not within {timeout} s: {what or pred}") from None

    def quotes(self) -> dict[str, int]:
        out = {"Buy": 0, "Sell": 0}
        for o in self.fake.open_orders():
            out[o.side] += 1
        return out

    async def quoting(self, timeout: float = 3.0) -> None:
        """Both sides quoted on the exchange, or one side held back by the inventory limit."""
        def ready() -> bool:
            q = self.quotes()
            return q["Buy"] + q["Sell"] >= (1 if self.engine.portfolio.position else 2)
        await self.until(ready, timeout, "quotes on the exchange")

    async def trade_for(self, seconds: float) -> None:
        """Let the market run (fills happen); the runner must stay up."""
        await asyncio.sleep(seconds)
        if self._tasks[0].done():
            raise AssertionError(f"the run stopped: {self._tasks[0].result()!r}")

    async def stop(self, timeout: float = 8.0) -> str:
        assert self.runner is not None
        self.runner.submit(Command(CommandKind.QUIT, source="test"))
        self.reason = await asyncio.wait_for(self._tasks[0], timeout)
        return self.reason

    def check_stopped(self) -> None:
        """After the stop: nothing open, every fill booked once, no invariant broken."""
        assert self.watch is not None
        fake, p = self.fake, self.engine.portfolio
        assert fake.open_orders() == [], f"left open: {fake.open_orders()}"
        assert self.watch.violations == []
        inst = fake.inst
        volume = sum(inst.qty_lots(e["execQty"]) * inst.price_ticks(e["execPrice"])
                     for e in fake.executions)
        assert (p.fills, p.position, p.volume_units) == (len(fake.executions), fake.position, volume)


Fault = Callable[[LiveRun], Awaitable[None]]


def _set(**faults: Any) -> Fault:
    async def inject(run: LiveRun) -> None:
        for name, value in faults.items():
            setattr(run.fake.faults, name, value)
    return inject


def _call(method: str, *args: Any, **kw: Any) -> Fault:
    async def inject(run: LiveRun) -> None:
        await getattr(run.fake, method)(*args, **kw)
    return inject


async def _gap(run: LiveRun) -> None:
    await run.fake.set_levels({run.market.mid - LEVELS: 4_000}, gap=True)


def _rest(fault: str, paths: tuple[str, ...], n: int, **how: Any) -> Fault:
    """The next `n` requests to each of `paths` get the fault (a dict field of Faults)."""
    async def inject(run: LiveRun) -> None:
        getattr(run.fake.faults, fault).update(dict.fromkeys(paths, n))
        for name, value in how.items():
            setattr(run.fake.faults, name, value)
    return inject


ORDERS = ("/v5/order/create", "/v5/order/cancel", "/v5/order/cancel-all")

FAULTS: dict[str, Fault] = {
    "drop public socket": _call("drop_public"),
    "drop private socket": _call("drop_private"),
    "stall public feed": _set(stall_public=True),
    "book sequence gap": _gap,
    "REST timeout, request done": _rest("slow", ORDERS, 2, slow_after=True, slow_s=1.0),
    "REST timeout, request done late": _rest("slow", ORDERS, 2, slow_after=False, slow_s=0.8),
    "HTTP 502": _rest("http_5xx", ORDERS, 3, http_5xx_after=False),
    "HTTP 502, request done": _rest("http_5xx", ORDERS, 3, http_5xx_after=True),
    "rejects": _rest("reject", ("/v5/order/create",), 4),
    "rate limits": _rest("rate_limit", ORDERS, 2),
    "late out-of-order acks, fills first": _set(ack_delay_s=0.15, exec_first=True),
    "duplicate executions": _set(duplicate_executions=True, duplicate_filled=True),
}


def heal(run: LiveRun) -> None:
    """Every fault off."""
    f = run.fake.faults
    f.stall_public = False
    f.ack_delay_s = 0.0
    f.exec_first = f.duplicate_executions = f.duplicate_filled = False
    for budget in (f.slow, f.http_5xx, f.reject, f.rate_limit):
        budget.clear()
