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


def test_the_same_event_applied_twice_counts_once():
    """A book shared by the engine and the paper exchange sees every event twice."""
    b = make()
    d = BookDelta(2, ((100, 0),), (), 2, 1)
    assert b.apply_delta(d) and b.apply_delta(d)
    assert b.best_bid == 99 and b.seq == 2 and b.gaps == 0
    g = BookDelta(3, (), (), 9, 8)
    assert not b.apply_delta(g) and not b.apply_delta(g)
    assert b.gaps == 1


def test_deep_book_keeps_best_prices_and_levels_in_order():
    import random

    rng = random.Random(3)
    b = Book()
    b.apply_snapshot(book([(1000 - i, 1) for i in range(500)], [(1001 + i, 1) for i in range(500)]))
    bids, asks = dict(b.bids), dict(b.asks)
    for seq in range(2, 3000):
        bd = tuple((rng.randint(400, 1000), rng.choice((0, 0, 1, 5))) for _ in range(5))
        ad = tuple((rng.randint(1001, 1600), rng.choice((0, 0, 1, 5))) for _ in range(5))
        assert b.apply_delta(BookDelta(seq, bd, ad, seq, seq - 1))
        for side, changes in ((bids, bd), (asks, ad)):
            for p, q in changes:
                if q:
                    side[p] = q
                else:
                    side.pop(p, None)
        assert b.best_bid == max(bids, default=0) and b.best_ask == min(asks, default=0)
    assert b.levels(True, 7) == sorted(bids.items(), reverse=True)[:7]
    assert b.levels(False, 7) == sorted(asks.items())[:7]
    assert b.depth(False, 3) == sum(q for _, q in sorted(asks.items())[:3])
