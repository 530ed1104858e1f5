"""The paper broker: orders rest against the real (or simulated) market and fill only when
market trades reach them, behind the displayed queue at their price.

Queue model (one resting order against the L2 data; our orders are not in that data):
- a post-only order that would cross is rejected, like on the venues;
- a resting order joins the back of the queue: `ahead` = displayed size at its price;
- a trade at its price consumes `ahead` first; only what is left of the trade fills the
  order (partially or fully). The trade's whole size is the market's: our fill does not
  shrink it, the usual backtest assumption (no market impact of our passive fills);
- a level that shrinks without trades was cancelled into: the cancelled lots come out of
  `ahead` pro rata to its share of the level (default), or all from the front
  (`ahead_first`, optimistic) or all from the back (`behind_first`, pessimistic);
  lots that join the level queue behind the order;
- a trade through its price, or the opposite best price reaching it, fills the rest at its
  own price (maker);
- amending the price, or raising the size, sends the order to the back of the queue;
- market and IOC orders sweep the opposite levels as taker (price impact) and pay the taker
  fee; the lots they take stay gone from this venue's book until the data updates the level.

Spot instruments trade against a `SpotWallet` (starting balances from `[paper] spot_base` and
`spot_quote`): like the venue, it refuses with "insufficient balance" a sell beyond the free
base and a buy beyond the free quote, counting what resting orders already lock (a buy locks
its cost and fee, a market buy the cost of sweeping the book now).

Latency: each request (entry, amend, cancel) reaches the venue after a fixed delay plus a
seeded uniform jitter, and is acted on only then, against the book of that moment; so a
cancel can arrive after the fill it meant to avoid. Requests keep their order (one
connection, processed in sequence), so the pending requests form a FIFO whose due times
never decrease. Responses (acks, fills) are delivered at the time the venue acts.
`next_due()` and `advance(now)` let a driver release them: the backtest driver interleaves
them with market events on the event clock, `PaperBroker` schedules them on the asyncio loop.

`PaperExchange` is synchronous (backtests call it directly on an event clock);
`PaperBroker` wraps it in the async `Broker` protocol for live runs.

Shared book: given `book=` (the engine's), the exchange applies each market event to that
book and the engine's second application of the same event is a no-op, so a backtest keeps
one book, not two. Liquidity a taker order took must stay gone here but never show in the
engine's book, so a sweep forks a private copy; the exchange goes back to the shared book
once the data has updated every level it took from (or sent a snapshot).
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asconsole.book import Book
from asconsole.clock import NS_PER_MS, NS_PER_S, Clock
from asconsole.domain import (
    AmendOrder,
    Balances,
    BookDelta,
    BookSnapshot,
    CancelAll,
    CancelOrder,
    ExecEvent,
    Fill,
    Instrument,
    MarketEvent,
    OrderAck,
    OrderAction,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    Trade,
    VenueKind,
    VenueOrder,
    VenuePosition,
)
from asconsole.fees import FeeSchedule
from asconsole.wallet import SpotWallet, fee_hold

if TYPE_CHECKING:
    from asconsole.config import PaperSettings, Settings

CANCEL_POLICIES = ("pro_rata", "ahead_first", "behind_first")


@dataclass(frozen=True, slots=True)
class FillModel:
    """How the paper venue queues and delays orders (see the module docstring)."""

    entry_ns: int = 0
    amend_ns: int = 0
    cancel_ns: int = 0
    jitter_ns: int = 0
    """Each request's delay gets a uniform 0..jitter_ns more, drawn from `seed`."""
    cancel_policy: str = "pro_rata"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.cancel_policy not in CANCEL_POLICIES:
            raise ValueError(
                f"cancel policy {self.cancel_policy!r} is not one of {CANCEL_POLICIES}"
            )
        if min(self.entry_ns, self.amend_ns, self.cancel_ns, self.jitter_ns) < 0:
            raise ValueError("latencies must not be negative")


NO_LATENCY = FillModel()
"""Requests act at once, cancels leave the queue pro rata: the simplest venue (unit tests)."""


