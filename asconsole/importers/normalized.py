"""The normalized JSON-lines form (shared/data/real/README.md):

    {"ts_ns": int, "type": "book_snapshot" | "book_delta", "bids": [["px", "qty"], ...], "asks": [...]}
    {"ts_ns": int, "type": "trade", "side": "buy" | "sell", "px": "...", "qty": "..."}

Prices and sizes are the exchange's strings; a size of zero deletes. The form carries no
update ids (the converter checked the chain), so deltas are written without `prev_seq`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from asconsole.domain import BookDelta, BookSnapshot, Instrument, MarketEvent, Side, Trade
from asconsole.importers.scale import Scale, levels
from asconsole.importers.source import BAD_LINE, ImportContext, lines

SIDES = {"buy": Side.BUY, "sell": Side.SELL}


def normalized_events(paths: Sequence[Path], instrument: Instrument,
                      ctx: ImportContext) -> Iterator[MarketEvent]:
    px, qty = Scale(instrument.tick_size), Scale(instrument.lot_size)
    for path in paths:
        for n, line in lines(path, ctx):
            try:
                msg = json.loads(line)
                ts, kind = int(msg["ts_ns"]), msg["type"]
                ev: MarketEvent
                if kind == "book_delta":
                    ev = BookDelta(ts, levels(msg["bids"], px, qty), levels(msg["asks"], px, qty))
                elif kind == "trade":
                    ev = Trade(ts, SIDES[msg["side"]], px(msg["px"]), qty(msg["qty"]))
                elif kind == "book_snapshot":
                    ev = BookSnapshot(ts, levels(msg["bids"], px, qty), levels(msg["asks"], px, qty))
                else:
                    raise ValueError(f"unknown type {kind!r}")
            except BAD_LINE as exc:
                ctx.bad(path, n, exc)
                continue
            yield ev
