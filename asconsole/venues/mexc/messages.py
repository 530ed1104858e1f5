"""MEXC spot v3 wire shapes: channel names, JSON control frames, protobuf push decoding and
the mapping of MEXC enums and REST objects to domain values. Pure functions only; the I/O
lives in rest.py, data.py and execution.py, the HMAC in venues/credentials.py."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import DecodeError

from asconsole.domain import Instrument, Side, TimeInForce, VenueOrder
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.mexc.pb.mexc_push_pb2 import PushDataV3ApiWrapper

INTERVAL = "100ms"
PRIVATE_ORDERS = "spot@private.orders.v3.api.pb"
PRIVATE_DEALS = "spot@private.deals.v3.api.pb"
PRIVATE_ACCOUNT = "spot@private.account.v3.api.pb"
PRIVATE_CHANNELS = (PRIVATE_ORDERS, PRIVATE_DEALS, PRIVATE_ACCOUNT)

PING_FRAME = json.dumps({"method": "PING"})
PING_INTERVAL_S = 20.0
"""MEXC drops a connection after 60 s without traffic; a PING every 20 s keeps it."""
MAX_FRAME = 4 * 2**20
"""The largest WebSocket message accepted: MEXC's pushes are small protobuf deltas, so
anything near this is garbage, not data."""


def depth_channel(symbol: str) -> str:
    return f"spot@public.aggre.depth.v3.api.pb@{INTERVAL}@{symbol}"


def deals_channel(symbol: str) -> str:
    return f"spot@public.aggre.deals.v3.api.pb@{INTERVAL}@{symbol}"


def book_ticker_channel(symbol: str) -> str:
    return f"spot@public.aggre.bookTicker.v3.api.pb@{INTERVAL}@{symbol}"


def public_channels(symbol: str) -> tuple[str, ...]:
    return depth_channel(symbol), deals_channel(symbol), book_ticker_channel(symbol)


def subscribe_frame(channels: tuple[str, ...]) -> str:
    return json.dumps({"method": "SUBSCRIPTION", "params": list(channels)})


def check_control(text: str) -> None:
    """A JSON control frame: `{"id":0,"code":0,"msg":"PONG"}` or the subscribed channel name.
    Raises ValueError for a refusal: a non-zero code, or code 0 with a "Not Subscribed" message
    (how MEXC answers a channel it blocks)."""
    reply = json.loads(text)
    if not isinstance(reply, dict):
        raise ValueError(f"unexpected MEXC control frame: {text[:200]}")
    msg = str(reply.get("msg", ""))
    if reply.get("code", 0) != 0 or msg.startswith("Not Subscribed"):
        raise ValueError(f"MEXC refused a subscription: {msg[:200]}")


UNREADABLE = (ValueError, KeyError, TypeError, ArithmeticError)
"""What reading a malformed venue message can raise (decimal.InvalidOperation is an
ArithmeticError): a connection loop treats it like a lost connection and starts afresh."""
SESSION_ENDED: tuple[type[BaseException], ...] = (*net.NETWORK_ERRORS, *UNREADABLE, VenueError)
"""What ends one connection of a MEXC connection loop: the network, a malformed message, or
the venue (a refused subscription, a closed socket); the loop reconnects after any of them."""


def decode_push(frame: bytes) -> PushDataV3ApiWrapper:
    """Raises ValueError (as every other malformed-frame case does) on bytes that are not a push."""
    push = PushDataV3ApiWrapper()
    try:
        push.ParseFromString(frame)
    except DecodeError as exc:
        raise ValueError(f"undecodable MEXC push ({len(frame)} bytes): {exc}") from None
    return push


def push_ts_ns(push: PushDataV3ApiWrapper, fallback_ns: int) -> int:
    """The venue's time of a push: sendTime, else createTime, else the local clock."""
    ms = push.sendTime if push.HasField("sendTime") else push.createTime
    return ms * 1_000_000 if ms else fallback_ns


# --- enums -----------------------------------------------------------------------------------

SIDE_PARAM = {Side.BUY: "BUY", Side.SELL: "SELL"}
SIDE_OF_PARAM = {"BUY": Side.BUY, "SELL": Side.SELL}
ORDER_TYPE = {
    TimeInForce.POST_ONLY: "LIMIT_MAKER",
    TimeInForce.GTC: "LIMIT",
    TimeInForce.IOC: "IMMEDIATE_OR_CANCEL",
    TimeInForce.MARKET: "MARKET",
}


def side_of_trade_type(trade_type: int) -> Side:
    """Protobuf `tradeType`: 1 buy, 2 sell."""
    if trade_type == 1:
        return Side.BUY
    if trade_type == 2:
        return Side.SELL
    raise ValueError(f"unknown MEXC tradeType {trade_type}")


class PushStatus:
    """`status` of a private order push."""

    NEW = 1
    FILLED = 2
    PARTIALLY_FILLED = 3
    CANCELED = 4
    PARTIALLY_CANCELED = 5


# --- REST errors -----------------------------------------------------------------------------

UNKNOWN_ORDER = -2011
TIMESTAMP_OUTSIDE_WINDOW = 700003


def venue_order(raw: dict[str, Any], instrument: Instrument) -> VenueOrder:
    """An order from GET /api/v3/openOrders. Orders placed elsewhere may lack a client id:
    the venue order id stands in for it so every adopted order has a handle."""
    venue_id = str(raw["orderId"])
    return VenueOrder(
        client_id=str(raw.get("clientOrderId") or venue_id),
        venue_order_id=venue_id,
        side=SIDE_OF_PARAM[raw["side"]],
        price=instrument.price_ticks(raw["price"]),
        qty=instrument.qty_lots(raw["origQty"]),
        filled=instrument.qty_lots(raw.get("executedQty") or "0"),
    )
