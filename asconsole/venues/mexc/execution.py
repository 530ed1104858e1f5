"""MexcBroker: live orders on MEXC spot.

Quotes go out as LIMIT_MAKER (post-only) orders whose newClientOrderId is the domain
client id; MEXC has no amend, so an amend is refused and the order manager cancels and
places instead. REST replies and private pushes both feed one `OrderLedger`, which makes
every ack, cancel and fill happen once. Spot has no leverage and no shorting: the position is
the base balance, and the balances of both assets go to the engine as `Balances` events (at
start, after a reconnect, on every account push) for its balance guard."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

import aiohttp

from asconsole.clock import NS_PER_MS, Clock
from asconsole.domain import (
    AmendOrder,
    Balances,
    CancelAll,
    CancelOrder,
    ExecEvent,
    Instrument,
    OrderAction,
    PlaceOrder,
    TimeInForce,
    VenueOrder,
    VenuePosition,
)
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.credentials import Credentials
from asconsole.venues.mexc import messages as m
from asconsole.venues.mexc.config import MexcSettings
from asconsole.venues.mexc.ledger import Execution, OrderLedger
from asconsole.venues.mexc.pb.mexc_push_pb2 import PushDataV3ApiWrapper
from asconsole.venues.mexc.rest import MexcApiError, MexcRest, Params, RateLimited
from asconsole.venues.mexc.userstream import UserStream

log = logging.getLogger(__name__)

RECONCILE_SLACK_MS = 60_000
"""How far before the last private push a reconnect looks for trades it may have missed."""


@dataclass(frozen=True, slots=True)
class Balance:
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True, slots=True)
class SpotBalances:
    """What spot inventory is limited by: base can only be sold down to zero, quote only
    spent down to zero."""

    base: Balance
    quote: Balance


class MexcBroker:
    is_live = True

    def __init__(
        self,
        settings: MexcSettings,
        instrument: Instrument,
        clock: Clock,
        credentials: Credentials,
        *,
        proxy: net.Proxy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.instrument = instrument
        self._settings = settings
        self._clock = clock
        self._credentials = credentials
        self._proxy = proxy
        self._rng = rng or random.Random()
        self._ledger = OrderLedger(instrument)
        self._events: asyncio.Queue[ExecEvent | None] = asyncio.Queue()
        self._balances: dict[str, Balance] = {}
        self._session: aiohttp.ClientSession | None = None
        self._rest: MexcRest | None = None
        self._stream: UserStream | None = None
        self._last_push_ms = 0
        self._tasks = net.Tasks()
        self.orders_at_start: list[VenueOrder] = []
        self.reconciliations = 0

    @property
    def user_stream_connected(self) -> bool:
        """False while private pushes cannot arrive (fills then show up after the reconnect)."""
        return self._stream is not None and self._stream.connected

    @property
    def maker_fee(self) -> float:
        return self._ledger.maker_rate

    @property
    def taker_fee(self) -> float:
        return self._ledger.taker_rate

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self._session = net.http_session(self._proxy)
        rest = self._rest = MexcRest(
            self._session,
            self._settings.rest_url,
            self._clock,
            self._credentials,
            self._settings.recv_window_ms,
        )
        await rest.sync_time()
        await self._read_fees()
        await self._refresh_balances()
        orders = await self.open_orders()
        if orders and self._settings.start_orders == "cancel":
            await rest.signed("DELETE", "/api/v3/openOrders", {"symbol": self.instrument.symbol})
            log.info("MEXC: cancelled %d open orders found at start", len(orders))
            orders = []
        for order in orders:
            self._ledger.adopt(order)
        self.orders_at_start = orders
        self._last_push_ms = self._clock.now() // NS_PER_MS
        self._stream = UserStream(
            self._settings,
            rest,
            self._on_push,
            self._reconcile,
            self._on_stream_down,
            proxy=self._proxy,
            rng=self._rng,
        )
        await self._stream.start()

    async def stop(self) -> None:
        """Cancel every open order of the symbol (waiting out a rate-limit pause if it fits
        in `stop_timeout_s`), confirm none is left, then close the stream and the session."""
        if self._rest is not None:  # never started: nothing can have been placed
            try:
                async with asyncio.timeout(self._settings.stop_timeout_s):
                    await self._cancel_everything()
            except (TimeoutError, VenueError) as exc:
                log.error("MEXC: stop could not confirm that no order is left open: %r", exc)
        await self._tasks.cancel_all()
        if self._stream is not None:
            await self._stream.stop()
        if self._session is not None:
            await self._session.close()
        self._events.put_nowait(None)

    async def _cancel_everything(self) -> None:
        rest = self._require_rest()
        while True:
            if (wait := rest.blocked_for_s) > 0:
                await asyncio.sleep(wait)
            try:
                if await self.open_orders():
                    await self._cancel_all("stop")
                    continue
                return
            except RateLimited:
                continue
            except MexcApiError as exc:
                if not exc.outcome_unknown:  # refused (keys, permissions): retrying cannot help
                    raise
                log.warning("MEXC: cancel at stop failed (%s); retrying", exc)
                await asyncio.sleep(0.2)

    # --- protocol -------------------------------------------------------------------------

    def exec_events(self) -> AsyncIterator[ExecEvent]:
        return self._drain()

    async def _drain(self) -> AsyncIterator[ExecEvent]:
        while (event := await self._events.get()) is not None:
            yield event

    async def submit(self, action: OrderAction) -> None:
        try:
            if isinstance(action, PlaceOrder):
                await self._place(action)
            elif isinstance(action, CancelOrder):
                await self._cancel(action.client_id)
            elif isinstance(action, CancelAll):
                await self._cancel_all(action.reason or "cancel all")
            elif isinstance(action, AmendOrder):
                self._emit(
                    self._ledger.rejected(
                        self._now(), action.client_id, "MEXC spot has no amend", "amend"
                    )
                )
        except (RateLimited, MexcApiError) as exc:
            request = "place" if isinstance(action, PlaceOrder) else "cancel"
            client_id = getattr(action, "client_id", "")  # CancelAll has none
            self._emit(self._ledger.rejected(self._now(), client_id, str(exc), request))

    async def open_orders(self) -> list[VenueOrder]:
        raw = await self._require_rest().signed(
            "GET", "/api/v3/openOrders", {"symbol": self.instrument.symbol}
        )
        return [m.venue_order(o, self.instrument) for o in raw]

    async def position(self) -> VenuePosition:
        """Spot: the whole base balance (free and locked), in lots, rounded down."""
        base = self.balances().base.total
        return VenuePosition(size=self.instrument.qty_lots(base, rounding=ROUND_DOWN), leverage=1.0)

    def balances(self) -> SpotBalances:
        zero = Balance(Decimal(0), Decimal(0))
        ins = self.instrument
        return SpotBalances(self._balances.get(ins.base, zero), self._balances.get(ins.quote, zero))

    # --- requests -------------------------------------------------------------------------

    async def _place(self, order: PlaceOrder) -> None:
        ins = self.instrument
        params: Params = {
            "symbol": ins.symbol,
            "side": m.SIDE_PARAM[order.side],
            "type": m.ORDER_TYPE[order.tif],
            "quantity": ins.qty_str(order.qty),
            "newClientOrderId": order.client_id,
        }
        if order.tif is not TimeInForce.MARKET:
            params["price"] = ins.price_str(order.price)
        self._ledger.placing(order.client_id, order.side, order.qty)
        try:
            reply = await self._require_rest().signed("POST", "/api/v3/order", params)
        except MexcApiError as exc:
            if exc.outcome_unknown:
                self._tasks.spawn(f"mexc-resolve-{order.client_id}", self._resolve(order.client_id))
            else:
                self._emit(self._ledger.rejected(self._now(), order.client_id, exc.msg or str(exc)))
            return
        self._emit(self._ledger.acked(self._now(), order.client_id, str(reply["orderId"])))

    async def _resolve(self, client_id: str) -> None:
        """A place whose outcome MEXC left unknown (5xx, timeout): ask what became of it."""
        try:
            raw = await self._require_rest().signed(
                "GET",
                "/api/v3/order",
                {"symbol": self.instrument.symbol, "origClientOrderId": client_id},
            )
        except MexcApiError as exc:
            if exc.code == m.UNKNOWN_ORDER:
                self._emit(self._ledger.rejected(self._now(), client_id, "not placed"))
            else:
                log.warning("MEXC: outcome of order %s still unknown: %s", client_id, exc)
            return
        self._emit(self._ledger.acked(self._now(), client_id, str(raw["orderId"])))
        if raw.get("status") in ("CANCELED", "PARTIALLY_CANCELED"):
            self._emit(self._ledger.canceled(self._now(), client_id, str(raw["status"]).lower()))

    async def _cancel(self, client_id: str) -> None:
        try:
            await self._require_rest().signed(
                "DELETE",
                "/api/v3/order",
                {"symbol": self.instrument.symbol, "origClientOrderId": client_id},
            )
        except MexcApiError as exc:
            if not self._ledger.is_done(client_id):
                self._emit(self._ledger.rejected(self._now(), client_id, exc.msg or str(exc), "cancel"))
            return
        self._emit(self._ledger.canceled(self._now(), client_id, "canceled"))

    async def _cancel_all(self, reason: str) -> None:
        try:
            raw = await self._require_rest().signed(
                "DELETE", "/api/v3/openOrders", {"symbol": self.instrument.symbol}
            )
        except MexcApiError as exc:
            if exc.code != m.UNKNOWN_ORDER:  # MEXC's answer when nothing was open
                raise
            return
        for order in raw:
            client_id = self._ledger.client_id(str(order.get("clientOrderId") or ""), str(order["orderId"]))
            self._emit(self._ledger.canceled(self._now(), client_id, reason))

    async def _read_fees(self) -> None:
        raw = await self._require_rest().signed(
            "GET", "/api/v3/tradeFee", {"symbol": self.instrument.symbol}
        )
        self._ledger.maker_rate = float(raw["data"]["makerCommission"])
        self._ledger.taker_rate = float(raw["data"]["takerCommission"])

    async def _refresh_balances(self) -> None:
        raw = await self._require_rest().signed("GET", "/api/v3/account")
        self._balances = {
            b["asset"]: Balance(Decimal(b["free"]), Decimal(b["locked"])) for b in raw["balances"]
        }
        self._report_balances()

    def _report_balances(self) -> None:
        """The pair's balances to the engine, in lots and notional units (rounded down)."""
        b, ins = self.balances(), self.instrument
        self._emit([
            Balances(
                self._now(),
                ins.qty_lots(b.base.free, ROUND_DOWN),
                ins.qty_lots(b.base.locked, ROUND_DOWN),
                ins.quote_units(b.quote.free),
                ins.quote_units(b.quote.locked),
            )
        ])

    async def _reconcile(self) -> None:
        """After the user stream reconnects: balances, trades missed while it was down (the
        ledger drops those already seen), and orders that ended meanwhile."""
        self.reconciliations += 1
        await self._refresh_balances()
        working_before = self._ledger.working()
        trades = await self._require_rest().signed(
            "GET",
            "/api/v3/myTrades",
            {
                "symbol": self.instrument.symbol,
                "startTime": self._last_push_ms - RECONCILE_SLACK_MS,
                "limit": 100,
            },
        )
        for t in sorted(trades, key=lambda t: int(t["time"])):
            self._emit(self._ledger.filled(_execution_of_trade(t, self._ledger)))
        open_ids = {o.client_id for o in await self.open_orders()}
        for client_id in working_before:
            if client_id not in open_ids:
                self._emit(self._ledger.canceled(self._now(), client_id, "ended while disconnected"))

    # --- pushes ---------------------------------------------------------------------------

    def _on_push(self, push: PushDataV3ApiWrapper) -> None:
        body = push.WhichOneof("body")
        ts = m.push_ts_ns(push, self._now())
        self._last_push_ms = max(self._last_push_ms, ts // NS_PER_MS)
        if push.HasField("symbol") and push.symbol != self.instrument.symbol and body != "privateAccount":
            return
        if body == "privateDeals":
            d = push.privateDeals
            self._emit(
                self._ledger.filled(
                    Execution(
                        ts=d.time * NS_PER_MS if d.time else ts,
                        trade_id=d.tradeId,
                        client_id=d.clientOrderId,
                        venue_order_id=d.orderId,
                        side=m.side_of_trade_type(d.tradeType),
                        price=d.price,
                        qty=d.quantity,
                        fee=d.feeAmount,
                        fee_asset=d.feeCurrency,
                        is_maker=d.isMaker,
                    )
                )
            )
        elif body == "privateOrders":
            o = push.privateOrders
            client_id = self._ledger.client_id(o.clientId, o.id)
            if o.status in (m.PushStatus.NEW, m.PushStatus.PARTIALLY_FILLED):
                self._emit(self._ledger.acked(ts, client_id, o.id))
            elif o.status in (m.PushStatus.CANCELED, m.PushStatus.PARTIALLY_CANCELED):
                self._emit(self._ledger.acked(ts, client_id, o.id))
                self._emit(self._ledger.canceled(ts, client_id, "canceled"))
        elif body == "privateAccount":
            a = push.privateAccount
            self._balances[a.vcoinName] = Balance(Decimal(a.balanceAmount), Decimal(a.frozenAmount))
            if a.vcoinName in (self.instrument.base, self.instrument.quote):
                self._report_balances()

    def _on_stream_down(self, reason: str) -> None:
        log.warning("MEXC: %s", reason)

    # --- helpers --------------------------------------------------------------------------

    def _emit(self, events: list[ExecEvent]) -> None:
        for event in events:
            self._events.put_nowait(event)

    def _now(self) -> int:
        return self._clock.now()

    def _require_rest(self) -> MexcRest:
        if self._rest is None:
            raise VenueError("MexcBroker used before start()")
        return self._rest


def _execution_of_trade(raw: dict[str, Any], ledger: OrderLedger) -> Execution:
    """A trade from GET /api/v3/myTrades in the shape of a private deal push."""
    client_id = ledger.client_id(str(raw.get("clientOrderId") or ""), str(raw["orderId"]))
    side = ledger.side_of(client_id)
    if side is None and "isBuyer" in raw:
        side = m.SIDE_OF_PARAM["BUY" if raw["isBuyer"] else "SELL"]
    return Execution(
        ts=int(raw["time"]) * NS_PER_MS,
        trade_id=str(raw["id"]),
        client_id=client_id,
        venue_order_id=str(raw["orderId"]),
        side=side,
        price=str(raw["price"]),
        qty=str(raw["qty"]),
        fee=str(raw.get("commission") or "0"),
        fee_asset=str(raw.get("commissionAsset") or ""),
        is_maker=bool(raw.get("isMaker")),
    )
