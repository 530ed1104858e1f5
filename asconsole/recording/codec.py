"""Events <-> JSON objects for the session log (format version 2, see sessions/README.md).

Every line is one JSON object with `k` (kind) and `t` (ns since the epoch). Field names are
short because a day of BTCUSDT is millions of lines; the table below is the whole schema.
Version 2 added our order actions (`place`, `amend`, `cancel`, `cancel_all`) and gzip
segments; a version 1 log is a version 2 log without them, so both are read. `balance` (a
spot venue's balances) was added to version 2 later: a log without it reads the same.

A live run also records when its engine took each input, where that differs from the input's
own time (`lag`, ns after `t`), every timer tick (`timer`) and every paper/live switch
(`mode`), so a replay gives its engine the same times and inputs. These are additions a
reader that does not know them can skip: the version stays 2.
"""

from __future__ import annotations

from typing import Any

from asconsole.domain import (
    AmendOrder,
    Balances,
    BookDelta,
    BookSnapshot,
    CancelAll,
    CancelOrder,
    Command,
    CommandKind,
    FeedStatus,
    Fill,
    MarkPrice,
    OrderAck,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
    Trade,
)

FORMAT_VERSION = 2
READABLE_VERSIONS = frozenset({1, 2})

# kind -> (class, ((json key, attribute), ...)); `t` is always the `ts` attribute.
SCHEMA: dict[str, tuple[type, tuple[tuple[str, str], ...]]] = {
    "book": (BookSnapshot, (("b", "bids"), ("a", "asks"), ("s", "seq"))),
    "delta": (BookDelta, (("b", "bids"), ("a", "asks"), ("s", "seq"), ("ps", "prev_seq"))),
    "trade": (Trade, (("side", "side"), ("p", "price"), ("q", "qty"))),
    "mark": (MarkPrice, (("p", "price"), ("liq", "liq_price"))),
    "feed": (FeedStatus, (("up", "connected"), ("why", "reason"))),
    "ack": (OrderAck, (("id", "client_id"), ("vid", "venue_order_id"))),
    "amended": (OrderAmended, (("id", "client_id"), ("p", "price"), ("q", "qty"))),
    "reject": (OrderRejected, (("id", "client_id"), ("why", "reason"), ("req", "request"))),
    "canceled": (OrderCanceled, (("id", "client_id"), ("why", "reason"))),
    "fill": (
        Fill,
        (
            ("id", "client_id"),
            ("side", "side"),
            ("p", "price"),
            ("q", "qty"),
            ("fee", "fee"),
            ("mk", "is_maker"),
            ("fid", "fill_id"),
            ("lv", "leaves_qty"),
        ),
    ),
    "balance": (
        Balances,
        (("bf", "base_free"), ("bl", "base_locked"), ("qf", "quote_free"), ("ql", "quote_locked")),
    ),
    "cmd": (Command, (("cmd", "kind"), ("name", "name"), ("v", "value"), ("src", "source"))),
    # Our order actions carry no time of their own: `t` is when the engine emitted them.
    "place": (
        PlaceOrder,
        (
            ("id", "client_id"),
            ("side", "side"),
            ("p", "price"),
            ("q", "qty"),
            ("tif", "tif"),
            ("ro", "reduce_only"),
        ),
    ),
    "amend": (AmendOrder, (("id", "client_id"), ("p", "price"), ("q", "qty"))),
    "cancel": (CancelOrder, (("id", "client_id"),)),
    "cancel_all": (CancelAll, (("why", "reason"),)),
}
KIND_OF: dict[type, str] = {cls: kind for kind, (cls, _) in SCHEMA.items()}
TIMER = "timer"
"""A live run's timer tick: `t` is the engine's time for it."""
MODE = "mode"
"""A paper/live switch: `mode`, and the venue's position `pos` (lots) and `entry` (dollars)."""
MARKET_KINDS = frozenset({"book", "delta", "trade", "mark", "feed"})
MARKET_TEXT_FREE = frozenset({"book", "delta", "trade", "mark"})
"""Kinds with no free text, which the recorder need not scan for secrets."""
EXEC_KINDS = frozenset({"ack", "amended", "reject", "canceled", "fill", "balance"})
ACTION_KINDS = frozenset({"place", "amend", "cancel", "cancel_all"})


def _plain(v: Any) -> Any:
    if isinstance(v, Side | CommandKind | TimeInForce):
        return v.value
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v


def encode(ev: Any, ts: int | None = None, lag: int = 0) -> dict[str, Any]:
    """`ts` overrides the event's own time; order actions, which have none, need it. `lag`:
    how long after `ts` the engine took the event (omitted when 0)."""
    kind = KIND_OF[type(ev)]
    out: dict[str, Any] = {"k": kind, "t": ev.ts if ts is None else ts}
    if lag:
        out["lag"] = lag
    for key, attr in SCHEMA[kind][1]:
        out[key] = _plain(getattr(ev, attr))
    return out


def taken_at(obj: dict[str, Any]) -> int:
    """When the engine took this line: its `t`, plus `lag` where a live run recorded one."""
    return obj["t"] + obj.get("lag", 0)  # type: ignore[no-any-return]


def decode(obj: dict[str, Any]) -> Any:
    """The domain object for a market, execution, command or order-action line; KeyError for
    journal kinds (quote, verdict, flatten, note) and timer and mode lines."""
    kind = obj["k"]
    cls, fields = SCHEMA[kind]
    kw: dict[str, Any] = {} if kind in ACTION_KINDS else {"ts": obj["t"]}
    for key, attr in fields:
        if key not in obj:
            continue
        v = obj[key]
        if attr in ("bids", "asks"):
            v = tuple((p, q) for p, q in v)
        elif attr == "side":
            v = Side(v)
        elif attr == "kind":
            v = CommandKind(v)
        elif attr == "tif":
            v = TimeInForce(v)
        kw[attr] = v
    return cls(**kw)
