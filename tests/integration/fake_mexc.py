"""A fake MEXC spot v3 exchange on 127.0.0.1 for the integration tests.

It speaks the real protocol: signed REST (X-MEXC-APIKEY, HMAC-SHA256 over the query string
followed by the body, timestamp inside recvWindow), JSON control frames and binary protobuf
pushes on one WebSocket path, listenKeys that expire unless extended, 429 with Retry-After
past a request budget (and 418, recorded as a ban, for whoever ignores it). A tiny market
publishes depth, deals and the book ticker, and fills resting orders that a taker trade
crosses, with private order, deal and account pushes.

What MEXC does not document is chosen here and named: a LIMIT_MAKER that would cross is
refused at once with HTTP 400 and code `POST_ONLY_REJECT`."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from asconsole.venues.mexc.pb.mexc_push_pb2 import PushDataV3ApiWrapper
from tests.integration.fake_ws import json_requests

API_KEY = "mx0vglTESTKEY"
API_SECRET = "45d0b3c26f2644f19bfb98b07741b2f5"
SYMBOL = "BTCUSDT"
POST_ONLY_REJECT = 30041
INTERVAL = "100ms"


@dataclass
class FakeOrder:
    order_id: str
    client_id: str
    side: str
    type: str
    price: Decimal
    qty: Decimal
    filled: Decimal = Decimal(0)
    status: str = "NEW"
    time: int = 0

    def rest_view(self) -> dict[str, Any]:
        return {
            "symbol": SYMBOL,
            "orderId": self.order_id,
            "orderListId": -1,
            "clientOrderId": self.client_id,
            "price": str(self.price),
            "origQty": str(self.qty),
            "executedQty": str(self.filled),
            "cummulativeQuoteQty": str(self.filled * self.price),
            "status": self.status,
            "timeInForce": "GTC",
            "type": self.type,
            "side": self.side,
            "time": self.time,
            "updateTime": self.time,
            "isWorking": self.status in ("NEW", "PARTIALLY_FILLED"),
        }


class ApiError(Exception):
    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


@dataclass
class FakeMexc:
    listen_key_ttl_s: float = 3600.0
    request_budget: int = 500
    """Requests per `budget_window_s` per endpoint before 429."""
    budget_window_s: float = 10.0
    retry_after_s: int = 1
    maker_fee: str = "0"
    taker_fee: str = "0.0005"
    balances: dict[str, list[Decimal]] = field(
        default_factory=lambda: {"BTC": [Decimal("1"), Decimal(0)], "USDT": [Decimal("100000"), Decimal(0)]}
    )
    # --- state the tests read ---
    version: int = 1000
    bids: dict[Decimal, Decimal] = field(default_factory=dict)
    asks: dict[Decimal, Decimal] = field(default_factory=dict)
    orders: dict[str, FakeOrder] = field(default_factory=dict)
    trades: list[dict[str, Any]] = field(default_factory=list)
    listen_keys: dict[str, float] = field(default_factory=dict)
    keys_created: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)
    signature_failures: int = 0
    rate_limited: int = 0
    banned: bool = False
    # --- faults (as in fake_bybit.Faults) ---
    http_5xx: dict[str, int] = field(default_factory=dict)
    """"METHOD /api/v3/name" -> how many more requests get an HTTP 502 page."""
    http_5xx_after: bool = False
    """The 502 comes after the request was carried out (a gateway lost the answer)."""
    stall: bool = False
    """Public pushes stop while the socket stays open (a stalled feed)."""

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._budget: dict[str, list[float]] = {}
        self._limited_until = 0.0
        self._public: set[web.WebSocketResponse] = set()
        self._private: dict[web.WebSocketResponse, str] = {}
        self._subs: dict[web.WebSocketResponse, set[str]] = {}
        self._runner: web.AppRunner | None = None
        self._expiry_task: asyncio.Task[None] | None = None
        self.port = 0

    # --- server lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/ws", self._ws)
        app.router.add_route("*", "/api/v3/{name}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)  # its lines would carry signatures
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._expiry_task = asyncio.create_task(self._expire_keys())

    async def stop(self) -> None:
        if self._expiry_task is not None:
            self._expiry_task.cancel()
        await self.drop_connections()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    async def drop_connections(self, public: bool = True, private: bool = True) -> None:
        """Close WebSockets as a venue restart would."""
        victims = [*(self._public if public else ()), *(self._private if private else ())]
        for ws in victims:
            await ws.close()

    def open_orders(self) -> list[FakeOrder]:
        return [o for o in self.orders.values() if o.status in ("NEW", "PARTIALLY_FILLED")]

    # --- market ---------------------------------------------------------------------------

    def set_book(self, bids: dict[str, str], asks: dict[str, str]) -> None:
        """Replace the book silently (a new version, nothing pushed): the REST snapshot state."""
        self.bids = {Decimal(p): Decimal(q) for p, q in bids.items()}
        self.asks = {Decimal(p): Decimal(q) for p, q in asks.items()}
        self.version += 1

    async def update(self, bids: dict[str, str] | None = None, asks: dict[str, str] | None = None, skip: int = 0) -> None:
        """Change levels (quantity "0" deletes) and push it as one depth message; `skip`
        versions are consumed without a push (a gap the client must notice)."""
        self.version += skip
        from_version = self.version + 1
        self.version += 1
        for book, changes in ((self.bids, bids or {}), (self.asks, asks or {})):
            for p, q in changes.items():
                if Decimal(q):
                    book[Decimal(p)] = Decimal(q)
                else:
                    book.pop(Decimal(p), None)
        push = self._wrapper(f"spot@public.aggre.depth.v3.api.pb@{INTERVAL}@{SYMBOL}")
        depth = push.publicAggreDepths
        for items, changes in ((depth.bids, bids or {}), (depth.asks, asks or {})):
            for p, q in changes.items():
                items.add(price=p, quantity=q)
        depth.eventType = f"spot@public.aggre.depth.v3.api.pb@{INTERVAL}"
        depth.fromVersion = str(from_version)
        depth.toVersion = str(self.version)
        await self._publish(push)
        await self.publish_book_ticker()

    async def publish_book_ticker(self, bid: str | None = None, ask: str | None = None) -> None:
        push = self._wrapper(f"spot@public.aggre.bookTicker.v3.api.pb@{INTERVAL}@{SYMBOL}")
        t = push.publicAggreBookTicker
        best_bid = max(self.bids) if self.bids else Decimal(0)
        best_ask = min(self.asks) if self.asks else Decimal(0)
        t.bidPrice = bid or str(best_bid)
        t.bidQuantity = str(self.bids.get(best_bid, 0))
        t.askPrice = ask or str(best_ask)
        t.askQuantity = str(self.asks.get(best_ask, 0))
        t.version = str(self.version)
        await self._publish(push)

    async def trade(self, taker_side: str, price: str, qty: str) -> None:
        """A public taker trade: pushed as a deal, and it fills our resting orders it crosses
        (a BUY at `price` lifts asks at or below it, a SELL hits bids at or above it)."""
        px, left = Decimal(price), Decimal(qty)
        push = self._wrapper(f"spot@public.aggre.deals.v3.api.pb@{INTERVAL}@{SYMBOL}")
        push.publicAggreDeals.deals.add(
            price=price, quantity=qty, tradeType=1 if taker_side == "BUY" else 2, time=_ms(), tradeId=f"t{next(self._ids)}"
        )
        push.publicAggreDeals.eventType = f"spot@public.aggre.deals.v3.api.pb@{INTERVAL}"
        await self._publish(push)
        maker_side = "SELL" if taker_side == "BUY" else "BUY"
        crossed = [
            o
            for o in self.open_orders()
            if o.side == maker_side and (o.price <= px if maker_side == "SELL" else o.price >= px)
        ]
        crossed.sort(key=lambda o: (o.price if maker_side == "SELL" else -o.price, o.time))
        for order in crossed:
            if left <= 0:
                break
            take = min(left, order.qty - order.filled)
            left -= take
            await self._fill(order, take)

    async def _fill(self, order: FakeOrder, qty: Decimal) -> None:
        order.filled += qty
        order.status = "FILLED" if order.filled == order.qty else "PARTIALLY_FILLED"
        notional = qty * order.price
        fee = notional * Decimal(self.maker_fee)
        base, quote = self.balances["BTC"], self.balances["USDT"]
        if order.side == "BUY":
            quote[1] -= notional
            base[0] += qty
            quote[0] -= fee
        else:
            base[1] -= qty
            quote[0] += notional - fee
        trade_id = f"{next(self._ids)}X1"
        self.trades.append(
            {
                "symbol": SYMBOL, "id": trade_id, "orderId": order.order_id, "orderListId": -1,
                "price": str(order.price), "qty": str(qty), "quoteQty": str(notional),
                "commission": str(fee), "commissionAsset": "USDT", "time": _ms(),
                "isBuyer": order.side == "BUY", "isMaker": True, "isBestMatch": True,
                "isSelfTrade": False, "clientOrderId": order.client_id,
            }
        )
        deal = self._wrapper("spot@private.deals.v3.api.pb")
        d = deal.privateDeals
        d.price, d.quantity, d.amount = str(order.price), str(qty), str(notional)
        d.tradeType = 1 if order.side == "BUY" else 2
        d.isMaker = True
        d.tradeId, d.clientOrderId, d.orderId = trade_id, order.client_id, order.order_id
        d.feeAmount, d.feeCurrency, d.time = str(fee), "USDT", _ms()
        await self._publish_private(deal)
        await self._push_order(order)
        await self._push_balances()

    # --- WebSocket ------------------------------------------------------------------------

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        key = request.query.get("listenKey")
        if key is not None and not self._key_alive(key):
            raise web.HTTPForbidden(text="invalid listenKey")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        subscribed: set[str] = set()
        if key is None:
            self._public.add(ws)
        else:
            self._private[ws] = key
        self._subs[ws] = subscribed
        try:
            async for frame in json_requests(ws):
                if frame.get("method") == "PING":
                    await ws.send_str(json.dumps({"id": 0, "code": 0, "msg": "PONG"}))
                elif frame.get("method") == "SUBSCRIPTION":
                    for channel in frame.get("params", []):
                        subscribed.add(channel)
                        await ws.send_str(json.dumps({"id": 0, "code": 0, "msg": channel}))
        finally:
            self._public.discard(ws)
            self._private.pop(ws, None)
            self._subs.pop(ws, None)
        return ws

    def _wrapper(self, channel: str) -> PushDataV3ApiWrapper:
        push = PushDataV3ApiWrapper(channel=channel, sendTime=_ms(), createTime=_ms())
        if not channel.startswith("spot@private.account"):
            push.symbol = SYMBOL
        return push

    async def publish_bytes(self, frame: bytes) -> None:
        """Send raw bytes to every public subscriber (a corrupted frame)."""
        for ws in list(self._public):
            await ws.send_bytes(frame)

    async def _publish(self, push: PushDataV3ApiWrapper) -> None:
        if self.stall:
            return
        frame = push.SerializeToString()
        for ws in list(self._public):
            if push.channel in self._subs.get(ws, ()):
                await ws.send_bytes(frame)

    async def _publish_private(self, push: PushDataV3ApiWrapper) -> None:
        frame = push.SerializeToString()
        for ws in list(self._private):
            if push.channel in self._subs.get(ws, ()):
                await ws.send_bytes(frame)

    async def _push_order(self, order: FakeOrder) -> None:
        push = self._wrapper("spot@private.orders.v3.api.pb")
        o = push.privateOrders
        o.id, o.clientId, o.price, o.quantity = order.order_id, order.client_id, str(order.price), str(order.qty)
        o.orderType = 2 if order.type == "LIMIT_MAKER" else 1
        o.tradeType = 1 if order.side == "BUY" else 2
        o.remainQuantity = str(order.qty - order.filled)
        o.cumulativeQuantity = str(order.filled)
        o.status = {"NEW": 1, "FILLED": 2, "PARTIALLY_FILLED": 3, "CANCELED": 4, "PARTIALLY_CANCELED": 5}[order.status]
        o.createTime = order.time
        await self._publish_private(push)

    async def _push_balances(self) -> None:
        for asset, (free, locked) in self.balances.items():
            push = self._wrapper("spot@private.account.v3.api.pb")
            a = push.privateAccount
            a.vcoinName, a.balanceAmount, a.frozenAmount, a.type, a.time = asset, str(free), str(locked), "ENTRUST", _ms()
            await self._publish_private(push)

    # --- listenKeys -----------------------------------------------------------------------

    def _key_alive(self, key: str) -> bool:
        return self.listen_keys.get(key, 0.0) > time.monotonic()

    async def _expire_keys(self) -> None:
        """An expired listenKey is forgotten and its connections are closed."""
        while True:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            for key in [k for k, until in self.listen_keys.items() if until <= now]:
                del self.listen_keys[key]
                for ws in [w for w, k in self._private.items() if k == key]:
                    await ws.close(message=b"listenKey expired")

    # --- REST -----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = request.path
        self.requests.append((request.method, path))
        now = time.monotonic()
        if now < self._limited_until:
            self.banned = True
            return web.json_response({"code": 418, "msg": "IP banned"}, status=418, headers={"Retry-After": "120"})
        window = [t for t in self._budget.get(path, []) if t > now - self.budget_window_s]
        window.append(now)
        self._budget[path] = window
        if len(window) > self.request_budget:
            self.rate_limited += 1
            self._limited_until = now + self.retry_after_s
            return web.json_response(
                {"code": 429, "msg": "Too Many Requests"}, status=429, headers={"Retry-After": str(self.retry_after_s)}
            )
        key = f"{request.method} {path}"
        failed_5xx = self.http_5xx.get(key, 0) > 0
        if failed_5xx:
            self.http_5xx[key] -= 1
            if not self.http_5xx_after:
                return web.Response(status=502, text="<html>502 Bad Gateway</html>")
        try:
            body = await self._route(request)
        except ApiError as exc:
            return web.json_response({"code": exc.code, "msg": exc.msg}, status=exc.status)
        if failed_5xx:
            return web.Response(status=502, text="<html>502 Bad Gateway</html>")
        return web.json_response(body)

    async def _route(self, request: web.Request) -> Any:
        name, method = request.match_info["name"], request.method
        if (method, name) == ("GET", "time"):
            return {"serverTime": _ms()}
        if (method, name) == ("GET", "exchangeInfo"):
            return {"timezone": "CST", "serverTime": _ms(), "symbols": [_SYMBOL_INFO]}
        if (method, name) == ("GET", "depth"):
            limit = int(request.query.get("limit", "100"))
            return {
                "lastUpdateId": self.version,
                "bids": [[str(p), str(q)] for p, q in sorted(self.bids.items(), reverse=True)[:limit]],
                "asks": [[str(p), str(q)] for p, q in sorted(self.asks.items())[:limit]],
            }
        params = await self._verify(request)
        handler = {
            ("POST", "order"): self._new_order,
            ("DELETE", "order"): self._cancel_order,
            ("GET", "order"): self._query_order,
            ("GET", "openOrders"): lambda p: [o.rest_view() for o in self.open_orders()],
            ("DELETE", "openOrders"): self._cancel_all,
            ("GET", "account"): lambda p: {
                "canTrade": True, "accountType": "SPOT", "permissions": ["SPOT"],
                "balances": [{"asset": a, "free": str(f), "locked": str(lk)} for a, (f, lk) in self.balances.items()],
            },
            ("GET", "tradeFee"): lambda p: {
                "data": {"makerCommission": self.maker_fee, "takerCommission": self.taker_fee}, "code": 0, "msg": "success",
            },
            ("GET", "myTrades"): lambda p: [t for t in self.trades if t["time"] >= int(p.get("startTime", 0))][: int(p.get("limit", 100))],
            ("POST", "userDataStream"): self._new_key,
            ("PUT", "userDataStream"): self._extend_key,
            ("DELETE", "userDataStream"): self._close_key,
        }.get((method, name))
        if handler is None:
            raise ApiError(404, 404, f"no {method} /api/v3/{name}")
        result = handler(params)
        return await result if asyncio.iscoroutine(result) else result

    async def _verify(self, request: web.Request) -> dict[str, str]:
        if request.headers.get("X-MEXC-APIKEY") != API_KEY:
            raise ApiError(400, 10072, "invalid access key")
        query = request.rel_url.raw_query_string
        body = await request.text()
        head, sep, signature = query.rpartition("&signature=")
        if not sep:
            raise ApiError(400, 700002, "Signature for this request is not valid.")
        expected = hmac.new(API_SECRET.encode(), (head + body).encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            self.signature_failures += 1
            raise ApiError(400, 700002, "Signature for this request is not valid.")
        params = dict(parse_qsl(head + ("&" + body if body else ""), keep_blank_values=True))
        server, ts = _ms(), int(params.get("timestamp", 0))
        window = int(params.get("recvWindow", 5000))
        if window > 60000:
            raise ApiError(400, 700005, "recvWindow must less than 60000")
        if not (ts < server + 1000 and server - ts <= window):
            raise ApiError(400, 700003, "Timestamp for this request is outside of the recvWindow.")
        return params

    async def _new_order(self, p: dict[str, str]) -> dict[str, Any]:
        side, kind = p["side"], p["type"]
        price, qty = Decimal(p.get("price", "0")), Decimal(p["quantity"])
        if kind not in ("LIMIT", "LIMIT_MAKER"):
            raise ApiError(400, 30041, "current order type can not place order")
        client_id = p.get("newClientOrderId", "")
        if client_id and any(o.client_id == client_id for o in self.orders.values()):
            raise ApiError(400, 33333, "duplicate newClientOrderId")
        crosses = (side == "BUY" and self.asks and price >= min(self.asks)) or (
            side == "SELL" and self.bids and price <= max(self.bids)
        )
        if kind == "LIMIT_MAKER" and crosses:
            raise ApiError(400, POST_ONLY_REJECT, "Order would immediately match and take")
        base, quote = self.balances["BTC"], self.balances["USDT"]
        need, wallet = (qty * price, quote) if side == "BUY" else (qty, base)
        if wallet[0] < need:
            raise ApiError(400, 10101, "Insufficient balance")
        wallet[0] -= need
        wallet[1] += need
        order = FakeOrder(f"C02__{next(self._ids)}", client_id, side, kind, price, qty, time=_ms())
        self.orders[order.order_id] = order
        await self._push_order(order)
        await self._push_balances()
        return {
            "symbol": SYMBOL, "orderId": order.order_id, "orderListId": -1, "price": str(price),
            "origQty": str(qty), "type": kind, "side": side, "transactTime": order.time,
        }

    def _find(self, p: dict[str, str]) -> FakeOrder:
        for order in self.orders.values():
            if order.order_id == p.get("orderId") or (p.get("origClientOrderId") and order.client_id == p.get("origClientOrderId")):
                return order
        raise ApiError(400, -2011, "Unknown order sent.")

    async def _query_order(self, p: dict[str, str]) -> dict[str, Any]:
        return self._find(p).rest_view()

    async def _cancel_order(self, p: dict[str, str]) -> dict[str, Any]:
        order = self._find(p)
        if order.status not in ("NEW", "PARTIALLY_FILLED"):
            raise ApiError(400, -2011, "Unknown order sent.")
        await self._end(order)
        return order.rest_view()

    async def _cancel_all(self, p: dict[str, str]) -> list[dict[str, Any]]:
        victims = self.open_orders()
        if not victims:
            raise ApiError(400, -2011, "Unknown order sent.")
        for order in victims:
            await self._end(order)
        return [o.rest_view() for o in victims]

    async def _end(self, order: FakeOrder) -> None:
        order.status = "PARTIALLY_CANCELED" if order.filled else "CANCELED"
        left = order.qty - order.filled
        base, quote = self.balances["BTC"], self.balances["USDT"]
        wallet, amount = (quote, left * order.price) if order.side == "BUY" else (base, left)
        wallet[1] -= amount
        wallet[0] += amount
        await self._push_order(order)
        await self._push_balances()

    def _new_key(self, p: dict[str, str]) -> dict[str, str]:
        key = hashlib.sha256(f"key{next(self._ids)}".encode()).hexdigest()
        self.listen_keys[key] = time.monotonic() + self.listen_key_ttl_s
        self.keys_created += 1
        return {"listenKey": key}

    def _extend_key(self, p: dict[str, str]) -> dict[str, str]:
        key = p.get("listenKey", "")
        if not self._key_alive(key):
            raise ApiError(400, 730002, "listenKey does not exist")
        self.listen_keys[key] = time.monotonic() + self.listen_key_ttl_s
        return {"listenKey": key}

    async def _close_key(self, p: dict[str, str]) -> dict[str, str]:
        key = p.get("listenKey", "")
        self.listen_keys.pop(key, None)
        for ws in [w for w, k in self._private.items() if k == key]:
            await ws.close()
        return {"listenKey": key}


_SYMBOL_INFO = {
    "symbol": SYMBOL, "status": "1", "baseAsset": "BTC", "baseAssetPrecision": 6, "quoteAsset": "USDT",
    "quotePrecision": 2, "quoteAssetPrecision": 2, "orderTypes": ["LIMIT", "LIMIT_MAKER"],
    "isSpotTradingAllowed": True, "quoteAmountPrecision": "1", "baseSizePrecision": "0",
    "permissions": ["SPOT"], "filters": [], "makerCommission": "0", "takerCommission": "0.0005",
}


def _ms() -> int:
    return time.time_ns() // 1_000_000
