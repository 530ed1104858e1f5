"""BybitBroker: live orders on Bybit v5 linear perpetuals.

Requests go out over signed REST; what happened to them comes back on the private WebSocket
(`order`, `execution`, `position`, `wallet`), which drives the exec events:

- `OrderAck` when the order stream first shows the order resting (New / PartiallyFilled);
- `OrderRejected` when the REST call fails, or when the order closes before it ever rested
  (a PostOnly order that would have crossed is accepted, then Cancelled with
  EC_PostOnlyWillTakeLiquidity);
- `OrderAmended` when the order stream shows a new price or quantity;
- `OrderCanceled` when a resting order closes without being fully filled;
- `Fill` once per `execId`, however many times Bybit (or reconciliation) reports it.
  A second `Filled` order message for a finished order is ignored.

REST reconciles: at start (open orders and position adopted or cancelled/closed as configured),
after every private reconnect, and every `reconcile_s`. Executions missed while disconnected
are fetched from /v5/execution/list and applied through the same idempotent path.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection

from asconsole.clock import NS_PER_MS, Clock
from asconsole.domain import (
    AmendOrder,
    CancelAll,
    CancelOrder,
    ExecEvent,
    Fill,
    Instrument,
    OrderAck,
    OrderAction,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    VenueOrder,
    VenuePosition,
)
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.bybit.auth import Credentials, ws_auth_args
from asconsole.venues.bybit.config import BybitSettings
from asconsole.venues.bybit.messages import (
    FATAL_CODES,
    POST_ONLY_REJECT,
    SIDE_NAMES,
    Execution,
    OrderUpdate,
    Reply,
    Wallet,
    parse_execution,
    parse_order,
    parse_position,
    parse_wallet,
)
from asconsole.venues.bybit.rest import RestClient
from asconsole.venues.bybit.ws import keepalive

log = logging.getLogger(__name__)

CATEGORY = "linear"
TIF = {
    TimeInForce.POST_ONLY: "PostOnly",
    TimeInForce.GTC: "GTC",
    TimeInForce.IOC: "IOC",
    TimeInForce.MARKET: "IOC",
}
CLOSED_UNFILLED = frozenset({"Cancelled", "Rejected", "Deactivated", "PartiallyFilledCanceled"})
REMEMBER_DONE = 10_000
"""Finished client ids kept, so late duplicates of their messages are recognised."""


@dataclass(slots=True)
class _Tracked:
    client_id: str
    side: Side
    price: int
    qty: int
    by_link: bool = True
    order_id: str = ""
    filled: int = 0
    acked: bool = False


@dataclass(frozen=True, slots=True)
class KeyPermissions:
    read_only: bool
    can_trade: bool
    can_withdraw: bool
    ips: tuple[str, ...]


class BybitBroker:
    is_live = True

    def __init__(
        self,
        instrument: Instrument,
        settings: BybitSettings,
        clock: Clock,
        creds: Credentials,
        *,
        leverage: float,
        proxy: net.Proxy | None = None,
        rng: random.Random | None = None,
        ping_s: float = 20.0,
        rest: RestClient | None = None,
    ) -> None:
        self.instrument = instrument
        self.settings = settings
        self.leverage = leverage
        self.ping_s = ping_s
        self._clock = clock
        self._creds = creds
        self._proxy = proxy
        rest_url, _, self.ws_url = settings.urls()
        self._rng = rng or random.Random()
        self.rest = rest or RestClient(
            rest_url,
            clock,
            creds=creds,
            recv_window_ms=settings.recv_window_ms,
            proxy=proxy,
            rng=self._rng,
        )
        self._tasks = net.Tasks(on_error=self._task_failed)
        self._events: asyncio.Queue[ExecEvent | None] = asyncio.Queue()
        self._orders: dict[str, _Tracked] = {}
        self._done: OrderedDict[str, None] = OrderedDict()
        self._seen_execs: OrderedDict[str, None] = OrderedDict()
        self._exec_since_ms = 0
        self._ws: ClientConnection | None = None
        self._last_rx = 0
        self._stopping = False
        self._failure: BaseException | None = None
        self._position = VenuePosition(0)
        self.wallet: Wallet | None = None
        self.permissions: KeyPermissions | None = None
        self.dcp_active = False
        self.orders_left_at_stop: int | None = None
        self.fills_ignored = 0

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Clock offset, key permissions, isolated margin and leverage (checked), the start
        policy for what is already open, then the private socket and DCP. On failure the
        connections are released and the error propagates."""
        try:
            await self.rest.sync_time()
            await self.check_permissions()
            await self._setup_margin()
            await self._apply_start_policy()
            self._exec_since_ms = self.rest.now_ms()
            await self._enable_dcp()
            self._ws = await self._connect_private()
        except BaseException:
            await self._tasks.cancel_all()
            await self.rest.close()
            raise
        self._tasks.spawn("bybit-private", self._private_loop())
        self._tasks.spawn("bybit-reconcile", self._reconcile_loop())

    async def stop(self) -> None:
        """Cancel every working order within `stop_timeout_s`, then close connections."""
        self._stopping = True
        try:
            async with asyncio.timeout(self.settings.stop_timeout_s):
                await self._cancel_everything()
        except TimeoutError:
            log.error("Bybit stop: cancel-all did not finish in %.1f s", self.settings.stop_timeout_s)
        except VenueError as exc:
            log.error("Bybit stop: %s", exc)
        if self.orders_left_at_stop:
            log.error(
                "Bybit stop: %d order(s) may still be open: check the Bybit UI",
                self.orders_left_at_stop,
            )
        await self._tasks.cancel_all()
        if self._ws is not None:
            await self._ws.close()
        await self.rest.close()
        self._events.put_nowait(None)

    async def _cancel_everything(self) -> None:
        self.orders_left_at_stop = None
        for _ in range(5):
            reply = await self.rest.post(
                "/v5/order/cancel-all",
                {"category": CATEGORY, "symbol": self.instrument.symbol},
                retries=3,
            )
            if not reply.ok:
                log.warning("Bybit cancel-all: %s", reply.explain())
            left = await self.open_orders()
            self.orders_left_at_stop = len(left)
            if not left:
                return
            await asyncio.sleep(0.1)

    def _task_failed(self, name: str, exc: BaseException) -> None:
        self._failure = exc

    # --- start-up checks ----------------------------------------------------------------

    async def check_permissions(self) -> KeyPermissions:
        """Read the key's permissions: refuse a read-only or non-trading key, warn loudly
        when it may withdraw funds (a trading bot's key never needs that)."""
        reply = self._checked(await self.rest.get("/v5/user/query-api"), "reading key permissions")
        perms: dict[str, list[str]] = reply.result.get("permissions") or {}
        read_only = int(reply.result.get("readOnly", 0)) == 1
        can_trade = "Order" in perms.get("ContractTrade", ()) or "DerivativesTrade" in perms.get(
            "Derivatives", ()
        )
        can_withdraw = "Withdraw" in perms.get("Wallet", ())
        self.permissions = KeyPermissions(
            read_only, can_trade, can_withdraw, tuple(reply.result.get("ips") or ())
        )
        if read_only or not can_trade:
            raise VenueError(
                "Bybit API key cannot trade USDT perpetuals: enable Contract/Derivatives "
                "'Orders' and 'Positions' (read-write) for this key"
            )
        if can_withdraw:
            log.warning(
                "!!! Bybit API key ALLOWS WITHDRAWALS. A trading key never needs that: create a "
                "key without the Wallet 'Withdraw' permission and bind it to this IP. !!!"
            )
        return self.permissions

    async def _setup_margin(self) -> None:
        info = self._checked(await self.rest.get("/v5/account/info"), "reading margin mode")
        if info.result.get("marginMode") != "ISOLATED_MARGIN":
            self._checked(
                await self.rest.post(
                    "/v5/account/set-margin-mode", {"setMarginMode": "ISOLATED_MARGIN"}
                ),
                "switching the account to isolated margin",
            )
            info = self._checked(await self.rest.get("/v5/account/info"), "reading margin mode")
            if info.result.get("marginMode") != "ISOLATED_MARGIN":
                raise VenueError("Bybit account is not in isolated margin after switching to it")
        lev = f"{self.leverage:g}"
        reply = await self.rest.post(
            "/v5/position/set-leverage",
            {"category": CATEGORY, "symbol": self.instrument.symbol, "buyLeverage": lev, "sellLeverage": lev},
        )
        if not reply.ok and reply.code != 110043:
            raise VenueError(f"setting leverage {lev}x: {reply.explain()}")
        pos = await self.position()
        if pos.leverage is not None and abs(pos.leverage - self.leverage) > 1e-9:
            raise VenueError(f"Bybit reports leverage {pos.leverage:g}x, asked for {lev}x")

    async def _enable_dcp(self) -> None:
        window = self.settings.dcp_window_s
        if window <= 0:
            return
        reply = await self.rest.post(
            "/v5/order/disconnected-cancel-all", {"product": "DERIVATIVES", "timeWindow": window}
        )
        self.dcp_active = reply.ok
        if not reply.ok:
            log.warning(
                "!!! Bybit disconnection protection (DCP) NOT enabled: %s. Orders will stay open "
                "if this machine loses its connection (ask Bybit to enable DCP for the account).",
                reply.explain(),
            )

    async def _apply_start_policy(self) -> None:
        orders = await self.open_orders()
        if orders and self.settings.start_orders == "cancel":
            log.warning("Bybit: cancelling %d order(s) open at start", len(orders))
            await self._cancel_everything()
            if self.orders_left_at_stop:
                raise VenueError(f"{self.orders_left_at_stop} order(s) still open after cancel-all at start")
        else:
            for o in orders:
                self._orders[o.client_id] = _Tracked(
                    o.client_id, o.side, o.price, o.qty, by_link=o.client_id != o.venue_order_id,
                    order_id=o.venue_order_id, filled=o.filled, acked=True,
                )
        pos = await self.position()
        if pos.size and self.settings.start_position == "close":
            await self._close_position(pos)

    async def _close_position(self, pos: VenuePosition) -> None:
        side = Side.SELL if pos.size > 0 else Side.BUY
        log.warning("Bybit: closing the %s-lot position found at start", pos.size)
        reply = await self.rest.post(
            "/v5/order/create",
            {
                "category": CATEGORY,
                "symbol": self.instrument.symbol,
                "side": SIDE_NAMES[side],
                "orderType": "Market",
                "qty": self.instrument.qty_str(abs(pos.size)),
                "timeInForce": "IOC",
                "reduceOnly": True,
                "positionIdx": 0,
                "orderLinkId": f"close-{self.rest.now_ms()}",
            },
        )
        self._checked(reply, "closing the position at start")
        for _ in range(50):
            if (await self.position()).size == 0:
                return
            await asyncio.sleep(0.1)
        raise VenueError("the position found at start is still open after the closing order")

    def _checked(self, reply: Reply, doing: str) -> Reply:
        if not reply.ok:
            raise VenueError(f"{doing}: {reply.explain()}")
        return reply

    # --- queries ------------------------------------------------------------------------

    async def open_orders(self) -> list[VenueOrder]:
        return [u.as_venue_order() for u in await self._open_order_updates()]

    async def _open_order_updates(self) -> list[OrderUpdate]:
        rows: list[OrderUpdate] = []
        cursor = ""
        while True:
            params = {"category": CATEGORY, "symbol": self.instrument.symbol, "limit": 50}
            if cursor:
                params["cursor"] = cursor
            reply = self._checked(await self.rest.get("/v5/order/realtime", params), "reading open orders")
            rows += [parse_order(r, self.instrument) for r in reply.result.get("list", ())]
            cursor = reply.result.get("nextPageCursor") or ""
            if not cursor:
                return [r for r in rows if r.is_open]

    async def position(self) -> VenuePosition:
        reply = self._checked(
            await self.rest.get("/v5/position/list", {"category": CATEGORY, "symbol": self.instrument.symbol}),
            "reading the position",
        )
        rows = reply.result.get("list") or []
        self._position = parse_position(rows[0], self.instrument) if rows else VenuePosition(0)
        return self._position

    # --- actions ------------------------------------------------------------------------

    async def submit(self, action: OrderAction) -> None:
        if self._failure is not None:
            raise VenueError(f"Bybit broker stopped working: {self._failure}")
        if isinstance(action, PlaceOrder):
            await self._place(action)
        elif isinstance(action, AmendOrder):
            await self._amend(action)
        elif isinstance(action, CancelOrder):
            await self._cancel(action)
        elif isinstance(action, CancelAll):
            reply = await self.rest.post(
                "/v5/order/cancel-all", {"category": CATEGORY, "symbol": self.instrument.symbol}, retries=3
            )
            self._fatal(reply)
            if not reply.ok:
                log.error("Bybit cancel-all failed: %s", reply.explain())

    def _fatal(self, reply: Reply) -> None:
        if reply.code in FATAL_CODES:
            raise VenueError(reply.explain())

    def _reject(self, client_id: str, reason: str, request: str) -> None:
        self._emit(OrderRejected(self._clock.now(), client_id, reason, request))

    async def _place(self, a: PlaceOrder) -> None:
        if a.client_id in self._orders or a.client_id in self._done:
            self._reject(a.client_id, "client id already used", "place")
            return
        body: dict[str, Any] = {
            "category": CATEGORY,
            "symbol": self.instrument.symbol,
            "side": SIDE_NAMES[a.side],
            "orderType": "Market" if a.tif is TimeInForce.MARKET else "Limit",
            "qty": self.instrument.qty_str(a.qty),
            "timeInForce": TIF[a.tif],
            "positionIdx": 0,
            "orderLinkId": a.client_id,
        }
        if a.tif is not TimeInForce.MARKET:
            body["price"] = self.instrument.price_str(a.price)
        if a.reduce_only:
            body["reduceOnly"] = True
        tracked = self._orders[a.client_id] = _Tracked(a.client_id, a.side, a.price, a.qty)
        reply = await self.rest.post("/v5/order/create", body)
        self._fatal(reply)
        if reply.ok:
            tracked.order_id = reply.result.get("orderId", "")
        elif a.client_id in self._orders:
            self._finish(a.client_id)
            self._reject(a.client_id, reply.explain(), "place")

    def _ref(self, t: _Tracked) -> dict[str, str]:
        return {"orderLinkId": t.client_id} if t.by_link else {"orderId": t.order_id}

    async def _amend(self, a: AmendOrder) -> None:
        t = self._orders.get(a.client_id)
        if t is None:
            self._reject(a.client_id, "no working order with this id", "amend")
            return
        if (a.price, a.qty) == (t.price, t.qty):
            return  # nothing to change; Bybit would refuse an empty amend
        body: dict[str, Any] = {"category": CATEGORY, "symbol": self.instrument.symbol, **self._ref(t)}
        if a.price != t.price:
            body["price"] = self.instrument.price_str(a.price)
        if a.qty != t.qty:
            body["qty"] = self.instrument.qty_str(a.qty)
        reply = await self.rest.post("/v5/order/amend", body)
        self._fatal(reply)
        if not reply.ok:
            self._reject(a.client_id, reply.explain(), "amend")

    async def _cancel(self, a: CancelOrder) -> None:
        t = self._orders.get(a.client_id)
        if t is None:
            self._reject(a.client_id, "no working order with this id", "cancel")
            return
        body = {"category": CATEGORY, "symbol": self.instrument.symbol, **self._ref(t)}
        reply = await self.rest.post("/v5/order/cancel", body, retries=3)
        self._fatal(reply)
        if not reply.ok:
            self._reject(a.client_id, reply.explain(), "cancel")

    # --- events -------------------------------------------------------------------------

    def _emit(self, event: ExecEvent) -> None:
        self._events.put_nowait(event)

    async def exec_events(self) -> AsyncIterator[ExecEvent]:
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    def _finish(self, client_id: str) -> None:
        self._orders.pop(client_id, None)
        self._done[client_id] = None
        if len(self._done) > REMEMBER_DONE:
            self._done.popitem(last=False)

    def on_order(self, u: OrderUpdate) -> None:
        cid = u.client_id
        if cid in self._done:
            return  # a late or duplicate message for a finished order
        t = self._orders.get(cid)
        if t is None:
            if not u.is_open:
                return
            t = self._orders[cid] = _Tracked(cid, u.side, u.price, u.qty, by_link=bool(u.link_id))
            log.warning("Bybit: order %s appeared that this session did not place", cid)
        t.order_id = u.order_id
        ts = u.ts or self._clock.now()
        if u.is_open:
            if not t.acked:
                t.acked = True
                self._emit(OrderAck(ts, cid, u.order_id))
            elif (u.price, u.qty) != (t.price, t.qty):
                self._emit(OrderAmended(ts, cid, u.price, u.qty))
            t.price, t.qty = u.price, u.qty
        elif u.status == "Filled":
            if not t.acked:
                self._emit(OrderAck(ts, cid, u.order_id))
            self._finish(cid)
        elif u.status in CLOSED_UNFILLED:
            self._finish(cid)
            reason = _close_reason(u)
            if not t.acked and t.filled == 0:
                self._emit(OrderRejected(ts, cid, reason, "place"))
            else:
                self._emit(OrderCanceled(ts, cid, reason))

    def on_execution(self, e: Execution) -> None:
        if e.exec_type != "Trade":
            return  # funding, ADL and bust executions are not our fills
        if e.exec_id in self._seen_execs:
            self.fills_ignored += 1
            return
        self._seen_execs[e.exec_id] = None
        if len(self._seen_execs) > REMEMBER_DONE * 10:
            self._seen_execs.popitem(last=False)
        self._exec_since_ms = max(self._exec_since_ms, e.ts // NS_PER_MS)
        t = self._orders.get(e.client_id)
        if t is not None:
            t.filled += e.qty
        self._emit(
            Fill(e.ts, e.client_id, e.side, e.price, e.qty, e.fee, e.is_maker, e.exec_id, e.leaves)
        )

    def _on_private(self, msg: dict[str, Any]) -> None:
        topic = msg.get("topic")
        if topic is None:
            if msg.get("op") == "subscribe" and not msg.get("success"):
                log.error("Bybit refused the private subscription: %s", msg.get("ret_msg"))
            return
        rows = msg.get("data") or []
        sym = self.instrument.symbol
        if topic == "order":
            for r in rows:
                if r.get("symbol") == sym:
                    self.on_order(parse_order(r, self.instrument))
        elif topic == "execution":
            for r in rows:
                if r.get("symbol") == sym:
                    self.on_execution(parse_execution(r, self.instrument))
        elif topic == "position":
            for r in rows:
                if r.get("symbol") == sym:
                    self._position = parse_position(r, self.instrument)
        elif topic == "wallet":
            if rows:
                self.wallet = parse_wallet(rows[0])

    # --- private socket -----------------------------------------------------------------

    async def _connect_private(self) -> ClientConnection:
        ws = await net.ws_connect(self.ws_url, self._proxy)
        expires = self.rest.now_ms() + 10_000
        await ws.send(json.dumps({"req_id": "auth", "op": "auth", "args": ws_auth_args(self._creds, expires)}))
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if not reply.get("success"):
            await ws.close()
            raise VenueError(f"Bybit private socket auth refused: {reply.get('ret_msg') or reply}")
        topics = ["order", "execution", "position", "wallet"] + (["dcp"] if self.dcp_active else [])
        await ws.send(json.dumps({"req_id": "sub", "op": "subscribe", "args": topics}))
        self._last_rx = self._clock.now()
        self._tasks.spawn(f"bybit-private-ping-{id(ws)}", self._keepalive(ws))
        return ws

    async def _keepalive(self, ws: ClientConnection) -> None:
        await keepalive(ws, self.ping_s, self._clock, lambda: self._last_rx, "private")

    async def _private_loop(self) -> None:
        backoff = net.Backoff(self._rng, base=0.5, cap=30.0)
        while not self._stopping:
            ws = self._ws
            if ws is not None:
                try:
                    async for raw in ws:
                        self._last_rx = self._clock.now()
                        self._on_private(json.loads(raw))
                        backoff.reset()
                except net.NETWORK_ERRORS as exc:
                    log.warning("Bybit private socket lost: %s", exc)
                self._ws = None
            if self._stopping:
                return
            await asyncio.sleep(backoff.next_delay())
            try:
                self._ws = await self._connect_private()
            except net.NETWORK_ERRORS as exc:
                log.warning("Bybit private reconnect failed: %s", exc)
                continue
            try:
                await self.reconcile("private socket reconnected")
            except VenueError as exc:
                log.warning("Bybit reconcile after reconnect failed (retried periodically): %s", exc)

    async def _reconcile_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.reconcile_s)
            try:
                await self.reconcile("periodic")
            except VenueError as exc:
                log.warning("Bybit reconcile failed: %s", exc)

    async def reconcile(self, why: str) -> None:
        """Bring order state and fills in line with REST: missed executions first (so fill
        counts are right), then open orders, then the position."""
        # Only orders whose create call had returned before the query can be judged by it.
        placed = [cid for cid, t in self._orders.items() if t.order_id]
        await self._fetch_executions()
        open_now = {u.client_id: u for u in await self._open_order_updates()}
        for u in open_now.values():
            self.on_order(u)
        for cid in placed:
            t = self._orders.get(cid)
            if t is None or cid in open_now:
                continue
            self._finish(cid)
            if t.filled < t.qty:
                self._emit(OrderCanceled(self._clock.now(), cid, f"closed at venue (found by {why} reconcile)"))
        pos = await self.position()
        log.debug("Bybit reconciled (%s): %d open, position %d lots", why, len(open_now), pos.size)

    async def _fetch_executions(self) -> None:
        cursor = ""
        while True:
            params: dict[str, Any] = {
                "category": CATEGORY,
                "symbol": self.instrument.symbol,
                "startTime": max(0, self._exec_since_ms - 5_000),
                "limit": 100,
            }
            if cursor:
                params["cursor"] = cursor
            reply = self._checked(await self.rest.get("/v5/execution/list", params), "reading executions")
            rows = sorted(reply.result.get("list", ()), key=lambda r: int(r.get("execTime") or 0))
            for r in rows:
                self.on_execution(parse_execution(r, self.instrument))
            cursor = reply.result.get("nextPageCursor") or ""
            if not cursor:
                return


def _close_reason(u: OrderUpdate) -> str:
    if u.reject_reason == POST_ONLY_REJECT:
        return "post-only order would have taken liquidity (Bybit cancelled it)"
    if u.reject_reason and u.reject_reason != "EC_NoError":
        return f"{u.status}: {u.reject_reason}"
    return f"{u.status}: {u.cancel_type}" if u.cancel_type and u.cancel_type != "UNKNOWN" else u.status