def fill_model_from_settings(paper: PaperSettings, seed: int) -> FillModel:
    """A FillModel from the `[paper]` settings section; jitter seeded from the market seed."""
    ms = NS_PER_MS
    return FillModel(
        entry_ns=round(paper.entry_latency_ms * ms),
        amend_ns=round(paper.amend_latency_ms * ms),
        cancel_ns=round(paper.cancel_latency_ms * ms),
        jitter_ns=round(paper.latency_jitter_ms * ms),
        cancel_policy=paper.queue_cancels,
        seed=seed,
    )


def paper_wallet(paper: PaperSettings, instrument: Instrument) -> SpotWallet | None:
    """The paper venue's spot wallet from the `[paper]` settings; None for derivatives (their
    margin is not modelled)."""
    if instrument.kind is not VenueKind.SPOT:
        return None
    return SpotWallet.of(instrument, paper.spot_base, paper.spot_quote)


def paper_exchange(
    settings: Settings,
    instrument: Instrument,
    clock: Clock,
    *,
    fees: FeeSchedule | None = None,
    book: Book | None = None,
) -> PaperExchange:
    """The paper venue the settings describe: their fees (unless a recording brings its own),
    fill model and, on spot, starting wallet."""
    return PaperExchange(
        instrument,
        fees or FeeSchedule(settings.fees.maker, settings.fees.taker),
        clock,
        fill_model_from_settings(settings.paper, settings.market.seed),
        paper_wallet(settings.paper, instrument),
        book=book,
    )


@dataclass(slots=True)
class _Resting:
    client_id: str
    side: Side
    price: int
    qty: int
    filled: int = 0
    ahead: int = 0
    """Displayed lots in front of the order at its price."""
    shown: int = 0
    """Displayed size at its price as last accounted (ahead + behind)."""

    @property
    def leaves(self) -> int:
        return self.qty - self.filled


