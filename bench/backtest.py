"""Backtest throughput: the full engine (book, estimators, model, guards, order manager,
paper broker with latency and queue model, driver) over simulated data, and sweeps.

    python bench/backtest.py [--minutes 60] [--regime calm] [--sweep-runs 4] [--sweep-minutes 10]

Prints events per second end to end (the simulated market generated on the fly, as
`asconsole backtest` runs), events per second of the engine alone (events generated
first), and sweep throughput with 1 and 2 worker processes.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asconsole import config  # noqa: E402
from asconsole.backtest import Data, Source, backtest, open_data, run  # noqa: E402
from asconsole.sweep import load_jobs, run_jobs  # noqa: E402


def line(name: str, events: int, wall: float, extra: str = "") -> None:
    print(f"{name:<42} {events / wall:>10,.0f} events/s  ({wall:.2f} s{extra})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--regime", default="calm")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sweep-runs", type=int, default=4)
    ap.add_argument("--sweep-minutes", type=float, default=10.0)
    a = ap.parse_args()
    s = config.Settings().replace("market", regime=a.regime, seed=a.seed)
    source = Source(minutes=a.minutes)

    t = time.perf_counter()
    summary = backtest(s, source)
    wall = time.perf_counter() - t
    print(f"{a.minutes:.0f} min {a.regime}, seed {a.seed}: {summary.events:,} market events, "
          f"{summary.fills} fills, total {summary.total:.2f} $")
    line("end to end (sim generated on the fly)", summary.events, wall)

    data = open_data(s, source)
    end = data.end_ns
    t = time.perf_counter()
    events = list(itertools.takewhile(lambda e: e.ts <= end, data.events))  # type: ignore[operator]
    gen = time.perf_counter() - t
    line("sim market alone", len(events), gen)
    t = time.perf_counter()
    again = run(s, Data(data.instrument, iter(events), data.start_ns, end))
    wall = time.perf_counter() - t
    assert again == summary, "pre-generated events must give the same run"
    line("engine + paper + driver (pre-generated)", len(events), wall)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.toml"
        seeds = ", ".join(str(i + 1) for i in range(a.sweep_runs))
        path.write_text(f"[data]\nminutes = {a.sweep_minutes}\n[grid]\nmarket.seed = [{seeds}]\n")
        jobs = load_jobs(path, s)
        for workers in (1, 2):
            with ProcessPoolExecutor(max_workers=workers) as pool:
                t = time.perf_counter()
                results = run_jobs(jobs, pool)
                wall = time.perf_counter() - t
            n = sum(r.summary.events for r in results)
            name = f"sweep {len(jobs)} x {a.sweep_minutes:.0f} min, {workers} worker(s)"
            line(name, n, wall, f", {len(jobs) / wall * 60:,.1f} runs/min")


if __name__ == "__main__":
    main()
