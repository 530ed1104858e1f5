"""GLFT against the paper's per-side formulas, computed independently here, and the seed's
formula on the same inputs so the difference is on record."""

from __future__ import annotations

import math
import random

import pytest

from asconsole.models.base import ModelInputs
from asconsole.models.glft import GLFT


def paper_depths(q, sigma, A, kappa, gamma, xi=None, delta=1.0):
    """Gueant (2017) closed form: distances of bid and ask from the mid, written per side
    the way the paper does (not the reservation/half-spread split the model uses)."""
    xi = xi or gamma
    c1 = (1.0 / (xi * delta)) * math.log(1.0 + xi * delta / kappa)
    c2 = math.sqrt(
        gamma / (2.0 * A * delta * kappa) * (1.0 + xi * delta / kappa) ** (kappa / (xi * delta) + 1.0)
    )
    depth_bid = c1 + (2.0 * q + delta) / 2.0 * sigma * c2
    depth_ask = c1 - (2.0 * q - delta) / 2.0 * sigma * c2
    return depth_bid, depth_ask


CASES = [
    # q, sigma, A, kappa, gamma
    pytest.param(0.0, 8.0, 20.0, 0.5, 0.005, id="flat"),
    pytest.param(3.0, 8.0, 20.0, 0.5, 0.005, id="long"),
    pytest.param(-2.0, 8.0, 20.0, 0.5, 0.005, id="short"),
    pytest.param(1.0, 8.0, 20.0, 1e-4, 0.005, id="tiny-kappa"),
    pytest.param(1.0, 8.0, 20.0, 1e3, 0.005, id="large-kappa"),
    pytest.param(-1.0, 8.0, 20.0, 0.5, 10.0, id="large-gamma"),
    pytest.param(2.0, 0.5, 0.3, 2.0, 0.05, id="quiet"),
]


@pytest.mark.parametrize("q,sigma,A,kappa,gamma", CASES)
def test_matches_paper_per_side(q, sigma, A, kappa, gamma):
    S = 100_000.0
    quote = GLFT().quote(ModelInputs(S, q, sigma, A, kappa, gamma))
    assert quote is not None
    depth_bid, depth_ask = paper_depths(q, sigma, A, kappa, gamma)
    # differences of prices near 1e5: absolute tolerance of a few ulps of S
    assert S - quote.bid == pytest.approx(depth_bid, rel=1e-9, abs=1e-9)
    assert quote.ask - S == pytest.approx(depth_ask, rel=1e-9, abs=1e-9)
    assert quote.ask - quote.bid == pytest.approx(2 * quote.half_spread, abs=1e-9)
    assert quote.reservation == pytest.approx(S - quote.skew * q, rel=1e-15)


def test_default_parameters_by_hand():
    """gamma 0.005, kappa 0.5, A 20, sigma 8: c1 = 200 ln 1.01 = 1.990066,
    c2 = sqrt(0.00025 * 1.01^101) = 0.0261343, half = c1 + 4 c2 = 2.094600, skew = 8 c2."""
    quote = GLFT().quote(ModelInputs(100_000.0, 0.0, 8.0, 20.0, 0.5, 0.005))
    assert quote is not None
    assert quote.half_spread == pytest.approx(2.0946006, abs=1e-6)
    assert quote.skew == pytest.approx(0.2090689, abs=1e-6)


def test_xi_and_delta_follow_the_paper():
    S = 50_000.0
    quote = GLFT(xi=0.02, delta=2.0).quote(ModelInputs(S, 4.0, 3.0, 5.0, 0.8, 0.01))
    depth_bid, depth_ask = paper_depths(4.0, 3.0, 5.0, 0.8, 0.01, xi=0.02, delta=2.0)
    assert quote is not None
    assert S - quote.bid == pytest.approx(depth_bid, rel=1e-9)
    assert quote.ask - S == pytest.approx(depth_ask, rel=1e-9)


def test_small_gamma_limits():
    """gamma/kappa -> 0: c1 -> 1/kappa and c2 -> sqrt(e gamma / (2 A kappa)); computing c2 in
    logs keeps these exact where (1 + x)^(1/x) in floats drifts."""
    gamma, A, kappa = 1e-12, 20.0, 0.5
    c1, c2 = GLFT().coefficients(gamma, A, kappa)
    assert c1 == pytest.approx(1.0 / kappa, rel=1e-9)
    assert c2 == pytest.approx(math.sqrt(math.e * gamma / (2 * A * kappa)), rel=1e-9)


def test_overflowing_c2_gives_no_quote():
    assert GLFT().quote(ModelInputs(100.0, 0.0, 1.0, 1.0, 1e-300, 1.0)) is None


