"""Recording size and read speed on the simulated market (default settings and data rate).

    python bench/recording.py [--minutes 60] [--seed 7]

Records the engine trading the seeded sim through the Driver for `--minutes` of event time,
plain and gzip, then prints: lines and bytes (with the 24 h extrapolation), the cost of a
record call on the engine's path (it only queues), and how fast each log reads back
(lines per second through `Session.lines()`, and decoded into domain events).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asconsole import config  # noqa: E402
from asconsole.recording.codec import SCHEMA, decode  # noqa: E402
from asconsole.recording.reader import open_session  # noqa: E402
from asconsole.recording.writer import Recorder  # noqa: E402
from tests.kit.builders import INST, T0, rig  # noqa: E402


def record(root: Path, minutes: float, seed: int, compress: bool) -> tuple[Path, float, float]:
    s = config.Settings().replace("recording", compress=compress)
    r = rig(seed=seed, settings=s)
    rec = Recorder(root / ("gzip" if compress else "plain"), s, INST, T0, "paper", clock=r.clock)
    queued = [0.0]
    event, journal = rec.event, rec.journal

    def timed_event(ev: object) -> None:
        t = time.perf_counter_ns()
        event(ev)
        queued[0] += time.perf_counter_ns() - t

    r.driver.tap, r.engine.journal = timed_event, journal
    t0 = time.perf_counter()
    r.run_for(minutes * 60)
    wall = time.perf_counter() - t0
    rec.close(r.clock.now(), "bench")
    return rec.path, wall, queued[0] / max(rec.lines, 1) / 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for compress in (False, True):
            path, wall, per_call_us = record(Path(tmp), a.minutes, a.seed, compress)
            size = sum(f.stat().st_size for f in path.iterdir())
            session = open_session(path)
            t = time.perf_counter()
            n = sum(1 for _ in session.lines())
            read = time.perf_counter() - t
            t = time.perf_counter()
            decoded = sum(1 for x in session.lines() if x["k"] in SCHEMA and decode(x))
            dec = time.perf_counter() - t
            day = size * 24 * 60 / a.minutes
            kind = "gzip " if compress else "plain"
            print(f"{kind}  {a.minutes:.0f} min: {n:,} lines, {size / 1e6:.1f} MB "
                  f"({size / n:.0f} B/line; 24 h ~ {day / 1e6:,.0f} MB)")
            print(f"       run with recording {wall:.1f} s; "
                  f"record call on the engine path {per_call_us:.2f} us")
            print(f"       read {n / read:,.0f} lines/s; "
                  f"read + decode to events {decoded / dec:,.0f} events/s")
    print(f"data rate (sim market, engine trading): {n / (a.minutes * 60):.0f} lines/s")


if __name__ == "__main__":
    main()
