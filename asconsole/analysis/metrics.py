"""Performance metrics of one recorded session, in one pass over its lines.

Every definition is in docs/report.md; in short: PnL from our fills marked to the mid of the
recorded book; round trips by FIFO matching of opening and closing lots; drawdown, Sharpe and
Sortino from the equity curve sampled every second; uptime, pauses and guard trips from the
`quote`, `verdict`, `flatten` and `cmd` lines; markouts from the mid 1, 10 and 60 s after
each fill. Pure: lines in, numbers out.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from asconsole.book import Book
from asconsole.clock import NS_PER_S
from asconsole.domain import Instrument
from asconsole.engine.portfolio import Portfolio
from asconsole.recording.codec import decode
from asconsole.recording.reader import instrument_from_meta

MARKOUT_S = (0, 1, 10, 60)
SAMPLE_NS = NS_PER_S
"""Equity and inventory are sampled on this grid."""
PERIODS = (("day", 86_400), ("hour", 3_600), ("minute", 60))
MIN_PERIODS = 10
"""The longest period giving at least this many returns is used for Sharpe and Sortino."""
YEAR_S = 365 * 86_400
"""Crypto trades every day: a 365-day year annualises the ratios."""


@dataclass(frozen=True, slots=True)
class RoundTrip:
    side: int
    """1: bought then sold (long), -1: sold then bought (short)."""
    qty: int
    entry: int
    exit: int
    open_ts: int
    close_ts: int
    gross: float
    fees: float

    @property
    def net(self) -> float:
        return self.gross - self.fees


@dataclass(slots=True)
class Metrics:
    name: str
    start_ns: int
    end_ns: int
    realized: float = 0.0
    unrealized: float = 0.0
    total: float = 0.0
    fees_paid: float = 0.0
    rebates: float = 0.0
    volume: float = 0.0
    fills: int = 0
    buys: int = 0
    sells: int = 0
    maker_fills: int = 0
    round_trips: int = 0
    win_rate: float | None = None
    avg_round_trip: float | None = None
    """Net dollars per round trip."""
    spread_captured: float | None = None
    """Dollars per unit of base (per BTC): sell price minus buy price, qty-weighted."""
    spread_captured_bps: float | None = None
    max_drawdown: float = 0.0
    period: str = "minute"
    sharpe: float | None = None
    sortino: float | None = None
    avg_inventory: float = 0.0
    """Time-weighted, base units, signed."""
    avg_abs_inventory: float = 0.0
    max_abs_inventory: float = 0.0
    time_at_soft: float = 0.0
    """Fraction of the session with |position| at or beyond the soft limit."""
    time_at_hard: float = 0.0
    uptime_both: float = 0.0
    """Fraction of the session with both sides quoted."""
    uptime_any: float = 0.0
    paused_s: dict[str, float] = field(default_factory=dict)
    """Seconds without quotes, per cause: each guard, "operator pause", "kill switch"."""
    trips: dict[str, int] = field(default_factory=dict)
    markouts: dict[int, float | None] = field(default_factory=dict)
    """Seconds after the fill -> average dollars per fill vs the mid then."""
    markouts_bps: dict[int, float | None] = field(default_factory=dict)
    equity: list[float] = field(default_factory=list)
    """Total PnL every second."""
    inventory: list[float] = field(default_factory=list)
    """Position (base units) every second."""

    @property
    def duration_s(self) -> float:
        return (self.end_ns - self.start_ns) / NS_PER_S

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__ if k not in ("equity", "inventory")}  # type: ignore[attr-defined]
        out["duration_s"] = self.duration_s
        out["markouts"] = {str(k): v for k, v in self.markouts.items()}
        out["markouts_bps"] = {str(k): v for k, v in self.markouts_bps.items()}
        return out


def guard_of(reason: str) -> str:
    """ "inventory: long at soft limit" -> "inventory"; a reason without a colon is its own."""
    return reason.split(":", 1)[0].strip()


class _Intervals:
    """Time each named condition was on, with the number of times it switched on."""

    def __init__(self) -> None:
        self.since: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self.count: dict[str, int] = {}

    def set(self, ts: int, names: set[str]) -> None:
        for n in list(self.since):
            if n not in names:
                self.total[n] = self.total.get(n, 0) + ts - self.since.pop(n)
        for n in names - self.since.keys():
            self.since[n] = ts
            self.count[n] = self.count.get(n, 0) + 1

    def close(self, ts: int) -> None:
        self.set(ts, set())


class _FifoLots:
    """Open lots in arrival order; a fill on the other side closes them first in, first out."""

    def __init__(self) -> None:
        self.lots: deque[list[Any]] = deque()  # [side, price, qty, fee per lot, ts]
        self.trips: list[RoundTrip] = []

    def apply(self, side: int, price: int, qty: int, fee: float, ts: int, unit: float) -> None:
        fee_lot = fee / qty
        while qty and self.lots and self.lots[0][0] != side:
            o_side, o_price, o_qty, o_fee, o_ts = self.lots[0]
            n = min(qty, o_qty)
            gross = (price - o_price) * n * o_side * unit
            self.trips.append(
                RoundTrip(o_side, n, o_price, price, o_ts, ts, gross, (o_fee + fee_lot) * n)
            )
            qty -= n
            if n == o_qty:
                self.lots.popleft()
            else:
                self.lots[0][2] = o_qty - n
        if qty:
            self.lots.append([side, price, qty, fee_lot, ts])


def _period(duration_s: float) -> tuple[str, int]:
    for name, secs in PERIODS:
        if duration_s / secs >= MIN_PERIODS:
            return name, secs
    return PERIODS[-1]


def _ratios(equity: list[float], period_s: int) -> tuple[float | None, float | None]:
    step = period_s * NS_PER_S // SAMPLE_NS
    marks = equity[::step]
    if len(equity) - 1 > (len(marks) - 1) * step:
        marks.append(equity[-1])  # the last, partial period
    r = [b - a for a, b in zip(marks, marks[1:], strict=False)]
    if len(r) < 2:
        return None, None
    mean = sum(r) / len(r)
    sd = math.sqrt(sum((x - mean) ** 2 for x in r) / (len(r) - 1))
    down = math.sqrt(sum(min(x, 0.0) ** 2 for x in r) / len(r))
    scale = math.sqrt(YEAR_S / period_s)
    return (mean / sd * scale if sd > 0 else None, mean / down * scale if down > 0 else None)


def max_drawdown(equity: list[float]) -> float:
    peak, worst = -math.inf, 0.0
    for x in equity:
        peak = max(peak, x)
        worst = max(worst, peak - x)
    return worst


def compute(name: str, meta: dict[str, Any], lines: Iterable[dict[str, Any]]) -> Metrics:
    inst = instrument_from_meta(meta)
    unit = inst.tick * inst.lot
    cfg = meta.get("config", {})
    order_lots = max(1, round(cfg.get("quote", {}).get("order_size", inst.lot) / inst.lot))
    soft = cfg.get("risk", {}).get("inventory_soft", math.inf) * order_lots
    hard = cfg.get("risk", {}).get("inventory_hard", math.inf) * order_lots
    start = int(meta.get("start_ns", 0))

    book, pf, fifo = Book(), Portfolio(inst), _FifoLots()
    mid_t, mid_v = array("q"), array("d")
    fills: list[tuple[int, int, int, int]] = []  # ts, side, price, qty
    guards, pauses = _Intervals(), _Intervals()
    quoting = (False, False)
    up_both = up_any = 0
    last_t = start
    at_soft = at_hard = 0
    inv_sum = inv_abs_sum = 0.0
    max_abs = 0
    equity: list[float] = []
    inventory: list[float] = []
    next_sample = start
    operator = ""
    paid = rebates = 0.0

    def advance(t: int) -> None:
        nonlocal last_t, up_both, up_any, at_soft, at_hard, inv_sum, inv_abs_sum, next_sample
        mid = mid_v[-1] if mid_v else 0.0
        while next_sample <= t:
            equity.append(pf.total(mid))
            inventory.append(pf.position * inst.lot)
            next_sample += SAMPLE_NS
        dt = t - last_t
        if dt <= 0:
            return
        pos = abs(pf.position)
        up_both += dt * (quoting[0] and quoting[1])
        up_any += dt * (quoting[0] or quoting[1])
        at_soft += dt * (pos >= soft)
        at_hard += dt * (pos >= hard)
        inv_sum += dt * pf.position
        inv_abs_sum += dt * pos
        last_t = t

    for line in lines:
        k, t = line["k"], line["t"]
        if t < start:
            start = last_t = next_sample = t
        advance(t)
        if k == "book" or k == "delta":
            ev = decode(line)
            if k == "book":
                book.apply_snapshot(ev)
            else:
                book.apply_delta(ev)
            if book.ready:
                mid = book.mid_ticks()
                if not mid_v or mid_v[-1] != mid:
                    mid_t.append(t)
                    mid_v.append(mid)
        elif k == "fill":
            f = decode(line)
            pf.apply(f)
            if f.fee >= 0:
                paid += f.fee
            else:
                rebates -= f.fee
            fifo.apply(int(f.side), f.price, f.qty, f.fee, t, unit)
            fills.append((t, int(f.side), f.price, f.qty))
            max_abs = max(max_abs, abs(pf.position))
        elif k == "quote":
            quoting = (bool(line.get("bid")), bool(line.get("ask")))
        elif k == "cancel_all":
            quoting = (False, False)  # pause, kill switch and quit cancel without a quote line
        elif k == "verdict":
            guards.set(t, {guard_of(r) for r in line.get("reasons", [])})
        elif k == "flatten":
            operator = "kill switch"
            pauses.set(t, {operator})
        elif k == "cmd":
            cmd = line.get("cmd")
            if cmd in ("pause", "quit"):
                quoting = (False, False)  # a version 1 log has no cancel_all line
            if cmd == "pause" and operator != "kill switch":
                operator = "operator pause"
            elif cmd == "resume":
                operator = ""
            pauses.set(t, {operator} if operator else set())

    end = int(meta.get("end_ns") or last_t)
    end = max(end, last_t)
    advance(end)
    if next_sample - SAMPLE_NS != end:  # the end is off the grid: its state is the last point
        equity.append(pf.total(mid_v[-1] if mid_v else 0.0))
        inventory.append(pf.position * inst.lot)
    guards.close(end)
    pauses.close(end)
    span = max(end - start, 1)
    mid_last = mid_v[-1] if mid_v else 0.0

    m = Metrics(name, start, end)
    m.realized = pf.realized()
    m.unrealized = pf.unrealized(mid_last)
    m.total = pf.total(mid_last)
    m.fees_paid, m.rebates = paid, rebates
    m.volume, m.fills, m.buys, m.sells, m.maker_fills = (
        pf.volume(),
        pf.fills,
        pf.buys,
        pf.sells,
        pf.maker_fills,
    )
    trips = fifo.trips
    m.round_trips = len(trips)
    if trips:
        m.win_rate = sum(rt.net > 0 for rt in trips) / len(trips)
        m.avg_round_trip = sum(rt.net for rt in trips) / len(trips)
        qty = sum(rt.qty for rt in trips)
        captured = sum((rt.exit - rt.entry) * rt.side * rt.qty for rt in trips) / qty
        m.spread_captured = captured * inst.tick
        m.spread_captured_bps = (
            sum((rt.exit - rt.entry) * rt.side / rt.entry * 1e4 * rt.qty for rt in trips) / qty
        )
    m.equity, m.inventory = equity, inventory
    m.max_drawdown = max_drawdown(equity)
    m.period, secs = _period(span / NS_PER_S)
    m.sharpe, m.sortino = _ratios(equity, secs)
    m.avg_inventory = inv_sum / span * inst.lot
    m.avg_abs_inventory = inv_abs_sum / span * inst.lot
    m.max_abs_inventory = max_abs * inst.lot
    m.time_at_soft, m.time_at_hard = at_soft / span, at_hard / span
    m.uptime_both, m.uptime_any = up_both / span, up_any / span
    m.paused_s = {n: v / NS_PER_S for n, v in sorted((guards.total | pauses.total).items())}
    m.trips = dict(sorted(guards.count.items())) | {
        "kill switch": pauses.count.get("kill switch", 0)
    }
    _markouts(m, fills, mid_t, mid_v, end, inst)
    return m


def _markouts(
    m: Metrics,
    fills: list[tuple[int, int, int, int]],
    mid_t: array,
    mid_v: array,
    end: int,
    inst: Instrument,
) -> None:
    unit = inst.tick * inst.lot
    for h in MARKOUT_S:
        dollars, bps = [], []
        for t, side, price, qty in fills:
            at = t + h * NS_PER_S
            i = bisect_right(mid_t, at) - 1
            if at > end or i < 0:
                continue
            mid = mid_v[i]
            dollars.append(side * (mid - price) * qty * unit)
            bps.append(side * (mid - price) / price * 1e4)
        m.markouts[h] = sum(dollars) / len(dollars) if dollars else None
        m.markouts_bps[h] = sum(bps) / len(bps) if bps else None
