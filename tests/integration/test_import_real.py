"""Imports of the shared real captures (shared/data/real, README there): event counts and
time spans as documented, raw and normalized forms giving the same market, and the round
trip import -> backtest -> summary giving identical results twice."""

import gzip
import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest

from asconsole.backtest import Source, backtest, market_events
from asconsole.config import Settings
from asconsole.importers.instruments import instrument_facts
from asconsole.importers.session import FORMATS, from_snapshot, import_session
from asconsole.importers.source import ImportContext
from asconsole.recording.reader import open_session

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
if not REAL.exists():
    REAL = Path("/work/shared/data/real")
pytestmark = pytest.mark.skipif(not REAL.exists(), reason="shared real captures not present")

USDM = instrument_facts("binance-usdm", "BTCUSDT")
SPOT = instrument_facts("binance-spot", "BTCUSDT")
# 2024-08-08 23:54:15.319702566 and 23:59:59.833492584 UTC (README window C)
C_FIRST, C_LAST = 1_723_161_255_319_702_566, 1_723_161_599_833_492_584


def head(src: Path, dst: Path, n: int) -> Path:
    """The first `n` lines of `src` (gzip or plain) as a file of the same kind."""
    opener = gzip.open if src.suffix == ".gz" else open
    with opener(src, "rt") as fh, opener(dst, "wt") as out:
        out.writelines(itertools.islice(fh, n))
    return dst


def run(tmp_path, fmt, files, facts, name):
    ctx = ImportContext()
    result = import_session(fmt, files, facts, tmp_path / name, ctx)
    return result.stats, open_session(result.path)


def same_market(a, b):
    """Equal events apart from update ids (the normalized form has none)."""
    strip = lambda e: (type(e).__name__, e.ts, getattr(e, "bids", None), getattr(e, "asks", None),  # noqa: E731
                       getattr(e, "side", None), getattr(e, "price", None), getattr(e, "qty", None))
    return [strip(e) for e in a] == [strip(e) for e in b]


def test_whole_usdm_capture_imports_with_the_documented_counts_and_span(tmp_path):
    st, session = run(tmp_path, "binance-usdm", [REAL / "raw/usdm/btcusdt_20240808.gz"], USDM, "c")
    assert (st.snapshots, st.deltas, st.trades) == (1, 6_547, 21_308)
    assert (st.first_ts, st.last_ts) == (C_FIRST, C_LAST)
    assert st.gaps == 0 and st.bad_lines == 0
    assert st.dropped == 4 + 5 and st.ignored == 66_089  # README: 4 old diffs, 5 early trades; bookTicker
    assert session.meta["mode"] == "import" and session.meta["import"]["deltas"] == 6_547
    assert session.meta["events"] == 27_856


def utc_ms(ts: int) -> str:
    return datetime.fromtimestamp(ts / 1e9, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


# README "Windows" and "Converted event counts": (snapshots, deltas, trades), first and last time
WINDOW_C = ((1, 6_547, 21_308), "2024-08-08 23:54:15.319", "2024-08-08 23:59:59.833")
WINDOW_D = ((1, 6_493, 19_903), "2024-08-08 23:54:14.206", "2024-08-09 00:05:04.535")


@pytest.mark.parametrize("fmt, facts, files, window", [
    ("normalized", USDM, ["binance_usdm_btcusdt_20240808T2354.jsonl"], WINDOW_C),
    ("normalized", SPOT, ["binance_spot_btcusdt_20240808T2354.jsonl"], WINDOW_D),
    ("binance-spot", SPOT, ["raw/spot/btcusdt_20240808.gz", "raw/spot/btcusdt_20240809.gz"], WINDOW_D),
], ids=["usdm-normalized", "spot-normalized", "spot-raw-two-days"])
def test_every_shared_file_reads_with_the_documented_counts_and_span(fmt, facts, files, window):
    """The reader alone (no session written: the whole-file write is tested once, above)."""
    ctx = ImportContext()
    for _ in from_snapshot(FORMATS[fmt][1]([REAL / f for f in files], facts.instrument, ctx), ctx.stats):
        pass
    st = ctx.stats
    assert (st.snapshots, st.deltas, st.trades) == window[0]
    assert (utc_ms(st.first_ts), utc_ms(st.last_ts)) == window[1:]
    assert st.gaps == 0 and st.bad_lines == 0


def test_usdm_normalized_slice_equals_the_raw_capture(tmp_path):
    st, norm = run(tmp_path, "normalized", [head(REAL / "binance_usdm_btcusdt_20240808T2354.jsonl",
                                                 tmp_path / "c.jsonl", 3_000)], USDM, "n")
    assert st.events == 3_000 and st.first_ts == C_FIRST
    raw = head(REAL / "raw/usdm/btcusdt_20240808.gz", tmp_path / "c.gz", 15_000)
    _, session = run(tmp_path, "binance-usdm", [raw], USDM, "r")
    raw_events = list(market_events(session))
    assert len(raw_events) > 3_000
    assert same_market(list(market_events(norm)), raw_events[:3_000])


def test_spot_capture_across_two_daily_files_equals_the_normalized_form(tmp_path):
    day1 = REAL / "raw/spot/btcusdt_20240808.gz"
    with gzip.open(day1, "rt") as fh:
        day1_lines = sum(1 for _ in fh)
    tail1 = tmp_path / "d1.gz"
    with gzip.open(day1, "rt") as fh, gzip.open(tail1, "wt") as out:
        out.writelines(itertools.islice(fh, 0, 8))  # up to the REST snapshot (line 8)
        out.writelines(itertools.islice(fh, day1_lines - 8 - 2_000, None))  # the last 2,000 lines
    head2 = head(REAL / "raw/spot/btcusdt_20240809.gz", tmp_path / "d2.gz", 2_000)
    st, raw = run(tmp_path, "binance-spot", [tail1, head2], SPOT, "r")
    # cutting out the middle of day 1 breaks the diff chain once; the rest is the real thing
    assert st.gaps == 1 and st.snapshots == 1
    norm = head(REAL / "binance_spot_btcusdt_20240808T2354.jsonl", tmp_path / "d.jsonl", 50)
    norm_events = list(market_events(run(tmp_path, "normalized", [norm], SPOT, "n")[1]))
    raw_events = list(market_events(raw))
    # the same REST snapshot and the diffs that waited for it, on the 0.01 / 1e-8 grid
    waiting = sum(1 for e in norm_events if e.ts == st.first_ts)
    assert waiting > 1 and same_market(raw_events[:waiting], norm_events[:waiting])
    assert raw_events[-1].ts > 1_723_161_600_000_000_000  # past midnight: day 2 is in


def test_round_trip_import_backtest_summary_is_identical_twice(tmp_path):
    src = head(REAL / "binance_usdm_btcusdt_20240808T2354.jsonl", tmp_path / "c.jsonl", 12_000)
    st, session = run(tmp_path, "normalized", [src], USDM, "rt")
    assert (st.last_ts - st.first_ts) / 1e9 > 120  # a few minutes of real data
    settings = Settings()  # fees and instrument come from the imported session itself
    first = backtest(settings, Source(str(session.path), minutes=0))
    second = backtest(settings, Source(str(session.path), minutes=0))
    assert first == second
    assert first.events == 12_000 and first.fills > 0 and first.book_gaps == 0
    # the fee rate written at import (Binance USD-M maker 0.02 %) is the one the backtest charged
    assert first.maker_fills == first.fills
    assert first.fees == pytest.approx(0.0002 * first.volume, rel=1e-9)
