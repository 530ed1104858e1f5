"""BybitBroker: live orders on Bybit v5 linear perpetuals.

Requests go out over signed REST; what happened to them comes back on the private WebSocket
(`order`, `execution`, `position`, `wallet`) and is turned into exec events by the
`OrderTracker` (see orders.py for which message gives which event).

REST reconciles: at start (open orders and position adopted or cancelled/closed as configured),
after every private reconnect, and every `reconcile_s`. Executions missed while disconnected
are fetched from /v5/execution/list and go through the same idempotent path (by execId).

A venue refusal of one request becomes an `OrderRejected` with Bybit's code explained; codes
that make the broker unusable (bad key, bad signature, no permission, IP not allowed) raise
`VenueError` from `submit`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

from websockets.asyncio.client import ClientConnection

from asconsole.clock import Clock
from asconsole.domain import (
    AmendOrder,
    CancelAll,
    CancelOrder,
    ExecEvent,
    Instrument,
    OrderAction,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    VenueOrder,
    VenuePosition,
)
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.bybit import account
from asconsole.venues.bybit.account import FeeRates, KeyPermissions, checked
from asconsole.venues.bybit.auth import ws_auth_args
from asconsole.venues.bybit.config import BybitSettings
from asconsole.venues.bybit.messages import (
    FATAL_CODES,
    SIDE_NAMES,
    OrderUpdate,
    Reply,
    Wallet,
    parse_execution,
    parse_order,
    parse_position,
    parse_wallet,
)
from asconsole.venues.bybit.orders import OrderTracker
from asconsole.venues.bybit.rest import TRANSPORT_ERROR, RestClient
from asconsole.venues.bybit.ws import keepalive
from asconsole.venues.credentials import Credentials

log = logging.getLogger(__name__)

CATEGORY = "linear"
TIF = {
    TimeInForce.POST_ONLY: "PostOnly",
    TimeInForce.GTC: "GTC",
    TimeInForce.IOC: "IOC",
    TimeInForce.MARKET: "IOC",
}
PRIVATE_TOPICS = ["order", "execution", "position", "wallet"]
LINK_ID = re.compile(r"[0-9A-Za-z_-]{1,36}")
"""What Bybit accepts as orderLinkId."""
EXEC_LOOKBACK_MS = 60_000
"""At start, executions this recent are marked seen (not ours to report); catch-up queries
start this much before the newest execution applied."""


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
            timeout=settings.rest_timeout_s,
        )
        self.tracker = OrderTracker()
        self._tasks = net.Tasks(on_error=self._task_failed)
        self._events: asyncio.Queue[ExecEvent | None] = asyncio.Queue()
        self._inflight: dict[str, asyncio.Task[None]] = {}
        """The newest request task per client id: the next one for that id waits for it."""
        self._ws: ClientConnection | None = None
        self._last_rx = 0
        self._stopping = False
        self._failure: BaseException | None = None
        self._position = VenuePosition(0)
        self.wallet: Wallet | None = None
        self.permissions: KeyPermissions | None = None
        self.fees: FeeRates | None = None
        """The account's live maker/taker rates, read at start (None: use the configured ones)."""
        self.dcp_active = False
        self.orders_left: int | None = None
        """Open orders REST listed after the last clear (None: unknown, Bybit did not answer)."""

    @property
    def last_position(self) -> VenuePosition:
        """The position as last reported (position stream or REST), without a request; its
        liq_price is the exchange's, which the UI should show in live mode."""
        return self._position

    @property
    def requests_in_flight(self) -> int:
        """Order requests handed to tasks and not finished (the UI may show a backlog)."""
        return len(self._inflight)

    @property
    def symbol_params(self) -> dict[str, str]:
        return {"category": CATEGORY, "symbol": self.instrument.symbol}

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Clock offset, key permissions, isolated margin and leverage (checked), the start
        policy for what is already open, then DCP and the private socket. On failure the
        connections are released and the error propagates."""
        try:
            await self.rest.sync_time()
            await self.check_permissions()
            await account.ensure_isolated_margin(self.rest)
            await account.set_leverage(self.rest, self.instrument.symbol, self.leverage)
            pos = await self.position()
            if pos.leverage is not None and abs(pos.leverage - self.leverage) > 1e-9:
                raise VenueError(
                    f"Bybit reports leverage {pos.leverage:g}x, asked for {self.leverage:g}x"
                )
            await self._apply_start_policy()
            self.fees = await account.fee_rates(self.rest, self.instrument.symbol)
            started_ms = self.rest.now_ms()
            await self._fetch_executions(since_ms=started_ms - EXEC_LOOKBACK_MS, emit=False)
            self.tracker.last_exec_ms = max(self.tracker.last_exec_ms, started_ms)
            if self.settings.dcp_window_s > 0:
                self.dcp_active = await account.enable_dcp(self.rest, self.settings.dcp_window_s)
            try:
                self._ws = await self._connect_private()
            except net.NETWORK_ERRORS as exc:
                raise VenueError(
                    f"cannot connect to Bybit private stream {self.ws_url}: {net.describe(exc)}"
                ) from exc
        except BaseException:
            await self._tasks.cancel_all()
            await self.rest.close()
            raise
        self._tasks.spawn("bybit-private", self._private_loop())
        self._tasks.spawn("bybit-reconcile", self._reconcile_loop())

    async def check_permissions(self) -> KeyPermissions:
        """Read the key's permissions (GET /v5/user/query-api); see account.check_permissions."""
        self.permissions = await account.check_permissions(self.rest)
        return self.permissions

    async def stop(self) -> None:
        """Cancel every working order within `stop_timeout_s`, then close connections (well
        under a second more: socket close is bounded by net.ws_connect's close_timeout)."""
        self._stopping = True
        if not await self._clear_orders("stop"):
            log.error("Bybit stop: order(s) may still be open: check the Bybit web UI")
        await self._tasks.cancel_all(timeout=0.5)
        if self._ws is not None:
            await self._ws.close()
        await self.rest.close()
        self._events.put_nowait(None)

    async def _clear_orders(self, why: str) -> bool:
        """Within `stop_timeout_s`: let requests in flight land, then cancel-all until REST lists
        no open order (a create can race a cancel). True when none is left."""
        self.orders_left = None
        try:
            async with asyncio.timeout(self.settings.stop_timeout_s):
                if self._inflight:
                    await asyncio.wait(list(self._inflight.values()))
                while True:
                    reply = await self.rest.post(
                        "/v5/order/cancel-all", self.symbol_params, retries=3
                    )
                    if not reply.ok:
                        log.warning("Bybit cancel-all (%s): %s", why, reply.explain())
                    left = await self.open_orders()
                    self.orders_left = len(left)
                    if not left:
                        return True
                    await asyncio.sleep(0.1)
        except TimeoutError:
            log.error("Bybit cancel-all (%s) not done in %.1f s", why, self.settings.stop_timeout_s)
        except VenueError as exc:
            log.error("Bybit cancel-all (%s): %s", why, exc)
        return False

    def _task_failed(self, name: str, exc: BaseException) -> None:
        self._failure = exc
        self._events.put_nowait(None)  # ends exec_events() with the error

    async def _apply_start_policy(self) -> None:
        orders = await self.open_orders()
        if orders and self.settings.start_orders == "cancel":
            log.warning("Bybit: cancelling %d order(s) open at start", len(orders))
            if not await self._clear_orders("start"):
                raise VenueError("orders open at start could not all be cancelled")
        else:
            for o in orders:
                self.tracker.adopt(o)
        pos = await self.position()
        if pos.size and self.settings.start_position == "close":
            await self._close_position(pos)

    async def _close_position(self, pos: VenuePosition) -> None:
        side = Side.SELL if pos.size > 0 else Side.BUY
        log.warning("Bybit: closing the %d-lot position found at start", pos.size)
        body = {
            **self.symbol_params,
            "side": SIDE_NAMES[side],
            "orderType": "Market",
            "qty": self.instrument.qty_str(abs(pos.size)),
            "timeInForce": "IOC",
            "reduceOnly": True,
            "positionIdx": 0,
            "orderLinkId": f"close-{self.rest.now_ms()}",
        }
        checked(await self.rest.post("/v5/order/create", body), "closing the position at start")
        for _ in range(50):
            if (await self.position()).size == 0:
                return
            await asyncio.sleep(0.1)
        raise VenueError("the position found at start is still open after the closing order")

    # --- queries ------------------------------------------------------------------------

    async def open_orders(self) -> list[VenueOrder]:
        return [u.as_venue_order() for u in await self._open_order_updates()]

    async def _open_order_updates(self) -> list[OrderUpdate]:
        rows: list[OrderUpdate] = []
        cursor = ""
        while True:
            params: dict[str, Any] = {**self.symbol_params, "limit": 50}
            if cursor:
                params["cursor"] = cursor
            reply = checked(
                await self.rest.get("/v5/order/realtime", params), "reading open orders"
            )
            rows += [parse_order(r, self.instrument) for r in reply.result.get("list", ())]
            cursor = reply.result.get("nextPageCursor") or ""
            if not cursor:
                return [r for r in rows if r.is_open]

    async def position(self) -> VenuePosition:
        reply = checked(
            await self.rest.get("/v5/position/list", self.symbol_params), "reading the position"
        )
        rows = reply.result.get("list") or []
        self._position = parse_position(rows[0], self.instrument) if rows else VenuePosition(0)
        return self._position

    # --- actions ------------------------------------------------------------------------

    async def submit(self, action: OrderAction) -> None:
        """Hand one action to a background request and return at once: the engine's loop never
        waits a round trip. Actions on one client id go out in order; a cancel-all goes out at
        once, ahead of anything queued."""
        if self._failure is not None:
            raise VenueError(f"Bybit broker stopped working: {self._failure}")
        if self._stopping and isinstance(action, PlaceOrder | AmendOrder):
            request = "place" if isinstance(action, PlaceOrder) else "amend"
            self._reject(action.client_id, "broker is stopping: no new orders", request)
            return
        if isinstance(action, CancelAll):
            self._tasks.spawn("bybit-cancel-all", self._cancel_all(action))
            return
        cid = action.client_id
        work: Callable[[], Awaitable[None]]
        if isinstance(action, PlaceOrder):
            work = partial(self._place, action)
        elif isinstance(action, AmendOrder):
            work = partial(self._amend, action)
        else:
            work = partial(self._cancel, action)
        before = self._inflight.get(cid)
        task = self._tasks.spawn(f"bybit-{type(action).__name__}-{cid}", _after(before, work))
        self._inflight[cid] = task
        task.add_done_callback(
            lambda t: self._inflight.pop(cid, None) if self._inflight.get(cid) is t else None
        )

    async def _cancel_all(self, action: CancelAll) -> None:
        """Cancel-all at once; requests already in flight may land after it, so once they
        have finished it is sent again."""
        racing = list(self._inflight.values())
        for attempt in range(2 if racing else 1):
            if attempt:
                await asyncio.wait(racing)
            reply = await self.rest.post("/v5/order/cancel-all", self.symbol_params, retries=3)
            self._raise_if_fatal(reply)
            if not reply.ok:
                log.error("Bybit cancel-all (%s) failed: %s", action.reason, reply.explain())

    def _raise_if_fatal(self, reply: Reply) -> None:
        """After the request's own event: the task fails, which ends exec_events() with it."""
        if reply.code in FATAL_CODES:
            raise VenueError(reply.explain())

    def _reject(self, client_id: str, reason: str, request: str) -> None:
        self._emit([OrderRejected(self._clock.now(), client_id, reason, request)])

    async def _place(self, a: PlaceOrder) -> None:
        if self.tracker.known(a.client_id):
            self._reject(a.client_id, "client id already used", "place")
            return
        if not LINK_ID.fullmatch(a.client_id):
            self._reject(a.client_id, "client id must be 1-36 of [0-9A-Za-z_-] on Bybit", "place")
            return
        body: dict[str, Any] = {
            **self.symbol_params,
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
        tracked = self.tracker.track(a.client_id, a.side, a.price, a.qty)
        reply = await self.rest.post("/v5/order/create", body)
        if reply.ok:
            tracked.order_id = reply.result.get("orderId", "")
        elif reply.code == TRANSPORT_ERROR:
            await self._settle_unanswered_create(a.client_id, reply)
        elif self.tracker.get(a.client_id) is not None:
            self.tracker.finish(a.client_id)
            self._reject(a.client_id, reply.explain(), "place")
        self._raise_if_fatal(reply)

    async def _settle_unanswered_create(self, cid: str, reply: Reply) -> None:
        """A create without an answer (timeout, a gateway's 5xx page) may have made the order,
        or may still make it: a delayed request is accepted until its recv_window runs out.
        Seen on the order stream: it is working, nothing to do. Otherwise it is cancelled by
        its id, and once more after the window; only when Bybit still has no such order is the
        create reported rejected (its side stays blocked until then). Rejecting it at once
        would leave an order the engine does not know of, and a second one on its side. One
        that shows up later still is cancelled as an orphan (`_on_order`)."""
        t = self.tracker.get(cid)
        if t is None or t.acked:
            return
        log.warning("Bybit create %s unanswered (%s): cancelling it in case it exists",
                    cid, reply.explain())
        window_end_ms = (reply.sent_ms or self.rest.now_ms()) + self.settings.recv_window_ms
        for last in (False, True):
            if last:
                await asyncio.sleep(max(0.0, (window_end_ms - self.rest.now_ms()) / 1000))
            if self.tracker.get(cid) is not t or t.acked:
                return  # its own messages settled it
            cancel = await self.rest.post(
                "/v5/order/cancel", {**self.symbol_params, "orderLinkId": cid}, retries=2
            )
            if cancel.ok:
                # It existed: its Cancelled message closes it, or the next reconcile does.
                t.order_id = t.order_id or cancel.result.get("orderId", "")
                return
        if self.tracker.get(cid) is t and not t.acked:
            self.tracker.finish(cid)
            self._reject(cid, reply.explain(), "place")

    def _cancel_orphan(self, u: OrderUpdate) -> None:
        """An order of ours working on Bybit that the engine counts as finished (a create that
        landed after it was given up): cancel it by its venue id."""
        log.warning("Bybit: order %s is working but was given up: cancelling it", u.client_id)

        async def cancel() -> None:
            reply = await self.rest.post(
                "/v5/order/cancel", {**self.symbol_params, "orderId": u.order_id}, retries=3
            )
            if not reply.ok:
                log.warning("Bybit: cancelling orphan %s: %s", u.client_id, reply.explain())

        self._tasks.spawn(f"bybit-cancel-orphan-{u.order_id}", cancel())

    def _on_order(self, u: OrderUpdate, now: int) -> None:
        if self.tracker.is_orphan(u):
            self._cancel_orphan(u)
        self._emit(self.tracker.on_order(u, now))

    async def _amend(self, a: AmendOrder) -> None:
        t = self.tracker.get(a.client_id)
        if t is None:
            self._reject(a.client_id, "no working order with this id", "amend")
            return
        asked_price, asked_qty = t.asked
        if (a.price, a.qty) == t.asked:
            return  # nothing to change; Bybit would refuse an empty amend
        body: dict[str, Any] = {**self.symbol_params, **t.ref()}
        if a.price != asked_price:
            body["price"] = self.instrument.price_str(a.price)
        if a.qty != asked_qty:
            body["qty"] = self.instrument.qty_str(a.qty)
        t.asked = (a.price, a.qty)
        reply = await self.rest.post("/v5/order/amend", body)
        if not reply.ok:
            t.asked = (t.price, t.qty)
            self._reject(a.client_id, reply.explain(), "amend")
        self._raise_if_fatal(reply)

    async def _cancel(self, a: CancelOrder) -> None:
        t = self.tracker.get(a.client_id)
        if t is None:
            self._reject(a.client_id, "no working order with this id", "cancel")
            return
        reply = await self.rest.post(
            "/v5/order/cancel", {**self.symbol_params, **t.ref()}, retries=3
        )
        if not reply.ok:
            self._reject(a.client_id, reply.explain(), "cancel")
        self._raise_if_fatal(reply)

    # --- events -------------------------------------------------------------------------

    def _emit(self, events: list[ExecEvent]) -> None:
        for event in events:
            self._events.put_nowait(event)

    async def exec_events(self) -> AsyncIterator[ExecEvent]:
        """Exec events until `stop()`. If the broker breaks for good (the private socket's auth
        is refused, a request gets a fatal code) this raises VenueError, so the runner stops
        and cancels instead of quoting blind."""
        while True:
            event = await self._events.get()
            if event is None:
                if self._failure is not None and not self._stopping:
                    raise VenueError(f"Bybit broker stopped working: {self._failure}")
                return
            yield event

    def _on_private(self, msg: dict[str, Any]) -> None:
        topic = msg.get("topic")
        if topic is None:
            if msg.get("op") == "subscribe" and not msg.get("success"):
                log.error("Bybit refused the private subscription: %s", msg.get("ret_msg"))
            return
        rows = [
            r
            for r in msg.get("data") or ()
            if r.get("symbol", self.instrument.symbol) == self.instrument.symbol
        ]
        now = self._clock.now()
        if topic == "order":
            for r in rows:
                self._on_order(parse_order(r, self.instrument), now)
        elif topic == "execution":
            for r in rows:
                self._emit(self.tracker.on_execution(parse_execution(r, self.instrument)))
        elif topic == "position":
            for r in rows:
                self._position = parse_position(r, self.instrument)
        elif topic == "wallet" and rows:
            self.wallet = parse_wallet(rows[0])

    # --- private socket -----------------------------------------------------------------

    async def _connect_private(self) -> ClientConnection:
        ws = await net.ws_connect(self.ws_url, self._proxy)
        expires = self.rest.now_ms() + 10_000
        auth = {"req_id": "auth", "op": "auth", "args": ws_auth_args(self._creds, expires)}
        await ws.send(json.dumps(auth))
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if not reply.get("success"):
            await ws.close()
            raise VenueError(f"Bybit private socket auth refused: {reply.get('ret_msg') or reply}")
        topics = PRIVATE_TOPICS + (["dcp"] if self.dcp_active else [])
        await ws.send(json.dumps({"req_id": "sub", "op": "subscribe", "args": topics}))
        self._last_rx = self._clock.now()
        self._tasks.spawn(
            f"bybit-private-ping-{id(ws)}",
            keepalive(ws, self.ping_s, self._clock, lambda: self._last_rx, "private"),
        )
        return ws

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
                await self.reconcile("reconnect")
            except VenueError as exc:
                log.warning(
                    "Bybit reconcile after reconnect failed (retried periodically): %s", exc
                )

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
        placed = self.tracker.placed()
        await self._fetch_executions(since_ms=self.tracker.last_exec_ms - EXEC_LOOKBACK_MS)
        open_now = await self._open_order_updates()
        now = self._clock.now()
        for u in open_now:
            self._on_order(u, now)
        self._emit(self.tracker.missing(placed, {u.client_id for u in open_now}, now, why))
        pos = await self.position()
        log.debug("Bybit reconciled (%s): %d open, position %d lots", why, len(open_now), pos.size)

    async def _fetch_executions(self, since_ms: int, emit: bool = True) -> None:
        cursor = ""
        while True:
            params: dict[str, Any] = {
                **self.symbol_params,
                "startTime": max(0, since_ms),
                "limit": 100,
            }
            if cursor:
                params["cursor"] = cursor
            reply = checked(await self.rest.get("/v5/execution/list", params), "reading executions")
            rows = sorted(reply.result.get("list", ()), key=lambda r: int(r.get("execTime") or 0))
            for r in rows:
                self._emit(
                    self.tracker.on_execution(parse_execution(r, self.instrument), emit=emit)
                )
            cursor = reply.result.get("nextPageCursor") or ""
            if not cursor:
                return


async def _after(before: asyncio.Task[None] | None, work: Callable[[], Awaitable[None]]) -> None:
    """Run `work` once the previous request for the same order has finished (however)."""
    if before is not None:
        await asyncio.wait([before])
    await work()
