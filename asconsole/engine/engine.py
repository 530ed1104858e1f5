"""The engine: market and execution events in, order actions out.

It is synchronous and does no I/O: the live runner, the backtester and a what-if replay all
drive this same class, and time comes only from the injected clock, so the same inputs give
the same decisions. Per market event it updates the book and the guards' inputs; at most
every `decision_ms` (and at once after a fill, an order event or a command) it decides:

    guards -> model quote -> spread bounds (fee-aware) -> guard widening -> ticks (bids down,
    asks up, never crossing the opposite best) -> order manager (diff against working orders)

Book mids and trade prices pass the tick filter before anything else sees them. The kill
switch (`flatten`) cancels everything, waits for the cancels to be confirmed (at most
`flatten_cancel_wait_s`), then closes the position with reduce-only orders, retrying until
flat or out of attempts, then stays paused until resumed.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable
from typing import Any

from asconsole.book import Book, Touch
from asconsole.clock import NS_PER_MS, NS_PER_S, Clock
from asconsole.config import Settings
from asconsole.domain import (
    Balances,
    BookDelta,
    BookSnapshot,
    Command,
    CommandKind,
    ExecEvent,
    FeedStatus,
    Fill,
    Instrument,
    MarketEvent,
    MarkPrice,
    OrderAck,
    OrderAction,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    Trade,
    VenueKind,
    VenuePosition,
)
from asconsole.engine.orders import OrderManager, Target
from asconsole.engine.portfolio import Portfolio
from asconsole.engine.snapshot import OwnOrder, QuoteView, Snapshot
from asconsole.engine.spot import SpotAccount
from asconsole.estimators.calibration import Calibration, CalibrationState
from asconsole.fees import FeeSchedule
from asconsole.models import make_model
from asconsole.models.avellaneda import session_time_left
from asconsole.models.base import ModelInputs, ModelQuote, QuoteModel
from asconsole.models.rounding import (
    SpreadLimits,
    TickQuote,
    quote_distances,
    shape_quote,
    size_lots,
)
from asconsole.risk import build_guards, find_guard
from asconsole.risk.base import GuardState, QuoteOutcome, RiskContext, Verdict, hooked
from asconsole.risk.liquidation import LiquidationGuard
from asconsole.risk.tick_filter import TickFilter

Journal = Callable[[int, str, dict[str, Any]], None]
"""(ts, kind, payload): where decisions go for the session recording."""

TUNABLE = {"gamma": ("quote", "gamma"), "order_size": ("quote", "order_size")}


def _no_journal(ts: int, kind: str, payload: dict[str, Any]) -> None:
    return None


class Engine:
    def __init__(
        self,
        settings: Settings,
        instrument: Instrument,
        clock: Clock,
        *,
        model: QuoteModel | None = None,
        prefix: str = "as",
        journal: Journal = _no_journal,
        mode: str = "paper",
    ) -> None:
        self.cfg = settings
        self.instrument = instrument
        self.clock = clock
        self.mode = mode
        self.journal = journal
        self.book = Book()
        self.top = Touch()
        """The touch as of the last market event this engine handled: what decisions read."""
        self._gaps = 0
        self.portfolio = Portfolio(instrument)
        self.om = OrderManager(prefix, settings.quote.requote_ticks)
        is_spot = instrument.kind is VenueKind.SPOT
        self.spot = SpotAccount(settings, instrument, mode == "live") if is_spot else None
        """Spot balances (None: a derivative, where margin rules instead)."""
        self.guards = build_guards(settings, spot=is_spot)
        self.tick_filter = find_guard(self.guards, TickFilter)
        self.liquidation = find_guard(self.guards, LiquidationGuard)
        self._mid_guards = hooked(self.guards, "on_mid")
        self._fill_guards = hooked(self.guards, "on_fill")
        self._quote_guards = hooked(self.guards, "on_quote")
        self._guard_states: dict[str, GuardState] = {}
        self.model = model or make_model(settings.quote)
        self.fees = FeeSchedule(settings.fees.maker, settings.fees.taker)
        self.cal = Calibration.from_settings(settings.quote)
        self.limits = self._limits(settings)
        self.gamma = settings.quote.gamma
        self.order_lots = self._lots(settings.quote.order_size)
        self.decision_ns = settings.quote.decision_ms * NS_PER_MS
        self.paused = False
        self.flatten_state = ""
        self.flatten_attempts = 0
        self.flatten_started = 0
        self.flatten_fills: list[str] = []
        self.feed_connected = True
        self.last_data_ts = 0
        self.last_decision_ts = 0
        self.mark_ticks = 0.0
        self.venue_liq_ticks = 0
        """Liquidation price the venue reported for the current position; 0 = none."""
        self._quote: QuoteView | None = None
        self._quote_args: tuple[Any, ...] | None = None
        """What the last decision showed, captured; `quote` builds the view from it on demand."""
        self.log: deque[str] = deque(maxlen=50)
        self.pnl_history: deque[float] = deque(maxlen=120)
        self.mid_history: deque[float] = deque(maxlen=120)
        self._last_pnl_sample = 0
        self._last_reasons: tuple[str, ...] = ()
        self._last_verdict: tuple[object, ...] = ()
        self.stopped = False
        self._fresh: tuple[int, set[str]] | None = None
        """(time, client ids) of the orders the last decision placed, while nothing but their
        acks has reached the engine since: an ack of one of them needs no decision (on_exec)."""
        self._shaped_key: tuple[object, ...] = ()
        self._shaped: tuple[ModelQuote | None, TickQuote | None, QuoteOutcome | None] = (None, None, None)
        """The last shaped quote and the inputs it came from (`_targets` reuses it)."""

    def _lots(self, size: float) -> int:
        inst = self.instrument
        return size_lots(size, inst.lot, inst.min_qty_lots)

    def _limits(self, s: Settings) -> SpreadLimits:
        q = s.quote
        return SpreadLimits(q.min_spread_dollar, q.max_spread_dollar, s.fees.maker, s.fees.taker,
                            q.fee_margin_dollar, q.min_spread_mode)

    def note(self, text: str) -> None:
        """A line for the operator's log pane (and the recording)."""
        now = self.clock.now()
        self.log.appendleft(text)
        self.journal(now, "note", {"text": text})

    def set_mode(self, mode: str, position: VenuePosition) -> None:
        """Paper <-> live: the position is now the venue's; PnL counts from here. On spot what
        the account holds is balances (reported as `Balances`), not a position to unwind:
        inventory counts from here, and the balances bound it."""
        self.mode = mode
        if self.spot is not None:
            self.spot.set_mode(mode == "live")
            position = VenuePosition(0)
        self._fresh = None
        self.portfolio = Portfolio(self.instrument)
        self.portfolio.position = position.size
        if position.size:
            self.portfolio.entry = position.entry_price / self.instrument.tick
        self.note(f"{mode.upper()} trading; position {self.instrument.qty_str(abs(position.size))}"
                  f"{' long' if position.size > 0 else ' short' if position.size < 0 else ''}")

    # --- inputs ----------------------------------------------------------------------------

    def on_market(self, ev: MarketEvent) -> list[OrderAction]:
        now = self.clock.now()
        self._fresh = None
        if isinstance(ev, BookDelta):
            ok = self.book.apply_delta(ev)
            self.top.take(self.book)
            if not ok:
                if self.book.gaps == self._gaps:
                    return []
                self._gaps = self.book.gaps
                self.note("book gap: quotes pulled until a fresh snapshot")
                return self._decide(now)
        elif isinstance(ev, BookSnapshot):
            self.book.apply_snapshot(ev)
            self.top.take(self.book)
        elif isinstance(ev, Trade):
            self.last_data_ts = now
            tick = self.instrument.tick
            price = ev.price * tick
            if self.book.ready and self.tick_filter.screen_trade(now, price, self.cal.sigma):
                self.cal.on_trade(now, price, ev.qty * self.instrument.lot,
                                  self.book.mid_ticks() * tick)
            return []
        elif isinstance(ev, MarkPrice):
            self.mark_ticks = float(ev.price)
            if ev.liq_price:
                self.venue_liq_ticks = ev.liq_price
            return []
        elif isinstance(ev, FeedStatus):
            self.feed_connected = ev.connected
            self.note(f"feed {'connected' if ev.connected else 'lost: ' + ev.reason}")
            return self._decide(now)
        self.last_data_ts = now
        if self.book.ready:
            tick = self.instrument.tick
            mid = self.book.mid_ticks() * tick
            if isinstance(ev, BookSnapshot):
                self.tick_filter.anchor(now, mid)
            elif not self.tick_filter.screen_mid(now, mid, self.cal.sigma):
                # An outlier reaches nothing downstream; the first one pulls quotes at once.
                first = self.tick_filter.chain == 1
                return self._decide(now) if first else []
            self.cal.on_book(now, self.book.best_bid * tick, self.book.best_ask * tick)
            for g in self._mid_guards:
                g.on_mid(now, mid)
        if now - self.last_decision_ts >= self.decision_ns:
            return self._decide(now)
        return []

    def on_exec(self, ev: ExecEvent) -> list[OrderAction]:
        now = self.clock.now()
        if isinstance(ev, Balances):
            self._fresh = None
            if self.spot is not None:
                self.spot.on_report(ev)
            return self._decide(now)
        fresh, self._fresh = self._fresh, None
        fill = self.om.on_exec(ev)
        if (type(ev) is OrderAck and fresh is not None and fresh[0] == now
                and ev.client_id in fresh[1] and self._guards_journaled()):
            # The ack of an order the last decision placed, at that decision's time, with
            # nothing else since: deciding again sees the same inputs, so the same targets,
            # which this order (placed at its target) matches; it would send nothing and
            # change nothing (guards and refit are idempotent at the same time, and no guard
            # state waits to be journaled: on_quote runs after the journal).
            self._fresh = fresh
            return []
        if fill is not None:
            self._on_fill(fill)
        elif isinstance(ev, OrderRejected):
            self.note(f"rejected {ev.request} {ev.client_id}: {ev.reason}")
            if ev.request == "place":
                # Re-placing at once on the same book is rejected again: a reject storm (an
                # endless loop on an event clock). The next market event or timer decides.
                return []
        return self._decide(now)

    def _on_fill(self, f: Fill) -> None:
        self.portfolio.apply(f)
        if self.spot is not None:
            self.spot.on_fill(f)
        self.venue_liq_ticks = 0  # it was for the old position; the estimate holds until the next
        for g in self._fill_guards:
            g.on_fill(f)
        px = self.instrument.price_str(f.price)
        qty = self.instrument.qty_str(f.qty)
        role = "maker" if f.is_maker else "taker"
        text = f"fill {'BUY' if f.side is Side.BUY else 'SELL'} {qty} @ {px} {role} fee {f.fee:.4f}"
        self.log.appendleft(text)
        if self.flatten_state:
            self.flatten_fills.append(px)

    def on_command(self, cmd: Command) -> list[OrderAction]:
        now = self.clock.now()
        self._fresh = None
        k = cmd.kind
        if k is CommandKind.PAUSE:
            self.paused = True
            self.note("paused: working orders cancelled, position kept")
            return self.om.cancel_all("pause") if self.om.has_working else []
        if k is CommandKind.RESUME:
            self.paused = False
            self.flatten_state = ""
            self.note("quoting resumed")
            return self._decide(now)
        if k is CommandKind.FLATTEN:
            return self._start_flatten("kill switch")
        if k is CommandKind.SET_PARAM:
            return self._set_param(cmd.name, cmd.value, now)
        if k is CommandKind.QUIT:
            self.stopped = True
            self.paused = True
            return self.om.cancel_all("quit")
        return []

    def _set_param(self, name: str, value: Any, now: int) -> list[OrderAction]:
        if name not in TUNABLE or not isinstance(value, (int, float)):
            self.note(f"cannot set {name!r}")
            return []
        section, key = TUNABLE[name]
        try:
            self.cfg = self.cfg.replace(section, **{key: float(value)})
        except ValueError as exc:
            self.note(str(exc).split(": ", 1)[-1])
            return []
        self.gamma = self.cfg.quote.gamma
        self.order_lots = self._lots(self.cfg.quote.order_size)
        self.limits = self._limits(self.cfg)
        self.note(f"{name} set to {value:g}")
        return self._decide(now)

    def on_timer(self) -> list[OrderAction]:
        """Periodic: stale-data checks and the PnL history run even without market data."""
        now = self.clock.now()
        self._fresh = None
        if now - self._last_pnl_sample >= NS_PER_S:
            self._last_pnl_sample = now
            self.pnl_history.append(self.portfolio.total(self._mark()))
            self.mid_history.append(self.book.mid_ticks() * self.instrument.tick)
        return self._decide(now)

    # --- decisions -------------------------------------------------------------------------

    def _mark(self) -> float:
        return self.mark_ticks or self.top.mid_ticks()

    def _context(self, now: int) -> RiskContext:
        mid_ticks = self.top.mid_ticks()
        mid = mid_ticks * self.instrument.tick
        spot = None
        if self.spot is not None:
            spot = self.spot.funds(self.om.live(), mid_ticks, self.order_lots)
        return RiskContext(
            now=now,
            mid=mid,
            position=self.portfolio.position,
            order_lots=self.order_lots,
            lot=self.instrument.lot,
            pnl=self.portfolio.total(self._mark()),
            last_data_ts=self.last_data_ts,
            feed_connected=self.feed_connected,
            book_valid=self.top.ready,
            base=self.instrument.base,
            entry=self.portfolio.entry * self.instrument.tick,
            mark=self._mark() * self.instrument.tick,
            futures=self.cfg.market.futures and self.spot is None,
            leverage=self.cfg.market.leverage,
            venue_liq=self.venue_liq_ticks * self.instrument.tick,
            spot=spot,
        )

    def _decide(self, now: int) -> list[OrderAction]:
        self.last_decision_ts = now
        self.cal.refit(now)
        verdict = Verdict()
        ctx = self._context(now)
        for g in self.guards:
            g.check(ctx, verdict)
        self._journal_guards(now, verdict)
        reasons = self._last_reasons = tuple(verdict.reasons)
        if verdict.kill and not self.flatten_state:
            return self._start_flatten(verdict.kill_reason or "guard")
        if self.flatten_state:
            return self._flatten_step(now)
        if self.stopped:
            return []
        out: list[OrderAction] = []
        if verdict.reduce_lots and not any(o.reduce_only for o in self.om.live()):
            out.append(self._reduce_order(verdict.reduce_lots, now, TimeInForce.IOC))
            self.journal(now, "reduce", {"lots": verdict.reduce_lots, "reasons": list(reasons)})
        bid, ask = self._targets(ctx, verdict)
        if self.paused:
            bid = ask = None
        actions = self.om.reconcile(bid, ask, now)
        out += actions
        if actions:
            self.journal(now, "quote", {"bid": bid.price if bid else 0, "ask": ask.price if ask else 0,
                                        "reasons": list(reasons)})
        self._fresh = (now, {a.client_id for a in out if type(a) is PlaceOrder})
        return out

    def _journal_guards(self, now: int, v: Verdict) -> None:
        """Record every guard state change and every change of the combined verdict."""
        for g in self.guards:
            st = g.status
            if self._guard_states.get(st.name) is not st.state:
                self._guard_states[st.name] = st.state
                self.journal(now, "guard", {"name": st.name, "state": st.state.value,
                                            "value": st.value, "threshold": st.threshold,
                                            "reason": st.reason, "trips": st.trips})
        key = v.key()
        if key != self._last_verdict:
            self._last_verdict = key
            self.journal(now, "verdict", {"bid": v.allow_bid, "ask": v.allow_ask,
                                          "widen_bid": round(v.widen_bid, 2),
                                          "widen_ask": round(v.widen_ask, 2),
                                          "reduce": v.reduce_lots, "kill": v.kill,
                                          "reasons": list(v.reasons)})

    def _guards_journaled(self) -> bool:
        states = self._guard_states
        return all(states.get(g.status.name) is g.status.state for g in self.guards)

    def _targets(self, ctx: RiskContext, v: Verdict) -> tuple[Target | None, Target | None]:
        if not self.top.ready:
            self._quote = self._quote_args = None
            return None, None
        q, cal = self.cfg.quote, self.cal
        if not cal.ready and q.warmup == "wait":
            self._set_quote(None, None, v, cal.status(ctx.now).progress)
            return None, None
        time_left = session_time_left(ctx.now, q.horizon_s)
        book = self.top
        key = (book.best_bid, book.best_ask, self.portfolio.position, cal.sigma, cal.A, cal.kappa,
               self.gamma, self.order_lots, time_left if self.model.uses_time_left else 0.0,
               self.limits, v.widen_bid, v.widen_ask)
        if key == self._shaped_key:
            mq, tq, outcome = self._shaped  # the same inputs: the same quote (models are pure)
        else:
            mq, tq, outcome = self._shape(ctx.mid, cal, time_left, v)
            self._shaped_key, self._shaped = key, (mq, tq, outcome)
        for g in self._quote_guards:
            g.on_quote(ctx.now, outcome)
        if mq is None or tq is None:
            self._set_quote(None, None, v, "model gave no quote for these parameters")
            return None, None
        self._set_quote(mq, tq, v, "")
        size = self.order_lots
        return (
            Target(tq.bid, size) if v.allow_bid else None,
            Target(tq.ask, size) if v.allow_ask else None,
        )

    def _shape(self, mid: float, cal: Calibration, time_left: float,
               v: Verdict) -> tuple[ModelQuote | None, TickQuote | None, QuoteOutcome | None]:
        """Model quote, then bounds, widening and ticks; and what the bounds did."""
        inputs = ModelInputs(
            mid=mid,
            q=self.portfolio.position / self.order_lots,
            sigma=cal.sigma,
            A=cal.A,
            kappa=cal.kappa,
            gamma=self.gamma,
            time_left_s=time_left,
        )
        mq = self.model.quote(inputs)
        if mq is None:
            return None, None, None
        tq = shape_quote(mq.reservation, mq.half_spread, mid, self.instrument.tick,
                         self.top.best_bid, self.top.best_ask, self.limits, v.widen_bid, v.widen_ask)
        if tq is None:
            return mq, None, None
        lo, hi, _ = self.limits.bounds(mid)
        return mq, tq, QuoteOutcome(2 * mq.half_spread, tq.spread, tq.bound, lo, hi)

    def _set_quote(self, mq: ModelQuote | None, tq: TickQuote | None, v: Verdict, warning: str) -> None:
        self._quote = None
        self._quote_args = (self.clock.now(), mq, tq, v.allow_bid, v.allow_ask, warning,
                            self.top.mid_ticks() * self.instrument.tick, self.gamma,
                            self.order_lots, self.cal.state())

    @property
    def quote(self) -> QuoteView | None:
        """The quote pane's numbers as of the last decision, built when first read (the UI
        reads at refresh_hz; decisions run far more often)."""
        if self._quote is None and self._quote_args is not None:
            self._quote = self._quote_view(*self._quote_args)
        return self._quote

    def _quote_view(self, now: int, mq: ModelQuote | None, tq: TickQuote | None, allow_bid: bool,
                    allow_ask: bool, warning: str, mid: float, gamma: float, lots: int,
                    cal_state: CalibrationState) -> QuoteView:
        st = self.cal.status(now, cal_state)
        bid = tq.bid if tq and allow_bid else 0
        ask = tq.ask if tq and allow_ask else 0
        dist = quote_distances(mid, tq.bid, tq.ask, self.instrument.tick) if tq else (0.0, 0.0, 0.0, 0.0)
        return QuoteView(
            model=self.model.name,
            sigma=st.sigma,
            sigma_annual_pct=st.sigma_annual_pct,
            A=st.A,
            kappa=st.kappa,
            gamma=gamma,
            param_source=st.kappa_source,
            param_age_s=st.kappa_age_s,
            fit_r2=st.fit.r2 if st.fit is not None else float("nan"),
            reservation=mq.reservation if mq else 0.0,
            half_spread=tq.spread / 2 if tq else 0.0,
            model_half_spread=mq.half_spread if mq else 0.0,
            skew=mq.skew if mq else 0.0,
            bound=tq.bound if tq else "",
            bid=bid,
            ask=ask,
            bid_qty=lots if bid else 0,
            ask_qty=lots if ask else 0,
            bid_ticks=dist[0],
            ask_ticks=dist[1],
            bid_bps=dist[2],
            ask_bps=dist[3],
            calibration="ready" if st.ready else st.progress,
            warning="; ".join(w for w in (warning, st.warning) if w),
        )

    # --- kill switch -----------------------------------------------------------------------

    def _start_flatten(self, reason: str) -> list[OrderAction]:
        now = self.clock.now()
        self.paused = True
        self.flatten_state = "cancelling"
        self.flatten_attempts = 0
        self.flatten_started = now
        self.flatten_fills = []
        self.note(f"flatten ({reason}): cancelling all orders")
        self.journal(now, "flatten", {"reason": reason})
        return self.om.cancel_all("kill switch") + self._flatten_step(now)

    def _flatten_step(self, now: int) -> list[OrderAction]:
        state = self.flatten_state
        pos = self.portfolio.position
        if state.startswith("error") or (state == "flat" and pos == 0):
            return []
        unconfirmed = sum(not o.reduce_only for o in self.om.live())
        waited = now - self.flatten_started
        if unconfirmed and waited < self.cfg.risk.flatten_cancel_wait_s * NS_PER_S:
            return []  # cancel first: nothing resting may trade against (or after) the close
        if unconfirmed and state == "cancelling":
            self.note(f"flatten: {unconfirmed} cancel(s) unconfirmed, closing anyway")
        if pos == 0:
            if state != "flat":
                self.flatten_state = "flat"
                fills = ", ".join(self.flatten_fills) or "none needed"
                self.note(f"flat; closing fills at {fills}; paused until resumed")
            return []
        if any(o.reduce_only for o in self.om.live()):
            return []
        attempts = self.cfg.risk.flatten_attempts
        if self.flatten_attempts >= attempts:
            left = self.instrument.qty_str(abs(pos))
            self.flatten_state = f"error: still {left} open after {attempts} attempts"
            self.note(f"flatten {self.flatten_state}")
            return []
        self.flatten_attempts += 1
        self.flatten_state = f"closing {self.flatten_attempts}/{attempts}"
        tif = TimeInForce.MARKET if self.cfg.risk.flatten_order == "market" else TimeInForce.IOC
        return [self._reduce_order(-pos, now, tif)]

    def _reduce_order(self, lots: int, now: int, tif: TimeInForce) -> OrderAction:
        """A reduce-only taker order for `lots` (signed: negative sells), capped in slippage."""
        side = Side.BUY if lots > 0 else Side.SELL
        slip = self.cfg.risk.flatten_slippage_bps / 1e4
        ref = self.top.best_ask if side is Side.BUY else self.top.best_bid
        ref = ref or round(self._mark())
        price = round(ref * (1 + slip)) if side is Side.BUY else round(ref * (1 - slip))
        return self.om.place(side, price, abs(lots), now, tif=tif, reduce_only=True)

    # --- output ----------------------------------------------------------------------------

    def snapshot(self, lag_ms: float = 0.0, depth: int = 25) -> Snapshot:
        now = self.clock.now()
        p = self.portfolio
        mark = self._mark()
        if self.flatten_state:
            status = "flattening" if self.flatten_state not in ("flat",) else "flat, paused"
        elif self.stopped:
            status = "stopped"
        elif self.paused:
            status = "paused"
        elif self._last_reasons:
            status = self._last_reasons[0]
        else:
            status = "quoting"
        return Snapshot(
            ts=now,
            instrument=self.instrument,
            mode=self.mode,
            status=status,
            connected=self.feed_connected,
            data_age_s=(now - self.last_data_ts) / NS_PER_S if self.last_data_ts else 0.0,
            lag_ms=lag_ms,
            bids=tuple(self.book.levels(True, depth)),
            asks=tuple(self.book.levels(False, depth)),
            mid=self.book.mid_ticks() * self.instrument.tick,
            own=tuple(
                OwnOrder(o.client_id, int(o.side), o.price, o.qty, o.filled, o.status.value)
                for o in self.om.live()
            ),
            quote=self.quote,
            position=p.position,
            entry=p.entry * self.instrument.tick,
            mark=mark * self.instrument.tick,
            realized=p.realized(),
            unrealized=p.unrealized(mark),
            fees=p.fees,
            total=p.total(mark),
            fills=p.fills,
            buys=p.buys,
            sells=p.sells,
            volume=p.volume(),
            leverage=self.cfg.market.leverage if self.cfg.market.futures and self.spot is None else 1.0,
            guards=tuple(dataclasses.replace(g.status) for g in self.guards),
            liq_price=self.liquidation.liq_price,
            liq_left=self.liquidation.left if self.liquidation.liq_price else 0.0,
            liq_source=self.liquidation.source,
            log=tuple(self.log)[:20],
            flatten=self.flatten_state,
            paused=self.paused,
            pnl_history=tuple(self.pnl_history),
            mid_history=tuple(self.mid_history),
            gamma=self.gamma,
            order_lots=self.order_lots,
            inventory_soft=round(self.cfg.risk.inventory_soft * self.order_lots),
            inventory_hard=round(self.cfg.risk.inventory_hard * self.order_lots),
            margin=(abs(p.position) * p.entry * p.unit / self.cfg.market.leverage
                    if self.cfg.market.futures and self.spot is None else 0.0),
            closes=p.closes,
            wins=p.wins,
            balances=self.spot.balances(now, self.om.live()) if self.spot is not None else None,
        )
