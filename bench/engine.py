"""Engine throughput and per-event latency, headless, on the simulated market (event clock).

    python bench/engine.py [--minutes 30] [--seed 7]

Prints events per second of the whole loop (sim generation excluded: events are generated
first), and p50/p99/max of the engine's per-event time from a book update to its order
decision (Engine.on_market, including the decision when one is due).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from asconsole.clock import NS_PER_S  # noqa: E402
from asconsole.domain import BookDelta  # noqa: E402
from tests.kit.builders import T0, rig  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    r = rig(seed=a.seed)
    end = T0 + int(a.minutes * 60 * NS_PER_S)
    events = list(itertools.takewhile(lambda e: e.ts <= end, r.market))

    engine = r.engine
    inner = engine.on_market
    samples: list[int] = []

    def timed(ev):  # type: ignore[no-untyped-def]
        t = time.perf_counter_ns()
        out = inner(ev)
        if isinstance(ev, BookDelta):
            samples.append(time.perf_counter_ns() - t)
        return out

    engine.on_market = timed  # type: ignore[method-assign]
    t0 = time.perf_counter()
    for ev in events:
        r.driver.market(ev)
    wall = time.perf_counter() - t0
    lat = np.array(samples) / 1000.0
    print(f"simulated span      {a.minutes:.0f} min, {len(events):,} market events "
          f"({sum(isinstance(e, BookDelta) for e in events):,} book updates)")
    print(f"throughput          {len(events) / wall:,.0f} events/s (engine + paper broker + driver)")
    print(f"book update->decision  p50 {np.percentile(lat, 50):.1f} us  p99 {np.percentile(lat, 99):.1f} us"
          f"  max {lat.max():.1f} us")
    print(f"fills {engine.portfolio.fills}, final position {engine.portfolio.position} lots")


if __name__ == "__main__":
    main()
