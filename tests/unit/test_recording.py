import json

import pytest

from asconsole import config
from asconsole.domain import (
    BookDelta,
    BookSnapshot,
    Command,
    CommandKind,
    FeedStatus,
    Fill,
    MarkPrice,
    OrderAck,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    Side,
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


@pytest.mark.parametrize("ev", EVENTS, ids=lambda e: type(e).__name__)
def test_every_event_type_round_trips_through_json(ev):
    line = json.dumps(encode(ev))
    assert decode(json.loads(line)) == ev


def recorder(tmp_path, **kw) -> Recorder:
    return Recorder(tmp_path / "s", config.Settings(), INST, T0, "paper", **kw)


def test_session_written_and_read_back(tmp_path):
    rec = recorder(tmp_path)
    for ev in EVENTS:
        rec.event(ev)
    rec.journal(T0 + 11, "quote", {"bid": 99, "ask": 102})
    rec.close(T0 + 12, "quit")
    s = open_session(rec.path)
    assert s.meta["exit_reason"] == "quit" and s.meta["instrument"]["tick_size"] == "0.1"
    lines = list(s.lines())
    assert [decode(x) for x in lines[:-1]] == EVENTS
    assert lines[-1] == {"k": "quote", "t": T0 + 11, "bid": 99, "ask": 102}


def test_flush_interval_bounds_what_a_crash_loses(tmp_path):
    rec = recorder(tmp_path, flush_s=1.0)
    rec.event(EVENTS[2])
    rec.maybe_flush(T0 + 500_000_000)  # 0.5 s: still buffered
    assert (rec.path / "events.jsonl").read_text() == ""
    rec.maybe_flush(T0 + 1_000_000_000)  # 1 s: written
    assert len(list(open_session(rec.path).lines())) == 1


def test_torn_last_line_is_skipped_with_a_warning(tmp_path):
    rec = recorder(tmp_path)
    rec.event(EVENTS[2])
    rec.flush()
    with open(rec.path / "events.jsonl", "a") as fh:
        fh.write('{"k":"trade","t":1')
    s = open_session(rec.path)
    assert len(list(s.lines())) == 1
    assert s.warnings and "truncated" in s.warnings[0]


def test_corrupt_middle_line_and_unknown_version_are_refused(tmp_path):
    rec = recorder(tmp_path)
    rec.close(T0, "quit")
    (rec.path / "events.jsonl").write_text('{"k":"trade"\n{"k":"mark","t":1,"p":2}\n')
    with pytest.raises(RecordingError, match="corrupt line"):
        list(open_session(rec.path).lines())
    meta = (rec.path / "meta.toml").read_text().replace("format_version = 1", "format_version = 99")
    (rec.path / "meta.toml").write_text(meta)
    with pytest.raises(RecordingError, match="version 99 is not supported"):
        open_session(rec.path)
