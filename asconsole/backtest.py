"""Headless backtests: the live engine on an event clock, no UI, as fast as Python goes.

The data is either a simulated regime for a span (the seed in `[market] seed`) or the
market events of a recorded session, replayed through the `Driver` against a fresh paper
exchange (the recording's own orders and fills are ignored: the run makes its own). The
same settings and data give the same fills and PnL every time, in this process or in a
sweep worker.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from asconsole.clock import NS_PER_S, EventClock
from asconsole.config import ConfigError, Settings
from asconsole.domain import Instrument, MarketEvent
from asconsole.engine.driver import Driver
from asconsole.engine.engine import Engine
from asconsole.fees import FeeSchedule
from asconsole.recording.codec import MARKET_KINDS, decode
from asconsole.recording.reader import RecordingError, Session, instrument_from_meta, open_session
from asconsole.recording.writer import Recorder, session_dir
from asconsole.summary import RunStats, Summary, summarize
from asconsole.venues.paper import paper_exchange
from asconsole.venues.sim import SIM_BTCUSDT, SimMarket, params_from_settings

SIM_START_NS = 1_767_225_600 * NS_PER_S
"""Simulated runs start at 2026-01-01T00:00:00Z, whatever the day: runs are comparable."""
PROGRESS_EVERY_NS = 10 * NS_PER_S

Progress = Callable[[float], None]
"""Called with the event-time seconds done so far, every 10 s of event time."""


@dataclass(frozen=True, slots=True)
class Source:
    """What to run over: a recorded session directory, or the simulated market."""

    session: str = ""
    """Path of a session recording; empty = the simulated market of the settings."""
    minutes: float = 60.0
    """Span: the whole simulated run, or at most this much of a recording (0 = all of it)."""


@dataclass(slots=True)
class Data:
    instrument: Instrument
    events: Iterator[MarketEvent]
    start_ns: int
    end_ns: int | None
    """Where the run stops (None: at the end of the recording)."""
    fees: FeeSchedule | None = None
    """A recording's own fee schedule (the venue its data came from); None: the settings'."""


def session_fees(meta: dict[str, object]) -> FeeSchedule | None:
    """The fees a recording was made (or imported) with: they belong to its venue."""
    cfg = meta.get("config")
    fees = cfg.get("fees") if isinstance(cfg, dict) else None
    if not isinstance(fees, dict) or "maker" not in fees or "taker" not in fees:
        return None
    return FeeSchedule(float(fees["maker"]), float(fees["taker"]))


def market_events(session: Session) -> Iterator[MarketEvent]:
    """A recording's market events, decoded, in order."""
    for obj in session.lines():
        if obj.get("k") in MARKET_KINDS:
            yield decode(obj)


def open_data(settings: Settings, source: Source) -> Data:
    span_ns = int(source.minutes * 60 * NS_PER_S)
    if not source.session:
        if span_ns <= 0:
            raise ConfigError("a simulated backtest needs a span: --minutes above 0")
        market = SimMarket(params_from_settings(settings.market), SIM_BTCUSDT, SIM_START_NS)
        return Data(SIM_BTCUSDT, market.events(), SIM_START_NS, SIM_START_NS + span_ns)
    session = open_session(source.session)
    start = int(session.meta.get("start_ns", 0))
    events = market_events(session)
    if not start:
        first = next(events, None)
        if first is None:
            raise RecordingError(f"{source.session}: no market events")
        start = first.ts
        events = itertools.chain([first], events)
    end: int | None = start + span_ns if span_ns else None
    recorded_end = session.meta.get("end_ns")
    if isinstance(recorded_end, int) and (end is None or recorded_end < end):
        end = recorded_end
    return Data(instrument_from_meta(session.meta), events, start, end, session_fees(session.meta))


def backtest(
    settings: Settings, source: Source, progress: Progress | None = None, record: Path | None = None
) -> Summary:
    """Run the engine over the data and summarise; deterministic for the same inputs. With
    `record`, the run is also written as a session under that directory (mode "backtest"), so
    `report` and `replay` work on it."""
    return run(settings, open_data(settings, source), progress, record)


def run(
    settings: Settings, data: Data, progress: Progress | None = None, record: Path | None = None
) -> Summary:
    """Run the engine over already opened data (benchmarks hand it pre-generated events)."""
    clock = EventClock(data.start_ns)
    recorder = None
    if record is not None:
        inst = data.instrument
        path = session_dir(record, data.start_ns, inst.venue, inst.symbol, "backtest")
        recorder = Recorder(path, settings, inst, data.start_ns, "backtest", clock=clock)
        engine = Engine(settings, inst, clock, prefix="bt", journal=recorder.journal)
    else:
        engine = Engine(settings, data.instrument, clock, prefix="bt")
    exchange = paper_exchange(settings, data.instrument, clock, fees=data.fees, book=engine.book)
    stats = RunStats(engine)
    tap = stats.tap
    if recorder is not None:
        def tap(item: object, stats_tap: Callable[[object], None] = stats.tap,
                rec: Recorder = recorder) -> None:
            stats_tap(item)
            rec.event(item)

    driver = Driver(engine, exchange, clock, tap=tap)
    end = data.end_ns
    market, on_time = driver.market, stats.on_time
    next_report = data.start_ns + PROGRESS_EVERY_NS if progress else None
    n = 0
    last = data.start_ns
    for ev in data.events:
        ts = ev.ts
        if end is not None and ts > end:
            break
        market(ev)
        on_time(ts)
        n += 1
        last = ts
        if next_report is not None and ts >= next_report:
            next_report = ts + PROGRESS_EVERY_NS
            progress((ts - data.start_ns) / NS_PER_S)  # type: ignore[misc]
    span_end = end if end is not None else last
    driver.release(span_end)
    if recorder is not None:
        recorder.close(span_end, "backtest finished")
    return summarize(engine, stats, (span_end - data.start_ns) / NS_PER_S, n)


def session_span_s(source: Source) -> float | None:
    """The event-time length of a run, for a progress bar (None: unknown)."""
    if not source.session:
        return source.minutes * 60
    meta = open_session(Path(source.session)).meta
    start, end = meta.get("start_ns"), meta.get("end_ns")
    if isinstance(start, int) and isinstance(end, int):
        recorded = (end - start) / NS_PER_S
        return min(recorded, source.minutes * 60) if source.minutes else recorded
    return source.minutes * 60 if source.minutes else None