def test_seed_formula_differs_on_the_same_inputs():
    """The seed (SYSTEM.md section 1): c1 = (1/kappa) ln(1 + kappa/gamma), vol term
    sqrt(e sigma^2 gamma / (2 A kappa)) without the 1/2, skew gamma sigma^2 / (2 A kappa)
    per BTC. Same dollar inputs, the seed's spread is 4.5 times ours and its skew per order
    is a thousandth of a cent."""
    gamma, kappa, A, sigma = 0.005, 0.5, 20.0, 8.0
    seed_c1 = (1.0 / kappa) * math.log(1.0 + kappa / gamma)
    seed_half = seed_c1 + math.sqrt(math.e * sigma**2 * gamma / (2.0 * A * kappa))
    seed_skew_per_btc = gamma * sigma**2 / (2.0 * A * kappa)
    seed_skew_per_order = seed_skew_per_btc * 0.001  # q in BTC, one order = 0.001 BTC
    ours = GLFT().quote(ModelInputs(100_000.0, 0.0, sigma, A, kappa, gamma))
    assert ours is not None
    assert seed_c1 == pytest.approx(9.2302, abs=1e-4)  # vs ours 1.9901
    assert 2 * seed_half == pytest.approx(18.877, abs=1e-3)  # vs ours 4.1892
    assert 2 * ours.half_spread == pytest.approx(4.1892, abs=1e-4)
    assert seed_skew_per_order == pytest.approx(1.6e-5)  # vs ours 0.209 $ per order
    assert ours.skew / seed_skew_per_order > 10_000


def test_seed_fact_sheet_example():
    """SYSTEM.md: gamma 0.005, kappa 0.5, A 20, mid 100k, sigma 1e-4 of price per 5 s poll
    gives the seed a spread of about $18.98. The same market in our units is
    sigma = 10 $ per sqrt(5 s) = 4.472 $/sqrt(s): spread $4.10, skew $0.117 per order."""
    sigma_dollar_per_poll = 1e-4 * 100_000.0
    seed_half = (1 / 0.5) * math.log(1 + 0.5 / 0.005) + math.sqrt(
        math.e * sigma_dollar_per_poll**2 * 0.005 / (2 * 20 * 0.5)
    )
    assert 2 * seed_half == pytest.approx(18.98, abs=0.01)
    ours = GLFT().quote(
        ModelInputs(100_000.0, 0.0, sigma_dollar_per_poll / math.sqrt(5.0), 20.0, 0.5, 0.005)
    )
    assert ours is not None
    assert 2 * ours.half_spread == pytest.approx(4.0969, abs=1e-3)
    assert ours.skew == pytest.approx(0.11687, abs=1e-4)


def _random_inputs(rng: random.Random) -> dict[str, float]:
    return {
        "mid": rng.uniform(1_000, 200_000),
        "sigma": 10 ** rng.uniform(-2, 2),
        "A": 10 ** rng.uniform(-2, 3),
        "kappa": 10 ** rng.uniform(-3, 2),
        "gamma": 10 ** rng.uniform(-5, 1),
    }


def test_more_inventory_moves_both_quotes_down():
    rng = random.Random(11)
    model = GLFT()
    for _ in range(500):
        p = _random_inputs(rng)
        q1 = rng.uniform(-10, 10)
        q2 = q1 + rng.uniform(0.1, 5)
        a = model.quote(ModelInputs(q=q1, **p))
        b = model.quote(ModelInputs(q=q2, **p))
        assert a is not None and b is not None
        assert b.bid < a.bid and b.ask < a.ask
        assert b.half_spread == a.half_spread


def test_higher_sigma_widens_the_spread():
    rng = random.Random(12)
    model = GLFT()
    for _ in range(500):
        p = _random_inputs(rng)
        q = rng.uniform(-10, 10)
        low = model.quote(ModelInputs(q=q, **p))
        p["sigma"] *= rng.uniform(1.01, 3.0)
        high = model.quote(ModelInputs(q=q, **p))
        assert low is not None and high is not None
        assert high.ask - high.bid > low.ask - low.bid
        assert high.skew > low.skew


BAD = [float("nan"), float("inf"), float("-inf"), 0.0, -1.0]


@pytest.mark.parametrize("field", ["mid", "sigma", "A", "kappa", "gamma"])
@pytest.mark.parametrize("value", BAD)
def test_bad_inputs_never_quote(field, value):
    p = {"mid": 100_000.0, "q": 1.0, "sigma": 8.0, "A": 20.0, "kappa": 0.5, "gamma": 0.005}
    p[field] = value
    assert GLFT().quote(ModelInputs(**p)) is None


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_inventory_never_quotes(value):
    assert GLFT().quote(ModelInputs(100_000.0, value, 8.0, 20.0, 0.5, 0.005)) is None
