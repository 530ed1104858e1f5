"""Bybit public history files.

Order book archives (e.g. `2024-08-08_BTCUSDT_ob200.data.zip`) hold one WebSocket message of
the `orderbook.{depth}.{symbol}` topic per line: `{"topic", "type": "snapshot"|"delta", "ts",
"data": {"s", "b", "a", "u", "seq"}, "cts"}`. A snapshot (or `u == 1`, a service restart)
resets the book; a delta must carry `u` == previous `u` + 1, otherwise it is a gap: it is
written with a `prev_seq` that does not match and later deltas are dropped until the next
snapshot. Book events are stamped with `ts` (when Bybit published them).

Trade files (`BTCUSDT2024-08-08.csv.gz`) are CSV with a header:
`timestamp,symbol,side,size,price,tickDirection,trdMatchID,grossValue,homeNotional,
foreignNotional`; `timestamp` is seconds with a fraction (milliseconds in some files),
`side` the taker's side. Some files run newest first, so a trade file is read whole and put
in time order (file order kept within a timestamp), then merged with the book by time.
"""

from __future__ import annotations

import csv
import heapq
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from asconsole.clock import NS_PER_MS, NS_PER_S
from asconsole.domain import BookDelta, BookSnapshot, Instrument, MarketEvent, Side, Trade
from asconsole.importers.scale import Scale, levels
from asconsole.importers.source import BAD_LINE, ImportContext, SourceError, lines

SIDES = {"Buy": Side.BUY, "Sell": Side.SELL}
TRADE_COLUMNS = ("timestamp", "symbol", "side", "size", "price")


def is_trade_file(path: Path) -> bool:
    return ".csv" in path.name.lower()


def stamp_ns(text: str) -> int:
    """Bybit trade time ("1723075200.1234" seconds, or integer milliseconds) to ns, exactly."""
    whole, _, frac = text.strip().partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"bad timestamp {text!r}")
    if len(whole) >= 13:  # milliseconds since the epoch
        return int(whole) * NS_PER_MS + int((frac or "0")[:6].ljust(6, "0"))
    return int(whole) * NS_PER_S + int(frac[:9].ljust(9, "0") if frac else 0)


def book_events(paths: Sequence[Path], instrument: Instrument, ctx: ImportContext) -> Iterator[MarketEvent]:
    px, qty = Scale(instrument.tick_size), Scale(instrument.lot_size)
    symbol = instrument.symbol.upper()
    stats = ctx.stats
    last: int | None = None
    for path in paths:
        for n, line in lines(path, ctx):
            try:
                msg = json.loads(line)
                data = msg["data"]
                if not msg["topic"].startswith("orderbook.") or data["s"] != symbol:
                    stats.ignored += 1
                    continue
                ts, u, kind = int(msg["ts"]) * NS_PER_MS, int(data["u"]), msg["type"]
                if kind not in ("snapshot", "delta"):
                    raise ValueError(f"unknown type {kind!r}")
                bids, asks = levels(data["b"], px, qty), levels(data["a"], px, qty)
            except BAD_LINE as exc:
                ctx.bad(path, n, exc)
                continue
            if kind == "snapshot" or u == 1:
                last = u
                yield BookSnapshot(ts, bids, asks, u)
            elif last is None:
                stats.dropped += 1
            elif u == last + 1:
                last = u
                yield BookDelta(ts, bids, asks, u, u - 1)
            else:
                stats.gaps += 1
                yield BookDelta(ts, bids, asks, u, u - 1 if u - 1 != last else -1)
                last = None


def trade_events(path: Path, instrument: Instrument, ctx: ImportContext) -> list[Trade]:
    px, qty = Scale(instrument.tick_size), Scale(instrument.lot_size)
    symbol = instrument.symbol.upper()
    rows = lines(path, ctx)
    first = next(rows, None)
    if first is None:
        return []
    header = next(csv.reader([first[1]]))
    try:
        col = [header.index(c) for c in TRADE_COLUMNS]
    except ValueError:
        needs = ", ".join(TRADE_COLUMNS)
        raise SourceError(f"{path}:1: not a Bybit trade file (header needs {needs})") from None
    out: list[Trade] = []
    for n, line in rows:
        try:
            cells = line.split(",")
            if cells[col[1]] != symbol:
                ctx.stats.ignored += 1
                continue
            ts, side = stamp_ns(cells[col[0]]), SIDES[cells[col[2]]]
            out.append(Trade(ts, side, px(cells[col[4]]), qty(cells[col[3]])))
        except BAD_LINE as exc:
            ctx.bad(path, n, exc)
    if len(out) > 1 and out[0].ts > out[-1].ts:
        out.reverse()
    out.sort(key=lambda t: t.ts)
    return out


def bybit_events(paths: Sequence[Path], instrument: Instrument, ctx: ImportContext) -> Iterator[MarketEvent]:
    """Book archives and trade files (told apart by `.csv` in the name), merged by time."""
    book_paths = [p for p in paths if not is_trade_file(p)]
    trades = [trade_events(p, instrument, ctx) for p in paths if is_trade_file(p)]
    streams: list[Iterator[MarketEvent]] = [book_events(book_paths, instrument, ctx)]
    streams.extend(iter(t) for t in trades)
    return heapq.merge(*streams, key=lambda e: e.ts)
