"""A seeded synthetic BTCUSDT linear-perp market: the default venue, so a bare `asconsole`
works offline.

The fair price follows a random walk (volatility in $/sqrt(s), mild mean reversion in the
calm regime). Every `step_ms` the book is re-centred on it: levels the move crossed are
removed, the touch is refilled, a few levels change size, and the change goes out as one
`BookDelta`. Taker trades arrive as a Poisson process; each reaches a depth beyond the mid
drawn from an exponential law, so the rate of trades reaching depth d falls as exp(-kappa d),
the shape the GLFT intensity assumes. A trade that reaches depth d sweeps every level
between the touch and d, printing one `Trade` per level, as real venues do.

Regimes (`SimParams.regime`, seeded like everything else):
- calm: the random walk with mild mean reversion;
- trending: a steady drift, no reversion; 0.5 $/s puts Wilder's ADX on 1-minute bars of the
  mid well above 30 (the trend guard's threshold);
- volatile: calm, with bursts (Markov switching) of 5x volatility, 3x taker flow and half
  the resting size;
- flash_crash: calm, then -3% in 5 s under a wave of taker sells into a book a quarter as
  deep (until 10 s after the fall), half won back over 2 min;
- informed: news moves a hidden value (a jump every 10 s on average, $60 standard
  deviation) that the price absorbs over ~5 s; meanwhile 80% of taker trades are on the
  news' side, so the trade side predicts the coming mid move and a maker's fills are
  adversely selected (negative markouts).

`SimMarket` is a plain iterator (backtests drive it on an event clock); `SimFeed` paces it
in wall time for a live run.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asconsole.clock import NS_PER_MS, NS_PER_S, Clock
from asconsole.domain import (
    BookDelta,
    BookSnapshot,
    Instrument,
    MarketEvent,
    Side,
    Trade,
    VenueKind,
)

if TYPE_CHECKING:
    from asconsole.config import MarketSettings

SIM_BTCUSDT = Instrument(
    venue="sim",
    symbol="BTCUSDT",
    tick_size="0.1",
    lot_size="0.001",
    min_qty_lots=1,
    min_notional=5.0,
    kind=VenueKind.LINEAR_PERP,
)


REGIMES = ("calm", "trending", "volatile", "flash_crash", "informed")


@dataclass(frozen=True, slots=True)
class SimParams:
    seed: int = 7
    start_price: float = 100_000.0
    sigma: float = 8.0
    """Fair-price volatility, $/sqrt(s)."""
    reversion_per_s: float = 0.002
    """Pull of the fair price back to the start price (every regime but trending)."""
    step_ms: int = 50
    levels: int = 40
    level_gap_ticks: float = 12.0
    """Mean gap between resting levels away from the touch."""
    level_size_lots: float = 150.0
    """Mean resting size at a level (grows with depth)."""
    trade_rate: float = 5.0
    """Taker trades per second."""
    trade_kappa: float = 0.15
    """Depth decay of taker trades, per dollar (mean depth 1/kappa dollars)."""
    churn: int = 3
    """Levels whose size changes each step."""
    regime: str = "calm"
    """One of REGIMES; the parameters below apply to their regime only."""
    trend_per_s: float = 0.5
    """trending: drift of the fair price, $/s (direction drawn from the seed); no reversion."""
    burst_sigma: float = 5.0
    """volatile: volatility multiplier inside a burst (trade rate x3, resting size x0.5)."""
    burst_every_s: float = 120.0
    """volatile: mean quiet time between bursts, seconds."""
    burst_s: float = 20.0
    """volatile: mean burst length, seconds."""
    crash_after_s: float = 120.0
    """flash_crash: when the crash starts, seconds after the start."""
    crash_pct: float = 0.03
    """flash_crash: the fall, as a fraction of the start price."""
    crash_s: float = 5.0
    """flash_crash: how long the fall takes, seconds (taker flow x5, mostly sells; resting
    size x0.25 until 10 s after)."""
    recovery_frac: float = 0.5
    """flash_crash: share of the fall won back, linearly over recovery_s."""
    recovery_s: float = 120.0
    informed_share: float = 0.8
    """informed: share of taker trades on the side of the news not yet in the price."""
    news_every_s: float = 10.0
    """informed: mean time between news (jumps of the hidden value), seconds."""
    news_dollar: float = 60.0
    """informed: standard deviation of a news jump, dollars."""
    absorb_s: float = 5.0
    """informed: time constant of the price catching up with the hidden value, seconds."""

    def __post_init__(self) -> None:
        if self.regime not in REGIMES:
            raise ValueError(f"unknown regime {self.regime!r}; known: {', '.join(REGIMES)}")


class SimMarket:
    """Deterministic for a given `SimParams` and start time.

    Regimes change only the fair price's path and the taker flow; book construction is
    shared. Regime-specific draws come from a second generator, so the calm regime's stream
    is the same whatever the other regimes do."""

    def __init__(self, params: SimParams, instrument: Instrument = SIM_BTCUSDT, start_ts: int = 0):
        self.p = params
        self.instrument = instrument
        self.rng = random.Random(params.seed)
        self._random = self.rng.random
        self.regime_rng = random.Random(f"{params.seed}:{params.regime}")
        self.t0 = start_ts
        self.ts = start_ts
        self.base = params.start_price
        """The random walk; fair = base + the regime's scripted overlay (the crash)."""
        self.fair = params.start_price
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.seq = 0
        self.rate = params.trade_rate
        self.level_size = params.level_size_lots
        """Mean resting size now: makers pull liquidity in bursts and crashes."""
        self.buy_share = 0.5
        self.burst = False
        self.news = 0.0
        """informed: the hidden value minus the fair price, dollars."""
        self.drift = 0.0
        if params.regime == "trending":
            self.drift = params.trend_per_s * (1 if self.regime_rng.random() < 0.5 else -1)
        self._next_trade = start_ts + self._trade_gap()

    # --- book construction ---------------------------------------------------------------

    def _size(self, depth_ticks: int) -> int:
        mean = self.level_size * (0.3 + (depth_ticks if depth_ticks < 400 else 400) / 200.0)
        # random.expovariate(1 / mean) spelled out: the same draw without two calls per level
        n = int(-math.log(1.0 - self._random()) / (1.0 / mean))
        return n if n > 0 else 1

    def _touch(self) -> tuple[int, int]:
        t = self.instrument.tick
        bid = math.floor(self.fair / t - 0.5)
        return bid, bid + 1

    def _fill_side(
        self, side: dict[int, int], touch: int, sign: int, changed: dict[int, int]
    ) -> None:
        if len(side) >= self.p.levels:
            return
        price = (min(side) if sign < 0 else max(side)) if side else touch
        lam = 1.0 / self.p.level_gap_ticks
        while len(side) < self.p.levels:
            price += sign * (1 + int(-math.log(1.0 - self._random()) / lam))
            side[price] = changed[price] = self._size(abs(price - touch))

    def _build(self) -> None:
        bid, ask = self._touch()
        self.bids = {bid: self._size(0)}
        self.asks = {ask: self._size(0)}
        self._fill_side(self.bids, bid, -1, {})
        self._fill_side(self.asks, ask, +1, {})

    def snapshot(self) -> BookSnapshot:
        bids = tuple(sorted(self.bids.items(), reverse=True))
        asks = tuple(sorted(self.asks.items()))
        return BookSnapshot(self.ts, bids, asks, self.seq)

    # --- dynamics --------------------------------------------------------------------------

    def _trade_gap(self) -> int:
        return max(1, int(self.rng.expovariate(self.rate) * NS_PER_S))

    def _regime_step(self, dt_s: float) -> None:
        """Set the flow of the coming step (rate, buy share, burst, informed signal)."""
        p, r = self.p, self.p.regime
        if r == "volatile":
            if self.regime_rng.random() < dt_s / (p.burst_s if self.burst else p.burst_every_s):
                self.burst = not self.burst
                self.rate = p.trade_rate * (3.0 if self.burst else 1.0)
                self.level_size = p.level_size_lots * (0.5 if self.burst else 1.0)
        elif r == "flash_crash":
            t = (self.ts - self.t0) / NS_PER_S - p.crash_after_s
            crashing = 0.0 <= t < p.crash_s
            self.rate = p.trade_rate * (5.0 if crashing else 1.0)
            self.buy_share = 0.15 if crashing else 0.5
            thin = 0.0 <= t < p.crash_s + 10.0
            self.level_size = p.level_size_lots * (0.25 if thin else 1.0)
        elif r == "informed":
            if self.regime_rng.random() < dt_s / p.news_every_s:
                self.news += self.regime_rng.gauss(0.0, p.news_dollar)
            if abs(self.news) < 1.0:
                self.buy_share = 0.5
            else:
                self.buy_share = p.informed_share if self.news > 0 else 1.0 - p.informed_share

    def _overlay(self, ts: int) -> float:
        """flash_crash: the scripted fall and partial recovery, dollars."""
        p = self.p
        t = (ts - self.t0) / NS_PER_S - p.crash_after_s
        if t <= 0.0:
            return 0.0
        drop = p.crash_pct * p.start_price
        if t < p.crash_s:
            return -drop * t / p.crash_s
        return -drop * (1.0 - p.recovery_frac * min(1.0, (t - p.crash_s) / p.recovery_s))

    def _move(self, dt_s: float) -> None:
        p = self.p
        sigma = p.sigma * p.burst_sigma if self.burst else p.sigma
        self.base += sigma * math.sqrt(dt_s) * self.rng.gauss(0.0, 1.0) + self.drift * dt_s
        if self.news:
            absorbed = self.news * min(1.0, dt_s / p.absorb_s)
            self.news -= absorbed
            self.base += absorbed
        if not self.drift:
            self.base += p.reversion_per_s * (p.start_price - self.base) * dt_s
        self.fair = self.base + self._overlay(self.ts) if p.regime == "flash_crash" else self.base

    def _recentre(self, changed_b: dict[int, int], changed_a: dict[int, int]) -> None:
        bid, ask = self._touch()
        bids, asks = self.bids, self.asks
        best = max(bids) if bids else 0
        if best >= ask:
            for px in [px for px in bids if px >= ask]:
                del bids[px]
                changed_b[px] = 0
            best = max(bids, default=0)
        if best < bid:
            bids[bid] = changed_b[bid] = self._size(0)
        best = min(asks) if asks else ask + 1
        if best <= bid:
            for px in [px for px in asks if px <= bid]:
                del asks[px]
                changed_a[px] = 0
            best = min(asks, default=ask + 1)
        if best > ask:
            asks[ask] = changed_a[ask] = self._size(0)
        lam = 1.0 / (2 * self.p.level_gap_ticks)
        rnd = self._random
        for side, changed, touch, sign in (
            (bids, changed_b, bid, -1),
            (asks, changed_a, ask, 1),
        ):
            for _ in range(self.p.churn):
                px = touch + sign * int(-math.log(1.0 - rnd()) / lam)
                if px in side and rnd() < 0.3 and px != touch:
                    del side[px]
                    changed[px] = 0
                else:
                    side[px] = changed[px] = self._size(abs(px - touch))
            while len(side) > self.p.levels:
                far = min(side) if sign < 0 else max(side)
                del side[far]
                changed[far] = 0
            self._fill_side(side, touch, sign, changed)

    def _trade(
        self, ts: int, changed_b: dict[int, int], changed_a: dict[int, int]
    ) -> Iterator[Trade]:
        """One taker order sweeping from the touch to a random depth."""
        side = Side.BUY if self.rng.random() < self.buy_share else Side.SELL
        depth = self.rng.expovariate(self.p.trade_kappa)
        t = self.instrument.tick
        if side is Side.BUY:
            book, changed = self.asks, changed_a
        else:
            book, changed = self.bids, changed_b
        if not book:
            return
        if side is Side.BUY:
            limit = math.floor((self.fair + depth) / t)
            prices = sorted(px for px in book if px <= limit) or [min(book)]
        else:
            limit = math.ceil((self.fair - depth) / t)
            prices = sorted((px for px in book if px >= limit), reverse=True) or [max(book)]
        last = len(prices) - 1
        for i, px in enumerate(prices):
            size = book[px]
            qty = min(max(1, int(size * self.rng.uniform(0.05, 0.9))), size) if i == last else size
            yield Trade(ts, side, px, qty)
            if qty >= size:
                del book[px]
                changed[px] = 0
            else:
                book[px] = changed[px] = size - qty

    def events(self) -> Iterator[MarketEvent]:
        """An endless, deterministic event stream starting with a snapshot."""
        self._build()
        yield self.snapshot()
        step = self.p.step_ms * NS_PER_MS
        dt_s = step / NS_PER_S
        while True:
            end = self.ts + step
            self._regime_step(dt_s)
            changed_b: dict[int, int] = {}
            changed_a: dict[int, int] = {}
            while self._next_trade <= end:
                yield from self._trade(self._next_trade, changed_b, changed_a)
                self._next_trade += self._trade_gap()
            self.ts = end
            self._move(dt_s)
            self._recentre(changed_b, changed_a)
            prev = self.seq
            self.seq += 1
            yield BookDelta(
                self.ts,
                tuple(changed_b.items()),
                tuple(changed_a.items()),
                self.seq,
                prev,
            )


def params_from_settings(market: MarketSettings) -> SimParams:
    """SimParams from the `[market]` settings section."""
    return SimParams(
        seed=market.seed,
        start_price=market.start_price,
        sigma=market.sim_sigma,
        regime=market.regime,
    )


class SimFeed:
    """The simulated market paced in wall time: each event is released when the clock reaches it."""

    def __init__(self, params: SimParams, clock: Clock, instrument: Instrument = SIM_BTCUSDT) -> None:
        self.instrument = instrument
        self.params = params
        self.clock = clock
        self._stopped = asyncio.Event()

    async def start(self) -> None:
        return None

    async def events(self) -> AsyncIterator[MarketEvent]:  # type: ignore[override]
        t0 = self.clock.now()
        market = SimMarket(self.params, self.instrument, start_ts=t0)
        for ev in market.events():
            if self._stopped.is_set():
                return
            wait_ns = ev.ts - self.clock.now()
            if wait_ns > 0:
                await asyncio.sleep(wait_ns / NS_PER_S)
            yield ev

    async def stop(self) -> None:
        self._stopped.set()
