"""The short summary of a headless run: PnL, fees, fills, volume, position, drawdown, markout.

Kept small and apart on purpose: the full performance report (asconsole/analysis) can
replace it without touching the backtest loop. `RunStats` watches the run through the
driver's tap (fills) and a once-a-second equity sample; `summarize` reads the rest from
the engine at the end.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from asconsole.clock import NS_PER_S
from asconsole.domain import Fill
from asconsole.engine.engine import Engine

MARKOUT_NS = 5 * NS_PER_S


@dataclass(frozen=True, slots=True)
class Summary:
    span_s: float
    events: int
    realized: float
    unrealized: float
    fees: float
    total: float
    """realized + unrealized - fees, dollars."""
    fills: int
    maker_fills: int
    volume: float
    """Traded notional, dollars."""
    position: float
    """Open position at the end, base currency (BTC)."""
    max_position: float
    """Largest absolute position reached, BTC."""
    max_drawdown: float
    """Largest fall of total PnL from a previous peak (sampled each second), dollars."""
    markout_5s_bps: float
    """Mid 5 s after each fill against its price, signed for the fill's side, bps, size
    weighted: negative means the fills were adversely selected."""
    book_gaps: int = 0
    """Breaks in the book's update chain (quotes were pulled until the next snapshot)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RunStats:
    """Per-run observations the engine does not keep: peak position, equity curve, markouts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.position = 0
        self.max_position = 0
        self.peak = 0.0
        self.max_drawdown = 0.0
        self.next_sample = 0
        self._pending: deque[Fill] = deque()
        self._markout_sum = 0.0
        self._markout_qty = 0

    def tap(self, item: object) -> None:
        """The driver's tap: sees every event; only fills matter here."""
        if type(item) is Fill:
            self.position += item.qty * item.side
            if abs(self.position) > self.max_position:
                self.max_position = abs(self.position)
            self._pending.append(item)

    def on_time(self, ts: int) -> None:
        """Call with each event's time; cheap unless a sample or markout is due."""
        pending = self._pending
        while pending and pending[0].ts + MARKOUT_NS <= ts:
            f = pending.popleft()
            mid = self.engine.book.mid_ticks()
            if mid:
                self._markout_sum += (mid - f.price) / f.price * f.side * f.qty
                self._markout_qty += f.qty
        if ts >= self.next_sample:
            self.next_sample = ts + NS_PER_S
            self.sample()

    def sample(self) -> None:
        e = self.engine
        total = e.portfolio.total(e.mark_ticks or e.book.mid_ticks())
        self.peak = max(self.peak, total)
        self.max_drawdown = max(self.max_drawdown, self.peak - total)

    @property
    def markout_bps(self) -> float:
        return self._markout_sum / self._markout_qty * 1e4 if self._markout_qty else 0.0


def summarize(engine: Engine, stats: RunStats, span_s: float, events: int) -> Summary:
    stats.sample()
    p, lot = engine.portfolio, engine.instrument.lot
    mark = engine.mark_ticks or engine.book.mid_ticks()
    return Summary(
        span_s=span_s,
        events=events,
        realized=p.realized(),
        unrealized=p.unrealized(mark),
        fees=p.fees,
        total=p.total(mark),
        fills=p.fills,
        maker_fills=p.maker_fills,
        volume=p.volume(),
        position=p.position * lot,
        max_position=stats.max_position * lot,
        max_drawdown=stats.max_drawdown,
        markout_5s_bps=stats.markout_bps,
        book_gaps=engine.book.gaps,
    )
