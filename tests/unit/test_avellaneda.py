"""Avellaneda-Stoikov against the 2008 paper's formulas and its own example parameters,
the rolling session clock, monotonicity and bad inputs."""

from __future__ import annotations

import math
import random

import pytest

from asconsole.config import QuoteSettings
from asconsole.models import make_model
from asconsole.models.avellaneda import AvellanedaStoikov, session_time_left
from asconsole.models.base import ModelInputs
from asconsole.models.glft import GLFT

NS = 1_000_000_000


def paper(S, q, sigma, kappa, gamma, tau):
    """r = S - q gamma sigma^2 tau; spread = gamma sigma^2 tau + (2/gamma) ln(1 + gamma/kappa)."""
    r = S - q * gamma * sigma**2 * tau
    spread = gamma * sigma**2 * tau + (2.0 / gamma) * math.log(1.0 + gamma / kappa)
    return r - spread / 2.0, r + spread / 2.0


def test_paper_example_by_hand():
    """The paper's simulation: S = 100, sigma = 2, gamma = 0.1, k = 1.5, T = 1. At t = 0 the
    spread is 0.1*4*1 + 20 ln(16/15) = 0.4 + 1.290770 = 1.690770; with q = 2 the reservation
    price is 100 - 2*0.4 = 99.2."""
    m = AvellanedaStoikov(horizon_s=1.0)
    quote = m.quote(ModelInputs(100.0, 2.0, 2.0, 140.0, 1.5, 0.1, time_left_s=1.0))
    assert quote is not None
    assert quote.ask - quote.bid == pytest.approx(1.690770, abs=1e-6)
    assert quote.reservation == pytest.approx(99.2, abs=1e-12)
    assert quote.skew == pytest.approx(0.4, abs=1e-12)


CASES = [
    # q, sigma, kappa, gamma, tau
    pytest.param(0.0, 8.0, 0.5, 1e-6, 43_200.0, id="flat"),
    pytest.param(4.0, 8.0, 0.5, 1e-6, 43_200.0, id="long"),
    pytest.param(-3.0, 8.0, 0.5, 1e-6, 600.0, id="short"),
    pytest.param(1.0, 8.0, 1e-4, 1e-6, 600.0, id="tiny-kappa"),
    pytest.param(1.0, 8.0, 1e3, 1e-6, 600.0, id="large-kappa"),
    pytest.param(-1.0, 8.0, 0.5, 10.0, 60.0, id="large-gamma"),
    pytest.param(2.0, 8.0, 0.5, 0.005, 86_400.0, id="day-with-glft-gamma"),
]


@pytest.mark.parametrize("q,sigma,kappa,gamma,tau", CASES)
def test_matches_paper(q, sigma, kappa, gamma, tau):
    S = 100_000.0
    quote = AvellanedaStoikov().quote(ModelInputs(S, q, sigma, 20.0, kappa, gamma, tau))
    assert quote is not None
    bid, ask = paper(S, q, sigma, kappa, gamma, tau)
    assert quote.bid == pytest.approx(bid, rel=1e-12)
    assert quote.ask == pytest.approx(ask, rel=1e-12)


def test_arrival_rate_does_not_enter():
    m = AvellanedaStoikov()
    a = m.quote(ModelInputs(100.0, 1.0, 2.0, 1.0, 1.5, 0.1, 100.0))
    b = m.quote(ModelInputs(100.0, 1.0, 2.0, 500.0, 1.5, 0.1, 100.0))
    assert a == b


def test_end_of_session_leaves_only_the_liquidity_term():
    quote = AvellanedaStoikov().quote(ModelInputs(100.0, 5.0, 2.0, 1.0, 1.5, 0.1, 0.0))
    assert quote is not None
    assert quote.skew == 0.0 and quote.reservation == 100.0
    assert quote.ask - quote.bid == pytest.approx(20 * math.log(16 / 15), rel=1e-12)


def test_time_left_is_capped_at_the_horizon():
    m = AvellanedaStoikov(horizon_s=60.0)
    capped = m.quote(ModelInputs(100.0, 1.0, 2.0, 1.0, 1.5, 0.1, 1e9))
    full = m.quote(ModelInputs(100.0, 1.0, 2.0, 1.0, 1.5, 0.1, 60.0))
    assert capped == full


def test_session_rolls_over():
    day = 86_400.0
    assert session_time_left(0, day) == day
    assert session_time_left(1 * NS, day) == day - 1
    assert session_time_left(int(86_399.5 * NS), day) == pytest.approx(0.5)
    assert session_time_left(86_400 * NS, day) == day  # a new session starts
    assert session_time_left(86_400 * NS + 10 * NS, day) == day - 10
    # anchored sessions: 1 h sessions from an arbitrary start
    start = 1_700_000_000 * NS
    assert session_time_left(start + 5400 * NS, 3600.0, anchor_ns=start) == 1800.0
    assert AvellanedaStoikov(horizon_s=3600.0).time_left(7200 * NS + 1) == pytest.approx(3600.0)


def test_more_inventory_moves_both_quotes_down():
    rng = random.Random(21)
    m = AvellanedaStoikov()
    for _ in range(500):
        p = dict(
            mid=rng.uniform(1_000, 200_000), sigma=10 ** rng.uniform(-2, 2), A=1.0,
            kappa=10 ** rng.uniform(-3, 2), gamma=10 ** rng.uniform(-8, 0),
            time_left_s=rng.uniform(1.0, 86_400.0),
        )
        q1 = rng.uniform(-10, 10)
        q2 = q1 + rng.uniform(0.1, 5)
        a, b = m.quote(ModelInputs(q=q1, **p)), m.quote(ModelInputs(q=q2, **p))
        assert a is not None and b is not None
        assert b.bid < a.bid and b.ask < a.ask


def test_higher_sigma_widens_the_spread():
    rng = random.Random(22)
    m = AvellanedaStoikov()
    for _ in range(500):
        p = dict(
            mid=rng.uniform(1_000, 200_000), q=rng.uniform(-10, 10), A=1.0,
            kappa=10 ** rng.uniform(-3, 2), gamma=10 ** rng.uniform(-8, 0),
            time_left_s=rng.uniform(1.0, 86_400.0),
        )
        sigma = 10 ** rng.uniform(-2, 2)
        low = m.quote(ModelInputs(sigma=sigma, **p))
        high = m.quote(ModelInputs(sigma=sigma * rng.uniform(1.01, 3.0), **p))
        assert low is not None and high is not None
        assert high.ask - high.bid > low.ask - low.bid


@pytest.mark.parametrize("field", ["mid", "sigma", "kappa", "gamma"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0.0, -2.0])
def test_bad_inputs_never_quote(field, value):
    p = dict(mid=100.0, q=1.0, sigma=2.0, A=1.0, kappa=1.5, gamma=0.1, time_left_s=10.0)
    p[field] = value
    assert AvellanedaStoikov().quote(ModelInputs(**p)) is None


@pytest.mark.parametrize("value", [float("nan"), -1.0])
def test_bad_time_left_never_quotes(value):
    assert AvellanedaStoikov().quote(ModelInputs(100.0, 1.0, 2.0, 1.0, 1.5, 0.1, value)) is None


def test_make_model_picks_the_configured_one():
    assert isinstance(make_model(QuoteSettings()), GLFT)
    m = make_model(QuoteSettings(model="as", horizon_s=3600.0))
    assert isinstance(m, AvellanedaStoikov) and m.horizon_s == 3600.0
