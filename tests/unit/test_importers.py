"""Importers on crafted inputs: the update-id rules, gaps, corrupt lines, Bybit files, scales."""

import gzip
import json
import zipfile

import pytest

from asconsole.backtest import Source, backtest, market_events
from asconsole.cli import main
from asconsole.config import Settings
from asconsole.domain import BookDelta, BookSnapshot, Side, Trade
from asconsole.importers.bybit import stamp_ns
from asconsole.importers.instruments import instrument_facts
from asconsole.importers.scale import Scale
from asconsole.importers.session import import_session
from asconsole.importers.source import ImportContext, SourceError
from asconsole.recording.reader import open_session

USDM = instrument_facts("binance-usdm", "BTCUSDT")
T = 1_723_161_255_000_000_000
MS = 1_000_000


def capture(path, rows):
    """A Binance raw capture: `<ns> <json>` lines, gzip."""
    with gzip.open(path, "wt") as fh:
        for ts, msg in rows:
            fh.write(f"{ts} {msg if isinstance(msg, str) else json.dumps(msg)}\n")
    return path


def snap(lid, bid="61800.0", ask="61800.1"):
    return {"lastUpdateId": lid, "bids": [[bid, "1.000"], ["61799.0", "2.000"]], "asks": [[ask, "1.500"]]}


def diff(first, last, prev, bids=(), asks=()):
    return {"stream": "btcusdt@depth@0ms",
            "data": {"e": "depthUpdate", "s": "BTCUSDT", "U": first, "u": last, "pu": prev,
                     "b": [list(x) for x in bids], "a": [list(x) for x in asks]}}


def trade(px, qty, maker_buys):
    return {"stream": "btcusdt@trade", "data": {"e": "trade", "s": "BTCUSDT", "p": px, "q": qty, "m": maker_buys}}


def run_import(tmp_path, fmt, files, facts=USDM, skip_bad=False, name="s"):
    ctx = ImportContext(skip_bad=skip_bad)
    result = import_session(fmt, files, facts, tmp_path / name, ctx)
    return result, list(market_events(open_session(result.path)))


def test_scale_is_exact_and_refuses_off_step_values():
    px = Scale("0.1")
    assert px("61800.20") == 618002 and px("61800.2") == 618002 and px("5") == 50
    assert Scale("0.10")("61800.20") == 618002
    assert Scale("0.00001")("0.02000000") == 2000
    for bad in ("61800.25", "-1", "1e5", "", "abc"):
        with pytest.raises(ValueError):
            px(bad)


def test_bybit_trade_time_in_seconds_or_milliseconds():
    assert stamp_ns("1723075200.1234") == 1_723_075_200_123_400_000
    assert stamp_ns("1723075200") == 1_723_075_200_000_000_000
    assert stamp_ns("1723075200123") == 1_723_075_200_123_000_000


def test_futures_capture_syncs_on_the_snapshot_and_follows_pu(tmp_path):
    rows = [
        (T, diff(90, 95, 89, bids=[("61700.0", "1.000")])),  # inside the snapshot: dropped
        (T + 1, diff(96, 101, 95, asks=[("61801.0", "3.000")])),  # straddles lastUpdateId 100
        (T + 2, trade("61800.0", "0.010", True)),  # before the snapshot: dropped
        (T + 3 * MS, snap(100)),
        (T + 4 * MS, diff(102, 105, 101, bids=[("61800.0", "0.000")])),
        (T + 5 * MS, trade("61800.1", "0.002", False)),
        (T + 6 * MS, '{"stream":"btcusdt@bookTicker","data":{"s":"BTCUSDT","u":105}}'),
        (T + 7 * MS, {"stream": "btcusdt@trade", "data": {"e": "trade", "s": "BTCUSDT", "p": "61800.0",
                                                         "q": "0.500", "m": True, "X": "INSURANCE_FUND"}}),
    ]
    result, events = run_import(tmp_path, "binance-usdm", [capture(tmp_path / "c.gz", rows)])
    st = result.stats
    assert (st.snapshots, st.deltas, st.trades, st.gaps, st.dropped, st.ignored) == (1, 2, 1, 0, 2, 2)
    assert events[0] == BookSnapshot(T + 3 * MS, ((618000, 1000), (617990, 2000)), ((618001, 1500),), 100)
    # the waiting diff follows the snapshot, stamped with its time, chained to it
    assert events[1] == BookDelta(T + 3 * MS, (), ((618010, 3000),), 101, 100)
    assert events[2] == BookDelta(T + 4 * MS, ((618000, 0),), (), 105, 101)
    assert events[3] == Trade(T + 5 * MS, Side.BUY, 618001, 2)


