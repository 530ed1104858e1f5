"""Write sessions/sample/: five minutes of the seeded simulated market, traded by the engine
on the paper exchange with the default settings, with an operator pause at 2:00 and a resume
at 2:30, so a new user can try `asconsole replay sessions/sample` and `asconsole report
sessions/sample` at once.

    python scripts/make_sample.py [--minutes 5] [--out sessions/sample]

Deterministic: the same asconsole version writes the same bytes. The log is recorded plain
and then gzipped in one piece (a live recording's gzip segments depend on when the writer
thread happened to flush; their content does not).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tomllib
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tomli_w  # noqa: E402

from asconsole import config  # noqa: E402
from asconsole.clock import NS_PER_S, EventClock  # noqa: E402
from asconsole.domain import Command, CommandKind  # noqa: E402
from asconsole.engine.driver import Driver  # noqa: E402
from asconsole.engine.engine import Engine  # noqa: E402
from asconsole.fees import FeeSchedule  # noqa: E402
from asconsole.recording.writer import PLAIN_LOG, Recorder  # noqa: E402
from asconsole.venues.paper import PaperExchange  # noqa: E402
from asconsole.venues.sim import SIM_BTCUSDT, SimMarket, params_from_settings  # noqa: E402

START = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z
PAUSE_AT, RESUME_AT = 120, 150


def record(out: Path, minutes: float) -> Recorder:
    settings = config.Settings().replace("recording", compress=False)
    clock = EventClock(START)
    rec = Recorder(out, settings, SIM_BTCUSDT, START, "paper", clock=clock)
    engine = Engine(settings, SIM_BTCUSDT, clock, prefix="sample", journal=rec.journal)
    exchange = PaperExchange(
        SIM_BTCUSDT, FeeSchedule(settings.fees.maker, settings.fees.taker), clock
    )
    driver = Driver(engine, exchange, clock, tap=rec.event)
    market = SimMarket(params_from_settings(settings.market), SIM_BTCUSDT, start_ts=START).events()
    end = START + int(minutes * 60 * NS_PER_S)
    commands = [
        (START + PAUSE_AT * NS_PER_S, CommandKind.PAUSE),
        (START + RESUME_AT * NS_PER_S, CommandKind.RESUME),
        (end, CommandKind.QUIT),
    ]
    for ev in market:
        while commands and commands[0][0] < ev.ts:
            at, kind = commands.pop(0)
            clock.advance_to(at)
            driver.command(Command(kind, at, source="script"))
        if not commands:
            break
        driver.market(ev)
    rec.close(end, "quit")
    return rec


def gzip_log(out: Path) -> Path:
    plain = out / PLAIN_LOG
    seg = out / "events-0001.jsonl.gz"
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    seg.write_bytes(z.compress(plain.read_bytes()) + z.flush())
    plain.unlink()
    meta = tomllib.loads((out / "meta.toml").read_text(encoding="utf-8"))
    meta["log"] = "gzip"
    meta["config"]["recording"]["compress"] = True
    (out / "meta.toml").write_text(tomli_w.dumps(meta), encoding="utf-8")
    return seg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--out", type=Path, default=Path("sessions/sample"))
    a = ap.parse_args()
    if a.out.exists():
        shutil.rmtree(a.out)
    rec = record(a.out, a.minutes)
    seg = gzip_log(a.out)
    print(f"{a.out}: {rec.lines:,} lines, {seg.stat().st_size / 1e6:.2f} MB gzip")


if __name__ == "__main__":
    main()
