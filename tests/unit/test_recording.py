import gzip
import json
import time

import pytest

from asconsole import config
from asconsole.domain import (
    AmendOrder,
    BookDelta,
    BookSnapshot,
    CancelAll,
    CancelOrder,
    Command,
    CommandKind,
    FeedStatus,
    Fill,
    MarkPrice,
    OrderAck,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    Trade,
)
from asconsole.recording.codec import decode, encode
from asconsole.recording.reader import RecordingError, open_session
from asconsole.recording.writer import Recorder
from tests.kit.builders import INST, T0

EVENTS = [
    BookSnapshot(T0, ((100, 2), (99, 1)), ((101, 3),), 7),
    BookDelta(T0 + 1, ((100, 0),), ((102, 5),), 8, 7),
    Trade(T0 + 2, Side.SELL, 100, 4),
    MarkPrice(T0 + 3, 101),
    FeedStatus(T0 + 4, False, "socket closed"),
    OrderAck(T0 + 5, "a-1", "v9"),
    OrderAmended(T0 + 6, "a-1", 99, 2),
    OrderRejected(T0 + 7, "a-2", "post-only order would take liquidity", "place"),
    OrderCanceled(T0 + 8, "a-1", "pause"),
    Fill(T0 + 9, "a-3", Side.BUY, 100, 1, 0.02, True, "f-1", 0),
    Command(CommandKind.SET_PARAM, T0 + 10, "gamma", 0.01, "ui"),
]
ACTIONS = [
    PlaceOrder("a-4", Side.SELL, 105, 2, TimeInForce.IOC, True),
    AmendOrder("a-4", 104, 1),
    CancelOrder("a-4"),
    CancelAll("kill switch"),
]


@pytest.mark.parametrize("ev", EVENTS, ids=lambda e: type(e).__name__)
def test_every_event_type_round_trips_through_json(ev):
    line = json.dumps(encode(ev))
    assert decode(json.loads(line)) == ev


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: type(a).__name__)
def test_order_actions_round_trip_with_the_time_they_were_sent(action):
    obj = json.loads(json.dumps(encode(action, T0 + 5)))
    assert obj["t"] == T0 + 5
    assert decode(obj) == action


def recorder(tmp_path, compress=False, **kw) -> Recorder:
    s = config.Settings().replace("recording", compress=compress)
    return Recorder(tmp_path / "s", s, INST, T0, "paper", **kw)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_session_written_and_read_back(tmp_path, compress):
    rec = recorder(tmp_path, compress)
    for ev in EVENTS + ACTIONS:
        rec.event(ev)
    rec.journal(T0 + 11, "quote", {"bid": 99, "ask": 102})
    rec.close(T0 + 12, "quit")
    s = open_session(rec.path)
    assert s.meta["exit_reason"] == "quit" and s.meta["instrument"]["tick_size"] == "0.1"
    assert s.meta["events"] == len(EVENTS) + len(ACTIONS) + 1
    lines = list(s.lines())
    assert [decode(x) for x in lines[:-1]] == EVENTS + ACTIONS
    assert [x["t"] for x in lines[len(EVENTS) : -1]] == [T0 + 10] * len(
        ACTIONS
    )  # time of the item before
    assert lines[-1] == {"k": "quote", "t": T0 + 11, "bid": 99, "ask": 102}
    assert s.warnings == []
    if compress:
        (seg,) = s.files
        assert seg.name == "events-0001.jsonl.gz"
        # readable without asconsole: plain gzip of JSON lines
        assert [json.loads(x) for x in gzip.decompress(seg.read_bytes()).splitlines()] == lines


def test_segments_rotate_and_read_in_order(tmp_path):
    rec = recorder(tmp_path, True, segment_bytes=200)
    for i in range(50):
        rec.event(Trade(T0 + i, Side.BUY, 100 + i, 1))
        rec.flush()
    rec.close(T0 + 50, "quit")
    s = open_session(rec.path)
    assert len(s.files) > 3
    assert [x["p"] for x in s.lines()] == list(range(100, 150))


def test_the_writer_thread_flushes_within_a_second_without_being_asked(tmp_path):
    rec = recorder(tmp_path, flush_s=0.2)
    rec.event(EVENTS[2])
    assert (rec.path / "events.jsonl").read_text() == ""  # the caller only queued it
    deadline = time.monotonic() + 2.0
    while not (rec.path / "events.jsonl").read_text() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(list(open_session(rec.path).lines())) == 1
    rec.close(T0, "quit")


def test_torn_last_line_is_skipped_with_a_warning(tmp_path):
    rec = recorder(tmp_path)
    rec.event(EVENTS[2])
    rec.flush()
    with open(rec.path / "events.jsonl", "a") as fh:
        fh.write('{"k":"trade","t":1')
    s = open_session(rec.path)
    assert len(list(s.lines())) == 1
    assert s.warnings and "truncated" in s.warnings[0]