def gap_capture(tmp_path):
    return capture(tmp_path / "gap.gz", [
        (T, snap(100)),
        (T + 1 * MS, diff(99, 103, 98)),
        (T + 2 * MS, diff(104, 106, 103, bids=[("61799.5", "1.000")])),
        (T + 3 * MS, diff(110, 112, 109, bids=[("61799.6", "1.000")])),  # pu 109 != 106: gap
        (T + 4 * MS, diff(113, 115, 112)),  # waits for a snapshot
        (T + 5 * MS, trade("61800.1", "0.001", False)),  # trades go on
        (T + 6 * MS, snap(114, bid="61790.0", ask="61790.1")),
        (T + 7 * MS, diff(116, 118, 115, asks=[("61791.0", "1.000")])),
    ])


def test_gap_is_recorded_then_the_next_snapshot_resyncs(tmp_path):
    result, events = run_import(tmp_path, "binance-usdm", [gap_capture(tmp_path)])
    st = result.stats
    assert st.gaps == 1 and st.snapshots == 2 and st.trades == 1
    kinds = [(type(e).__name__, e.ts) for e in events]
    assert kinds == [("BookSnapshot", T), ("BookDelta", T + MS), ("BookDelta", T + 2 * MS),
                     ("BookDelta", T + 3 * MS), ("Trade", T + 5 * MS), ("BookSnapshot", T + 6 * MS),
                     ("BookDelta", T + 6 * MS), ("BookDelta", T + 7 * MS)]
    gap = events[3]
    assert gap.prev_seq == 109 and gap.prev_seq != events[2].seq
    # the waiting diff 113..115 straddles the new snapshot's 114 and is chained to it
    assert (events[6].seq, events[6].prev_seq) == (115, 114)
    assert (events[7].seq, events[7].prev_seq) == (118, 115)
    # the engine sees the gap as live: its book goes invalid until the fresh snapshot
    assert backtest(Settings(), Source(str(result.path), minutes=0)).book_gaps == 1


def test_spot_chain_needs_U_equal_previous_u_plus_one(tmp_path):
    facts = instrument_facts("binance-spot", "BTCUSDT")
    d = lambda a, b: {"stream": "btcusdt@depth@100ms",  # noqa: E731
                      "data": {"e": "depthUpdate", "s": "BTCUSDT", "U": a, "u": b, "b": [], "a": []}}
    s = {"lastUpdateId": 100, "bids": [["61837.63000000", "3.78826000"]], "asks": [["61837.64000000", "0.1"]]}
    rows = [(T, d(95, 100)), (T + 1, s), (T + 2, d(101, 104)), (T + 3, d(105, 107)), (T + 4, d(109, 110))]
    result, events = run_import(tmp_path, "binance-spot", [capture(tmp_path / "s.gz", rows)], facts)
    assert result.stats.dropped == 1 and result.stats.gaps == 1
    assert events[0].bids == ((6183763, 378826000),)
    assert [(e.seq, e.prev_seq) for e in events[1:]] == [(104, 100), (107, 104), (110, 108)]


