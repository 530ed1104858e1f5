"""Microseconds per quote computation, per estimator update and per full quote.

    PYTHONPATH=. python bench/models.py [--events N]

A full quote is what the engine does on a book event: calibration update (mid, touch),
ModelInputs, the model, spread bounds and rounding to ticks. Target: under 20 us per event.
The periodic A/kappa refit (numpy) is timed separately: it runs every refit_s, not per event.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from asconsole.config import QuoteSettings
from asconsole.estimators.calibration import Calibration
from asconsole.models.avellaneda import AvellanedaStoikov
from asconsole.models.base import ModelInputs
from asconsole.models.glft import GLFT
from asconsole.models.rounding import SpreadLimits, shape_quote

NS = 1_000_000_000
TICK = 0.1


def per_call_us(make, n: int) -> float:
    """Best of three runs of fn(i) for i in range(n), fn = make() fresh for each run (the
    estimators keep state, and time must not run backwards), in microseconds per call."""
    best = float("inf")
    for _ in range(3):
        fn = make()
        t0 = time.perf_counter_ns()
        for i in range(n):
            fn(i)
        best = min(best, (time.perf_counter_ns() - t0) / n / 1e3)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=200_000)
    n = ap.parse_args().events

    rng = np.random.default_rng(1)
    mids = (100_000.0 + np.cumsum(rng.normal(0.0, 0.8, n))).tolist()
    ts = (np.cumsum(rng.exponential(0.01, n)) * NS).astype(np.int64).tolist()
    qs = rng.uniform(-5, 5, n).tolist()
    depths = rng.exponential(2.0, n).tolist()
    sides = rng.choice([-1.0, 1.0], n).tolist()

    glft, avs = GLFT(), AvellanedaStoikov()
    limits = SpreadLimits()
    settings = QuoteSettings(kappa_source="trades", min_trades=10, min_mid_samples=2)

    def glft_quote():
        def run(i: int) -> None:
            glft.quote(ModelInputs(mids[i], qs[i], 8.0, 20.0, 0.5, 0.005))
        return run

    def as_quote():
        def run(i: int) -> None:
            avs.quote(ModelInputs(mids[i], qs[i], 8.0, 20.0, 0.5, 1e-6, avs.time_left(ts[i])))
        return run

    def shape():
        def run(i: int) -> None:
            m = mids[i]
            t = int(m / TICK)
            shape_quote(m - 0.2 * qs[i], 3.0, m, TICK, t, t + 1, limits)
        return run

    def book_event():
        cal = Calibration.from_settings(settings)

        def run(i: int) -> None:
            m = mids[i]
            cal.on_book(ts[i], m - 0.05, m + 0.05)
        return run

    def trade_event():
        cal = Calibration.from_settings(settings)

        def run(i: int) -> None:
            m = mids[i]
            cal.on_trade(ts[i], m + sides[i] * depths[i], 0.01, m)
        return run

    def full_quote():
        cal = Calibration.from_settings(settings)

        def run(i: int) -> None:
            m = mids[i]
            cal.on_book(ts[i], m - 0.05, m + 0.05)
            mq = glft.quote(ModelInputs(m, qs[i], cal.sigma, cal.A, cal.kappa, 0.005))
            if mq is not None:
                t = int(m / TICK)
                shape_quote(mq.reservation, mq.half_spread, m, TICK, t, t + 1, limits)
        return run

    rows = [
        ("GLFT quote (ModelInputs + model)", per_call_us(glft_quote, n)),
        ("A-S quote (ModelInputs + session clock + model)", per_call_us(as_quote, n)),
        ("spread bounds + ticks + post-only", per_call_us(shape, n)),
        ("calibration on_book (sigma, book kappa)", per_call_us(book_event, n)),
        ("calibration on_trade (depth into ring buffer)", per_call_us(trade_event, n)),
        ("full quote per book event (on_book + GLFT + ticks)", per_call_us(full_quote, n)),
    ]
    print(f"{n:,} events, best of 3 runs")
    for name, us in rows:
        print(f"  {name:<52} {us:7.2f} us")

    window_s = 600.0
    for trades in (1_000, 20_000, 200_000):
        c = Calibration.from_settings(
            QuoteSettings(kappa_source="trades", calibration_window_s=window_s, min_trades=10)
        )
        t_tr = np.sort(rng.uniform(0, window_s, trades)) * NS
        for t, d, s in zip(t_tr.astype(np.int64).tolist(), rng.exponential(2.0, trades).tolist(),
                           rng.choice([-1.0, 1.0], trades).tolist(), strict=True):
            c.on_trade(t, 60_000.0 + s * d, 0.01, 60_000.0)
        c.intensity.start(0)
        end = int(window_s * NS)
        t0 = time.perf_counter_ns()
        reps = 20
        for k in range(reps):
            c.intensity.fit(end + k)
        ms = (time.perf_counter_ns() - t0) / reps / 1e6
        print(f"  A/kappa refit over {trades:>7,} trades in the window       {ms:7.3f} ms")


if __name__ == "__main__":
    main()
