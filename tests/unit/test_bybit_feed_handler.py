"""BybitFeed's message handler without a socket: u/seq rules of the order book topic."""

from __future__ import annotations

import json

from asconsole.clock import EventClock
from asconsole.domain import BookDelta, BookSnapshot, FeedStatus, Instrument
from asconsole.venues.bybit.data import BybitFeed

INST = Instrument("bybit", "BTCUSDT", "0.10", "0.001")


def book(kind: str, u: int, seq: int, bids: list[list[str]], depth: int = 50) -> str:
    return json.dumps({
        "topic": f"orderbook.{depth}.BTCUSDT", "type": kind, "ts": 10, "cts": 9,
        "data": {"s": "BTCUSDT", "b": bids, "a": [], "u": u, "seq": seq},
    })  # fmt: skip


def feed(depth: int = 50) -> BybitFeed:
    return BybitFeed(INST, "ws://unused", depth=depth, clock=EventClock(5))


def test_deltas_before_the_first_snapshot_are_dropped() -> None:
    f = feed()
    assert f.handle(book("delta", 7, 1, [["1.0", "1"]])) == []
    events = f.handle(book("snapshot", 8, 2, [["1.0", "0.002"]]))
    assert events == [
        BookSnapshot(9_000_000, ((10, 2),), (), seq=8),
        FeedStatus(5, True, "book synced"),
    ]


def test_consecutive_deltas_carry_prev_seq() -> None:
    f = feed()
    f.handle(book("snapshot", 8, 2, []))
    assert f.handle(book("delta", 9, 3, [["1.0", "0"]])) == [
        BookDelta(9_000_000, ((10, 0),), (), seq=9, prev_seq=8)
    ]


def test_seq_going_backwards_is_a_gap_and_later_deltas_wait_for_the_snapshot() -> None:
    f = feed()
    f.handle(book("snapshot", 8, 20, []))
    (status,) = f.handle(book("delta", 9, 19, []))
    assert isinstance(status, FeedStatus) and not status.connected and f.resync_needed
    assert f.handle(book("delta", 10, 21, [])) == []
    assert isinstance(f.handle(book("snapshot", 30, 40, []))[0], BookSnapshot)


def test_depth_one_snapshot_resent_with_the_same_u_is_not_a_gap() -> None:
    f = feed(depth=1)
    f.handle(book("snapshot", 8, 2, [["1.0", "1"]], depth=1))
    again = f.handle(book("snapshot", 8, 2, [["1.0", "1"]], depth=1))
    assert [type(e) for e in again] == [BookSnapshot] and f.resyncs == 0