class PaperExchange:
    def __init__(
        self,
        instrument: Instrument,
        fees: FeeSchedule,
        clock: Clock,
        model: FillModel = NO_LATENCY,
        wallet: SpotWallet | None = None,
        book: Book | None = None,
    ) -> None:
        self.instrument = instrument
        self.wallet = wallet
        """Spot balances (None: no balance limit)."""
        self._start_wallet = (wallet.base, wallet.quote) if wallet else (0, 0)
        self.fees = fees
        self.clock = clock
        self.model = model
        self.shared = book
        """The engine's book when shared (see the module docstring); None: a book of its own."""
        self.book = book or Book()
        self._taken: set[tuple[bool, int]] = set()
        """(is_bid, price) of levels a sweep took from that the data has not updated since."""
        self.orders: dict[str, _Resting] = {}
        self.position = 0
        self._fill_seq = 0
        self._rng = random.Random(model.seed)
        self._pending: deque[tuple[int, OrderAction]] = deque()
        self._last_due = 0
        self._delays = {
            PlaceOrder: model.entry_ns,
            AmendOrder: model.amend_ns,
            CancelOrder: model.cancel_ns,
            CancelAll: model.cancel_ns,
        }

    # --- requests ------------------------------------------------------------------------

    def submit(self, action: OrderAction) -> list[ExecEvent]:
        """Send a request: acted on now (no latency, nothing queued) or queued until due."""
        now = self.clock.now()
        delay = self._delays[type(action)]
        if self.model.jitter_ns:
            delay += self._rng.randint(0, self.model.jitter_ns)
        if delay == 0 and not self._pending:
            return self.act(action, now)
        due = max(now + delay, self._last_due)
        self._last_due = due
        self._pending.append((due, action))
        return []

    def next_due(self) -> int | None:
        """When the oldest request in flight reaches the venue (None: nothing in flight)."""
        return self._pending[0][0] if self._pending else None

    def advance(self, now: int) -> list[ExecEvent]:
        """Act on every request due at or before `now`, each at its own due time."""
        out: list[ExecEvent] = []
        pending = self._pending
        while pending and pending[0][0] <= now:
            due, action = pending.popleft()
            out.extend(self.act(action, due))
        return out

    def act(self, action: OrderAction, now: int) -> list[ExecEvent]:
        """Apply a request at the venue at time `now` (no latency)."""
        if isinstance(action, PlaceOrder):
            return self._place(action, now)
        if isinstance(action, CancelOrder):
            o = self.orders.pop(action.client_id, None)
            if o is None:
                return [OrderRejected(now, action.client_id, "unknown order", "cancel")]
            return [OrderCanceled(now, o.client_id, "canceled")]
        if isinstance(action, CancelAll):
            out: list[ExecEvent] = [OrderCanceled(now, cid, "cancel all") for cid in self.orders]
            self.orders.clear()
            return out
        if isinstance(action, AmendOrder):
            return self._amend(action, now)
        raise TypeError(f"unknown action {action!r}")

    def close(self, reason: str) -> list[ExecEvent]:
        """Drop requests in flight and cancel every order at once (stopping)."""
        self._pending.clear()
        return self.act(CancelAll(reason), self.clock.now())

    def _crosses(self, side: Side, price: int) -> bool:
        b = self.book
        return price >= b.best_ask if side is Side.BUY else price <= b.best_bid

    def _place(self, a: PlaceOrder, now: int) -> list[ExecEvent]:
        if not self.book.ready:
            return [OrderRejected(now, a.client_id, "no market data")]
        if a.client_id in self.orders:
            return [OrderRejected(now, a.client_id, "duplicate client order id")]
        qty = a.qty
        if a.reduce_only:
            if self.position == 0 or (self.position > 0) == (a.side is Side.BUY):
                return [OrderRejected(now, a.client_id, "reduce-only order would increase position")]
            qty = min(qty, abs(self.position))
        if qty < self.instrument.min_qty_lots:
            return [OrderRejected(now, a.client_id, "quantity below the minimum")]
        if self.wallet is not None and not self._affordable(a, qty):
            return [OrderRejected(now, a.client_id, "insufficient balance")]
        if a.tif in (TimeInForce.MARKET, TimeInForce.IOC):
            limit = None if a.tif is TimeInForce.MARKET else a.price
            return [OrderAck(now, a.client_id), *self._sweep(a.client_id, a.side, qty, limit, now)]
        if self._crosses(a.side, a.price):
            if a.tif is TimeInForce.POST_ONLY:
                return [OrderRejected(now, a.client_id, "post-only order would take liquidity")]
            fills = self._sweep(a.client_id, a.side, qty, a.price, now, cancel_rest=False)
            done = sum(f.qty for f in fills if isinstance(f, Fill))
            if done < qty:
                self.orders[a.client_id] = _Resting(a.client_id, a.side, a.price, qty, done)
            return [OrderAck(now, a.client_id), *fills]
        shown = self.book.size_at(a.side is Side.BUY, a.price)
        self.orders[a.client_id] = _Resting(a.client_id, a.side, a.price, qty, 0, shown, shown)
        return [OrderAck(now, a.client_id)]

    def _amend(self, a: AmendOrder, now: int) -> list[ExecEvent]:
        o = self.orders.get(a.client_id)
        if o is None:
            return [OrderRejected(now, a.client_id, "unknown order", "amend")]
        if a.price != o.price and self._crosses(o.side, a.price):
            return [OrderRejected(now, a.client_id, "post-only amend would take liquidity", "amend")]
        if a.qty <= o.filled:
            return [OrderRejected(now, a.client_id, "amend below filled quantity", "amend")]
        if self.wallet is not None:
            rate = self.fees.maker
            old = SpotWallet.hold(o.side, o.price, o.leaves, rate)
            new = SpotWallet.hold(o.side, a.price, a.qty - o.filled, rate)
            if not self._covers(new[0] - old[0], new[1] - old[1]):
                return [OrderRejected(now, a.client_id, "insufficient balance", "amend")]
        if a.price != o.price or a.qty > o.qty:
            o.ahead = o.shown = self.book.size_at(o.side is Side.BUY, a.price)
        o.price, o.qty = a.price, a.qty
        return [OrderAmended(now, a.client_id, a.price, a.qty)]

    def _sweep(
        self, cid: str, side: Side, qty: int, limit: int | None, now: int, cancel_rest: bool = True
    ) -> list[ExecEvent]:
        """Take liquidity level by level (price impact), up to `limit` if given."""
        out: list[ExecEvent] = []
        left = qty
        is_bid = side is Side.SELL
        taken: list[tuple[int, int]] = []
        for price, size in self.book.levels(is_bid, 1_000):
            if left <= 0 or (limit is not None and self._beyond(side, price, limit)):
                break
            take = min(left, size)
            left -= take
            taken.append((price, size - take))
            out.append(self._fill(cid, side, price, take, False, now, left))
        if taken:
            b = self.book
            if self.shared is not None:
                if b is self.shared:
                    b = self.book = b.copy()
                self._taken.update((is_bid, p) for p, _ in taken)
            levels = tuple(taken)
            bids, asks = (levels, ()) if is_bid else ((), levels)
            b.apply_delta(BookDelta(b.ts, bids, asks, b.seq))
        if left > 0 and cancel_rest:
            out.append(OrderCanceled(now, cid, "rest of IOC order not filled"))
        return out

    # --- spot balances ---------------------------------------------------------------------

    def balances(self) -> Balances | None:
        """Free and locked spot balances now (None: no wallet)."""
        if self.wallet is None:
            return None
        return self.wallet.balances(self.clock.now(), self._open(), self.fees.maker)

    def _open(self) -> list[tuple[Side, int, int]]:
        return [(o.side, o.price, o.leaves) for o in self.orders.values()]

    def _covers(self, base: int, quote: int) -> bool:
        free = self.balances()
        return free is None or (base <= free.base_free and quote <= free.quote_free)

    def _affordable(self, a: PlaceOrder, qty: int) -> bool:
        """What the order could spend is free: its size in base for a sell; for a buy its cost
        at the limit (market: the cost of sweeping the book now) plus the fee."""
        if a.side is Side.SELL:
            return self._covers(qty, 0)
        if a.tif is TimeInForce.MARKET:
            cost = self._sweep_cost(qty)
            return self._covers(0, cost + fee_hold(cost, self.fees.taker))
        rate = self.fees.maker if a.tif is TimeInForce.POST_ONLY else max(self.fees.maker, self.fees.taker)
        return self._covers(*SpotWallet.hold(a.side, a.price, qty, rate))

    def _sweep_cost(self, qty: int) -> int:
        """Quote units a market buy of `qty` pays against the asks now."""
        cost = 0
        for price, size in self.book.levels(False, 1_000):
            take = min(qty, size)
            cost += price * take
            qty -= take
            if qty <= 0:
                break
        return cost

    def reset_account(self) -> None:
        """Flat, with the starting balances again."""
        self.position = 0
        if self.wallet is not None:
            self.wallet.base, self.wallet.quote = self._start_wallet

    @staticmethod
    def _beyond(side: Side, price: int, limit: int) -> bool:
        return price > limit if side is Side.BUY else price < limit

    def _fill(
        self, cid: str, side: Side, price: int, qty: int, maker: bool, now: int, leaves: int
    ) -> Fill:
        self._fill_seq += 1
        self.position += qty * side
        fee = self.fees.fee(self.instrument.notional(price, qty), maker)
        fill = Fill(now, cid, side, price, qty, fee, maker, f"paper-{self._fill_seq}", leaves)
        if self.wallet is not None:
            self.wallet.apply(fill)
        return fill

    # --- market --------------------------------------------------------------------------

    def on_market(self, ev: MarketEvent) -> list[ExecEvent]:
        if isinstance(ev, BookDelta):
            if self.book.apply_delta(ev) and self._taken:
                self._rejoin(ev)
        elif isinstance(ev, Trade):
            return self._on_trade(ev) if self.orders else []
        elif isinstance(ev, BookSnapshot):
            self.drop_impact()
            self.book.apply_snapshot(ev)
        else:
            return []
        return self._on_book() if self.orders else []

    def drop_impact(self) -> None:
        """Forget the liquidity sweeps took: back to the shared book (a snapshot replaces every
        level; a paper run back from live starts from the market as the engine has it)."""
        if self._taken:
            self._taken.clear()
            self.book = self.shared  # type: ignore[assignment]

    def _rejoin(self, ev: BookDelta) -> None:
        """Back to the shared book once the data has updated every level a sweep took from:
        both books then hold the same levels."""
        taken = self._taken
        for p, _ in ev.bids:
            taken.discard((True, p))
        for p, _ in ev.asks:
            taken.discard((False, p))
        if not taken:
            self.book = self.shared  # type: ignore[assignment]
            self.book.apply_delta(ev)  # the engine's own application of `ev` is then a no-op

    def _on_trade(self, t: Trade) -> list[ExecEvent]:
        out: list[ExecEvent] = []
        for o in list(self.orders.values()):
            if o.side is t.side:
                continue
            if t.price == o.price:
                used = min(o.ahead, t.qty)
                o.ahead -= used
                o.shown = max(0, o.shown - t.qty)
                qty = min(t.qty - used, o.leaves)
            elif t.price < o.price if o.side is Side.BUY else t.price > o.price:
                qty = o.leaves
            else:
                continue
            if qty > 0:
                out.append(self._rest_fill(o, qty, t.ts))
        return out

    def _on_book(self) -> list[ExecEvent]:
        out: list[ExecEvent] = []
        b = self.book
        if not b.ready:
            return out
        policy = self.model.cancel_policy
        for o in list(self.orders.values()):
            is_bid = o.side is Side.BUY
            if o.price >= b.best_ask if is_bid else o.price <= b.best_bid:
                out.append(self._rest_fill(o, o.leaves, b.ts))
                continue
            size = (b.bids if is_bid else b.asks).get(o.price, 0)
            if size < o.shown and o.ahead:
                o.ahead = _after_cancels(o.ahead, o.shown, o.shown - size, policy)
            o.shown = size
        return out

    def _rest_fill(self, o: _Resting, qty: int, ts: int) -> Fill:
        o.filled += qty
        if o.leaves <= 0:
            del self.orders[o.client_id]
        return self._fill(o.client_id, o.side, o.price, qty, True, ts, o.leaves)

    def open_orders(self) -> list[VenueOrder]:
        return [
            VenueOrder(o.client_id, o.client_id, o.side, o.price, o.qty, o.filled)
            for o in self.orders.values()
        ]


