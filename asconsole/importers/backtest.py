"""Run the engine over an imported (or recorded) session's market data: the round trip
import -> backtest -> summary, until `asconsole backtest` takes this over.

It is the same engine as live (Driver + PaperExchange on an EventClock), fed the session's
decoded market events, with the fees the session's metadata carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from asconsole import config
from asconsole.clock import EventClock
from asconsole.domain import Instrument, MarketEvent, VenueKind
from asconsole.engine.driver import Driver
from asconsole.engine.engine import Engine
from asconsole.fees import FeeSchedule
from asconsole.recording.codec import MARKET_KINDS, decode
from asconsole.recording.reader import Session
from asconsole.venues.paper import PaperExchange


@dataclass(frozen=True, slots=True)
class BacktestSummary:
    events: int
    fills: int
    maker_fills: int
    position_lots: int
    realized: float
    fees: float
    total: float
    volume: float
    book_gaps: int


def instrument_of(session: Session) -> Instrument:
    d = dict(session.meta["instrument"])
    d["kind"] = VenueKind(d["kind"])
    return Instrument(**d)


def settings_of(session: Session) -> config.Settings:
    """The settings the session was recorded (or imported) with; fees come from here."""
    return config.from_mapping(session.meta.get("config", {}), f"{session.path}/meta.toml")


def market_events(session: Session) -> Iterator[MarketEvent]:
    for obj in session.lines():
        if obj["k"] in MARKET_KINDS:
            yield decode(obj)


def backtest(session: Session, settings: config.Settings | None = None) -> BacktestSummary:
    s = settings or settings_of(session)
    inst = instrument_of(session)
    clock = EventClock(session.meta["start_ns"])
    engine = Engine(s, inst, clock, prefix="bt", mode="backtest")
    exchange = PaperExchange(inst, FeeSchedule(s.fees.maker, s.fees.taker), clock, book=engine.book)
    driver = Driver(engine, exchange, clock)
    driver.run(market_events(session))
    p = engine.portfolio
    mark = engine.book.mid_ticks()
    return BacktestSummary(
        events=driver.events,
        fills=p.fills,
        maker_fills=p.maker_fills,
        position_lots=p.position,
        realized=p.realized(),
        fees=p.fees,
        total=p.total(mark),
        volume=p.volume(),
        book_gaps=engine.book.gaps,
    )
