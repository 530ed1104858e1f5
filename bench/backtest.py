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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asconsole import config  # noqa: E402
from asconsole.backtest import Data, Source, backtest, open_data, run  # noqa: E402
from asconsole.sweep import executor, load_jobs, run_jobs  # noqa: E402


def line(name: str, events: int, wall: float, extra: str = "", cpu: float = 0.0) -> None:
    per_cpu = f", {events / cpu:,.0f} per CPU-second" if cpu else ""
    print(f"{name:<42} {events / wall:>10,.0f} events/s  ({wall:.2f} s{per_cpu}{extra})")


class Timer:
    """Wall and CPU time of a block: on a shared machine the CPU figure is the steadier one."""

    def __enter__(self) -> Timer:
        self.t, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t
        self.cpu = time.process_time() - self.c


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

    with Timer() as t:
        summary = backtest(s, source)
    print(f"{a.minutes:.0f} min {a.regime}, seed {a.seed}: {summary.events:,} market events, "
          f"{summary.fills} fills, total {summary.total:.2f} $")
    line("end to end (sim generated on the fly)", summary.events, t.wall, cpu=t.cpu)

    data = open_data(s, source)
    end = data.end_ns
    with Timer() as t:
        events = list(itertools.takewhile(lambda e: e.ts <= end, data.events))  # type: ignore
    line("sim market alone", len(events), t.wall, cpu=t.cpu)
    with Timer() as t:
        again = run(s, Data(data.instrument, iter(events), data.start_ns, end))
    assert again == summary, "pre-generated events must give the same run"
    line("engine + paper + driver (pre-generated)", len(events), t.wall, cpu=t.cpu)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.toml"
        seeds = ", ".join(str(i + 1) for i in range(a.sweep_runs))
        path.write_text(f"[data]\nminutes = {a.sweep_minutes}\n[grid]\nmarket.seed = [{seeds}]\n")
        jobs = load_jobs(path, s)
        for workers in (1, 2):
            t0 = time.perf_counter()
            with executor(workers) as pool:  # the CLI's pool; its start-up is counted
                results = run_jobs(jobs, pool)
            wall = time.perf_counter() - t0
            n = sum(r.summary.events for r in results)
            name = f"sweep {len(jobs)} x {a.sweep_minutes:.0f} min, {workers} worker(s)"
            line(name, n, wall, f", {len(jobs) / wall * 60:,.1f} runs/min")


if __name__ == "__main__":
    main()
