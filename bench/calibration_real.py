"""Run the live calibration over a real capture and print what it measured.

    PYTHONPATH=. python bench/calibration_real.py /work/shared/data/real/binance_usdm_btcusdt_20240808T2354.jsonl

Input: the normalized JSON-lines format of /work/shared/data/real (book_snapshot / book_delta
with decimal-string levels, trade with px / qty). The book here is a plain dict of price levels,
enough for the touch; the engine's own book is not needed to calibrate.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from asconsole.config import QuoteSettings
from asconsole.estimators.calibration import Calibration
from asconsole.models.base import ModelInputs
from asconsole.models.glft import GLFT


def apply(side: dict[float, float], levels: list[list[str]]) -> None:
    for px, qty in levels:
        p, q = float(px), float(qty)
        if q == 0.0:
            side.pop(p, None)
        else:
            side[p] = q


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--bin", type=float, default=0.5, help="depth bin, dollars")
    ap.add_argument("--bins", type=int, default=40)
    args = ap.parse_args()
    settings = QuoteSettings(
        kappa_source="trades", depth_bin_dollar=args.bin, depth_bins=args.bins, min_fit_r2=0.0
    )
    cal = Calibration.from_settings(settings)
    bids: dict[float, float] = {}
    asks: dict[float, float] = {}
    best_bid = best_ask = 0.0
    ts = 0
    t0 = time.perf_counter()
    with open(args.path, encoding="utf-8") as fh:
        for line in fh:
            e = json.loads(line)
            ts = e["ts_ns"]
            if e["type"] == "trade":
                if best_bid > 0.0:
                    cal.on_trade(ts, float(e["px"]), float(e["qty"]), 0.5 * (best_bid + best_ask))
            else:
                if e["type"] == "book_snapshot":
                    bids.clear()
                    asks.clear()
                apply(bids, e["bids"])
                apply(asks, e["asks"])
                best_bid, best_ask = max(bids), min(asks)
                cal.on_book(ts, best_bid, best_ask)
            cal.refit(ts)
    elapsed = time.perf_counter() - t0
    fit, why = cal.intensity.fit(ts)
    st = cal.status(ts)
    depth = cal.intensity.window(ts)[0]
    print(f"{args.path.rsplit('/', 1)[-1]} ({elapsed:.1f} s to read and calibrate)")
    print(f"  sigma   {st.sigma_estimate:.3f} $/sqrt(s) = {st.sigma_annual_pct:.1f} %/yr "
          f"({cal.vol.samples} samples)")
    if fit is not None:
        print(f"  trades  A {fit.A:.3f} /s per side, kappa {fit.kappa:.4f} /$, R^2 {fit.r2:.3f}, "
              f"{fit.n_trades} trades over {fit.window_s:.0f} s, {fit.bins_used} bins of "
              f"${args.bin:g}")
    else:
        print(f"  trades  no fit: {why}")
    print(f"  book    kappa {st.kappa_book:.2f} /$ (average half spread "
          f"${cal.book.half_spread:.4f})")
    q50, q90, q99 = np.quantile(depth, [0.5, 0.9, 0.99])
    print(f"  trade depth from the mid before it: median ${q50:.2f}, 90% ${q90:.2f}, 99% ${q99:.2f}")
    if fit is not None:
        mid = 0.5 * (best_bid + best_ask)
        for gamma in (0.005, 0.05):
            mq = GLFT().quote(ModelInputs(mid, 0.0, st.sigma_estimate, fit.A, fit.kappa, gamma))
            if mq is not None:
                print(f"  GLFT gamma {gamma:g}: half spread ${mq.half_spread:.2f}, "
                      f"skew ${mq.skew:.3f} per order")
    if st.warning:
        print(f"  warning: {st.warning}")


if __name__ == "__main__":
    main()
