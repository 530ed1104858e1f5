"""asconsole's backtest loop against hftbacktest's, on the same data, with the same strategy.

    python bench/vs_hftbacktest.py [--hbt-venv /tmp/hbt-venv] [--sim-minutes 60] [--repeat 3]

Data sets: the real Binance USD-M BTCUSDT capture (shared/data/real, normalized JSON lines,
344 s) and one hour of the seeded synthetic market (asconsole's SimMarket). Each is turned
into asconsole market events and into hftbacktest's event arrays (one row per changed price
level or trade, flags EXCH|LOCAL, exchange time = local time: no feed latency on either side).

Strategy on both sides: GLFT market making, a decision every 100 ms, order size 0.001 BTC,
inventory capped at 5 orders, maker 0.02 % / taker 0.05 %, zero order latency, queue position
behind the displayed size (hftbacktest: risk-averse queue model; without partial fills, as in
its GLFT example: with its partial-fill exchange and this quoter, hftbacktest 2.4.4 stops with
InvalidOrderStatus after about a minute of the real capture). hftbacktest
runs a GLFT quoter written for this bench after its GLFT tutorial (A and kappa fitted to trade
arrival depths every 5 s over 10 minutes, volatility from 100 ms mid changes), compiled with
numba, on its ROI-vector depth (prices from 0.7x to 1.3x the traded range: the far levels of
the Binance book, e.g. 1,000 USDT, fall outside and cost it nothing); asconsole runs its own
engine (Driver + PaperExchange + Engine, GLFT, its calibration) on its full book, shared by the
engine and the paper exchange as in `asconsole backtest`; `--two-books` adds a run with a book
each (as before the books were shared).

hftbacktest is not a dependency of asconsole: it runs in its own virtual environment (created
with pip on first use) in a subprocess that loads the arrays this script writes. Timings exclude
numba compilation (a warm-up run on a slice goes first) and, on both sides, reading the input:
the clock covers the replay loop over data already in memory ("asconsole, from disk" adds
reading and decoding a session). Times are process CPU times (the box is shared), best of
--repeat runs. "rows" are hftbacktest's unit (level changes + trades); "messages" are
asconsole's (a BookDelta carries many levels).
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = Path("/work/shared/data/real/binance_usdm_btcusdt_20240808T2354.jsonl")

# hftbacktest's event layout (hftbacktest.types.event_dtype) and flags.
EVENT_FIELDS = [("ev", "u8"), ("exch_ts", "i8"), ("local_ts", "i8"), ("px", "f8"), ("qty", "f8"),
                ("order_id", "u8"), ("ival", "i8"), ("fval", "f8")]
DEPTH_EVENT, TRADE_EVENT, DEPTH_SNAPSHOT_EVENT = 1, 2, 4
EXCH_EVENT, LOCAL_EVENT, BUY_EVENT, SELL_EVENT = 1 << 31, 1 << 30, 1 << 29, 1 << 28

ORDER_QTY = 0.001
MAX_POSITION_ORDERS = 5
MAKER, TAKER = 0.0002, 0.0005


# --- asconsole side -----------------------------------------------------------------------------

def real_events(path: Path):  # type: ignore[no-untyped-def]
    from asconsole.importers.instruments import instrument_facts
    from asconsole.importers.normalized import normalized_events
    from asconsole.importers.source import ImportContext

    inst = instrument_facts("binance-usdm", "BTCUSDT").instrument
    return inst, list(normalized_events([path], inst, ImportContext()))


def sim_events(minutes: float):  # type: ignore[no-untyped-def]
    from asconsole.venues.sim import SIM_BTCUSDT, SimMarket, SimParams

    t0 = 1_767_225_600 * 10**9
    end = t0 + int(minutes * 60e9)
    market = SimMarket(SimParams(seed=7), SIM_BTCUSDT, start_ts=t0).events()
    return SIM_BTCUSDT, list(itertools.takewhile(lambda e: e.ts <= end, market))


def bench_settings():  # type: ignore[no-untyped-def]
    from asconsole import config

    s = config.Settings()
    s = s.replace("fees", maker=MAKER, taker=TAKER)
    s = s.replace("quote", model="glft", decision_ms=100, order_size=ORDER_QTY, requote_ticks=1)
    return s.replace("risk", inventory_soft=MAX_POSITION_ORDERS - 1, inventory_hard=MAX_POSITION_ORDERS)


def run_asconsole(inst, events, shared_book: bool = True) -> tuple[float, int, float]:  # type: ignore[no-untyped-def]
    """Seconds for Driver.run over `events`, fills, and total PnL."""
    from asconsole.clock import EventClock
    from asconsole.engine.driver import Driver
    from asconsole.engine.engine import Engine
    from asconsole.fees import FeeSchedule
    from asconsole.venues.paper import PaperExchange

    s = bench_settings()
    clock = EventClock(events[0].ts)
    engine = Engine(s, inst, clock, mode="backtest")
    book = engine.book if shared_book else None
    exchange = PaperExchange(inst, FeeSchedule(MAKER, TAKER), clock, book=book)
    driver = Driver(engine, exchange, clock)
    t = time.process_time()
    driver.run(events)
    dt = time.process_time() - t
    p = engine.portfolio
    return dt, p.fills, p.total(engine.book.mid_ticks())


def run_asconsole_from_session(inst, events, tmp: Path) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Seconds for the whole backtest path from disk: read events.jsonl, decode, run."""
    from asconsole.backtest import Source, backtest
    from asconsole.recording.writer import Recorder

    path = tmp / f"session-{inst.symbol}-{events[0].ts}"
    if not path.exists():
        rec = Recorder(path, bench_settings(), inst, events[0].ts, "import")
        for ev in events:
            rec.event(ev)
        rec.close(events[-1].ts, "bench")
    t = time.process_time()
    summary = backtest(bench_settings(), Source(str(path), minutes=0))
    return time.process_time() - t, summary.fills


