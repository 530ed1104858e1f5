"""Build a live run from settings: instrument, feed, broker, engine, recorder and runner.

This is the one place that knows every venue; the engine is handed a feed and a broker.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asconsole.clock import Clock, EventClock
from asconsole.config import ConfigError, Settings
from asconsole.domain import Instrument
from asconsole.engine.engine import Engine
from asconsole.engine.runner import Runner
from asconsole.recording.writer import Recorder, session_dir
from asconsole.venues.base import Broker, Feed, VenueError
from asconsole.venues.paper import PaperBroker, paper_exchange
from asconsole.venues.sim import SIM_BTCUSDT, SimFeed, params_from_settings

SIM_NO_LIVE = (
    "the simulated market has no live trading; start with --venue bybit or --venue mexc "
    "and API keys in the environment"
)


@dataclass(slots=True)
class Launch:
    runner: Runner
    recorder: Recorder | None


def client_prefix(start_ts: int) -> str:
    """Order ids unique across restarts: a base-36 start time (Bybit allows 36 characters)."""
    n, digits = start_ts // 1_000_000, "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return f"as{out}"


VENUE_MODULES = {"bybit": "asconsole.venues.bybit", "mexc": "asconsole.venues.mexc"}


def _venue(name: str) -> Any:
    return importlib.import_module(VENUE_MODULES[name])


async def resolve_instrument(settings: Settings) -> Instrument:
    """The traded instrument: built in for the sim, read from the venue otherwise."""
    if settings.market.venue == "sim":
        return SIM_BTCUSDT
    instrument: Instrument = await _venue(settings.market.venue).load_instrument(settings)
    return instrument


def live_refusal(settings: Settings) -> str:
    """Why live trading cannot be entered with these settings ("" = it can). No network."""
    venue = settings.market.venue
    if venue == "sim":
        return SIM_NO_LIVE
    try:
        _venue(venue).credentials(settings)
    except VenueError as exc:
        return str(exc)
    return ""


def venue_settings(settings: Settings) -> Settings:
    """What the venue imposes: MEXC is spot (no leverage, no shorting on margin)."""
    if settings.market.venue == "mexc" and (settings.market.futures or settings.market.leverage != 1):
        return settings.replace("market", futures=False, leverage=1.0)
    return settings


def build(
    settings: Settings, clock: Clock, *, record: bool = True, instrument: Instrument | None = None
) -> Launch:
    """A runner with a paper broker (and the venue's live broker when asked for or switched to).
    For a real venue, pass the instrument from `resolve_instrument`. The engine runs on its
    own clock, which the runner latches to `clock` for each input (engine/runner.py)."""
    settings = venue_settings(settings)
    m = settings.market
    if instrument is None:
        if m.venue != "sim":
            raise ConfigError(f"[market] venue = {m.venue!r} needs the instrument from the venue")
        instrument = SIM_BTCUSDT
    refusal = live_refusal(settings)
    if m.live and refusal:
        raise ConfigError(f"--live refused: {refusal}")
    start = clock.now()
    mode = "live" if m.live else "paper"
    recorder = None
    if record and settings.recording.enabled:
        path = session_dir(Path(settings.recording.dir), start, m.venue, m.symbol, mode)
        recorder = Recorder(path, settings, instrument, start, mode, settings.recording.flush_s,
                            records_timing=True)
    try:
        return _assemble(settings, instrument, clock, start, mode, refusal, recorder)
    except BaseException:
        if recorder is not None:  # stop its writer thread; the directory says the run never ran
            recorder.close(clock.now(), "start failed")
        raise


def _assemble(settings: Settings, instrument: Instrument, clock: Clock, start: int, mode: str,
              refusal: str, recorder: Recorder | None) -> Launch:
    m = settings.market
    engine = Engine(
        settings,
        instrument,
        EventClock(start),
        prefix=client_prefix(start),
        mode=mode,
        journal=recorder.journal if recorder else (lambda ts, kind, payload: None),
    )
    live_factory: Callable[[], Broker] | None = None
    if m.venue == "sim":
        feed: Feed = SimFeed(params_from_settings(m), clock, instrument)
    else:
        venue = _venue(m.venue)
        feed = venue.make_feed(settings, instrument, clock)

        def make_live() -> Broker:
            broker: Broker = venue.make_broker(settings, instrument, clock)
            return broker

        live_factory = make_live

    paper = PaperBroker(paper_exchange(settings, instrument, clock, book=engine.book))
    runner = Runner(
        engine,
        feed,
        live_factory() if m.live and live_factory else paper,
        clock,
        recorder=recorder,
        refresh_hz=settings.ui.refresh_hz,
        live_refusal=refusal,
        live_broker=live_factory,
        paper=paper,
    )
    return Launch(runner, recorder)
