"""Each simulated regime shows its signature, seeded; the calm one stays as it was."""

import itertools
import statistics

import pytest

from asconsole import config
from asconsole.venues.sim import REGIMES, SimMarket, SimParams, params_from_settings
from tests.kit.signatures import bars, sample, side_vs_next_move, wilder_adx

P0 = 1_000_000  # the start price in ticks


def one_second_moves(mids: list[tuple[int, float]]) -> list[float]:
    return [b[2] - a[2] for a, b in itertools.pairwise(bars(mids, 1))]


def test_trending_drifts_with_adx_above_30():
    mids, _ = sample(SimParams(seed=1, regime="trending"), 30 * 60)
    assert wilder_adx(bars(mids, 60)) > 30
    assert abs(mids[-1][1] - mids[0][1]) > 3_000  # > $300 in 30 min (drift $900, noise ~$340)


def test_flash_crash_falls_three_percent_in_seconds_then_recovers_half():
    p = SimParams(seed=3, regime="flash_crash", crash_after_s=30, recovery_s=60)
    mids, trades = sample(p, 120)
    before = [m for ts, m in mids if ts < 30e9]
    during = [m for ts, m in mids if 30e9 <= ts <= 36e9]
    after = [m for ts, m in mids if ts >= 110e9]
    drop = (min(during) - before[-1]) / before[-1]
    assert -0.034 < drop < -0.026
    recovered = (statistics.fmean(after) - min(during)) / (before[-1] - min(during))
    assert 0.3 < recovered < 0.7
    crash_sells = [t.side for t, _ in trades if 30e9 <= t.ts < 35e9]
    assert crash_sells.count(-1) > 0.75 * len(crash_sells)


def test_informed_flow_predicts_the_coming_mid_move():
    mids, trades = sample(SimParams(seed=1, regime="informed"), 300)
    assert side_vs_next_move(mids, trades, 5.0) > 0.1
    mids, trades = sample(SimParams(seed=1), 300)
    assert abs(side_vs_next_move(mids, trades, 5.0)) < 0.05


def test_volatile_has_bursts():
    calm = one_second_moves(sample(SimParams(seed=2), 15 * 60)[0])
    vol = one_second_moves(sample(SimParams(seed=2, regime="volatile"), 15 * 60)[0])
    assert statistics.pstdev(vol) > 1.4 * statistics.pstdev(calm)
    m, sd = statistics.fmean(vol), statistics.pstdev(vol)
    kurtosis = statistics.fmean([(x - m) ** 4 for x in vol]) / sd**4
    assert kurtosis > 6  # fat tails: quiet stretches and bursts, not one wider Gaussian


@pytest.mark.parametrize("regime", REGIMES)
def test_every_regime_is_seeded(regime):
    def head(seed: int) -> list[object]:
        market = SimMarket(SimParams(seed=seed, regime=regime))
        return list(itertools.islice(market.events(), 3_000))

    assert head(9) == head(9) != head(10)


def test_regime_comes_from_settings_and_unknown_is_refused():
    s = config.Settings().replace("market", regime="flash_crash", seed=3)
    assert params_from_settings(s.market).regime == "flash_crash"
    with pytest.raises(ValueError, match="unknown regime"):
        SimParams(regime="sideways")
    with pytest.raises(config.ConfigError, match="regime"):
        config.load(None, {"regime": "sideways"})