def _after_cancels(ahead: int, shown: int, cancelled: int, policy: str) -> int:
    """Lots still ahead after `cancelled` of the `shown` lots at the level went away."""
    if policy == "pro_rata":
        ahead -= cancelled * ahead // shown
    elif policy == "ahead_first":
        ahead -= cancelled
    else:
        ahead -= max(0, cancelled - (shown - ahead))
    return max(0, min(ahead, shown - cancelled))


class PaperBroker:
    """`PaperExchange` behind the async `Broker` protocol; fed the market by the runner.

    Requests in flight are released by an asyncio timer at their due time on the exchange's
    clock (read as wall time: a faster `ScaledClock` only makes them late, never early)."""

    is_live = False

    def __init__(self, exchange: PaperExchange) -> None:
        self.exchange = exchange
        self.instrument = exchange.instrument
        self._events: asyncio.Queue[ExecEvent] = asyncio.Queue()
        self._timer: asyncio.TimerHandle | None = None
        self._armed_due = 0

    async def start(self) -> None:
        return None

    def _emit(self, events: list[ExecEvent]) -> None:
        for e in events:
            self._events.put_nowait(e)

    async def submit(self, action: OrderAction) -> None:
        self._emit(self.exchange.submit(action))
        self._arm()

    def _arm(self) -> None:
        due = self.exchange.next_due()
        if due is None or (self._timer is not None and self._armed_due <= due):
            return
        if self._timer is not None:
            self._timer.cancel()
        delay = max(0.0, (due - self.exchange.clock.now()) / NS_PER_S)
        self._armed_due = due
        self._timer = asyncio.get_running_loop().call_later(delay, self._release)

    def _release(self) -> None:
        self._timer = None
        self._emit(self.exchange.advance(self.exchange.clock.now()))
        self._arm()

    def on_market(self, event: MarketEvent) -> None:
        ex = self.exchange
        due = ex.next_due()
        if due is not None and due <= event.ts:
            self._emit(ex.advance(event.ts))
        self._emit(ex.on_market(event))

    async def exec_events(self) -> AsyncIterator[ExecEvent]:  # type: ignore[override]
        while True:
            yield await self._events.get()

    async def open_orders(self) -> list[VenueOrder]:
        return self.exchange.open_orders()

    async def position(self) -> VenuePosition:
        return VenuePosition(self.exchange.position)

    def reset(self) -> None:
        """Start over flat with nothing working (back from live: the paper book is virtual)."""
        self.exchange.close("reset")
        self.exchange.reset_account()
        self.exchange.drop_impact()
        while not self._events.empty():
            self._events.get_nowait()

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._emit(self.exchange.close("stop"))