def test_gzip_segment_cut_mid_write_is_read_up_to_the_cut(tmp_path):
    rec = recorder(tmp_path, True)
    for i in range(20):
        rec.event(Trade(T0 + i, Side.BUY, 100 + i, 1))
        rec.flush()
    seg = rec.path / "events-0001.jsonl.gz"
    data = seg.read_bytes()  # no trailer yet: the run is still going
    rec.close(T0 + 20, "quit")
    seg.write_bytes(data[:-7])  # and killed in the middle of the last write
    s = open_session(rec.path)
    prices = [x["p"] for x in s.lines()]
    assert 15 <= len(prices) < 20 and prices == list(range(100, 100 + len(prices)))
    assert any("no trailer" in w for w in s.warnings)


def test_corrupt_middle_line_and_unknown_version_are_refused(tmp_path):
    rec = recorder(tmp_path)
    rec.close(T0, "quit")
    (rec.path / "events.jsonl").write_text('{"k":"trade"\n{"k":"mark","t":1,"p":2}\n')
    with pytest.raises(RecordingError, match="corrupt line"):
        list(open_session(rec.path).lines())
    meta = (rec.path / "meta.toml").read_text().replace("format_version = 2", "format_version = 99")
    (rec.path / "meta.toml").write_text(meta)
    with pytest.raises(RecordingError, match="version 99 is not supported.*reads versions 1, 2"):
        open_session(rec.path)


def test_a_version_1_recording_is_still_read(tmp_path):
    """Version 1: events.jsonl, no order-action lines; the same line schema otherwise."""
    d = tmp_path / "v1"
    d.mkdir()
    (d / "meta.toml").write_text('format_version = 1\nmode = "paper"\nstart_ns = 1\n')
    (d / "events.jsonl").write_text(json.dumps(encode(EVENTS[2])) + "\n")
    assert [decode(x) for x in open_session(d).lines()] == [EVENTS[2]]


def test_a_write_failure_is_reported_not_fatal(tmp_path):
    rec = recorder(tmp_path)

    def full(data):
        raise OSError(28, "No space left on device")

    rec._sink.write = full
    rec.event(EVENTS[2])
    rec.flush()
    rec.event(EVENTS[3])  # dropped, not queued forever
    rec.flush()
    assert "No space left" in rec.error and not rec._queue
    rec.close(T0 + 1, "quit")
    assert "No space left" in open_session(rec.path).meta["error"]


def test_a_live_recorder_records_when_the_engine_took_each_input(tmp_path):
    """The runner passes the engine's (latched) time: an event taken later than its own time
    gets `lag`, one taken at once none; an order action is stamped with it; timer ticks and
    mode switches are lines of their own; meta.toml says the timing is recorded."""
    from asconsole.domain import VenuePosition
    from asconsole.recording.codec import taken_at

    rec = recorder(tmp_path, records_timing=True)
    rec.event(EVENTS[2], T0 + 2)  # taken at once
    rec.event(EVENTS[5], T0 + 700)  # the ack waited in the queue
    rec.event(ACTIONS[0], T0 + 700)
    rec.timer(T0 + 900)
    rec.mode(T0 + 950, "live", VenuePosition(-3, 100.5))
    rec.close(T0 + 1000, "quit")
    session = open_session(rec.path)
    lines = list(session.lines())
    assert session.meta["timing"] == "recorded"
    assert lines == [
        {"k": "trade", "t": T0 + 2, "side": -1, "p": 100, "q": 4},
        {"k": "ack", "t": T0 + 5, "lag": 695, "id": "a-1", "vid": "v9"},
        {**encode(ACTIONS[0], T0 + 700)},
        {"k": "timer", "t": T0 + 900},
        {"k": "mode", "t": T0 + 950, "mode": "live", "pos": -3, "entry": 100.5},
    ]
    assert [taken_at(x) for x in lines] == [T0 + 2, T0 + 700, T0 + 700, T0 + 900, T0 + 950]
    assert decode(lines[1]) == EVENTS[5]
    driver = recorder(tmp_path / "driver")  # a Driver's recording: timers on its schedule
    driver.close(T0, "done")
    assert "timing" not in open_session(driver.path).meta


def test_closing_on_a_full_disk_stops_the_writer_and_does_not_raise(tmp_path):
    rec = recorder(tmp_path)
    rec.event(EVENTS[2])

    def full():
        raise OSError(28, "No space left on device")

    rec._write_meta = full
    rec.close(T0 + 1, "quit")  # on every way out of a run: it must not raise
    assert "No space left" in rec.error
    assert not rec._thread.is_alive() and rec._sink._file.closed
    assert [decode(x) for x in open_session(rec.path).lines()] == [EVENTS[2]]
