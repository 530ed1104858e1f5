from asconsole.book import Book
from asconsole.domain import BookDelta
from tests.kit.builders import book


def make() -> Book:
    b = Book()
    b.apply_snapshot(book([(100, 5), (99, 3), (97, 1)], [(101, 2), (103, 4)]))
    return b


def test_snapshot_best_prices_mid_and_levels():
    b = make()
    assert (b.best_bid, b.best_ask) == (100, 101)
    assert b.mid_ticks() == 100.5
    assert b.levels(True, 2) == [(100, 5), (99, 3)]
    assert b.levels(False, 5) == [(101, 2), (103, 4)]
    assert b.depth(True, 3) == 9


def test_delta_inserts_replaces_and_deletes_best():
    b = make()
    assert b.apply_delta(BookDelta(2, ((100, 0), (98, 7)), ((101, 9), (102, 1)), 2, 1))
    assert b.best_bid == 99
    assert b.size_at(False, 101) == 9
    assert b.best_ask == 101
    assert b.apply_delta(BookDelta(3, (), ((101, 0),), 3, 2))
    assert b.best_ask == 102
    assert b.levels(True, 3) == [(99, 3), (98, 7), (97, 1)]


def test_improving_prices_become_best():
    b = make()
    assert b.apply_delta(BookDelta(2, ((100, 0), (99, 0)), ((102, 1),), 2, None))
    assert b.best_bid == 97
    assert b.apply_delta(BookDelta(3, ((98, 4),), ((100, 3),), 3, None))
    assert (b.best_bid, b.best_ask) == (98, 100)


def test_sequence_gap_invalidates_until_snapshot():
    b = make()
    assert not b.apply_delta(BookDelta(2, ((99, 1),), (), 5, 4))
    assert not b.ready and b.gaps == 1
    # further deltas are ignored until a fresh snapshot
    assert not b.apply_delta(BookDelta(3, ((99, 2),), (), 6, 5))
    assert b.gaps == 1
    b.apply_snapshot(book([(99, 1)], [(100, 1)], seq=10))
    assert b.ready and b.apply_delta(BookDelta(4, ((99, 2),), (), 11, 10))


def test_empty_side_has_no_mid():
    b = Book()
    b.apply_snapshot(book([(100, 1)], []))
    assert not b.ready and b.mid_ticks() == 0.0
