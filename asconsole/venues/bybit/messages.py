"""Bybit v5 wire shapes: parse JSON messages into typed values on integer ticks and lots.

Decimal strings are converted exactly through the `Instrument` (a price that is off the tick
grid, such as a mark price, is rounded half-even to the nearest tick where said so). Key order
of the JSON is never relied on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN
from typing import Any

from asconsole.clock import NS_PER_MS
from asconsole.domain import Instrument, Level, Side, VenueKind, VenueOrder, VenuePosition

SIDES = {"Buy": Side.BUY, "Sell": Side.SELL}
SIDE_NAMES = {Side.BUY: "Buy", Side.SELL: "Sell"}
OPEN_STATUSES = frozenset({"New", "PartiallyFilled", "Untriggered"})
POST_ONLY_REJECT = "EC_PostOnlyWillTakeLiquidity"

# retCode -> what the operator should read and do.
RET_CODES: dict[int, str] = {
    10001: "request parameters rejected",
    10002: "request timestamp outside the receive window: check the machine clock",
    10003: (
        "API key invalid: check BYBIT_API_KEY or the key file, and the endpoint "
        "(mainnet, testnet and demo keys differ)"
    ),
    10004: "signature rejected: the API secret does not match the key",
    10005: "permission denied: the API key lacks the permission for this request",
    10006: "rate limited: too many requests, backing off",
    10010: (
        "request from an IP address not bound to this API key: "
        "add this machine's (or the proxy's) IP to the key"
    ),
    10016: "Bybit server error: retry later",
    10017: "request path not found: check the endpoint URL",
    110001: "order does not exist (already filled or cancelled)",
    110003: "order price out of the allowed range",
    110007: "available balance insufficient for this order",
    110008: "order already filled or cancelled",
    110017: "order quantity truncated to zero",
    110020: "too many active orders",
    110043: "leverage not modified (already set)",
    110072: "duplicate orderLinkId",
    110094: "order value below the minimum notional",
}
FATAL_CODES = frozenset({10003, 10004, 10005, 10010, 10017})
"""Codes after which the broker cannot work: raised as VenueError with the message above."""


def explain(code: int, msg: str) -> str:
    known = RET_CODES.get(code)
    return f"Bybit {code}: {known} ({msg})" if known else f"Bybit {code}: {msg}"


@dataclass(frozen=True, slots=True)
class Reply:
    """A REST response envelope."""

    code: int
    msg: str
    result: Any
    time_ms: int
    sent_ms: int = 0
    """Bybit's clock as we estimated it when the request was signed (0: not sent): after
    sent_ms + recv_window Bybit refuses the request, however late it arrives."""

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Reply:
        return cls(
            int(body.get("retCode", -1)),
            str(body.get("retMsg", "")),
            body.get("result") or {},
            int(body.get("time", 0) or 0),
        )

    @property
    def ok(self) -> bool:
        return self.code == 0

    def explain(self) -> str:
        return explain(self.code, self.msg)


def instrument_from_info(info: dict[str, Any]) -> Instrument:
    """One entry of /v5/market/instruments-info (linear) as an Instrument."""
    price_filter = info["priceFilter"]
    lot_filter = info["lotSizeFilter"]
    lot = lot_filter["qtyStep"]
    inst = Instrument(
        venue="bybit",
        symbol=info["symbol"],
        tick_size=price_filter["tickSize"],
        lot_size=lot,
        kind=VenueKind.LINEAR_PERP,
        base=info.get("baseCoin", "BTC"),
        quote=info.get("quoteCoin", "USDT"),
        min_notional=float(lot_filter.get("minNotionalValue", 0) or 0),
    )
    min_lots = inst.qty_lots(lot_filter.get("minOrderQty", lot))
    return dataclasses.replace(inst, min_qty_lots=max(1, min_lots))


# --- public -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BookMessage:
    snapshot: bool
    ts: int
    u: int
    seq: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]


def _levels(rows: list[list[str]], inst: Instrument) -> tuple[Level, ...]:
    return tuple((inst.price_ticks(p), inst.qty_lots(q)) for p, q in rows)


def parse_book(msg: dict[str, Any], inst: Instrument) -> BookMessage:
    data = msg["data"]
    u = int(data["u"])
    return BookMessage(
        snapshot=msg.get("type") == "snapshot" or u == 1,
        ts=int(msg.get("cts") or msg["ts"]) * NS_PER_MS,
        u=u,
        seq=int(data.get("seq", 0)),
        bids=_levels(data.get("b", ()), inst),
        asks=_levels(data.get("a", ()), inst),
    )


@dataclass(frozen=True, slots=True)
class TradeMessage:
    ts: int
    side: Side
    price: int
    qty: int
    trade_id: str


def parse_trades(msg: dict[str, Any], inst: Instrument) -> list[TradeMessage]:
    return [
        TradeMessage(
            ts=int(t["T"]) * NS_PER_MS,
            side=SIDES[t["S"]],
            price=inst.price_ticks(t["p"]),
            qty=inst.qty_lots(t["v"]),
            trade_id=str(t.get("i", "")),
        )
        for t in msg["data"]
    ]


def parse_mark(msg: dict[str, Any], inst: Instrument) -> tuple[int, int] | None:
    """(ts, mark price in ticks) from a tickers message, or None when it does not carry one."""
    mark = msg["data"].get("markPrice")
    if not mark:
        return None
    return int(msg["ts"]) * NS_PER_MS, inst.price_ticks(mark, ROUND_HALF_EVEN)


# --- private ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderUpdate:
    order_id: str
    link_id: str
    side: Side
    price: int
    qty: int
    status: str
    filled: int
    leaves: int
    reject_reason: str
    cancel_type: str
    ts: int

    @property
    def client_id(self) -> str:
        """Our id: the orderLinkId, or the venue id for orders placed elsewhere."""
        return self.link_id or self.order_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def as_venue_order(self) -> VenueOrder:
        return VenueOrder(
            self.client_id, self.order_id, self.side, self.price, self.qty, self.filled
        )


def _lots(inst: Instrument, value: Any) -> int:
    return inst.qty_lots(value or "0")


def parse_order(row: dict[str, Any], inst: Instrument) -> OrderUpdate:
    return OrderUpdate(
        order_id=row["orderId"],
        link_id=row.get("orderLinkId", ""),
        side=SIDES[row["side"]],
        price=inst.price_ticks(row.get("price") or "0"),
        qty=_lots(inst, row.get("qty")),
        status=row["orderStatus"],
        filled=_lots(inst, row.get("cumExecQty")),
        leaves=_lots(inst, row.get("leavesQty")),
        reject_reason=row.get("rejectReason", "") or "",
        cancel_type=row.get("cancelType", "") or "",
        ts=int(row.get("updatedTime") or 0) * NS_PER_MS,
    )


@dataclass(frozen=True, slots=True)
class Execution:
    exec_id: str
    order_id: str
    link_id: str
    side: Side
    price: int
    qty: int
    fee: float
    is_maker: bool
    exec_type: str
    leaves: int
    ts: int

    @property
    def client_id(self) -> str:
        return self.link_id or self.order_id


def parse_execution(row: dict[str, Any], inst: Instrument) -> Execution:
    return Execution(
        exec_id=row["execId"],
        order_id=row.get("orderId", ""),
        link_id=row.get("orderLinkId", ""),
        side=SIDES.get(row.get("side", ""), Side.BUY),
        price=inst.price_ticks(row["execPrice"], ROUND_HALF_EVEN),
        qty=_lots(inst, row.get("execQty")),
        fee=float(row.get("execFee") or 0),
        is_maker=bool(row.get("isMaker", False)),
        exec_type=row.get("execType", "Trade"),
        leaves=_lots(inst, row.get("leavesQty")),
        ts=int(row.get("execTime") or 0) * NS_PER_MS,
    )


def parse_position(row: dict[str, Any], inst: Instrument) -> VenuePosition:
    size = _lots(inst, row.get("size"))
    sign = -1 if row.get("side") == "Sell" else 1
    entry = row.get("entryPrice") or row.get("avgPrice") or "0"
    liq = row.get("liqPrice") or ""
    lev = row.get("leverage") or ""
    return VenuePosition(
        size=sign * size if row.get("side") else 0,
        entry_price=float(entry),
        liq_price=float(liq) if liq else None,
        leverage=float(lev) if lev else None,
    )


@dataclass(frozen=True, slots=True)
class Wallet:
    equity: float
    available: float


def parse_wallet(row: dict[str, Any]) -> Wallet:
    return Wallet(
        equity=float(row.get("totalEquity") or 0),
        available=float(row.get("totalAvailableBalance") or 0),
    )
