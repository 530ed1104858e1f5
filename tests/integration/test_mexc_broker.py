"""MexcBroker against the fake MEXC server: signed requests, post-only rejects, fills from
private protobuf pushes (once each, also across a reconnect), listenKey expiry and renewal,
Retry-After respected, start policies, and a stop that leaves no open order."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from asconsole.clock import WallClock
from asconsole.domain import (
    AmendOrder,
    CancelAll,
    CancelOrder,
    Fill,
    OrderAck,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
)
from asconsole.venues.base import Broker
from asconsole.venues.credentials import Credentials
from asconsole.venues.mexc.config import MexcSettings, default_instrument
from asconsole.venues.mexc.execution import MexcBroker
from asconsole.venues.mexc.rest import MexcApiError
from tests.integration.fake_mexc import API_KEY, API_SECRET, POST_ONLY_REJECT, FakeMexc
from tests.kit.streams import Collector, until

BTC = default_instrument("BTCUSDT")
CREDS = Credentials(API_KEY, API_SECRET)


def run(
    test: Callable[[FakeMexc, MexcBroker], Awaitable[None]],
    fake: FakeMexc | None = None,
    before_start: Callable[[FakeMexc], Awaitable[None]] | None = None,
    creds: Credentials = CREDS,
    **settings: object,
) -> None:
    async def main() -> None:
        venue = fake or FakeMexc()
        await venue.start()
        venue.set_book({"100.00": "1"}, {"100.10": "1"})
        if before_start is not None:
            await before_start(venue)
        # built directly: tests use sub-second timings the config bounds refuse
        cfg = dataclasses.replace(MexcSettings(rest_url=venue.rest_url, ws_url=venue.ws_url), **settings)
        broker = MexcBroker(cfg, BTC, WallClock(), creds)
        log: Collector | None = None
        try:
            await asyncio.wait_for(broker.start(), 5)
            log = Collector(broker.exec_events())
            await test(venue, broker, log)
        finally:
            await broker.stop()
            if log is not None:
                log.stop()
            await venue.stop()
        assert not venue.banned, "the broker reached a 418 ban"
        assert venue.signature_failures == 0

    asyncio.run(main())


def bid(client_id: str, price: int = 9990, qty: int = 1000) -> PlaceOrder:
    return PlaceOrder(client_id, Side.BUY, price, qty)


def test_broker_is_a_broker_and_reads_fees_and_balances() -> None:
    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        assert isinstance(broker, Broker) and broker.is_live
        assert (broker.maker_fee, broker.taker_fee) == (0.0, 0.0005)
        balances = broker.balances()
        assert (balances.base.free, balances.quote.free) == (Decimal(1), Decimal(100000))
        assert (await broker.position()).size == 1_000_000

    run(body)


def test_limit_maker_that_would_cross_is_rejected_and_never_rests() -> None:
    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        await broker.submit(bid("cross", price=10010))  # at the best ask
        await broker.submit(PlaceOrder("cross-sell", Side.SELL, 10000, 1000))  # at the best bid
        await log.wait(lambda e: len(log.of(OrderRejected)) == 2)
        assert {r.client_id for r in log.of(OrderRejected)} == {"cross", "cross-sell"}
        assert all("immediately match" in r.reason for r in log.of(OrderRejected))
        assert fake.open_orders() == [] and log.of(OrderAck) == []

    run(body)
    assert POST_ONLY_REJECT  # the fake's stand-in code for MEXC's undocumented one


def test_orders_carry_our_client_id_and_amend_is_refused() -> None:
    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        await broker.submit(bid("q-1"))
        await log.wait(lambda e: len(log.of(OrderAck)) == 1)
        (order,) = fake.open_orders()
        assert (order.client_id, order.type, order.price, order.qty) == (
            "q-1", "LIMIT_MAKER", Decimal("99.90"), Decimal("0.001"),
        )
        assert log.of(OrderAck)[0].venue_order_id == order.order_id
        assert [o.client_id for o in await broker.open_orders()] == ["q-1"]
        await broker.submit(AmendOrder("q-1", 9991, 1000))
        await broker.submit(CancelOrder("q-1"))
        await log.wait(lambda e: len(log.of(OrderCanceled)) == 1)
        assert log.of(OrderRejected)[0].request == "amend"
        assert fake.open_orders() == []
        await asyncio.sleep(0.1)  # the cancel push arrives too: still one OrderCanceled
        assert len(log.of(OrderCanceled)) == 1

    run(body)


def test_fills_from_private_pushes_arrive_once_each() -> None:
    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        await broker.submit(bid("q-2", qty=3000))
        await log.wait(lambda e: len(log.of(OrderAck)) == 1)
        await fake.trade("SELL", "99.90", "0.001")
        await fake.trade("SELL", "99.80", "0.005")
        fills = await log.wait(lambda e: len(log.of(Fill)) == 2) and log.of(Fill)
        assert [(f.client_id, f.side, f.price, f.qty, f.leaves_qty, f.is_maker) for f in fills] == [
            ("q-2", Side.BUY, 9990, 1000, 2000, True),
            ("q-2", Side.BUY, 9990, 2000, 0, True),
        ]
        assert len({f.fill_id for f in fills}) == 2
        # a reconnect reads the trade history again: nothing is applied twice
        await fake.drop_connections(public=False)
        await until(lambda: broker.reconciliations == 1)
        await asyncio.sleep(0.1)
        assert len(log.of(Fill)) == 2
        assert (await broker.position()).size == 1_003_000

    run(body)


def test_fill_while_the_user_stream_is_down_is_recovered_on_reconnect() -> None:
    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        await broker.submit(bid("q-3"))
        await broker.submit(bid("q-4", price=9980))
        await log.wait(lambda e: len(log.of(OrderAck)) == 2)
        assert broker.user_stream_connected
        await fake.drop_connections(public=False)
        await fake.trade("SELL", "99.90", "0.001")  # fills q-3 while nobody listens
        await fake._cancel_order({"origClientOrderId": "q-4"})  # ended from the web UI
        await log.wait(lambda e: len(log.of(Fill)) == 1 and len(log.of(OrderCanceled)) == 1)
        (fill,) = log.of(Fill)
        assert (fill.client_id, fill.qty, fill.leaves_qty) == ("q-3", 1000, 0)
        assert log.of(OrderCanceled)[0].client_id == "q-4"
        assert broker.reconciliations == 1 and broker.user_stream_connected

    run(body)


def test_expired_listen_key_is_replaced_and_pushes_resume() -> None:
    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        assert fake.keys_created == 1
        await until(lambda: fake.keys_created >= 2 and len(fake._private) == 1)
        await broker.submit(bid("q-5"))
        await log.wait(lambda e: len(log.of(OrderAck)) == 1)
        await fake.trade("SELL", "99.90", "0.001")
        await log.wait(lambda e: len(log.of(Fill)) == 1)

    # keep-alive far slower than the key's life: the key expires and the fake drops the socket
    run(body, FakeMexc(listen_key_ttl_s=0.3), listen_key_keepalive_s=60.0)


def test_keep_alive_extends_the_listen_key() -> None:
    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        await asyncio.sleep(1.0)  # more than three key lifetimes
        assert fake.keys_created == 1
        assert sum(1 for r in fake.requests if r == ("PUT", "/api/v3/userDataStream")) >= 5
        assert len(fake._private) == 1 and broker.reconciliations == 0

    run(body, FakeMexc(listen_key_ttl_s=0.3), listen_key_keepalive_s=0.1)


def test_retry_after_is_respected_so_no_ban() -> None:
    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        for i in range(6):
            await broker.submit(bid(f"r-{i}", price=9900 + i))
        rejected = await log.wait(lambda e: len(log.of(OrderRejected)) == 2) and log.of(OrderRejected)
        assert all("rate limit" in r.reason for r in rejected)
        assert fake.rate_limited == 1  # one 429; the sixth order never left the broker
        assert len(fake.open_orders()) == 4
        # stop (in run) waits out the pause, then cancels: no ban, nothing left open

    fake = FakeMexc(request_budget=4, retry_after_s=1)
    run(body, fake, stop_timeout_s=5.0)
    assert fake.open_orders() == []


def test_stop_cancels_every_open_order_ours_or_not() -> None:
    fake = FakeMexc()

    async def body(venue: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        await broker.submit(bid("s-1"))
        await broker.submit(PlaceOrder("s-2", Side.SELL, 10050, 2000))
        await log.wait(lambda e: len(log.of(OrderAck)) == 2)
        assert len(venue.open_orders()) == 3  # plus the one placed before start

    async def foreign_order(venue: FakeMexc) -> None:
        await venue._new_order({"side": "BUY", "type": "LIMIT", "price": "90", "quantity": "0.01"})

    run(body, fake, before_start=foreign_order, start_orders="adopt")
    assert fake.open_orders() == []
    assert fake.listen_keys == {}  # the stream's key was closed too


def test_start_policy_cancel_clears_the_book_and_adopt_keeps_it() -> None:
    async def foreign_order(venue: FakeMexc) -> None:
        await venue._new_order(
            {"side": "SELL", "type": "LIMIT_MAKER", "price": "101", "quantity": "0.01", "newClientOrderId": "old-1"}
        )

    async def cancelled(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        assert fake.open_orders() == [] and broker.orders_at_start == []

    async def adopted(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        (order,) = broker.orders_at_start
        assert (order.client_id, order.side, order.price, order.qty) == ("old-1", Side.SELL, 10100, 10_000)
        await broker.submit(CancelAll("operator"))
        await log.wait(lambda e: [c.client_id for c in log.of(OrderCanceled)] == ["old-1"])

    run(cancelled, before_start=foreign_order, start_orders="cancel")
    run(adopted, before_start=foreign_order, start_orders="adopt")


def test_a_wrong_secret_is_refused_by_signature_check() -> None:
    async def main() -> None:
        fake = FakeMexc()
        await fake.start()
        broker = MexcBroker(
            MexcSettings(rest_url=fake.rest_url, ws_url=fake.ws_url), BTC, WallClock(), Credentials(API_KEY, "wrong")
        )
        try:
            with pytest.raises(MexcApiError) as info:
                await broker.start()
            assert info.value.code == 700002
        finally:
            await broker.stop()
            await fake.stop()

    asyncio.run(main())


def test_a_drifting_clock_is_resynced_and_the_request_goes_through() -> None:
    class DriftingClock(WallClock):
        """Starts right, then jumps 10 s behind the server (beyond recvWindow)."""

        drift_ns = 0

        def now(self) -> int:
            return super().now() - self.drift_ns

    async def main() -> None:
        fake = FakeMexc()
        await fake.start()
        fake.set_book({"100.00": "1"}, {"100.10": "1"})
        clock = DriftingClock()
        broker = MexcBroker(MexcSettings(rest_url=fake.rest_url, ws_url=fake.ws_url), BTC, clock, CREDS)
        try:
            await broker.start()
            log = Collector(broker.exec_events())
            clock.drift_ns = 10_000_000_000
            await broker.submit(bid("d-1"))
            await log.wait(lambda e: len(log.of(OrderAck)) == 1)
            assert fake.requests.count(("GET", "/api/v3/time")) == 2
            log.stop()
        finally:
            await broker.stop()
            await fake.stop()
        assert fake.open_orders() == []

    asyncio.run(main())


@pytest.mark.parametrize("made", [True, False])
def test_place_answered_by_a_gateway_502_is_resolved_not_guessed(made: bool) -> None:
    """A 502 leaves the outcome unknown: the broker asks MEXC. Made -> acked and tracked (so
    the stop cancels it); not made -> rejected. Never an order working that nobody knows of."""

    async def body(fake: FakeMexc, broker: MexcBroker, log: Collector) -> None:
        fake.http_5xx["POST /api/v3/order"] = 1
        fake.http_5xx_after = made
        await broker.submit(bid("gw-1"))
        kind = OrderAck if made else OrderRejected
        await log.wait(lambda items: any(isinstance(i, kind) for i in items))
        assert len(fake.open_orders()) == (1 if made else 0)
        assert not log.of(OrderRejected if made else OrderAck)

    run(body)
