"""Estimators recover known parameters from synthetic markets (seeded), and calibration
handles warm-up, sources and guards."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asconsole.config import QuoteSettings
from asconsole.estimators.book_kappa import BookKappa
from asconsole.estimators.calibration import Calibration
from asconsole.estimators.intensity import TradeIntensity
from asconsole.estimators.volatility import EwmaVolatility, annualised_pct

NS = 1_000_000_000


def brownian_mid(sigma: float, seconds: float, mean_gap_s: float, seed: int):
    """Event times with exponential gaps (irregular) and a Brownian mid sampled at them."""
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(mean_gap_s, int(seconds / mean_gap_s * 1.2))
    t = np.cumsum(gaps)
    t = t[t < seconds]
    steps = rng.normal(0.0, sigma * np.sqrt(np.diff(t, prepend=0.0)))
    return (t * NS).astype(np.int64), 100_000.0 + np.cumsum(steps)


def trade_stream(A: float, kappa: float, seconds: float, seed: int, mid: float = 60_000.0):
    """Trades on both sides, each side at rate A; depth exponential with rate kappa, so trades
    reach depth d or more at rate A exp(-kappa d) per side."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(2 * A * seconds)
    ts = np.sort(rng.uniform(0.0, seconds, n))
    depth = rng.exponential(1.0 / kappa, n)
    side = rng.choice([-1.0, 1.0], n)
    return (ts * NS).astype(np.int64), mid + side * depth


# --- volatility ---------------------------------------------------------------------------


@pytest.mark.parametrize("sample_s,mean_gap_s", [(1.0, 0.05), (0.0, 0.5)])
def test_volatility_recovers_known_sigma(sample_s, mean_gap_s):
    sigma = 8.0
    ts, mids = brownian_mid(sigma, 4 * 3600.0, mean_gap_s, seed=1)
    vol = EwmaVolatility(half_life_s=600.0, sample_s=sample_s)
    for t, m in zip(ts.tolist(), mids.tolist()):
        vol.on_mid(t, m)
    assert vol.sigma == pytest.approx(sigma, rel=0.05)
    assert vol.samples > 1000


def test_volatility_follows_a_regime_change():
    ts1, m1 = brownian_mid(2.0, 3600.0, 0.1, seed=2)
    ts2, m2 = brownian_mid(10.0, 3600.0, 0.1, seed=3)
    vol = EwmaVolatility(half_life_s=120.0)
    for t, m in zip(ts1.tolist(), m1.tolist()):
        vol.on_mid(t, m)
    assert vol.sigma == pytest.approx(2.0, rel=0.15)
    shift = int(ts1[-1]) + NS
    for t, m in zip((ts2 + shift).tolist(), (m2 - m2[0] + m1[-1]).tolist()):
        vol.on_mid(t, m)
    assert vol.sigma == pytest.approx(10.0, rel=0.15)


