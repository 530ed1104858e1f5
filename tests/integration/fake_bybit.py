"""A fake Bybit v5 (linear) on 127.0.0.1 for the integration tests and the benchmark.

It speaks the real protocol where the adapter depends on it: signed REST with the timestamp
window, the response envelope and retCodes, the public and private WebSockets with auth, ping
and subscribe. It keeps orders and a position, has a simple market (a book and trades it
publishes) and fills resting orders when a trade crosses them. Faults are injected by calling
methods (drop sockets, skip a book update id) or by setting fields of `Faults` (stall the public
stream, hang or fail REST calls with 5xx, reject, rate-limit, delay order acks so they arrive
out of order and after the fills, send executions twice); tests/integration/faults.py names
them as one-line scenarios. `watchers` are called after every change of an order or the
position, so a test can check invariants on every state the exchange passes through.

Prices and sizes are integer ticks/lots of `INSTRUMENT` inside; strings on the wire.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from asconsole.domain import Instrument
from tests.integration.fake_ws import json_requests

INSTRUMENT = Instrument("bybit", "BTCUSDT", "0.10", "0.001", min_qty_lots=1, min_notional=5.0)
API_KEY = "CFEJUGQEQPPHGOHGHM"
API_SECRET = "VDFZSSPUTKRJMXAVMJXBHEXIPZNZJIZUBVRQ"
OPEN = ("New", "PartiallyFilled")


@dataclass
class FakeOrder:
    order_id: str
    link_id: str
    side: str
    price: int
    qty: int
    tif: str
    filled: int = 0
    status: str = "New"
    reject_reason: str = "EC_NoError"
    cancel_type: str = "UNKNOWN"
    created: int = 0
    updated: int = 0
    reduce_only: bool = False

    @property
    def leaves(self) -> int:
        return self.qty - self.filled if self.status in OPEN else 0


@dataclass
class Faults:
    rate_limit: dict[str, int] = field(default_factory=dict)
    """path -> how many more requests to refuse with 10006."""
    rate_reset_ms: int = 300
    duplicate_executions: bool = False
    duplicate_filled: bool = False
    mute_public: bool = False
    """Public sockets stop answering pings (a half-dead connection)."""
    stall_public: bool = False
    """Public sockets stay open and answer pings but carry no market data (a stalled feed)."""
    hang_rest: bool = False
    """REST requests never get an answer (a stuck exchange or network)."""
    forbid: bool = False
    """Every REST request gets a CDN-style HTTP 403 page (region blocked or IP banned)."""
    slow: dict[str, int] = field(default_factory=dict)
    """path -> how many more requests to answer only after `slow_s` (a client timeout)."""
    slow_s: float = 1.0
    slow_after: bool = True
    """A slow request is carried out before the wait (the order exists; only the answer is
    late), else after it."""
    http_5xx: dict[str, int] = field(default_factory=dict)
    """path -> how many more requests get an HTTP 502 page."""
    http_5xx_after: bool = False
    """A 502 comes after the request was carried out (a gateway lost the answer), else before."""
    reject: dict[str, int] = field(default_factory=dict)
    """path -> how many more requests to refuse with `reject_code`."""
    reject_code: int = 110007
    ack_delay_s: float = 0.0
    """The order stream's `New` for a created order comes this much later than the REST reply
    (so later messages, a fill or a cancel, overtake it)."""
    exec_first: bool = False
    """On a fill, the execution message goes out before the order message."""


class FakeBybit:
    def __init__(self, *, time_offset_ms: int = 0, symbol: str = "BTCUSDT") -> None:
        self.symbol = symbol
        self.inst = INSTRUMENT
        self.time_offset_ms = time_offset_ms
        self.keys = {API_KEY: API_SECRET}
        self.withdraw_allowed = False
        self.faults = Faults()
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.u = 100  # u == 1 would mean "service restarted"
        self.seq = 1000
        self.orders: dict[str, FakeOrder] = {}
        self.executions: list[dict[str, Any]] = []
        self.position = 0
        self.entry = 0.0
        self.leverage = "1"
        self.margin_mode = "REGULAR_MARGIN"
        self.dcp_window: int | None = None
        self.requests: list[tuple[str, str, int]] = []
        """(method, path, receive time in ns of time.perf_counter_ns) for every REST call."""
        self.sign_failures = 0
        self.watchers: list[Callable[[], None]] = []
        """Called after every change of an order or the position."""
        self._ids = itertools.count(1)
        self._public: dict[web.WebSocketResponse, set[str]] = {}
        self._private: dict[web.WebSocketResponse, set[str]] = {}
        self._runner: web.AppRunner | None = None
        self._late: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self.port = 0

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/v5/public/linear", self._ws_public)
        app.router.add_get("/v5/private", self._ws_private)
        app.router.add_route("*", "/v5/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def urls(self) -> dict[str, str]:
        return {
            "endpoint": "custom",
            "rest_url": self.base,
            "ws_public_url": f"ws://127.0.0.1:{self.port}/v5/public/linear",
            "ws_private_url": f"ws://127.0.0.1:{self.port}/v5/private",
        }

    async def stop(self) -> None:
        self._stopping.set()
        for task in list(self._late):
            task.cancel()
        for ws in list(self._public) + list(self._private):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000 + self.time_offset_ms

    # --- market -------------------------------------------------------------------------

    def set_book(self, bids: dict[int, int], asks: dict[int, int]) -> None:
        """Replace the book without publishing (use before clients subscribe)."""
        self.bids, self.asks = dict(bids), dict(asks)

    async def set_levels(
        self,
        bids: dict[int, int] | None = None,
        asks: dict[int, int] | None = None,
        *,
        gap: bool = False,
    ) -> None:
        """Change levels (size 0 deletes) and publish one delta; `gap` skips an update id."""
        bids, asks = bids or {}, asks or {}
        for book, changes in ((self.bids, bids), (self.asks, asks)):
            for price, size in changes.items():
                if size:
                    book[price] = size
                else:
                    book.pop(price, None)
        self.u += 2 if gap else 1
        self.seq += 1
        msg = {
            "topic": f"orderbook.{{depth}}.{self.symbol}",
            "type": "delta",
            "ts": self.now_ms(),
            "cts": self.now_ms(),
            "data": {
                "s": self.symbol,
                "b": [[self.inst.price_str(p), self.inst.qty_str(s)] for p, s in bids.items()],
                "a": [[self.inst.price_str(p), self.inst.qty_str(s)] for p, s in asks.items()],
                "u": self.u,
                "seq": self.seq,
            },
        }
        await self._publish_book(msg)

    def book_snapshot(self, depth: int) -> dict[str, Any]:
        bids = sorted(self.bids.items(), reverse=True)[:depth]
        asks = sorted(self.asks.items())[:depth]
        return {
            "topic": f"orderbook.{depth}.{self.symbol}",
            "type": "snapshot",
            "ts": self.now_ms(),
            "cts": self.now_ms(),
            "data": {
                "s": self.symbol,
                "b": [[self.inst.price_str(p), self.inst.qty_str(s)] for p, s in bids],
                "a": [[self.inst.price_str(p), self.inst.qty_str(s)] for p, s in asks],
                "u": self.u,
                "seq": self.seq,
            },
        }

    async def _publish_book(self, template: dict[str, Any]) -> None:
        if self.faults.stall_public:
            return
        for ws, topics in list(self._public.items()):
            for t in topics:
                if t.startswith("orderbook."):
                    msg = dict(template, topic=t)
                    await self._send(ws, msg)

    async def trade(self, taker_side: str, price: int, qty: int) -> None:
        """A public trade; resting orders it crosses are filled (as makers) first come first."""
        ts = self.now_ms()
        await self._publish(
            f"publicTrade.{self.symbol}",
            {
                "topic": f"publicTrade.{self.symbol}",
                "type": "snapshot",
                "ts": ts,
                "data": [
                    {
                        "T": ts,
                        "s": self.symbol,
                        "S": taker_side,
                        "v": self.inst.qty_str(qty),
                        "p": self.inst.price_str(price),
                        "L": "ZeroPlusTick",
                        "i": str(next(self._ids)),
                        "BT": False,
                        "seq": self.seq,
                    }
                ],
            },
        )
        left = qty
        for o in sorted(self.orders.values(), key=lambda o: o.created):
            if left <= 0:
                break
            if o.status not in OPEN:
                continue
            crosses = (o.side == "Buy" and taker_side == "Sell" and price <= o.price) or (
                o.side == "Sell" and taker_side == "Buy" and price >= o.price
            )
            if crosses:
                n = min(left, o.leaves)
                left -= n
                await self._fill(o, o.price, n, maker=True)

    async def publish_mark(self, price: str) -> None:
        await self._publish(
            f"tickers.{self.symbol}",
            {
                "topic": f"tickers.{self.symbol}",
                "type": "delta",
                "ts": self.now_ms(),
                "data": {"symbol": self.symbol, "markPrice": price},
            },
        )

    async def _publish(self, topic: str, msg: dict[str, Any]) -> None:
        if self.faults.stall_public:
            return
        for ws, topics in list(self._public.items()):
            if topic in topics:
                await self._send(ws, msg)

    async def book_subscriber(self) -> web.WebSocketResponse:
        """The first public socket subscribed to a book topic, once there is one."""
        while True:
            for ws, topics in self._public.items():
                if any(t.startswith("orderbook.") for t in topics):
                    return ws
            await asyncio.sleep(0.01)

    @property
    def private_sockets(self) -> int:
        return len(self._private)

    # --- faults -------------------------------------------------------------------------

    async def drop_public(self) -> None:
        for ws in list(self._public):
            await ws.close()

    async def drop_private(self) -> None:
        for ws in list(self._private):
            await ws.close()

    # --- orders, fills, position --------------------------------------------------------

    def add_order(self, side: str, price: int, qty: int, link_id: str = "") -> FakeOrder:
        """An order that was already resting before the client connected."""
        o = FakeOrder(str(next(self._ids)), link_id, side, price, qty, "GTC", created=self.now_ms())
        self.orders[o.order_id] = o
        return o

    def open_orders(self) -> list[FakeOrder]:
        return [o for o in self.orders.values() if o.status in OPEN]

    def _changed(self) -> None:
        for watch in self.watchers:
            watch()

    async def _fill(self, o: FakeOrder, price: int, n: int, *, maker: bool) -> None:
        o.filled += n
        o.status = "Filled" if o.filled == o.qty else "PartiallyFilled"
        o.updated = self.now_ms()
        signed = n if o.side == "Buy" else -n
        new = self.position + signed
        if self.position == 0 or (self.position > 0) == (signed > 0):
            total = abs(self.position) + n
            self.entry = (self.entry * abs(self.position) + self.inst.price(price) * n) / total
        elif new == 0:
            self.entry = 0.0
        elif (new > 0) != (self.position > 0):
            self.entry = self.inst.price(price)
        self.position = new
        self._changed()
        rate = 0.0002 if maker else 0.00055
        value = self.inst.notional(price, n)
        ex = {
            "category": "linear",
            "symbol": self.symbol,
            "orderId": o.order_id,
            "orderLinkId": o.link_id,
            "side": o.side,
            "orderPrice": self.inst.price_str(o.price),
            "orderQty": self.inst.qty_str(o.qty),
            "leavesQty": self.inst.qty_str(o.leaves),
            "execId": f"e{next(self._ids)}",
            "execPrice": self.inst.price_str(price),
            "execQty": self.inst.qty_str(n),
            "execValue": f"{value:.4f}",
            "execFee": f"{value * rate:.6f}",
            "feeRate": str(rate),
            "execTime": str(self.now_ms()),
            "isMaker": maker,
            "execType": "Trade",
            "closedSize": "0",
            "execPnl": "0",
        }
        self.executions.append(ex)
        row = self._order_row(o)
        if not self.faults.exec_first:
            await self._private_push("order", [row])
        for _ in range(2 if self.faults.duplicate_executions else 1):
            await self._private_push("execution", [ex])
        if self.faults.exec_first:
            await self._private_push("order", [row])
        if o.status == "Filled" and self.faults.duplicate_filled:
            await self._private_push("order", [self._order_row(o)])
        await self._private_push("position", [self._position_row()])

    def _order_row(self, o: FakeOrder) -> dict[str, Any]:
        return {
            "category": "linear",
            "symbol": self.symbol,
            "orderId": o.order_id,
            "orderLinkId": o.link_id,
            "side": o.side,
            "price": self.inst.price_str(o.price),
            "qty": self.inst.qty_str(o.qty),
            "orderStatus": o.status,
            "cancelType": o.cancel_type,
            "rejectReason": o.reject_reason,
            "avgPrice": "",
            "leavesQty": self.inst.qty_str(o.leaves),
            "cumExecQty": self.inst.qty_str(o.filled),
            "cumExecValue": "0",
            "timeInForce": o.tif,
            "orderType": "Limit",
            "reduceOnly": False,
            "createdTime": str(o.created),
            "updatedTime": str(o.updated or o.created),
        }

    def _position_row(self) -> dict[str, Any]:
        side = "" if self.position == 0 else ("Buy" if self.position > 0 else "Sell")
        return {
            "category": "linear",
            "symbol": self.symbol,
            "side": side,
            "size": self.inst.qty_str(abs(self.position)),
            "positionIdx": 0,
            "avgPrice": f"{self.entry:.2f}",
            "entryPrice": f"{self.entry:.2f}",
            "leverage": self.leverage,
            "liqPrice": "",
            "markPrice": "",
            "positionStatus": "Normal",
        }

    async def _private_push(self, topic: str, rows: list[dict[str, Any]]) -> None:
        msg = {
            "id": f"p{next(self._ids)}",
            "topic": topic,
            "creationTime": self.now_ms(),
            "data": rows,
        }
        for ws, topics in list(self._private.items()):
            if topic in topics:
                await self._send(ws, msg)

    async def _cancel(self, o: FakeOrder, cancel_type: str, reason: str = "EC_NoError") -> None:
        o.status = "Cancelled"
        o.cancel_type = cancel_type
        o.reject_reason = reason
        o.updated = self.now_ms()
        self._changed()
        await self._private_push("order", [self._order_row(o)])

    async def _late_push(self, topic: str, rows: list[dict[str, Any]], delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        await self._private_push(topic, rows)

    # --- sockets ------------------------------------------------------------------------

    @staticmethod
    async def _send(ws: web.WebSocketResponse, msg: dict[str, Any]) -> None:
        if not ws.closed:
            try:
                await ws.send_str(json.dumps(msg))
            except (ConnectionError, RuntimeError):
                pass

    async def _ws_public(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        topics: set[str] = set()
        self._public[ws] = topics
        try:
            async for req in json_requests(ws):
                op = req.get("op")
                if op == "ping" and not self.faults.mute_public:
                    await self._send(
                        ws, {"success": True, "ret_msg": "pong", "conn_id": "c", "op": "ping"}
                    )
                elif op in ("subscribe", "unsubscribe"):
                    args = req.get("args", [])
                    await self._send(
                        ws,
                        {
                            "success": True,
                            "ret_msg": "",
                            "conn_id": "c",
                            "req_id": req.get("req_id", ""),
                            "op": op,
                        },
                    )
                    for t in args:
                        if op == "unsubscribe":
                            topics.discard(t)
                            continue
                        topics.add(t)
                        if t.startswith("orderbook."):
                            await self._send(ws, self.book_snapshot(int(t.split(".")[1])))
        finally:
            self._public.pop(ws, None)
        return ws

    async def _ws_private(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        topics: set[str] = set()
        authed = False
        try:
            async for req in json_requests(ws):
                op = req.get("op")
                if op == "auth":
                    key, expires, sig = req["args"]
                    secret = self.keys.get(key)
                    good = (
                        secret is not None
                        and int(expires) > self.now_ms()
                        and hmac.compare_digest(sig, _sign(secret, f"GET/realtime{expires}"))
                    )
                    authed = good
                    await self._send(
                        ws,
                        {
                            "success": good,
                            "ret_msg": "" if good else "Invalid sign",
                            "op": "auth",
                            "conn_id": "c",
                        },
                    )
                elif op == "ping":
                    await self._send(
                        ws, {"op": "pong", "args": [str(self.now_ms())], "conn_id": "c"}
                    )
                elif op == "subscribe":
                    if not authed:
                        await self._send(
                            ws, {"success": False, "ret_msg": "not authed", "op": "subscribe"}
                        )
                        continue
                    topics.update(req.get("args", []))
                    self._private[ws] = topics
                    await self._send(
                        ws,
                        {
                            "success": True,
                            "ret_msg": "",
                            "op": "subscribe",
                            "req_id": req.get("req_id", ""),
                            "conn_id": "c",
                        },
                    )
        finally:
            self._private.pop(ws, None)
            if self.dcp_window and "dcp" in topics and not self._dcp_watched():
                task = asyncio.get_running_loop().create_task(self._dcp_countdown())
                self._late.add(task)
                task.add_done_callback(self._late.discard)
        return ws

    def _dcp_watched(self) -> bool:
        return any("dcp" in topics for topics in self._private.values())

    async def _dcp_countdown(self) -> None:
        """Disconnection protection: no private socket with the `dcp` topic for the window
        cancels every open order (what saves the orders of a process killed with -9)."""
        assert self.dcp_window is not None
        await asyncio.sleep(self.dcp_window)
        if not self._dcp_watched():
            for o in self.open_orders():
                await self._cancel(o, "CancelAllBeforeDisconnect")

    # --- REST ---------------------------------------------------------------------------

    def _reply(
        self,
        code: int = 0,
        msg: str = "OK",
        result: Any = None,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        body = {
            "retCode": code,
            "retMsg": msg,
            "result": result if result is not None else {},
            "retExtInfo": {},
            "time": self.now_ms(),
        }
        return web.json_response(body, headers=headers)

    def _check_sign(self, request: web.Request, payload: str) -> web.Response | None:
        h = request.headers
        key = h.get("X-BAPI-API-KEY", "")
        secret = self.keys.get(key)
        if secret is None:
            return self._reply(10003, "API key is invalid.")
        try:
            ts = int(h.get("X-BAPI-TIMESTAMP", ""))
            rw = int(h.get("X-BAPI-RECV-WINDOW", "5000"))
        except ValueError:
            return self._reply(10001, "bad timestamp header")
        now = self.now_ms()
        if not (now - rw <= ts < now + 1000):
            return self._reply(
                10002,
                (
                    "invalid request, please check your server timestamp or recv_window param. "
                    f"req_timestamp[{ts}],server_timestamp[{now}],recv_window[{rw}]"
                ),
            )
        expected = _sign(secret, f"{ts}{key}{rw}{payload}")
        if not hmac.compare_digest(expected, h.get("X-BAPI-SIGN", "")):
            self.sign_failures += 1
            return self._reply(10004, "error sign! origin_string[...]")
        return None

    async def _rest(self, request: web.Request) -> web.Response:
        path = request.path
        self.requests.append((request.method, path, time.perf_counter_ns()))
        if self.faults.hang_rest:
            await self._stopping.wait()
        f = self.faults
        slow = _take(f.slow, path)
        if slow and not f.slow_after:
            await asyncio.sleep(f.slow_s)  # in transit: its timestamp is checked on arrival
        if self.faults.forbid:
            return web.Response(status=403, text="<html>The request could not be satisfied</html>")
        if request.method == "GET":
            payload = request.query_string
            params: dict[str, Any] = dict(request.query)
        else:
            payload = await request.text()
            params = json.loads(payload) if payload else {}
        public = path.startswith("/v5/market/")
        if not public:
            bad = self._check_sign(request, payload)
            if bad is not None:
                return bad
        if _take(f.reject, path):
            return self._reply(f.reject_code, "refused (fault injected)")
        failed_5xx = _take(f.http_5xx, path)
        if failed_5xx and not f.http_5xx_after:
            return web.Response(status=502, text="<html>502 Bad Gateway</html>")
        if _take(f.rate_limit, path):
            reset = self.now_ms() + self.faults.rate_reset_ms
            return self._reply(
                10006,
                "Too many visits!",
                headers={
                    "X-Bapi-Limit": "10",
                    "X-Bapi-Limit-Status": "0",
                    "X-Bapi-Limit-Reset-Timestamp": str(reset),
                },
            )
        handler = getattr(
            self, "_h_" + path.removeprefix("/v5/").replace("/", "_").replace("-", "_"), None
        )
        if handler is None:
            return self._reply(10017, "route not found")
        answer: web.Response = await handler(params)
        if slow and f.slow_after:
            await asyncio.sleep(f.slow_s)
        if failed_5xx:
            return web.Response(status=502, text="<html>502 Bad Gateway</html>")
        return answer

    async def _h_market_time(self, p: dict[str, Any]) -> web.Response:
        now_ns = time.time_ns() + self.time_offset_ms * 1_000_000
        return self._reply(result={"timeSecond": str(now_ns // 10**9), "timeNano": str(now_ns)})

    async def _h_market_instruments_info(self, p: dict[str, Any]) -> web.Response:
        if p.get("symbol") != self.symbol:
            return self._reply(result={"category": "linear", "list": []})
        return self._reply(
            result={
                "category": "linear",
                "list": [
                    {
                        "symbol": self.symbol,
                        "contractType": "LinearPerpetual",
                        "status": "Trading",
                        "baseCoin": "BTC",
                        "quoteCoin": "USDT",
                        "priceFilter": {
                            "minPrice": "0.10",
                            "maxPrice": "1999999.80",
                            "tickSize": "0.10",
                        },
                        "lotSizeFilter": {
                            "maxOrderQty": "1190.000",
                            "minOrderQty": "0.001",
                            "qtyStep": "0.001",
                            "minNotionalValue": "5",
                        },
                        "leverageFilter": {
                            "minLeverage": "1",
                            "maxLeverage": "100.00",
                            "leverageStep": "0.01",
                        },
                    }
                ],
            }
        )

    async def _h_user_query_api(self, p: dict[str, Any]) -> web.Response:
        wallet = ["AccountTransfer"] + (["Withdraw"] if self.withdraw_allowed else [])
        return self._reply(
            result={
                "id": "1",
                "note": "",
                "apiKey": API_KEY,
                "readOnly": 0,
                "secret": "",
                "permissions": {
                    "ContractTrade": ["Order", "Position"],
                    "Wallet": wallet,
                    "Spot": [],
                    "Options": [],
                },
                "ips": ["*"],
            }
        )

    async def _h_account_info(self, p: dict[str, Any]) -> web.Response:
        return self._reply(result={"marginMode": self.margin_mode, "unifiedMarginStatus": 4})

    async def _h_account_fee_rate(self, p: dict[str, Any]) -> web.Response:
        row = {"symbol": p.get("symbol"), "makerFeeRate": "0.0002", "takerFeeRate": "0.00055"}
        return self._reply(result={"list": [row]})

    async def _h_account_set_margin_mode(self, p: dict[str, Any]) -> web.Response:
        self.margin_mode = p["setMarginMode"]
        return self._reply(result={"reasons": []})

    async def _h_position_set_leverage(self, p: dict[str, Any]) -> web.Response:
        if p["buyLeverage"] == self.leverage:
            return self._reply(110043, "leverage not modified")
        self.leverage = p["buyLeverage"]
        return self._reply()

    async def _h_position_list(self, p: dict[str, Any]) -> web.Response:
        return self._reply(result={"category": "linear", "list": [self._position_row()]})

    async def _h_order_disconnected_cancel_all(self, p: dict[str, Any]) -> web.Response:
        self.dcp_window = int(p["timeWindow"])
        return self._reply()

    async def _h_order_create(self, p: dict[str, Any]) -> web.Response:
        link = p.get("orderLinkId", "")
        if link and any(o.link_id == link for o in self.orders.values()):
            return self._reply(110072, "OrderLinkedID is duplicate")
        qty = self.inst.qty_lots(p["qty"])
        reduce_only = bool(p.get("reduceOnly"))
        if reduce_only:
            closing = (p["side"] == "Buy") == (self.position < 0)
            qty = min(qty, abs(self.position)) if closing else 0
            if qty == 0:
                return self._reply(110017, "current position is zero, cannot fix reduce-only order qty")
        if p["orderType"] == "Market" or p.get("timeInForce") == "IOC":
            return await self._take(p, qty, reduce_only)
        price = self.inst.price_ticks(p["price"])
        o = FakeOrder(
            str(next(self._ids)),
            link,
            p["side"],
            price,
            qty,
            p.get("timeInForce", "GTC"),
            created=self.now_ms(),
            reduce_only=reduce_only,
        )
        self.orders[o.order_id] = o
        reply = self._reply(result={"orderId": o.order_id, "orderLinkId": link})
        best_ask = min(self.asks) if self.asks else None
        best_bid = max(self.bids) if self.bids else None
        crosses = (o.side == "Buy" and best_ask is not None and price >= best_ask) or (
            o.side == "Sell" and best_bid is not None and price <= best_bid
        )

        # The order stream may reach the client before this reply does (as on Bybit).
        if crosses and o.tif == "PostOnly":
            await self._cancel(o, "CancelByUser", "EC_PostOnlyWillTakeLiquidity")
            return reply
        self._changed()
        if self.faults.ack_delay_s > 0:
            late = self._late_push("order", [self._order_row(o)], self.faults.ack_delay_s)
            task = asyncio.get_running_loop().create_task(late)
            self._late.add(task)
            task.add_done_callback(self._late.discard)
        else:
            await self._private_push("order", [self._order_row(o)])
        return reply

    async def _take(self, p: dict[str, Any], qty: int, reduce_only: bool) -> web.Response:
        """A market order, or a limit IOC (filled up to its price): the rest is cancelled."""
        limit = self.inst.price_ticks(p["price"]) if p["orderType"] == "Limit" else 0
        o = FakeOrder(
            str(next(self._ids)),
            p.get("orderLinkId", ""),
            p["side"],
            limit,
            qty,
            "IOC",
            created=self.now_ms(),
            reduce_only=reduce_only,
        )
        self.orders[o.order_id] = o
        book = (
            sorted(self.asks.items())
            if o.side == "Buy"
            else sorted(self.bids.items(), reverse=True)
        )
        for price, size in book:
            if o.leaves == 0 or (limit and (price > limit if o.side == "Buy" else price < limit)):
                break
            await self._fill(o, price, min(size, o.leaves), maker=False)
        if o.status in OPEN:
            await self._cancel(o, "CancelByUser")
        return self._reply(result={"orderId": o.order_id, "orderLinkId": o.link_id})

    def _find(self, p: dict[str, Any]) -> FakeOrder | None:
        if p.get("orderId"):
            return self.orders.get(p["orderId"])
        return next((o for o in self.orders.values() if o.link_id == p.get("orderLinkId")), None)

    async def _h_order_amend(self, p: dict[str, Any]) -> web.Response:
        o = self._find(p)
        if o is None or o.status not in OPEN:
            return self._reply(110001, "order not exists or too late to replace")
        if "price" in p:
            o.price = self.inst.price_ticks(p["price"])
        if "qty" in p:
            o.qty = self.inst.qty_lots(p["qty"])
        o.updated = self.now_ms()
        self._changed()
        await self._private_push("order", [self._order_row(o)])
        return self._reply(result={"orderId": o.order_id, "orderLinkId": o.link_id})

    async def _h_order_cancel(self, p: dict[str, Any]) -> web.Response:
        o = self._find(p)
        if o is None or o.status not in OPEN:
            return self._reply(110001, "order not exists or too late to cancel")
        await self._cancel(o, "CancelByUser")
        return self._reply(result={"orderId": o.order_id, "orderLinkId": o.link_id})

    async def _h_order_cancel_all(self, p: dict[str, Any]) -> web.Response:
        done = []
        for o in self.open_orders():
            await self._cancel(o, "CancelByUser")
            done.append({"orderId": o.order_id, "orderLinkId": o.link_id})
        return self._reply(result={"list": done, "success": "1"})

    async def _h_order_realtime(self, p: dict[str, Any]) -> web.Response:
        rows = [self._order_row(o) for o in self.open_orders()]
        limit = int(p.get("limit", 20))
        start = int(p.get("cursor") or 0)
        page = rows[start : start + limit]
        nxt = str(start + limit) if start + limit < len(rows) else ""
        return self._reply(result={"category": "linear", "list": page, "nextPageCursor": nxt})

    async def _h_execution_list(self, p: dict[str, Any]) -> web.Response:
        since = int(p.get("startTime", 0))
        rows = [e for e in self.executions if int(e["execTime"]) >= since]
        return self._reply(result={"category": "linear", "list": rows[::-1], "nextPageCursor": ""})


def _take(budget: dict[str, int], path: str) -> bool:
    """Use one of the faults left for `path`, if any."""
    left = budget.get(path, 0)
    if left > 0:
        budget[path] = left - 1
    return left > 0


def _sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
