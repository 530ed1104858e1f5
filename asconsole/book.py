"""L2 order book on integer ticks and lots.

Sizes live in one dict per side; beside it, each side keeps its prices sorted with the best
price at the end of a list (bids ascending; asks negated, so also ascending), so the best
price is `prices[-1]` and deleting it is a `pop()`. Real books are deep (Binance's perp book
holds thousands of levels, down to 1,000 USDT) and the touch is deleted on most updates:
with a plain dict, finding the next best price was a scan of every level, which cost more
than the rest of the engine together. Inserting or deleting away from the touch is a bisect
and a memmove. `levels(n)` is a slice, not a sort.

A delta whose `prev_seq` does not follow the last applied `seq` marks the book invalid (a
gap): the caller must pull quotes and wait for a fresh snapshot, exactly as after a reconnect.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from asconsole.domain import BookDelta, BookSnapshot, Level


class Book:
    __slots__ = ("bids", "asks", "best_bid", "best_ask", "seq", "ts", "valid", "ready", "gaps", "_bpx",
                 "_apx", "_last", "_last_ok")

    def __init__(self) -> None:
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.best_bid = 0
        self.best_ask = 0
        self.seq = 0
        self.ts = 0
        self.valid = False
        self.ready = False
        """Valid with both sides non-empty: a mid exists. Kept on every change (read per event)."""
        self.gaps = 0
        self._bpx: list[int] = []
        """Bid prices, ascending: the best is last."""
        self._apx: list[int] = []
        """Ask prices negated, ascending: the best (lowest) ask is last."""
        self._last: BookSnapshot | BookDelta | None = None
        self._last_ok = False

    def apply_snapshot(self, ev: BookSnapshot) -> None:
        if ev is self._last:
            return
        self._last = ev
        self.bids = {p: q for p, q in ev.bids if q > 0}
        self.asks = {p: q for p, q in ev.asks if q > 0}
        self._bpx = sorted(self.bids)
        self._apx = sorted(-p for p in self.asks)
        self.best_bid = self._bpx[-1] if self._bpx else 0
        self.best_ask = -self._apx[-1] if self._apx else 0
        self.seq = ev.seq
        self.ts = ev.ts
        self.valid = True
        self.ready = self.best_bid > 0 and self.best_ask > 0

    def apply_delta(self, ev: BookDelta) -> bool:
        """Apply changed levels; False (and the book invalid) on a sequence gap.

        Applying the same event object again is a no-op with the same answer, so the engine and
        the paper exchange can share one book in a backtest."""
        if ev is self._last:
            return self._last_ok
        self._last = ev
        self._last_ok = False
        if not self.valid:
            return False
        if ev.prev_seq is not None and ev.prev_seq != self.seq:
            self.valid = self.ready = False
            self.gaps += 1
            return False
        if ev.bids:
            side, px = self.bids, self._bpx
            for p, q in ev.bids:
                if q > 0:
                    if p not in side:
                        if not px or p > px[-1]:
                            px.append(p)
                        else:
                            insort(px, p)
                    side[p] = q
                elif side.pop(p, None) is not None:
                    if px[-1] == p:
                        px.pop()
                    else:
                        del px[bisect_left(px, p)]
            self.best_bid = px[-1] if px else 0
        if ev.asks:
            side, px = self.asks, self._apx
            for p, q in ev.asks:
                if q > 0:
                    if p not in side:
                        n = -p
                        if not px or n > px[-1]:
                            px.append(n)
                        else:
                            insort(px, n)
                    side[p] = q
                elif side.pop(p, None) is not None:
                    n = -p
                    if px[-1] == n:
                        px.pop()
                    else:
                        del px[bisect_left(px, n)]
            self.best_ask = -px[-1] if px else 0
        self.ready = self.best_bid > 0 and self.best_ask > 0
        self.seq = ev.seq
        self.ts = ev.ts
        self._last_ok = True
        return True

    def copy(self) -> Book:
        """An independent book with the same levels and state (the paper venue forks one)."""
        b = Book()
        b.bids, b.asks, b._bpx, b._apx = dict(self.bids), dict(self.asks), self._bpx[:], self._apx[:]
        b.best_bid, b.best_ask, b.seq, b.ts = self.best_bid, self.best_ask, self.seq, self.ts
        b.valid, b.ready, b.gaps = self.valid, self.ready, self.gaps
        b._last, b._last_ok = self._last, self._last_ok
        return b

    def mid_ticks(self) -> float:
        """Mid in (fractional) ticks; 0.0 when a side is empty."""
        if not self.ready:
            return 0.0
        return (self.best_bid + self.best_ask) / 2.0

    def size_at(self, is_bid: bool, price: int) -> int:
        return (self.bids if is_bid else self.asks).get(price, 0)

    def levels(self, is_bid: bool, n: int) -> list[Level]:
        """The best `n` levels of one side, best first."""
        if n <= 0:
            return []
        if is_bid:
            side = self.bids
            return [(p, side[p]) for p in reversed(self._bpx[-n:])]
        side = self.asks
        return [(-p, side[-p]) for p in reversed(self._apx[-n:])]

    def depth(self, is_bid: bool, n: int) -> int:
        """Total lots in the best `n` levels of one side."""
        return sum(q for _, q in self.levels(is_bid, n))


class Touch:
    """One reader's copy of a book's touch, taken when that reader handles a market event.

    The engine decides on its own copy: in a backtest the paper exchange shares the engine's
    book and applies each event first, and the fills it causes reach the engine (which decides
    on them) before the engine has handled that event, exactly as with two books."""

    __slots__ = ("best_bid", "best_ask", "ready")

    def __init__(self) -> None:
        self.best_bid = 0
        self.best_ask = 0
        self.ready = False

    def take(self, book: Book) -> None:
        self.best_bid, self.best_ask, self.ready = book.best_bid, book.best_ask, book.ready

    def mid_ticks(self) -> float:
        """As `Book.mid_ticks`, at the time of the copy."""
        if not self.ready:
            return 0.0
        return (self.best_bid + self.best_ask) / 2.0
