"""Bybit signing against the published vectors, key handling, and wire parsing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asconsole.config import ConfigError, Settings, from_mapping
from asconsole.domain import Instrument, Side, VenuePosition
from asconsole.venues.base import VenueError
from asconsole.venues.bybit import credentials
from asconsole.venues.bybit.auth import rest_headers, sign, ws_auth_args
from asconsole.venues.bybit.messages import (
    Reply,
    instrument_from_info,
    parse_book,
    parse_execution,
    parse_mark,
    parse_position,
)
from asconsole.venues.credentials import Credentials

KEY = "CFEJUGQEQPPHGOHGHM"
SECRET = "VDFZSSPUTKRJMXAVMJXBHEXIPZNZJIZUBVRQ"
INST = Instrument("bybit", "BTCUSDT", "0.10", "0.001")


@pytest.mark.parametrize(
    ("text", "digest"),
    [
        (
            "1658384314791CFEJUGQEQPPHGOHGHM5000category=option&symbol=BTC-29JUL22-25000-C",
            "0bfc5f1d29d38ee7f4d451a9f265f4c3b5a57119d175917df05068384d7955c7",
        ),
        (
            '1658385579423CFEJUGQEQPPHGOHGHM5000{"category": "option"}',
            "7da1f1187f9d354ada1258023a22d9aef67163261c0d42ad52bb27cc30a3fc0d",
        ),
        (
            "GET/realtime1662350400000",
            "06f9ae2e99920f9b2838bea70215b2b1f1e30ae7665078e97d0a8b76b47d1094",
        ),
    ],
)
def test_sign_matches_published_vectors(text: str, digest: str) -> None:
    assert sign(SECRET, text) == digest


def test_rest_headers_sign_timestamp_key_window_and_payload() -> None:
    creds = Credentials(KEY, SECRET)
    h = rest_headers(creds, 1658384314791, 5000, "category=option&symbol=BTC-29JUL22-25000-C")
    assert h["X-BAPI-SIGN"] == "0bfc5f1d29d38ee7f4d451a9f265f4c3b5a57119d175917df05068384d7955c7"
    assert (h["X-BAPI-TIMESTAMP"], h["X-BAPI-RECV-WINDOW"], h["X-BAPI-SIGN-TYPE"]) == (
        "1658384314791",
        "5000",
        "2",
    )
    assert ws_auth_args(creds, 1662350400000)[2] == (
        "06f9ae2e99920f9b2838bea70215b2b1f1e30ae7665078e97d0a8b76b47d1094"
    )


def test_credentials_never_show_the_secret() -> None:
    c = Credentials(KEY, SECRET)
    assert SECRET not in repr(c) and SECRET not in str(c) and SECRET not in f"{c}"


def test_key_file_must_be_private(tmp_path: Path) -> None:
    f = tmp_path / "bybit.toml"
    f.write_text(f'api_key = "{KEY}"\napi_secret = "{SECRET}"\n')
    os.chmod(f, 0o644)
    keyed = Settings().replace("bybit", key_file=str(f))
    with pytest.raises(VenueError, match="chmod 600"):
        credentials(keyed, env={})
    os.chmod(f, 0o600)
    assert credentials(keyed, env={}) == Credentials(KEY, SECRET)


def test_keys_from_env_or_a_clear_error() -> None:
    env = {"BYBIT_API_KEY": KEY, "BYBIT_API_SECRET": SECRET}
    assert credentials(Settings(), env=env) == Credentials(KEY, SECRET)
    with pytest.raises(VenueError, match="BYBIT_API_SECRET"):
        credentials(Settings(), env={"BYBIT_API_KEY": KEY})


def test_reply_explains_codes() -> None:
    r = Reply.parse({"retCode": 10004, "retMsg": "error sign!", "result": {}, "time": 1})
    assert not r.ok and "secret does not match" in r.explain() and "10004" in r.explain()
    assert "Bybit 42: odd" == Reply.parse({"retCode": 42, "retMsg": "odd"}).explain()


def test_instrument_from_info() -> None:
    info = {
        "symbol": "BTCUSDT",
        "baseCoin": "BTC",
        "quoteCoin": "USDT",
        "priceFilter": {"tickSize": "0.10"},
        "lotSizeFilter": {"qtyStep": "0.001", "minOrderQty": "0.002", "minNotionalValue": "5"},
    }
    inst = instrument_from_info(info)
    assert (inst.tick_size, inst.lot_size, inst.min_qty_lots, inst.min_notional) == (
        "0.10",
        "0.001",
        2,
        5.0,
    )


def test_book_u_one_is_a_snapshot_and_levels_are_ticks() -> None:
    msg = {
        "topic": "orderbook.50.BTCUSDT",
        "type": "delta",
        "ts": 5,
        "cts": 4,
        "data": {
            "s": "BTCUSDT",
            "b": [["100.10", "0.005"]],
            "a": [["100.20", "0"]],
            "u": 1,
            "seq": 9,
        },
    }
    book = parse_book(msg, INST)
    assert (
        book.snapshot
        and book.ts == 4_000_000
        and book.bids == ((1001, 5),)
        and book.asks == ((1002, 0),)
    )
    msg["data"]["u"] = 2
    assert not parse_book(msg, INST).snapshot


def test_mark_rounds_to_tick_and_missing_field_means_unchanged() -> None:
    assert parse_mark({"ts": 1, "data": {"markPrice": "100.06"}}, INST) == (1_000_000, 1001)
    assert parse_mark({"ts": 1, "data": {"fundingRate": "0.0001"}}, INST) is None


def test_position_is_signed_and_execution_parsed() -> None:
    assert parse_position(
        {"side": "Sell", "size": "0.003", "avgPrice": "100", "leverage": "10", "liqPrice": ""}, INST
    ) == VenuePosition(-3, 100.0, None, 10.0)
    assert parse_position({"side": "", "size": "0"}, INST).size == 0
    e = parse_execution(
        {
            "execId": "x",
            "orderId": "1",
            "orderLinkId": "",
            "side": "Sell",
            "execPrice": "100.1",
            "execQty": "0.002",
            "execFee": "-0.01",
            "isMaker": True,
            "execType": "Trade",
            "leavesQty": "0",
            "execTime": "7",
        },
        INST,
    )
    assert (e.client_id, e.side, e.price, e.qty, e.fee, e.ts) == (
        "1",
        Side.SELL,
        1001,
        2,
        -0.01,
        7_000_000,
    )


def test_bybit_settings_validated_with_the_key_named() -> None:
    with pytest.raises(ConfigError, match=r"\[bybit\] depth = 51"):
        from_mapping({"bybit": {"depth": 51}})
    with pytest.raises(ConfigError, match="endpoint = custom needs rest_url"):
        from_mapping({"bybit": {"endpoint": "custom"}})
    s = from_mapping({"bybit": {"endpoint": "testnet", "depth": 200}})
    assert s.bybit.urls()[0] == "https://api-testnet.bybit.com"
