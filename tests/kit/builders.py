"""Builders shared by unit, integration and TUI tests: instruments, books, a seeded engine."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from asconsole import config
from asconsole.clock import NS_PER_S, EventClock
from asconsole.domain import BookSnapshot, Instrument, MarketEvent, VenueKind
from asconsole.engine.driver import Driver
from asconsole.engine.engine import Engine
from asconsole.fees import FeeSchedule
from asconsole.venues.paper import PaperExchange, paper_wallet
from asconsole.venues.sim import SIM_BTCUSDT, SimMarket, SimParams

INST = SIM_BTCUSDT
SPOT = dataclasses.replace(SIM_BTCUSDT, kind=VenueKind.SPOT)
"""The simulated BTCUSDT as a spot pair: no leverage, no shorts, limited by balances."""
T0 = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z: a frozen, readable clock for snapshots


def book(bids: list[tuple[int, int]], asks: list[tuple[int, int]], ts: int = T0, seq: int = 1) -> BookSnapshot:
    return BookSnapshot(ts, tuple(bids), tuple(asks), seq)


@dataclass(slots=True)
class Rig:
    settings: config.Settings
    clock: EventClock
    engine: Engine
    exchange: PaperExchange
    driver: Driver
    market: Iterator[MarketEvent]

    def run_for(self, seconds: float) -> None:
        until = self.clock.now() + int(seconds * NS_PER_S)
        for ev in self.market:
            self.driver.market(ev)
            if ev.ts >= until:
                break


def rig(
    seed: int = 7, settings: config.Settings | None = None, instrument: Instrument = INST, **sim: object
) -> Rig:
    """Engine + paper exchange + seeded sim market on an event clock starting at T0 (a spot
    instrument trades against the `[paper]` starting balances)."""
    s = settings or config.Settings()
    clock = EventClock(T0)
    engine = Engine(s, instrument, clock, prefix="t")
    fees = FeeSchedule(s.fees.maker, s.fees.taker)
    exchange = PaperExchange(instrument, fees, clock, wallet=paper_wallet(s.paper, instrument))
    driver = Driver(engine, exchange, clock)
    market = SimMarket(SimParams(seed=seed, **sim), instrument, start_ts=T0).events()  # type: ignore[arg-type]
    return Rig(s, clock, engine, exchange, driver, market)
