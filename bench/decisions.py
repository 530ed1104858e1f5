"""Fingerprint of everything the engine decides, to show a speed-up changed nothing.

    python bench/decisions.py [--two-books] [--only SUBSTRING]

For seeded simulated runs (every regime, with and without order latency, GLFT and AS,
operator commands and flatten loops whose reduce-only orders sweep the book) and for the
real captures in shared/data/real, prints a digest of every order action, execution event
and journal entry (quotes, guard states, verdicts), with fills, total PnL and CPU events/s.
Run it before and after a change: the digests must be equal. Runs use the shared book, as
`asconsole backtest` does; --two-books gives the paper exchange a book of its own.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asconsole import config  # noqa: E402
from asconsole.clock import NS_PER_S, EventClock  # noqa: E402
from asconsole.domain import Command, CommandKind, Instrument, MarketEvent  # noqa: E402
from asconsole.engine.driver import Driver  # noqa: E402
from asconsole.engine.engine import Engine  # noqa: E402
from asconsole.fees import FeeSchedule  # noqa: E402
from asconsole.venues.paper import NO_LATENCY, PaperExchange, fill_model_from_settings  # noqa: E402
from asconsole.venues.sim import SIM_BTCUSDT, SimMarket, params_from_settings  # noqa: E402

T0 = 1_767_225_600 * NS_PER_S
REAL = Path("/work/shared/data/real")
Commands = list[tuple[int, Command]]


def sim(s: config.Settings, minutes: float) -> list[MarketEvent]:
    end = T0 + int(minutes * 60 * NS_PER_S)
    market = SimMarket(params_from_settings(s.market), SIM_BTCUSDT, T0).events()
    return list(itertools.takewhile(lambda e: e.ts <= end, market))


def real(name: str, venue: str) -> tuple[Instrument, list[MarketEvent]]:
    from asconsole.importers.instruments import instrument_facts
    from asconsole.importers.normalized import normalized_events
    from asconsole.importers.source import ImportContext

    inst = instrument_facts(venue, "BTCUSDT").instrument
    return inst, list(normalized_events([REAL / name], inst, ImportContext()))


def run(s: config.Settings, inst: Instrument, events: list[MarketEvent], latency: bool,
        commands: Commands, shared: bool) -> tuple[str, int, float, float]:
    h = hashlib.sha256()

    def tap(x: object) -> None:
        if not isinstance(x, MarketEvent):  # type: ignore[arg-type]
            h.update(repr(x).encode())

    clock = EventClock(events[0].ts)
    engine = Engine(s, inst, clock, prefix="bt",
                    journal=lambda ts, kind, payload: h.update(repr((ts, kind, payload)).encode()))
    fill_model = fill_model_from_settings(s.paper, s.market.seed) if latency else NO_LATENCY
    exchange = PaperExchange(inst, FeeSchedule(s.fees.maker, s.fees.taker), clock, fill_model,
                             book=engine.book if shared else None)
    driver = Driver(engine, exchange, clock, tap=tap)
    due = dict(commands)
    t = time.process_time()
    for i, ev in enumerate(events):
        driver.market(ev)
        if i in due:
            driver.command(due[i])
    driver.release(events[-1].ts + NS_PER_S)
    cpu = time.process_time() - t
    p = engine.portfolio
    return h.hexdigest()[:16], p.fills, round(p.total(engine._mark()), 6), len(events) / cpu


def cases() -> list[tuple[str, config.Settings, Instrument, list[MarketEvent], bool, Commands]]:
    base = config.Settings()
    out = []
    for regime, seed in [("calm", 7), ("volatile", 3), ("flash_crash", 5), ("trending", 11), ("informed", 2)]:
        s = base.replace("market", regime=regime, seed=seed)
        out.append((f"sim {regime} seed {seed}", s, SIM_BTCUSDT, sim(s, 30), True, []))
    calm = base.replace("market", regime="calm", seed=7)
    ev = sim(calm, 20)
    out.append(("sim calm, no latency", calm, SIM_BTCUSDT, ev, False, []))
    out.append(("sim calm, AS model", calm.replace("quote", model="as"), SIM_BTCUSDT, ev, True, []))
    commands = [(20000, Command(CommandKind.PAUSE)), (40000, Command(CommandKind.RESUME)),
                (60000, Command(CommandKind.FLATTEN)), (70000, Command(CommandKind.RESUME)),
                (80000, Command(CommandKind.SET_PARAM, name="gamma", value=0.3))]
    tight = calm.replace("risk", inventory_soft=2, inventory_hard=3)
    out.append(("sim calm, tight limits, commands", tight, SIM_BTCUSDT, ev, True, commands))
    loop = [(i, Command(CommandKind.FLATTEN if (i // 5000) % 2 else CommandKind.RESUME))
            for i in range(5000, 200000, 5000)]
    for regime, seed, latency in [("volatile", 3, True), ("flash_crash", 5, False)]:
        s = base.replace("market", regime=regime, seed=seed)
        out.append((f"sim {regime} flatten loop{'' if latency else ', no latency'}",
                    s.replace("risk", inventory_soft=1, inventory_hard=2), SIM_BTCUSDT, sim(s, 30),
                    latency, loop))
    inst, rev = real("binance_usdm_btcusdt_20240808T2354.jsonl", "binance-usdm")
    bench = (base.replace("fees", maker=0.0002, taker=0.0005)
             .replace("quote", model="glft", decision_ms=100, order_size=0.001, requote_ticks=1)
             .replace("risk", inventory_soft=4, inventory_hard=5))
    out.append(("real usdm, vs_hftbacktest settings", bench, inst, rev, False, []))
    out.append(("real usdm", base, inst, rev, True, []))
    out.append(("real usdm flatten loop", base.replace("risk", inventory_soft=1, inventory_hard=2), inst,
                rev, True, [(i, c) for i, c in loop if i < len(rev)]))
    inst, rev = real("binance_spot_btcusdt_20240808T2354.jsonl", "binance-spot")
    out.append(("real spot", base.replace("market", futures=False), inst, rev, True, []))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--two-books", action="store_true")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    for name, s, inst, events, latency, commands in cases():
        if a.only in name:
            digest, fills, total, rate = run(s, inst, events, latency, commands, not a.two_books)
            print(f"{name:40} {digest}  fills {fills:4d}  total {total:11.6f}  {rate:9,.0f} ev/CPU-s",
                  flush=True)


if __name__ == "__main__":
    main()
