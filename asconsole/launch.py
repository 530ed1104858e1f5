"""Build a live run from settings: instrument, feed, broker, engine, recorder and runner.

This is the one place that knows every venue; the engine is handed a feed and a broker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asconsole.clock import Clock
from asconsole.config import ConfigError, Settings
from asconsole.engine.engine import Engine
from asconsole.engine.runner import Runner
from asconsole.fees import FeeSchedule
from asconsole.recording.writer import Recorder, session_dir
from asconsole.venues.paper import PaperBroker, PaperExchange, fill_model_from_settings
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


def build(settings: Settings, clock: Clock, *, record: bool = True) -> Launch:
    m = settings.market
    if m.venue != "sim":
        raise ConfigError(
            f"[market] venue = {m.venue!r} is not available in this build yet; use 'sim'"
        )
    if m.live:
        raise ConfigError(f"--live refused: {SIM_NO_LIVE}")
    instrument = SIM_BTCUSDT
    start = clock.now()
    mode = "paper"
    recorder = None
    if record and settings.recording.enabled:
        path = session_dir(Path(settings.recording.dir), start, m.venue, m.symbol, mode)
        recorder = Recorder(path, settings, instrument, start, mode, settings.recording.flush_s,
                            clock=clock)
    engine = Engine(
        settings,
        instrument,
        clock,
        prefix=client_prefix(start),
        mode=mode,
        journal=recorder.journal if recorder else (lambda ts, kind, payload: None),
    )
    feed = SimFeed(params_from_settings(m), clock, instrument)
    fees = FeeSchedule(settings.fees.maker, settings.fees.taker)
    fill_model = fill_model_from_settings(settings.paper, m.seed)
    broker = PaperBroker(PaperExchange(instrument, fees, clock, fill_model))
    runner = Runner(
        engine,
        feed,
        broker,
        clock,
        recorder=recorder,
        refresh_hz=settings.ui.refresh_hz,
        live_refusal=SIM_NO_LIVE,
    )
    return Launch(runner, recorder)
