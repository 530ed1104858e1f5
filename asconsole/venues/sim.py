"""A seeded synthetic BTCUSDT linear-perp market: the default venue, so a bare `asconsole`
works offline.

The fair price follows a random walk (volatility in $/sqrt(s), mild mean reversion in the
calm regime). Every `step_ms` the book is re-centred on it: levels the move crossed are
removed, the touch is refilled, a few levels change size, and the change goes out as one
`BookDelta`. Taker trades arrive as a Poisson process; each reaches a depth beyond the mid
drawn from an exponential law, so the rate of trades reaching depth d falls as exp(-kappa d),
the shape the GLFT intensity assumes. A trade that reaches depth d sweeps every level
between the touch and d, printing one `Trade` per level, as real venues do.

`SimMarket` is a plain iterator (backtests drive it on an event clock); `SimFeed` paces it
in wall time for a live run.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

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

SIM_BTCUSDT = Instrument(
    venue="sim",
    symbol="BTCUSDT",
    tick_size="0.1",
    lot_size="0.001",
    min_qty_lots=1,
    min_notional=5.0,
    kind=VenueKind.LINEAR_PERP,
)


@dataclass(frozen=True, slots=True)
class SimParams:
    seed: int = 7
    start_price: float = 100_000.0
    sigma: float = 8.0
    """Fair-price volatility, $/sqrt(s)."""
    reversion_per_s: float = 0.002
    """Pull of the fair price back to the start price (calm regime)."""
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


class SimMarket:
    """Deterministic for a given `SimParams` and start time."""

    def __init__(self, params: SimParams, instrument: Instrument = SIM_BTCUSDT, start_ts: int = 0):
        self.p = params
        self.instrument = instrument
        self.rng = random.Random(params.seed)
        self.ts = start_ts
        self.fair = params.start_price
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.seq = 0
        self._next_trade = start_ts + self._trade_gap()

    # --- book construction ---------------------------------------------------------------

    def _size(self, depth_ticks: int) -> int:
        mean = self.p.level_size_lots * (0.3 + min(depth_ticks, 400) / 200.0)
        return max(1, int(self.rng.expovariate(1.0 / mean)))

    def _touch(self) -> tuple[int, int]:
        t = self.instrument.tick
        bid = math.floor(self.fair / t - 0.5)
        return bid, bid + 1

    def _fill_side(self, side: dict[int, int], touch: int, sign: int) -> None:
        price = max(side, key=lambda p: sign * p) if side else touch
        while len(side) < self.p.levels:
            price += sign * (1 + int(self.rng.expovariate(1.0 / self.p.level_gap_ticks)))
            side[price] = self._size(abs(price - touch))

    def _build(self) -> None:
        bid, ask = self._touch()
        self.bids = {bid: self._size(0)}
        self.asks = {ask: self._size(0)}
        self._fill_side(self.bids, bid, -1)
        self._fill_side(self.asks, ask, +1)

    def snapshot(self) -> BookSnapshot:
        bids = tuple(sorted(self.bids.items(), reverse=True))
        asks = tuple(sorted(self.asks.items()))
        return BookSnapshot(self.ts, bids, asks, self.seq)

    # --- dynamics --------------------------------------------------------------------------

    def _trade_gap(self) -> int:
        return max(1, int(self.rng.expovariate(self.p.trade_rate) * NS_PER_S))

    def _move(self, dt_s: float) -> None:
        p = self.p
        self.fair += p.sigma * math.sqrt(dt_s) * self.rng.gauss(0.0, 1.0)
        self.fair += p.reversion_per_s * (p.start_price - self.fair) * dt_s

    def _recentre(self, changed_b: dict[int, int], changed_a: dict[int, int]) -> None:
        bid, ask = self._touch()
        for px in [px for px in self.bids if px >= ask]:
            del self.bids[px]
            changed_b[px] = 0
        for px in [px for px in self.asks if px <= bid]:
            del self.asks[px]
            changed_a[px] = 0
        if max(self.bids, default=0) < bid:
            self.bids[bid] = changed_b[bid] = self._size(0)
        if min(self.asks, default=ask + 1) > ask:
            self.asks[ask] = changed_a[ask] = self._size(0)
        for side, changed, touch, sign in (
            (self.bids, changed_b, bid, -1),
            (self.asks, changed_a, ask, 1),
        ):
            for _ in range(self.p.churn):
                px = touch + sign * int(self.rng.expovariate(1.0 / (2 * self.p.level_gap_ticks)))
                if px in side and self.rng.random() < 0.3 and px != touch:
                    del side[px]
                    changed[px] = 0
                else:
                    side[px] = changed[px] = self._size(abs(px - touch))
            while len(side) > self.p.levels:
                far = max(side, key=lambda p: sign * p)
                del side[far]
                changed[far] = 0
            before = set(side)
            self._fill_side(side, touch, sign)
            for px in set(side) - before:
                changed[px] = side[px]

    def _trade(self, ts: int) -> Iterator[Trade]:
        """One taker order sweeping from the touch to a random depth."""
        side = Side.BUY if self.rng.random() < 0.5 else Side.SELL
        depth = self.rng.expovariate(self.p.trade_kappa)
        t = self.instrument.tick
        book = self.asks if side is Side.BUY else self.bids
        if not book:
            return
        if side is Side.BUY:
            limit = math.floor((self.fair + depth) / t)
            prices = sorted(px for px in book if px <= limit) or [min(book)]
        else:
            limit = math.ceil((self.fair - depth) / t)
            prices = sorted((px for px in book if px >= limit), reverse=True) or [max(book)]
        for i, px in enumerate(prices):
            size = book[px]
            last = i == len(prices) - 1
            qty = max(1, int(size * self.rng.uniform(0.05, 0.9))) if last else size
            qty = min(qty, size)
            yield Trade(ts, side, px, qty)
            if qty >= size:
                del book[px]
            else:
                book[px] = size - qty

    def events(self) -> Iterator[MarketEvent]:
        """An endless, deterministic event stream starting with a snapshot."""
        self._build()
        yield self.snapshot()
        step = self.p.step_ms * NS_PER_MS
        dt_s = step / NS_PER_S
        while True:
            end = self.ts + step
            before_b = dict(self.bids)
            before_a = dict(self.asks)
            while self._next_trade <= end:
                yield from self._trade(self._next_trade)
                self._next_trade += self._trade_gap()
            self.ts = end
            self._move(dt_s)
            changed_b: dict[int, int] = {}
            changed_a: dict[int, int] = {}
            for px in before_b.keys() - self.bids.keys():
                changed_b[px] = 0
            for px in before_a.keys() - self.asks.keys():
                changed_a[px] = 0
            for px, q in self.bids.items():
                if before_b.get(px) != q:
                    changed_b[px] = q
            for px, q in self.asks.items():
                if before_a.get(px) != q:
                    changed_a[px] = q
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


def params_from_settings(market: object) -> SimParams:
    """SimParams from the `[market]` settings section."""
    return SimParams(
        seed=getattr(market, "seed"),
        start_price=getattr(market, "start_price"),
        sigma=getattr(market, "sim_sigma"),
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
