"""From dollars to ticks and lots: fee floor, spread bounds around the reservation price,
rounding direction, post-only, sizes."""

from __future__ import annotations

import random

import pytest

from asconsole.models.rounding import (
    SpreadLimits,
    fee_floor_spread,
    quote_distances,
    shape_quote,
    size_lots,
)

TICK = 0.1
NO_FEES = SpreadLimits(5.0, 100.0, 0.0, 0.0, 0.0)


def test_fee_floor_modes():
    # maker: two maker fills; maker_taker: the seed's conservative maker + taker
    assert fee_floor_spread(100_000.0, 0.0002, 0.00055, 0.0) == pytest.approx(40.0)
    assert fee_floor_spread(100_000.0, 0.0002, 0.00055, 1.5, "maker_taker") == pytest.approx(76.5)
    # a rebate never makes the floor negative: the margin is what is left
    assert fee_floor_spread(100_000.0, -0.0001, 0.0005, 2.0) == 2.0
    with pytest.raises(ValueError):
        fee_floor_spread(1.0, 0.0, 0.0, 0.0, "cheap")


def test_bounds_pick_the_largest_floor():
    limits = SpreadLimits(5.0, 100.0, 0.0001, 0.0006, 0.5)
    lo, hi, fee_binds = limits.bounds(100_000.0)
    assert (lo, hi, fee_binds) == (pytest.approx(20.5), 100.0, True)
    lo, hi, fee_binds = limits.bounds(10_000.0)  # fees $2.5 < $5 minimum
    assert (lo, fee_binds) == (5.0, False)
    # fees above the maximum: the fee floor wins
    lo, hi, _ = SpreadLimits(5.0, 10.0, 0.001, 0.001).bounds(100_000.0)
    assert lo == hi == pytest.approx(200.0)


def test_model_spread_inside_bounds_rounds_outward():
    q = shape_quote(100_000.03, 6.04, 100_000.0, TICK, 0, 0, NO_FEES)
    assert q is not None
    assert (q.bid, q.ask) == (999_939, 1_000_061)  # 99993.99 down, 100006.07 up
    assert q.bound == "" and q.post_only == ""


def test_min_clamp_keeps_the_skew():
    """A $2 model spread on a reservation $3 below the mid becomes $5 around that same
    reservation price, not around the mid."""
    q = shape_quote(99_997.0, 1.0, 100_000.0, TICK, 0, 0, NO_FEES)
    assert q is not None
    assert q.spread == 5.0 and q.bound == "min"
    assert (q.bid, q.ask) == (999_945, 999_995)
    assert (q.bid + q.ask) / 2 * TICK == pytest.approx(99_997.0)


def test_max_clamp_and_fee_floor_are_reported():
    q = shape_quote(100_000.0, 80.0, 100_000.0, TICK, 0, 0, NO_FEES)
    assert q is not None and q.spread == 100.0 and q.bound == "max"
    fees = SpreadLimits(5.0, 100.0, 0.0002, 0.00055, 0.0)
    q = shape_quote(100_000.0, 3.0, 100_000.0, TICK, 0, 0, fees)
    assert q is not None and q.spread == pytest.approx(40.0) and q.bound == "fee"


def test_widening_stretches_one_side():
    q = shape_quote(100_000.0, 5.0, 100_000.0, TICK, 0, 0, NO_FEES, widen_bid=2.0)
    assert q is not None
    assert (q.bid, q.ask) == (999_900, 1_000_050)


def test_post_only_never_crosses_or_locks():
    # reservation far below the market: the ask would cross the best bid
    q = shape_quote(99_980.0, 3.0, 100_000.0, TICK, 999_995, 1_000_005, NO_FEES)
    assert q is not None
    assert q.ask == 999_996 and q.post_only == "ask"
    # far above: the bid is pulled under the best ask
    q = shape_quote(100_020.0, 3.0, 100_000.0, TICK, 999_995, 1_000_005, NO_FEES)
    assert q is not None
    assert q.bid == 1_000_004 and q.post_only == "bid"


def test_random_quotes_keep_every_invariant():
    rng = random.Random(31)
    for _ in range(2_000):
        mid = rng.uniform(50_000, 150_000)
        best_bid = int(mid / TICK) - rng.randint(0, 30)
        best_ask = best_bid + rng.randint(1, 30)
        r = mid + rng.uniform(-200, 200)
        half = 10 ** rng.uniform(-3, 3)
        limits = SpreadLimits(
            5.0, rng.uniform(5.0, 500.0), rng.uniform(-0.0001, 0.0005), 0.0006,
            rng.uniform(0, 3), rng.choice(("maker", "maker_taker")),
        )
        q = shape_quote(r, half, mid, TICK, best_bid, best_ask, limits)
        assert q is not None
        assert q.bid < best_ask and q.ask > best_bid  # never crosses nor locks
        assert q.bid < q.ask
        lo, hi, _ = limits.bounds(mid)
        assert lo - 1e-9 <= q.spread <= hi + 1e-9
        if not q.post_only:  # rounding only ever widens
            assert q.bid * TICK <= r - q.spread / 2 + 1e-6
            assert q.ask * TICK >= r + q.spread / 2 - 1e-6


@pytest.mark.parametrize(
    "args",
    [
        (float("nan"), 1.0, 100.0),
        (100.0, float("inf"), 100.0),
        (100.0, -1.0, 100.0),
        (100.0, 1.0, 0.0),
        (100.0, 1.0, float("nan")),
    ],
)
def test_bad_inputs_give_nothing(args):
    assert shape_quote(*args, TICK, 0, 0, NO_FEES) is None


def test_sizes_on_the_lot_step_above_minimums():
    assert size_lots(0.0015, 0.001) == 1  # floored to the lot
    assert size_lots(0.003, 0.001) == 3  # 0.003 / 0.001 is 2.9999999999999996 in floats
    assert size_lots(0.0005, 0.001) == 1  # never zero
    assert size_lots(0.001, 0.001, min_qty_lots=5) == 5
    # $100 minimum notional at $60,000 and 0.001 BTC lots: 2 lots ($120)
    assert size_lots(0.001, 0.001, min_notional=100.0, price=60_000.0) == 2
    assert size_lots(0.01, 0.001, min_notional=100.0, price=60_000.0) == 10


def test_distances_from_mid():
    bt, at, bb, ab = quote_distances(100_000.0, 999_950, 1_000_030, TICK)
    assert (bt, at) == (pytest.approx(50.0), pytest.approx(30.0))
    assert (bb, ab) == (pytest.approx(0.5), pytest.approx(0.3))
