"""MEXC wire pieces without a network: signing, protobuf decoding, depth version rules,
credentials, and the ledger that makes acks, cancels and fills happen once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asconsole.config import Settings
from asconsole.domain import (
    Fill,
    Instrument,
    OrderAck,
    OrderCanceled,
    OrderRejected,
    Side,
    VenueKind,
)
from asconsole.venues.base import VenueError
from asconsole.venues.credentials import sign
from asconsole.venues.mexc import credentials
from asconsole.venues.mexc import messages as m
from asconsole.venues.mexc.data import DepthSync, Verdict
from asconsole.venues.mexc.ledger import Execution, OrderLedger
from asconsole.venues.mexc.pb.mexc_push_pb2 import PushDataV3ApiWrapper

BTC = Instrument("mexc", "BTCUSDT", "0.01", "0.000001", kind=VenueKind.SPOT)


def test_signature_matches_the_documented_vector() -> None:
    total = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=11&recvWindow=5000&timestamp=1644489390087"
    assert (
        sign("45d0b3c26f2644f19bfb98b07741b2f5", total)
        == "fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a"
    )


def test_depth_push_decodes_from_hand_built_wire_bytes() -> None:
    """Bytes assembled field by field from the published numbers (channel 1, sendTime 6,
    body 313 with bids 2, fromVersion 4, toVersion 5), not produced by the generated code."""

    def field(number: int, payload: bytes) -> bytes:  # length-delimited
        return _varint(number << 3 | 2) + _varint(len(payload)) + payload

    item = field(1, b"100.01") + field(2, b"0.5")
    body = field(2, item) + field(4, b"41") + field(5, b"42")
    frame = field(1, b"spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT") + _varint(6 << 3) + _varint(1700000000123)
    frame += field(313, body)
    push = m.decode_push(frame)
    assert push.WhichOneof("body") == "publicAggreDepths"
    depth = push.publicAggreDepths
    assert (depth.fromVersion, depth.toVersion) == ("41", "42")
    assert [(b.price, b.quantity) for b in depth.bids] == [("100.01", "0.5")]
    assert m.push_ts_ns(push, 0) == 1700000000123 * 1_000_000


def test_body_we_do_not_define_still_parses() -> None:
    frame = PushDataV3ApiWrapper(channel="spot@public.kline").SerializeToString()
    frame += _varint(308 << 3 | 2) + _varint(3) + b"\x0a\x01x"  # publicSpotKline, reserved here
    push = m.decode_push(frame)
    assert push.channel == "spot@public.kline"
    assert push.WhichOneof("body") is None


def test_depth_sync_drops_stale_accepts_straddle_and_detects_gaps() -> None:
    sync = DepthSync()
    sync.reset(100)
    assert sync.check(95, 99) is Verdict.STALE
    assert sync.check(99, 100) is Verdict.STALE
    assert sync.check(98, 103) is Verdict.APPLY  # straddles the snapshot
    assert sync.check(104, 104) is Verdict.APPLY
    assert sync.check(106, 107) is Verdict.GAP
    sync.reset(200)
    assert sync.check(202, 203) is Verdict.GAP  # missing 201 between snapshot and push


def test_credentials_from_env_and_from_a_private_key_file(tmp_path: Path) -> None:
    creds = credentials(Settings(), {"MEXC_API_KEY": "k", "MEXC_API_SECRET": "s"})
    assert (creds.api_key, creds.api_secret) == ("k", "s")
    assert "s" not in repr(creds).replace("Credentials", "")
    with pytest.raises(VenueError, match="MEXC_API_KEY"):
        credentials(Settings(), {})
    key_file = tmp_path / "mexc.toml"
    key_file.write_text('api_key = "fk"\napi_secret = "fs"\n')
    os.chmod(key_file, 0o640)
    keyed = Settings().replace("mexc", key_file=str(key_file))
    with pytest.raises(VenueError, match="chmod 600"):
        credentials(keyed, {})
    os.chmod(key_file, 0o600)
    creds = credentials(keyed, {"MEXC_API_KEY": "k", "MEXC_API_SECRET": "s"})
    assert (creds.api_key, creds.api_secret) == ("fk", "fs")


def _execution(trade_id: str, qty: str = "0.001", **kw: object) -> Execution:
    base = dict(
        ts=1, trade_id=trade_id, client_id="c1", venue_order_id="v1", side=Side.BUY,
        price="100.00", qty=qty, fee="0", fee_asset="USDT", is_maker=True,
    )
    return Execution(**(base | kw))  # type: ignore[arg-type]


def test_ledger_acks_cancels_and_fills_once() -> None:
    ledger = OrderLedger(BTC, maker_rate=0.0, taker_rate=0.0005)
    ledger.placing("c1", Side.BUY, 2000)
    assert ledger.acked(1, "c1", "v1") == [OrderAck(1, "c1", "v1")]
    assert ledger.acked(2, "c1", "v1") == []
    first = ledger.filled(_execution("t1"))
    assert first == [Fill(1, "c1", Side.BUY, 10000, 1000, 0.0, True, "t1", leaves_qty=1000)]
    assert ledger.filled(_execution("t1")) == []
    assert ledger.canceled(3, "c1", "canceled") == [OrderCanceled(3, "c1", "canceled")]
    assert ledger.canceled(4, "c1", "canceled") == []
    assert ledger.working() == []


def test_ledger_maps_venue_ids_and_values_fees_in_quote() -> None:
    ledger = OrderLedger(BTC, maker_rate=0.001, taker_rate=0.002)
    ledger.placing("c2", Side.SELL, 2000)
    # the deal push lands before the REST reply: the order is acked first, once
    events = ledger.filled(
        _execution("t9", client_id="c2", venue_order_id="v2", side=Side.SELL, fee="0.000001", fee_asset="BTC")
    )
    assert events[0] == OrderAck(1, "c2", "v2")
    assert isinstance(events[1], Fill) and events[1].fee == pytest.approx(0.0001)  # 1e-6 BTC at 100
    assert ledger.acked(2, "c2", "v2") == []
    # a report carrying only the venue order id maps back to our client id
    events = ledger.filled(_execution("t10", client_id="", venue_order_id="v2", side=None, fee="0.01", fee_asset="MX"))
    (fill,) = events
    assert isinstance(fill, Fill) and fill.client_id == "c2" and fill.side is Side.SELL
    assert fill.fee == pytest.approx(100.0 * 0.001 * 0.001)  # MX valued at the maker rate
    assert fill.leaves_qty == 0 and ledger.is_done("c2")
    # a trade of an order placed outside asconsole keeps the venue order id as its handle
    (foreign,) = ledger.filled(_execution("t11", client_id="", venue_order_id="v9"))
    assert isinstance(foreign, Fill) and foreign.client_id == "v9"


def test_ledger_rejects_place_once_and_never_after_ack() -> None:
    ledger = OrderLedger(BTC)
    ledger.placing("c3", Side.BUY, 1)
    assert ledger.rejected(1, "c3", "would cross") == [OrderRejected(1, "c3", "would cross", "place")]
    assert ledger.rejected(2, "c3", "would cross") == []
    ledger.placing("c4", Side.BUY, 1)
    ledger.acked(1, "c4", "v4")
    assert ledger.rejected(2, "c4", "late") == []


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def test_control_frames_accept_acks_and_pongs_and_refuse_blocked_channels() -> None:
    m.check_control('{"id":0,"code":0,"msg":"PONG"}')
    m.check_control('{"id":0,"code":0,"msg":"spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT"}')
    with pytest.raises(ValueError, match="refused"):
        m.check_control('{"id":0,"code":0,"msg":"Not Subscribed successfully! [spot@x]. Reason: Blocked!"}')
    with pytest.raises(ValueError, match="refused"):
        m.check_control('{"id":0,"code":1,"msg":"bad"}')
    with pytest.raises(ValueError):
        m.check_control("[1, 2]")
