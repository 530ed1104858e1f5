"""Measurements of a simulated market's signature: mid series, Wilder's ADX, trade/mid links."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

from asconsole.book import Book
from asconsole.clock import NS_PER_S
from asconsole.domain import BookDelta, BookSnapshot, MarketEvent, Trade
from asconsole.venues.sim import SimMarket, SimParams

Mids = list[tuple[int, float]]


def sample(
    params: SimParams, seconds: float, t0: int = 0
) -> tuple[Mids, list[tuple[Trade, float]]]:
    """(ts, mid) after every book update, and every trade with the mid just before it."""
    book = Book()
    mids: list[tuple[int, float]] = []
    trades: list[tuple[Trade, float]] = []
    end = t0 + int(seconds * NS_PER_S)
    events: Iterable[MarketEvent] = SimMarket(params, start_ts=t0).events()
    for ev in itertools.takewhile(lambda e: e.ts <= end, events):
        if isinstance(ev, BookSnapshot):
            book.apply_snapshot(ev)
        elif isinstance(ev, BookDelta):
            book.apply_delta(ev)
        elif isinstance(ev, Trade):
            trades.append((ev, book.mid_ticks()))
            continue
        mids.append((ev.ts, book.mid_ticks()))
    return mids, trades


def bars(mids: list[tuple[int, float]], seconds: float) -> list[tuple[float, float, float]]:
    """(high, low, close) bars of `seconds` each."""
    out: list[tuple[float, float, float]] = []
    width = int(seconds * NS_PER_S)
    t0 = mids[0][0]
    for _, group in itertools.groupby(mids, key=lambda m: (m[0] - t0) // width):
        xs = [m for _, m in group]
        out.append((max(xs), min(xs), xs[-1]))
    return out


def wilder_adx(bars: list[tuple[float, float, float]], n: int = 14) -> float:
    """Wilder's ADX over the bars (needs 2n bars), the classic trend-strength index."""
    trs, pdm, mdm = [], [], []
    for (h0, l0, c0), (h, low, _) in itertools.pairwise(bars):
        up, down = h - h0, l0 - low
        pdm.append(up if up > down and up > 0 else 0.0)
        mdm.append(down if down > up and down > 0 else 0.0)
        trs.append(max(h - low, abs(h - c0), abs(low - c0)))
    tr_s, p_s, m_s = sum(trs[:n]), sum(pdm[:n]), sum(mdm[:n])
    dxs = []
    for i in range(n, len(trs) + 1):
        if i > n:
            tr_s += trs[i - 1] - tr_s / n
            p_s += pdm[i - 1] - p_s / n
            m_s += mdm[i - 1] - m_s / n
        pdi, mdi = 100 * p_s / tr_s, 100 * m_s / tr_s
        dxs.append(100 * abs(pdi - mdi) / (pdi + mdi) if pdi + mdi else 0.0)
    adx = sum(dxs[:n]) / n
    for dx in dxs[n:]:
        adx = (adx * (n - 1) + dx) / n
    return adx


def correlation(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    return cov / math.sqrt(vx * vy)


def side_vs_next_move(
    mids: list[tuple[int, float]], trades: list[tuple[Trade, float]], horizon_s: float
) -> float:
    """Correlation of each trade's side with the change of the mid from just before the trade
    to `horizon_s` later: positive when the flow is informed."""
    xs, ys = [], []
    j = 0
    h = int(horizon_s * NS_PER_S)
    for t, before in trades:
        while j < len(mids) and mids[j][0] <= t.ts + h:
            j += 1
        if j < len(mids):
            xs.append(float(t.side))
            ys.append(mids[j - 1][1] - before)
    return correlation(xs, ys)
