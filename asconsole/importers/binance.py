"""Binance raw WebSocket captures: `<local receive ns> <JSON>` per line, gzip.

Lines hold combined-stream messages (`{"stream", "data"}`) of `<sym>@depth...` diffs,
`<sym>@trade` (futures: only `X` == "MARKET"; insurance-fund and ADL executions are not
book trades) and `<sym>@bookTicker` (not imported), and REST depth snapshots
(`{"lastUpdateId", "bids", "asks"}`) that start (or restart) the book.

Update-id rules (Binance's "how to manage a local order book"):
- futures: the first diff after a snapshot has U <= lastUpdateId <= u, then pu == previous u;
- spot: the first diff has U <= lastUpdateId + 1 <= u, then U == previous u + 1;
- diffs entirely inside the snapshot (futures u < lastUpdateId, spot u <= lastUpdateId) are dropped.
Diffs received before a snapshot wait for it and follow it stamped with its time. A break in
the chain is written as a delta whose `prev_seq` is the venue's own pointer, which does not
match: the engine's book goes invalid and it pulls its quotes, as live. Diffs after a gap are
dropped until the next snapshot line, if any.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from asconsole.domain import BookDelta, BookSnapshot, Instrument, Level, MarketEvent, Side, Trade
from asconsole.importers.scale import Scale, levels
from asconsole.importers.source import BAD_LINE, ImportContext, lines

PENDING_LIMIT = 100_000
"""Diffs kept while waiting for a snapshot; older ones are dropped (and counted)."""


@dataclass(frozen=True, slots=True)
class _Diff:
    ts: int
    first: int  # U
    last: int  # u
    prev: int  # the venue's pointer to the previous update: pu (futures) or U - 1 (spot)
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]


class BinanceCapture:
    """The state machine of one symbol's book over a capture (one or more files, in order)."""

    def __init__(self, instrument: Instrument, futures: bool, ctx: ImportContext) -> None:
        self.symbol = instrument.symbol.upper()
        self.futures = futures
        self.ctx = ctx
        self.px = Scale(instrument.tick_size)
        self.qty = Scale(instrument.lot_size)
        self.snapshot_id: int | None = None
        """lastUpdateId of the snapshot being synced to; None while waiting for one."""
        self.synced = False
        self.last = 0
        self.pending: deque[_Diff] = deque()

    def events(self, paths: Sequence[Path]) -> Iterator[MarketEvent]:
        for path in paths:
            for n, line in lines(path, self.ctx):
                try:
                    item = self._parse(line)
                except BAD_LINE as exc:
                    self.ctx.bad(path, n, exc)
                    continue
                if item is None:
                    self.ctx.stats.ignored += 1
                elif isinstance(item, _Diff):
                    yield from self._diff(item)
                elif isinstance(item, BookSnapshot):
                    yield from self._snapshot(item)
                else:
                    yield item
        self.ctx.stats.dropped += len(self.pending)
        self.pending.clear()

    # --- parsing (no state changes: a bad line leaves the book as it was) ------------------

    def _parse(self, line: str) -> _Diff | BookSnapshot | Trade | None:
        stamp, _, body = line.partition(" ")
        ts = int(stamp)
        msg = json.loads(body)
        if "lastUpdateId" in msg:
            return BookSnapshot(ts, levels(msg["bids"], self.px, self.qty),
                                levels(msg["asks"], self.px, self.qty), int(msg["lastUpdateId"]))
        data = msg["data"]
        stream = msg["stream"]
        if data.get("s", self.symbol) != self.symbol:
            return None
        if "@depth" in stream:
            first, last = int(data["U"]), int(data["u"])
            prev = int(data["pu"]) if self.futures else first - 1
            return _Diff(ts, first, last, prev, levels(data["b"], self.px, self.qty),
                         levels(data["a"], self.px, self.qty))
        if stream.endswith("@trade"):
            if data.get("X", "MARKET") != "MARKET":
                return None  # futures insurance-fund and ADL executions never met the book
            side = Side.SELL if data["m"] else Side.BUY
            return Trade(ts, side, self.px(data["p"]), self.qty(data["q"]))
        return None

    # --- the update-id chain ----------------------------------------------------------------

    def _snapshot(self, snap: BookSnapshot) -> Iterator[MarketEvent]:
        self.snapshot_id = snap.seq
        self.synced = False
        self.last = snap.seq
        yield snap
        waiting, self.pending = self.pending, deque()
        for d in waiting:
            yield from self._diff(_Diff(snap.ts, d.first, d.last, d.prev, d.bids, d.asks))

    def _diff(self, d: _Diff) -> Iterator[MarketEvent]:
        stats = self.ctx.stats
        if self.snapshot_id is None:
            if len(self.pending) >= PENDING_LIMIT:
                self.pending.popleft()
                stats.dropped += 1
            self.pending.append(d)
            return
        if not self.synced:
            sid = self.snapshot_id
            target = sid if self.futures else sid + 1
            if d.last < target:
                stats.dropped += 1  # already contained in the snapshot
                return
            if d.first <= target:
                self.synced = True
                self.last = d.last
                yield BookDelta(d.ts, d.bids, d.asks, d.last, sid)
                return
        elif d.prev == self.last:
            self.last = d.last
            yield BookDelta(d.ts, d.bids, d.asks, d.last, d.prev)
            return
        yield from self._gap(d)

    def _gap(self, d: _Diff) -> Iterator[MarketEvent]:
        """Record the break (a delta that does not follow), then wait for a fresh snapshot."""
        self.ctx.stats.gaps += 1
        prev = d.prev if d.prev != self.last else -1
        self.snapshot_id = None
        self.synced = False
        yield BookDelta(d.ts, d.bids, d.asks, d.last, prev)


def binance_events(paths: Sequence[Path], instrument: Instrument, ctx: ImportContext,
                   futures: bool) -> Iterator[MarketEvent]:
    return BinanceCapture(instrument, futures, ctx).events(paths)
