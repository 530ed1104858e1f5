"""A hand-scripted market for guard scenarios: the test says where the mid goes and when.

`Scene` holds an engine and a paper exchange on an event clock (like `builders.rig`) and a
book of a few levels around a mid it moves with sequenced `BookDelta`s, so the tick filter
sees deltas as from a venue. Moving the mid through a resting order fills it (the paper
exchange fills a resting order the opposite touch reaches), which is how tests build a
position. `corrupt` hands one delta to the engine only, as a corrupted feed message would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asconsole import config
from asconsole.clock import NS_PER_MS, NS_PER_S, EventClock
from asconsole.domain import (
    BookDelta,
    BookSnapshot,
    Command,
    CommandKind,
    ExecEvent,
    Level,
    MarkPrice,
    OrderAction,
    Side,
    Trade,
)
from asconsole.engine.driver import Driver
from asconsole.engine.engine import Engine
from asconsole.fees import FeeSchedule
from asconsole.risk.base import GuardStatus
from asconsole.venues.paper import PaperExchange
from tests.kit.builders import INST, T0

TICK = INST.tick


@dataclass(slots=True)
class Scene:
    settings: config.Settings
    clock: EventClock
    engine: Engine
    exchange: PaperExchange
    driver: Driver
    mid: float = 100_000.0
    levels: int = 5
    size: int = 50
    seq: int = 0
    ghosts: list[float] = field(default_factory=list)
    journal: list[tuple[int, str, dict]] = field(default_factory=list)
    sent: list[OrderAction] = field(default_factory=list)

    @property
    def now(self) -> int:
        return self.clock.now()

    def _sides(self, mid: float) -> tuple[tuple[Level, ...], tuple[Level, ...]]:
        centre = round(mid / TICK)
        bids = tuple((centre - 5 - 10 * i, self.size) for i in range(self.levels))
        asks = tuple((centre + 5 + 10 * i, self.size) for i in range(self.levels))
        return bids, asks

    def start(self) -> None:
        bids, asks = self._sides(self.mid)
        self.seq += 1
        self.driver.market(BookSnapshot(self.now, bids, asks, self.seq))

    def _delta(self, mid: float, ts: int) -> BookDelta:
        gone_b: set[int] = set()
        gone_a: set[int] = set()
        for m in (self.mid, *self.ghosts):
            b, a = self._sides(m)
            gone_b.update(p for p, _ in b)
            gone_a.update(p for p, _ in a)
        self.ghosts.clear()
        new_b, new_a = self._sides(mid)
        gone_b -= {p for p, _ in new_b}
        gone_a -= {p for p, _ in new_a}
        self.seq += 1
        self.mid = mid
        bids = tuple((p, 0) for p in sorted(gone_b)) + new_b
        asks = tuple((p, 0) for p in sorted(gone_a)) + new_a
        return BookDelta(ts, bids, asks, self.seq, self.seq - 1)

    def step(self, mid: float, dt_s: float = 0.25) -> None:
        """Move the book to `mid` after `dt_s` seconds; venue and engine both see it."""
        ts = self.now + int(dt_s * NS_PER_S)
        self.driver.market(self._delta(mid, ts))

    def hold(self, seconds: float, dt_s: float = 0.25) -> None:
        """The book stays where it is (a heartbeat delta every `dt_s`)."""
        for _ in range(round(seconds / dt_s)):
            self.step(self.mid, dt_s)

    def glide(self, to: float, seconds: float, dt_s: float = 0.25) -> None:
        """Move the mid in a straight line to `to` over `seconds`."""
        n = max(1, round(seconds / dt_s))
        start = self.mid
        for i in range(1, n + 1):
            self.step(start + (to - start) * i / n, dt_s)

    def fill_bid(self) -> None:
        """Jump the book through our bid: the venue fills it (a seller swept it)."""
        self.step(self.bid() - 10.0)

    def fill_ask(self) -> None:
        self.step(self.ask() + 10.0)

    def corrupt(self, mid: float, dt_s: float = 0.05) -> list[OrderAction]:
        """One delta only our feed saw (the venue's book stays, in sequence): engine only.
        Returns the engine's immediate actions."""
        ts = self.now + int(dt_s * NS_PER_S)
        self.clock.advance_to(ts)
        venue_mid = self.mid
        delta = self._delta(mid, ts)
        self.ghosts.append(venue_mid)  # the next delta clears the venue's levels too
        self.exchange.book.seq = delta.seq
        actions = self.engine.on_market(delta)
        self.driver._settle(list(actions))
        return actions

    def trade(self, side: Side, price: float, qty: int = 1) -> None:
        self.driver.market(Trade(self.now, side, round(price / TICK), qty))

    def mark(self, price: float, liq: float = 0.0) -> None:
        self.driver.market(MarkPrice(self.now, round(price / TICK), round(liq / TICK)))

    def command(self, kind: CommandKind, **kw: object) -> None:
        self.driver.command(Command(kind, self.now, **kw))  # type: ignore[arg-type]

    def timer(self, seconds: float) -> None:
        """Time passes with no market data: only the engine's timer runs."""
        end = self.now + int(seconds * NS_PER_S)
        while self.now < end:
            self.clock.advance_to(self.now + 100 * NS_PER_MS)
            self.driver._settle(self.engine.on_timer())

    # --- what the venue holds -------------------------------------------------------------

    def resting(self, side: Side) -> list[int]:
        """Prices (ticks) of our resting orders on one side of the venue."""
        return sorted(o.price for o in self.exchange.orders.values() if o.side is side)

    def bid(self) -> float:
        prices = self.resting(Side.BUY)
        return prices[-1] * TICK if prices else 0.0

    def ask(self) -> float:
        prices = self.resting(Side.SELL)
        return prices[0] * TICK if prices else 0.0

    def guard(self, name: str) -> GuardStatus:
        return next(g.status for g in self.engine.guards if g.name == name)

    def kinds(self, kind: str) -> list[dict]:
        return [p for _, k, p in self.journal if k == kind]


def scene(settings: config.Settings | None = None, mid: float = 100_000.0, **risk: object) -> Scene:
    """An engine quoting on a scripted book at `mid`; `risk` overrides keys of [risk]."""
    s = settings or config.Settings()
    if risk:
        s = s.replace("risk", **risk)
    clock = EventClock(T0)
    journal: list[tuple[int, str, dict]] = []
    engine = Engine(s, INST, clock, prefix="s", journal=lambda t, k, p: journal.append((t, k, p)))
    exchange = PaperExchange(INST, FeeSchedule(s.fees.maker, s.fees.taker), clock)
    driver = Driver(engine, exchange, clock)
    sc = Scene(s, clock, engine, exchange, driver, mid=mid, journal=journal)
    submit = exchange.submit

    def spy(action: OrderAction) -> list[ExecEvent]:
        sc.sent.append(action)
        return submit(action)

    exchange.submit = spy  # type: ignore[method-assign]
    sc.start()
    return sc
