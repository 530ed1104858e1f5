import random

import pytest

from asconsole.domain import Fill, Side
from asconsole.engine.portfolio import Portfolio
from tests.kit.builders import INST


def fill(side: Side, price: int, qty: int, fee: float = 0.0) -> Fill:
    return Fill(0, "x", side, price, qty, fee, True, f"f{random.random()}")


def test_average_entry_realized_and_flip():
    p = Portfolio(INST)
    p.apply(fill(Side.BUY, 1_000_000, 2, 0.04))  # 2 lots at 100000.0
    p.apply(fill(Side.BUY, 1_000_100, 2))  # 2 lots at 100010.0
    assert p.position == 4 and p.entry == 1_000_050
    p.apply(fill(Side.SELL, 1_000_200, 3))  # close 3 lots at 100020.0: +15 $ per BTC x 0.003
    assert p.realized() == pytest.approx(15.0 * 0.003)
    assert p.position == 1 and p.entry == 1_000_050
    p.apply(fill(Side.SELL, 1_000_000, 3))  # close 1 (loss 5$ x 0.001), open short 2 at 100000
    assert p.position == -2 and p.entry == 1_000_000
    assert p.realized() == pytest.approx(0.045 - 0.005)
    assert p.unrealized(999_900) == pytest.approx(10.0 * 0.002)


def test_books_close_on_random_fills():
    rng = random.Random(3)
    p = Portfolio(INST)
    for _ in range(500):
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        p.apply(fill(side, 1_000_000 + rng.randint(-500, 500), rng.randint(1, 5), rng.random() / 10))
        mark = 1_000_000 + rng.randint(-500, 500)
        cash_view = p.cash() + p.position * mark * INST.tick * INST.lot - p.fees
        assert p.total(mark) == pytest.approx(cash_view, abs=1e-9)
