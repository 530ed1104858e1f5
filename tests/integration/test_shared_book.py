"""One book shared by the engine and the paper exchange decides exactly as two books do."""

import itertools

from asconsole import config
from asconsole.clock import NS_PER_S, EventClock
from asconsole.domain import Command, CommandKind, MarketEvent
from asconsole.engine.driver import Driver
from asconsole.engine.engine import Engine
from asconsole.fees import FeeSchedule
from asconsole.venues.paper import PaperExchange, fill_model_from_settings
from asconsole.venues.sim import SimMarket, params_from_settings
from tests.kit.builders import INST, T0

SETTINGS = (config.Settings().replace("market", regime="volatile", seed=3)
            .replace("risk", inventory_soft=1, inventory_hard=2))


def _run(events: list[MarketEvent], shared: bool) -> tuple[list[str], Engine]:
    seen: list[str] = []
    clock = EventClock(T0)
    engine = Engine(SETTINGS, INST, clock, prefix="t", journal=lambda ts, k, p: seen.append(f"{ts} {k} {p}"))
    exchange = PaperExchange(INST, FeeSchedule(SETTINGS.fees.maker, SETTINGS.fees.taker), clock,
                             fill_model_from_settings(SETTINGS.paper, 3), book=engine.book if shared else None)
    driver = Driver(engine, exchange, clock, tap=lambda x: seen.append(repr(x)) if not isinstance(x, MarketEvent) else None)
    for i, ev in enumerate(events):
        driver.market(ev)
        if i % 3000 == 2999:  # flatten and resume: reduce-only IOC orders sweep the book
            kind = CommandKind.FLATTEN if i % 6000 == 2999 else CommandKind.RESUME
            driver.command(Command(kind))
    return seen, engine


def test_shared_book_gives_the_same_decisions_fills_and_pnl():
    end = T0 + 8 * 60 * NS_PER_S
    market = SimMarket(params_from_settings(SETTINGS.market), INST, start_ts=T0).events()
    events = list(itertools.takewhile(lambda e: e.ts <= end, market))
    two, e2 = _run(events, shared=False)
    one, e1 = _run(events, shared=True)
    assert any("Fill(" in s and "is_maker=False" in s for s in two), "no sweep: the fork is untested"
    assert one == two
    assert e1.portfolio.total(e1.book.mid_ticks()) == e2.portfolio.total(e2.book.mid_ticks())