def test_volatility_ignores_bad_mids_and_time_going_back():
    vol = EwmaVolatility(half_life_s=60.0, sample_s=0.0)
    vol.on_mid(0, 100.0)
    assert vol.on_mid(NS, 101.0)
    before = (vol.sigma, vol.samples)
    for bad in (float("nan"), float("inf"), 0.0, -5.0):
        assert not vol.on_mid(2 * NS, bad)
    assert not vol.on_mid(NS // 2, 99.0)  # earlier than the last sample
    assert (vol.sigma, vol.samples) == before
    assert vol.sigma == pytest.approx(1.0)  # one $1 change in one second


def test_volatility_is_nan_before_a_sample():
    vol = EwmaVolatility()
    assert math.isnan(vol.sigma)
    vol.on_mid(0, 100.0)
    assert math.isnan(vol.sigma)


def test_annualised():
    # 8 $/sqrt(s) at $100,000: 8 * sqrt(31,536,000) / 1e5 = 44.93 % a year
    assert annualised_pct(8.0, 100_000.0) == pytest.approx(44.925, abs=1e-3)
    assert math.isnan(annualised_pct(8.0, 0.0))


# --- intensity ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_intensity_recovers_known_A_and_kappa(seed):
    A, kappa, window = 5.0, 0.5, 1800.0
    ts, prices = trade_stream(A, kappa, window, seed)
    est = TradeIntensity(window_s=window, bin_dollar=0.5, bins=40)
    est.start(0)
    for t, p in zip(ts.tolist(), prices.tolist()):
        est.on_trade(t, p, 0.01, 60_000.0)
    fit, why = est.fit(int(window * NS))
    assert fit is not None, why
    assert fit.A == pytest.approx(A, rel=0.05)
    assert fit.kappa == pytest.approx(kappa, rel=0.05)
    assert fit.r2 > 0.99
    assert fit.window_s == window and fit.n_trades == len(ts)


def test_intensity_window_rolls_and_starts_with_observation():
    est = TradeIntensity(window_s=100.0, bin_dollar=1.0, bins=5)
    est.start(50 * NS)
    for s in range(60, 260):
        est.on_trade(s * NS, 100.0 + (s % 4), 1.0, 100.0)
    # young run: the window is from the start of observation, not 100 s back
    assert est.window(120 * NS)[1] == 70.0
    depth, window_s, overflow = est.window(259 * NS)
    assert window_s == 100.0 and depth.size == 101 and not overflow


def test_intensity_buffer_overflow_shortens_the_window():
    est = TradeIntensity(window_s=1000.0, bin_dollar=1.0, bins=5, capacity=50)
    est.start(0)
    for s in range(1, 201):
        est.on_trade(s * NS, 100.0 + (s % 5), 1.0, 100.0)
    depth, window_s, overflow = est.window(200 * NS)
    assert overflow and depth.size == 50 and window_s == 49.0
    fit, why = est.fit(200 * NS)
    assert fit is not None and "buffer full" in why


def test_intensity_refuses_to_fit_too_few_depths():
    est = TradeIntensity(window_s=100.0, bin_dollar=1.0, bins=10)
    for s in range(50):
        est.on_trade(s * NS, 100.05, 1.0, 100.0)  # every trade at the touch
    fit, why = est.fit(60 * NS)
    assert fit is None and "1 depth bin" in why
    assert TradeIntensity().fit(0) == (None, "no trades in the window")


def test_intensity_ignores_bad_trades():
    est = TradeIntensity()
    for args in ((float("nan"), 1.0, 100.0), (100.0, 1.0, float("nan")), (100.0, 0.0, 100.0),
                 (100.0, 1.0, 0.0), (float("inf"), 1.0, 100.0)):
        est.on_trade(NS, *args)
    assert est.received == 0


# --- book kappa ---------------------------------------------------------------------------


def test_book_kappa_is_one_over_the_time_weighted_half_spread():
    bk = BookKappa(half_life_s=1e9)  # no decay: plain time weighting
    bk.on_touch(0, 99.0, 101.0)  # half spread $1 for 3 s
    bk.on_touch(3 * NS, 99.5, 100.5)  # $0.5 for 1 s
    bk.on_touch(4 * NS, 99.5, 100.5)
    assert bk.half_spread == pytest.approx((1.0 * 3 + 0.5 * 1) / 4)
    assert bk.kappa == pytest.approx(1 / 0.875)
    bk.on_touch(5 * NS, 101.0, 100.0)  # crossed: ignored
    bk.on_touch(5 * NS, float("nan"), 100.0)
    assert bk.updates == 2


# --- calibration --------------------------------------------------------------------------


def calibration(**kw) -> Calibration:
    settings = QuoteSettings(
        **{"min_mid_samples": 10, "min_trades": 50, "vol_sample_s": 1.0, "refit_s": 5.0} | kw
    )
    return Calibration.from_settings(settings)


def feed_book(cal: Calibration, seconds: int, start: int = 0, half: float = 0.05, seed: int = 7):
    rng = np.random.default_rng(seed)
    mid = 60_000.0
    for s in range(start, start + seconds):
        mid += float(rng.normal(0.0, 8.0))
        cal.on_book(s * NS, mid - half, mid + half)
    return mid


def test_fixed_source_is_ready_after_the_sigma_warm_up():
    cal = calibration(kappa_source="fixed")
    st = cal.status(0)
    assert not st.ready and st.progress == "calibrating sigma (0/10)"
    assert (cal.sigma, cal.A, cal.kappa) == (8.0, 20.0, 0.5)  # configured until calibrated
    feed_book(cal, 6)
    assert cal.status(5 * NS).progress == "calibrating sigma (5/10)"
    feed_book(cal, 6, start=6)
    st = cal.status(12 * NS)
    assert cal.ready and st.ready and st.progress == ""
    assert st.sigma == cal.sigma != 8.0 and st.sigma_age_s == pytest.approx(1.0)
    assert (cal.A, cal.kappa) == (20.0, 0.5) and math.isnan(st.kappa_age_s)


def test_trades_source_waits_for_a_fit_then_uses_it():
    cal = calibration(kappa_source="trades", calibration_window_s=1800.0)
    ts, prices = trade_stream(5.0, 0.5, 1800.0, seed=8)
    cal.on_book(0, 59_999.95, 60_000.05)
    i = 0
    for s in range(1, 1801):
        cal.on_book(s * NS, 59_999.95, 60_000.05 + (s % 2) * 0.2)
        while i < len(ts) and ts[i] < s * NS:
            cal.on_trade(int(ts[i]), float(prices[i]), 0.01, 60_000.0)
            i += 1
        if s == 8:
            st = cal.status(s * NS)
            assert not st.ready and st.progress.startswith("calibrating")
    assert not cal.ready  # no refit asked for yet
    assert cal.refit(1800 * NS)
    assert cal.ready
    assert cal.A == pytest.approx(5.0, rel=0.05) and cal.kappa == pytest.approx(0.5, rel=0.05)
    assert not cal.refit(1801 * NS)  # within refit_s
    assert cal.status(1802 * NS).kappa_age_s == pytest.approx(2.0)


def test_out_of_bounds_fit_keeps_the_last_good_values_and_warns():
    cal = calibration(kappa_source="trades", kappa_max=0.4, calibration_window_s=1800.0)
    ts, prices = trade_stream(5.0, 0.5, 1800.0, seed=9)
    for t, p in zip(ts.tolist(), prices.tolist()):
        cal.on_trade(t, p, 0.01, 60_000.0)
    cal.intensity.start(0)
    cal.refit(1800 * NS)
    assert (cal.A, cal.kappa) == (20.0, 0.5)  # still the configured ones
    assert "outside [0.001, 0.4]" in cal.warning and "kept 0.5" in cal.warning
    assert cal.kappa_ts == -1


def test_a_good_fit_clears_the_warning():
    cal = calibration(kappa_source="trades", calibration_window_s=1800.0)
    cal.intensity.start(0)
    for s in range(60):  # every trade at the touch: nothing to fit a slope to
        cal.on_trade(s * NS, 60_000.05, 0.01, 60_000.0)
    cal.refit(60 * NS)
    assert "A/kappa fit failed" in cal.warning and not cal.ready
    ts, prices = trade_stream(5.0, 0.5, 1700.0, seed=10)
    for t, p in zip((ts + 100 * NS).tolist(), prices.tolist()):
        cal.on_trade(t, p, 0.01, 60_000.0)
    cal.refit(1800 * NS)
    assert cal.warning == "" and cal.kappa_ts == 1800 * NS
    assert not cal.ready  # sigma: no mid has been seen


def test_sigma_guard():
    cal = calibration(kappa_source="fixed", sigma_max=1.0)  # the market moves ~8 $/sqrt(s)
    feed_book(cal, 30)
    assert not cal.ready and cal.sigma == 8.0
    assert "sigma" in cal.warning and "outside [0.01, 1]" in cal.warning
    assert cal.status(30 * NS).progress.endswith("waiting for a value within bounds")


def test_book_source_uses_the_touch():
    cal = calibration(kappa_source="book")
    feed_book(cal, 15, half=0.25)
    assert cal.ready
    assert cal.kappa == pytest.approx(4.0) and cal.A == 20.0
    assert cal.status(15 * NS).kappa_book == pytest.approx(4.0)


def test_book_kappa_out_of_bounds_is_refused():
    cal = calibration(kappa_source="book", kappa_max=1.0)
    feed_book(cal, 15, half=0.05)  # kappa 20 / $, above the bound
    assert not cal.ready and "book kappa rejected" in cal.warning


def test_config_rejects_inverted_bounds():
    from asconsole.config import ConfigError, from_mapping

    with pytest.raises(ConfigError, match="kappa_min"):
        from_mapping({"quote": {"kappa_min": 5.0, "kappa_max": 1.0}})
    with pytest.raises(ConfigError, match="min_spread_mode"):
        from_mapping({"quote": {"min_spread_mode": "free"}})
    assert from_mapping({"quote": {"kappa_source": "trades"}}).quote.min_trades == 100