# --- conversion to hftbacktest's arrays --------------------------------------------------------

def to_hbt(inst, events):  # type: ignore[no-untyped-def]
    """(initial snapshot rows, data rows) in hftbacktest's event layout."""
    import numpy as np

    from asconsole.domain import BookDelta, BookSnapshot, Side, Trade

    dtype = np.dtype(EVENT_FIELDS, align=True)
    tick, lot = inst.tick, inst.lot
    flags = EXCH_EVENT | LOCAL_EVENT
    snap, rest = events[0], events[1:]
    assert isinstance(snap, BookSnapshot)
    snap_rows = [(DEPTH_SNAPSHOT_EVENT | flags | BUY_EVENT, snap.ts, snap.ts, p * tick, q * lot, 0, 0, 0.0)
                 for p, q in snap.bids]
    snap_rows += [(DEPTH_SNAPSHOT_EVENT | flags | SELL_EVENT, snap.ts, snap.ts, p * tick, q * lot, 0, 0, 0.0)
                  for p, q in snap.asks]
    rows = []
    for ev in rest:
        if isinstance(ev, BookDelta):
            ts = ev.ts
            rows.extend((DEPTH_EVENT | flags | BUY_EVENT, ts, ts, p * tick, q * lot, 0, 0, 0.0) for p, q in ev.bids)
            rows.extend((DEPTH_EVENT | flags | SELL_EVENT, ts, ts, p * tick, q * lot, 0, 0, 0.0) for p, q in ev.asks)
        elif isinstance(ev, Trade):
            side = BUY_EVENT if ev.side is Side.BUY else SELL_EVENT
            rows.append((TRADE_EVENT | flags | side, ev.ts, ev.ts, ev.price * tick, ev.qty * lot, 0, 0, 0.0))
    return np.array(snap_rows, dtype), np.array(rows, dtype)


# --- hftbacktest side (runs in its own virtual environment) ------------------------------------