def test_corrupt_line_names_file_and_line_or_is_skipped_and_counted(tmp_path):
    path = capture(tmp_path / "bad.gz", [
        (T, snap(100)),
        (T + 1, diff(99, 103, 98)),
        (T + 2, '{"stream":"btcusdt@depth@0ms","data":{"U":104,'),  # torn JSON
        (T + 3, trade("61800.15", "0.001", False)),  # off the 0.1 tick
        (T + 4, diff(104, 106, 103)),
    ])
    with pytest.raises(SourceError, match=r"bad\.gz:3: bad line"):
        run_import(tmp_path, "binance-usdm", [path])
    result, events = run_import(tmp_path, "binance-usdm", [path], skip_bad=True, name="s2")
    assert result.stats.bad_lines == 2 and result.stats.deltas == 2 and result.stats.gaps == 0


def test_cli_import_prints_a_summary_and_refuses_bad_input_in_one_line(tmp_path, capsys):
    good = gap_capture(tmp_path)
    assert main(["import", str(good), "--format", "binance-usdm", "--symbol", "BTCUSDT",
                 "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "5 book deltas, 1 trades" in out and "gaps 1" in out
    meta = open_session(tmp_path / "out").meta
    assert meta["mode"] == "import" and meta["import"]["gaps"] == 1
    assert meta["instrument"]["tick_size"] == "0.1" and meta["config"]["fees"]["taker"] == 0.0005
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"ts_ns":1,"type":"book_snapshot","bids":[],"asks":[]}\nnot json\n')
    assert main(["import", str(bad), "--format", "normalized", "--symbol", "BTCUSDT",
                 "--venue", "binance-usdm", "-o", str(tmp_path / "o2")]) == 2
    assert "bad.jsonl:2: bad line" in capsys.readouterr().err
    assert main(["import", str(bad), "--format", "normalized", "--symbol", "XYZUSDT",
                 "--venue", "bybit-linear", "-o", str(tmp_path / "o3")]) == 2
    assert "give --tick and --lot" in capsys.readouterr().err
    assert main(["import", str(bad), "--format", "normalized", "--symbol", "BTCUSDT", "-o", str(tmp_path / "o4")]) == 2
    assert "needs --venue" in capsys.readouterr().err


def bybit_book(path, rows):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("2024-08-08_BTCUSDT_ob200.data", "".join(json.dumps(r) + "\n" for r in rows))
    return path


def ob(kind, ts_ms, u, bids=(), asks=()):
    return {"topic": "orderbook.200.BTCUSDT", "type": kind, "ts": ts_ms, "cts": ts_ms - 2,
            "data": {"s": "BTCUSDT", "b": [list(x) for x in bids], "a": [list(x) for x in asks],
                     "u": u, "seq": 900 + u}}


def test_bybit_book_archive_and_trade_csv_merge_by_time(tmp_path):
    t0 = 1_723_075_200_000
    book = bybit_book(tmp_path / "ob.zip", [
        ob("delta", t0 - 5, 9),  # before any snapshot: dropped
        ob("snapshot", t0, 10, bids=[("61800.00", "1.5")], asks=[("61800.10", "2")]),
        ob("delta", t0 + 100, 11, bids=[("61800.00", "0")]),
        ob("delta", t0 + 200, 13, asks=[("61800.20", "1")]),  # 12 missing: gap
        ob("delta", t0 + 300, 14),  # dropped until a snapshot
        ob("snapshot", t0 + 400, 1, bids=[("61790.00", "1")], asks=[("61790.10", "1")]),  # restart
        ob("delta", t0 + 500, 2, asks=[("61790.10", "0.5")]),
    ])
    csv_path = tmp_path / "BTCUSDT2024-08-08.csv.gz"
    header = "timestamp,symbol,side,size,price,tickDirection,trdMatchID,grossValue,homeNotional,foreignNotional\n"
    rows = [  # newest first, as some Bybit files are
        f"{(t0 + 450) / 1000:.4f},BTCUSDT,Sell,0.004,61790.00,MinusTick,id3,2.47e+10,0.004,247.16\n",
        f"{(t0 + 150) / 1000:.4f},BTCUSDT,Buy,0.010,61800.10,PlusTick,id2,6.18e+10,0.01,618.0\n",
        f"{(t0 + 150) / 1000:.4f},ETHUSDT,Buy,0.010,2600.10,PlusTick,id9,6.18e+10,0.01,26.0\n",
    ]
    with gzip.open(csv_path, "wt") as fh:
        fh.write(header + "".join(rows))
    facts = instrument_facts("bybit-linear", "BTCUSDT")
    result, events = run_import(tmp_path, "bybit-linear", [book, csv_path], facts)
    st = result.stats
    assert (st.snapshots, st.deltas, st.trades, st.gaps, st.dropped, st.ignored) == (2, 3, 2, 1, 2, 1)
    assert [type(e).__name__ for e in events] == [
        "BookSnapshot", "BookDelta", "Trade", "BookDelta", "BookSnapshot", "Trade", "BookDelta"]
    assert events[2] == Trade((t0 + 150) * MS, Side.BUY, 618001, 10)
    assert events[3].prev_seq == 12 and events[1].seq == 11
    assert events[4] == BookSnapshot((t0 + 400) * MS, ((617900, 1000),), ((617901, 1000),), 1)
    assert events[6] == BookDelta((t0 + 500) * MS, (), ((617901, 500),), 2, 1)


def test_inputs_out_of_time_order_are_refused(tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_text(
        '{"ts_ns":2,"type":"book_snapshot","bids":[["1.0","1"]],"asks":[["1.1","1"]]}\n'
        '{"ts_ns":1,"type":"trade","side":"buy","px":"1.1","qty":"0.001"}\n')
    with pytest.raises(SourceError, match="time goes backwards"):
        run_import(tmp_path, "normalized", [path])


def test_input_without_a_snapshot_is_refused(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"ts_ns":1,"type":"trade","side":"buy","px":"1.1","qty":"0.001"}\n')
    with pytest.raises(SourceError, match="no book snapshot"):
        run_import(tmp_path, "normalized", [path])


def test_engine_pulls_its_quotes_at_an_imported_gap_and_quotes_again_after_the_snapshot(tmp_path):
    from asconsole.backtest import session_fees
    from asconsole.clock import EventClock
    from asconsole.engine.driver import Driver
    from asconsole.engine.engine import Engine
    from asconsole.fees import FeeSchedule
    from asconsole.recording.reader import instrument_from_meta
    from asconsole.venues.paper import PaperExchange

    result, events = run_import(tmp_path, "binance-usdm", [gap_capture(tmp_path)])
    session = open_session(result.path)
    s, inst = Settings(), instrument_from_meta(session.meta)
    clock = EventClock(events[0].ts)
    verdicts: list[tuple[int, list[str]]] = []
    journal = lambda ts, kind, p: verdicts.append((ts, p["reasons"])) if kind == "verdict" else None  # noqa: E731
    engine = Engine(s, inst, clock, journal=journal)
    exchange = PaperExchange(inst, session_fees(session.meta) or FeeSchedule(0, 0), clock)
    driver = Driver(engine, exchange, clock)
    orders_at: dict[int, int] = {}
    for ev in events:
        driver.market(ev)
        orders_at[ev.ts] = len(exchange.orders)
    assert orders_at[T + 2 * MS] == 2  # quoting both sides before the gap
    assert orders_at[T + 3 * MS] == 0  # the gap pulled them
    pulled = [r for ts, r in verdicts if ts == T + 3 * MS]
    assert pulled and any("no valid book" in x for x in pulled[0])
    driver.market(BookDelta(T + 200 * MS, (), (), 119, 118))  # the next decision (every 100 ms)
    assert len(exchange.orders) == 2 and engine.book.gaps == 1  # quoting again on the fresh book
