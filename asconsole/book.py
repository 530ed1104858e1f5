"""L2 order book on integer ticks and lots.

Levels live in one dict per side; the best prices are kept incrementally and recomputed
only when the best level itself is deleted. A delta whose `prev_seq` does not follow the
last applied `seq` marks the book invalid (a gap): the caller must pull quotes and wait for
a fresh snapshot, exactly as after a reconnect.
"""

from __future__ import annotations

from asconsole.domain import BookDelta, BookSnapshot, Level


class Book:
    __slots__ = ("bids", "asks", "best_bid", "best_ask", "seq", "ts", "valid", "gaps")

    def __init__(self) -> None:
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.best_bid = 0
        self.best_ask = 0
        self.seq = 0
        self.ts = 0
        self.valid = False
        self.gaps = 0

    def apply_snapshot(self, ev: BookSnapshot) -> None:
        self.bids = {p: q for p, q in ev.bids if q > 0}
        self.asks = {p: q for p, q in ev.asks if q > 0}
        self.best_bid = max(self.bids, default=0)
        self.best_ask = min(self.asks, default=0)
        self.seq = ev.seq
        self.ts = ev.ts
        self.valid = True

    def apply_delta(self, ev: BookDelta) -> bool:
        """Apply changed levels; False (and the book invalid) on a sequence gap."""
        if not self.valid:
            return False
        if ev.prev_seq is not None and ev.prev_seq != self.seq:
            self.valid = False
            self.gaps += 1
            return False
        bids, asks = self.bids, self.asks
        for p, q in ev.bids:
            if q > 0:
                bids[p] = q
                if p > self.best_bid:
                    self.best_bid = p
            elif bids.pop(p, None) is not None and p == self.best_bid:
                self.best_bid = max(bids, default=0)
        for p, q in ev.asks:
            if q > 0:
                asks[p] = q
                if p < self.best_ask or self.best_ask == 0:
                    self.best_ask = p
            elif asks.pop(p, None) is not None and p == self.best_ask:
                self.best_ask = min(asks, default=0)
        self.seq = ev.seq
        self.ts = ev.ts
        return True

    def invalidate(self) -> None:
        self.valid = False

    @property
    def ready(self) -> bool:
        return self.valid and self.best_bid > 0 and self.best_ask > 0

    def mid_ticks(self) -> float:
        """Mid in (fractional) ticks; 0.0 when a side is empty."""
        if not self.ready:
            return 0.0
        return (self.best_bid + self.best_ask) / 2.0

    def spread_ticks(self) -> int:
        return self.best_ask - self.best_bid if self.ready else 0

    def size_at(self, is_bid: bool, price: int) -> int:
        return (self.bids if is_bid else self.asks).get(price, 0)

    def levels(self, is_bid: bool, n: int) -> list[Level]:
        """The best `n` levels of one side, best first."""
        side = self.bids if is_bid else self.asks
        prices = sorted(side, reverse=is_bid)[:n]
        return [(p, side[p]) for p in prices]

    def depth(self, is_bid: bool, n: int) -> int:
        """Total lots in the best `n` levels of one side."""
        return sum(q for _, q in self.levels(is_bid, n))