def ensure_hbt(venv: Path) -> Path:
    py = venv / "bin" / "python"
    probe = [str(py), "-c", "import hftbacktest"]
    if py.exists() and subprocess.run(probe, capture_output=True, cwd="/").returncode == 0:
        return py
    print(f"installing hftbacktest into {venv} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "hftbacktest"], check=True)
    return py


def run_hbt(py: Path, data_dir: Path, name: str, inst) -> dict:  # type: ignore[no-untyped-def]
    cmd = [str(py), str(Path(__file__).resolve()), "--hbt-worker", str(data_dir / name),
           "--tick", inst.tick_size, "--lot", inst.lot_size]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
    if out.returncode != 0:
        raise SystemExit(f"hftbacktest run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def hbt_worker(stem: str, tick: float, lot: float) -> None:
    import numpy as np
    from hftbacktest import BUY, GTX, LIMIT, SELL, BacktestAsset, ROIVectorMarketDepthBacktest
    from numba import njit

    @njit
    def fit_intensity(depths, counts):  # type: ignore[no-untyped-def]
        """Trades per 0.5-tick bin that reached at least that depth; log-linear fit -> A, k."""
        counts[:] = 0.0
        top = 0
        for d in depths:
            if not np.isfinite(d):
                continue
            k = int(round(d / 0.5)) - 1
            if 0 <= k < len(counts):
                counts[:k] += 1.0
                top = max(top, k)
        n = min(top, 70)
        if n <= 2:
            return np.nan, np.nan
        x = np.arange(n) + 0.5
        y = np.log(counts[:n] / 600.0 + 1e-12)
        sx, sy, sxx, sxy = x.sum(), y.sum(), (x * x).sum(), (x * y).sum()
        slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
        return np.exp((sy - slope * sx) / n), -slope

    @njit
    def glft(hbt, steps, qty, max_pos, gamma):  # type: ignore[no-untyped-def]
        tick_size = hbt.depth(0).tick_size
        arrival = np.full(steps, np.nan)
        dmid = np.full(steps, np.nan)
        counts = np.zeros(500)
        A, k, vol = np.nan, np.nan, np.nan
        mid = np.nan
        t = 0
        rc = 0
        while t < steps:
            rc = hbt.elapse(100_000_000)
            if rc != 0:  # 1: end of the data; anything else is an error code
                break
            if not np.isnan(mid):
                deepest = -np.inf
                for tr in hbt.last_trades(0):
                    px = tr.px / tick_size
                    d = px - mid if tr.ev & (1 << 29) else mid - px
                    deepest = max(deepest, d)
                arrival[t] = deepest
            hbt.clear_last_trades(0)
            hbt.clear_inactive_orders(0)
            depth = hbt.depth(0)
            best_bid, best_ask = depth.best_bid_tick, depth.best_ask_tick
            prev, mid = mid, (best_bid + best_ask) / 2.0
            dmid[t] = mid - prev
            if t % 50 == 0 and t >= 600:
                lo = max(0, t + 1 - 6000)
                A, k = fit_intensity(arrival[lo:t + 1], counts)
                vol = np.nanstd(dmid[lo:t + 1]) * np.sqrt(10.0)
            if np.isfinite(A) and np.isfinite(k) and k > 0 and A > 0:
                c1 = np.log(1.0 + gamma / k) / gamma
                c2 = np.sqrt(gamma / (2.0 * A * k) * (1.0 + gamma / k) ** (k / gamma + 1.0))
            else:
                c1, c2 = 20.0, 0.0
            v = vol if np.isfinite(vol) else 1.0
            half, skew = c1 + 0.5 * c2 * v, c2 * v
            position = hbt.position(0) / qty
            r = mid - skew * position
            bid = min(np.round(r - half), best_bid) * tick_size
            ask = max(np.round(r + half), best_ask) * tick_size
            orders = hbt.orders(0)
            values = orders.values()
            while values.has_next():
                o = values.get()
                if o.cancellable and ((o.side == BUY and o.price != bid) or (o.side == SELL and o.price != ask)):
                    hbt.cancel(0, o.order_id, False)
            if position < max_pos:
                oid = round(bid / tick_size)
                if oid not in orders:
                    hbt.submit_buy_order(0, oid, bid, qty, GTX, LIMIT, False)
            if position > -max_pos:
                oid = round(ask / tick_size) + 1_000_000_000
                if oid not in orders:
                    hbt.submit_sell_order(0, oid, ask, qty, GTX, LIMIT, False)
            t += 1
        return t, rc

    snap = np.load(stem + "_snapshot.npz")["data"]
    data = np.load(stem + ".npz")["data"]
    span_steps = int((data["local_ts"][-1] - data["local_ts"][0]) / 100_000_000) + 10
    prices = data["px"][(data["ev"] & TRADE_EVENT) == TRADE_EVENT]
    lo, hi = float(prices.min()) * 0.7, float(prices.max()) * 1.3

    def backtest(rows):  # type: ignore[no-untyped-def]
        asset = (BacktestAsset().add_data(rows).initial_snapshot(snap).linear_asset(1.0)
                 .constant_order_latency(0, 0).risk_adverse_queue_model().no_partial_fill_exchange()
                 .trading_value_fee_model(MAKER, TAKER).tick_size(tick).lot_size(lot)
                 .roi_lb(lo).roi_ub(hi).last_trades_capacity(10_000))
        return ROIVectorMarketDepthBacktest([asset])

    warm = backtest(data[: len(data) // 20])
    glft(warm, span_steps, ORDER_QTY, MAX_POSITION_ORDERS, 0.05)
    warm.close()
    times, fills, steps = [], 0, 0
    for _ in range(3):
        hbt = backtest(data)
        t = time.process_time()
        steps, rc = glft(hbt, span_steps, ORDER_QTY, MAX_POSITION_ORDERS, 0.05)
        times.append(time.process_time() - t)
        if rc != 1:
            raise SystemExit(f"hftbacktest stopped after {steps} steps with error code {rc}")
        fills = int(hbt.state_values(0).num_trades)
        hbt.close()
    print(json.dumps({"seconds": min(times), "rows": int(len(data)), "fills": fills, "decisions": int(steps)}))


# --- main --------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hbt-venv", type=Path, default=Path("/tmp/hbt-venv"))
    ap.add_argument("--sim-minutes", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=3, help="asconsole runs per data set (best kept)")
    ap.add_argument("--two-books", action="store_true",
                    help="also time the engine and the paper exchange with a book each")
    ap.add_argument("--hbt-worker", help=argparse.SUPPRESS)
    ap.add_argument("--tick", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--lot", type=float, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.hbt_worker:
        hbt_worker(a.hbt_worker, a.tick, a.lot)
        return
    sys.path.insert(0, str(ROOT))
    import numpy as np

    py = ensure_hbt(a.hbt_venv)
    sets = [("real capture (Binance USD-M, 344 s)", "real", *real_events(REAL)),
            (f"synthetic ({a.sim_minutes:g} min)", "sim", *sim_events(a.sim_minutes))]
    print(f"{'data set':38} {'engine':22} {'seconds':>8} {'rows/s':>12} {'msgs/s':>10} {'fills':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for title, name, inst, events in sets:
            snap, data = to_hbt(inst, events)
            np.savez(Path(tmp) / f"{name}_snapshot.npz", data=snap)
            np.savez(Path(tmp) / f"{name}.npz", data=data)
            hbt = run_hbt(py, Path(tmp), name, inst)
            rows, msgs = hbt["rows"], len(events)
            variants = [("asconsole", True)] + ([("asconsole, two books", False)] if a.two_books else [])
            print(f"{title:38} {'hftbacktest (numba)':22} {hbt['seconds']:8.3f} {rows / hbt['seconds']:12,.0f}"
                  f" {msgs / hbt['seconds']:10,.0f} {hbt['fills']:6}   {hbt['decisions']:,} decisions of 100 ms")
            for label, shared in variants:
                best = min((run_asconsole(inst, events, shared) for _ in range(a.repeat)), key=lambda r: r[0])
                dt, fills, _ = best
                print(f"{'':38} {label:22} {dt:8.3f} {rows / dt:12,.0f} {msgs / dt:10,.0f} {fills:6}"
                      f"   hftbacktest is {dt / hbt['seconds']:,.0f}x faster")
            dt, fills = min(run_asconsole_from_session(inst, events, Path(tmp)) for _ in range(a.repeat))
            print(f"{'':38} {'asconsole, from disk':22} {dt:8.3f} {rows / dt:12,.0f} {msgs / dt:10,.0f} {fills:6}"
                  f"   (reading and decoding the session included)")


if __name__ == "__main__":
    main()
