"""BybitBroker against the fake server: signing, order life cycles, faults, start and stop."""

from __future__ import annotations

import asyncio
import logging

import pytest

from asconsole.domain import (
    AmendOrder,
    CancelAll,
    CancelOrder,
    Fill,
    OrderAck,
    OrderAmended,
    OrderCanceled,
    OrderRejected,
    PlaceOrder,
    Side,
    TimeInForce,
)
from asconsole.venues.base import VenueError
from asconsole.venues.bybit.execution import BybitBroker
from tests.integration.bybit_kit import broker
from tests.integration.fake_bybit import API_SECRET, FakeBybit
from tests.kit.streams import Collector, until


async def _started(fake: FakeBybit, **kw: object) -> tuple[BybitBroker, Collector]:
    if not fake.port:
        await fake.start()
        fake.set_book({1000: 5, 999: 3}, {1001: 4, 1002: 7})
    b = broker(fake, **kw)
    await b.start()
    return b, Collector(b.exec_events())


def test_signed_requests_accepted_and_start_sets_isolated_margin_leverage_and_dcp() -> None:
    async def main() -> None:
        fake = FakeBybit(time_offset_ms=30_000)  # Bybit's clock 30 s ahead: offset must be applied
        b, _ = await _started(fake)
        assert fake.sign_failures == 0
        assert fake.margin_mode == "ISOLATED_MARGIN" and fake.leverage == "10"
        assert fake.dcp_window == 10 and b.dcp_active
        assert abs(b.rest.offset_ms - 30_000) < 500
        assert b.permissions is not None and not b.permissions.can_withdraw
        assert b.fees is not None and (b.fees.maker, b.fees.taker) == (0.0002, 0.00055)
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_wrong_secret_is_reported_clearly_without_the_secret() -> None:
    async def main() -> None:
        fake = FakeBybit()
        await fake.start()
        wrong = "X" * len(API_SECRET)
        with pytest.raises(VenueError) as err:
            await broker(fake, secret=wrong).start()
        text = str(err.value)
        assert "10004" in text and "secret does not match" in text
        assert wrong not in text and API_SECRET not in text
        assert fake.sign_failures == 1
        await fake.stop()

    asyncio.run(main())


def test_withdrawal_permission_warns_loudly(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        fake = FakeBybit()
        fake.withdraw_allowed = True
        b, _ = await _started(fake)
        assert b.permissions is not None and b.permissions.can_withdraw
        await b.stop()
        await fake.stop()

    with caplog.at_level(logging.WARNING):
        asyncio.run(main())
    assert any("ALLOWS WITHDRAWALS" in r.getMessage() for r in caplog.records)


def test_place_amend_cancel_and_post_only_cross_reject() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake)
        await b.submit(PlaceOrder("bid-1", Side.BUY, 995, 3))
        await b.submit(PlaceOrder("cross-1", Side.BUY, 1001, 3))  # at the best ask: would take
        await ev.wait(lambda e: len(e) == 2)
        assert isinstance(ev.items[0], OrderAck) and ev.items[0].client_id == "bid-1"
        rej = ev.items[1]
        assert isinstance(rej, OrderRejected) and rej.client_id == "cross-1"
        assert "post-only" in rej.reason
        await b.submit(AmendOrder("bid-1", 996, 3))
        await ev.wait(lambda e: len(e) == 3)
        assert ev.items[2] == OrderAmended(ev.items[2].ts, "bid-1", 996, 3)
        assert fake.open_orders()[0].price == 996
        await b.submit(CancelOrder("bid-1"))
        await ev.wait(lambda e: len(e) == 4)
        assert isinstance(ev.items[3], OrderCanceled)
        assert fake.open_orders() == []
        await b.submit(CancelOrder("bid-1"))  # already gone: a clear reject, not an exception
        await ev.wait(lambda e: len(e) == 5)
        assert isinstance(ev.items[4], OrderRejected) and "no working order" in ev.items[4].reason
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_rate_limit_10006_backs_off_until_reset_then_succeeds() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake)
        await b.submit(PlaceOrder("a", Side.SELL, 1005, 1))
        await ev.wait(lambda e: len(e) == 1)
        fake.faults.rate_limit["/v5/order/cancel"] = 1
        fake.faults.rate_reset_ms = 300
        await b.submit(CancelOrder("a"))
        await ev.wait(lambda e: len(e) == 2)
        assert isinstance(ev.items[1], OrderCanceled)
        times = [t for m, p, t in fake.requests if p == "/v5/order/cancel"]
        assert len(times) == 2 and (times[1] - times[0]) / 1e9 >= 0.25
        assert b.rest.rate_limited == 1
        fake.faults.rate_limit["/v5/order/create"] = 1  # a new order is not retried late
        await b.submit(PlaceOrder("b", Side.SELL, 1005, 1))
        await ev.wait(lambda e: len(e) == 3)
        assert isinstance(ev.items[2], OrderRejected) and "rate limited" in ev.items[2].reason
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_partial_fill_then_cancel() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake)
        await b.submit(PlaceOrder("p", Side.BUY, 1000, 5))
        await ev.wait(lambda e: len(e) == 1)
        await fake.trade("Sell", 1000, 2)
        await ev.wait(lambda e: len(e) == 2)
        fill = ev.items[1]
        assert isinstance(fill, Fill) and (fill.qty, fill.leaves_qty, fill.price) == (2, 3, 1000)
        assert fill.is_maker and fill.fee > 0
        await b.submit(CancelOrder("p"))
        await ev.wait(lambda e: len(e) == 3)
        assert isinstance(ev.items[2], OrderCanceled) and ev.items[2].client_id == "p"
        assert (await b.position()).size == 2
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_duplicate_execution_and_duplicate_filled_counted_once() -> None:
    async def main() -> None:
        fake = FakeBybit()
        fake.faults.duplicate_executions = True
        fake.faults.duplicate_filled = True
        b, ev = await _started(fake)
        await b.submit(PlaceOrder("d", Side.SELL, 1003, 4))
        await ev.wait(lambda e: len(e) == 1)
        await fake.trade("Buy", 1003, 4)
        await until(lambda: b.tracker.duplicates == 1)
        await b.reconcile("test")  # the execution list repeats it once more
        assert b.tracker.duplicates == 2
        fills = ev.of(Fill)
        assert len(fills) == 1 and fills[0].qty == 4 and fills[0].leaves_qty == 0
        assert len(ev.items) == 2  # ack and one fill: the second Filled message changed nothing
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_fill_missed_while_private_socket_was_down_arrives_after_reconnect() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake)
        await b.submit(PlaceOrder("m", Side.BUY, 999, 2))
        await ev.wait(lambda e: len(e) == 1)
        await fake.drop_private()
        await until(lambda: fake.private_sockets == 0)
        await fake.trade("Sell", 999, 2)  # nobody is listening
        await ev.wait(lambda e: len(ev.of(Fill)) == 1, timeout=5)
        assert ev.of(Fill)[0].client_id == "m" and ev.of(Fill)[0].qty == 2
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def _restart_fake() -> FakeBybit:
    fake = FakeBybit()
    fake.position = 3
    fake.entry = 100.0
    fake.add_order("Buy", 990, 2, link_id="old-1")
    fake.add_order("Sell", 1010, 2)  # placed in the Bybit UI: no orderLinkId
    return fake


def test_restart_adopts_open_orders_and_position() -> None:
    async def main() -> None:
        fake = _restart_fake()
        b, ev = await _started(fake, start_orders="adopt", start_position="adopt")
        orders = sorted(await b.open_orders(), key=lambda o: o.price)
        assert [(o.client_id, o.side, o.price, o.qty) for o in orders] == [
            ("old-1", Side.BUY, 990, 2),
            (orders[1].venue_order_id, Side.SELL, 1010, 2),
        ]
        assert (await b.position()).size == 3
        # adopted orders can be managed, the UI-placed one by its venue id
        await b.submit(CancelOrder(orders[1].venue_order_id))
        await ev.wait(lambda e: len(e) == 1)
        assert isinstance(ev.items[0], OrderCanceled)
        await b.stop()
        assert fake.open_orders() == []
        await fake.stop()

    asyncio.run(main())


def test_restart_cancels_open_orders_and_closes_position_when_configured() -> None:
    async def main() -> None:
        fake = _restart_fake()
        b, _ = await _started(fake, start_orders="cancel", start_position="close")
        assert fake.open_orders() == [] and fake.position == 0
        assert await b.open_orders() == [] and (await b.position()).size == 0
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_stop_leaves_no_open_order_on_the_server() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake, stop_timeout_s=2.0)
        for i in range(4):
            await b.submit(PlaceOrder(f"s{i}", Side.BUY, 990 - i, 1))
        await ev.wait(lambda e: len(e) == 4)
        fake.faults.rate_limit["/v5/order/cancel-all"] = 1  # even when the first try is refused
        await b.stop()
        assert fake.open_orders() == [] and b.orders_left == 0
        await fake.stop()

    asyncio.run(main())


def test_cancel_all_action() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake)
        await b.submit(PlaceOrder("x", Side.BUY, 990, 1))
        await b.submit(PlaceOrder("y", Side.SELL, 1010, 1))
        await ev.wait(lambda e: len(e) == 2)
        await b.submit(CancelAll("kill switch"))
        await ev.wait(lambda e: len(e) == 4)
        assert {e.client_id for e in ev.of(OrderCanceled)} == {"x", "y"}
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_stop_is_bounded_when_bybit_does_not_answer() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake, stop_timeout_s=0.5)
        await b.submit(PlaceOrder("h", Side.BUY, 990, 1))
        await ev.wait(lambda e: len(e) == 1)
        fake.faults.hang_rest = True
        t0 = asyncio.get_running_loop().time()
        await b.stop()
        assert asyncio.get_running_loop().time() - t0 < 1.5
        assert b.orders_left is None  # unknown: the operator is told to check
        await fake.stop()

    asyncio.run(main())


def test_submit_returns_at_once_and_keeps_order_per_client_id() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake)
        before = len(fake.requests)
        await b.submit(PlaceOrder("q", Side.BUY, 990, 2))
        await b.submit(AmendOrder("q", 991, 2))
        await b.submit(AmendOrder("q", 990, 2))  # back to the placed price: still sent
        await b.submit(CancelOrder("q"))
        assert len(fake.requests) == before  # nothing waited for a round trip
        await ev.wait(lambda e: len(e) == 4)
        kinds = [type(e).__name__ for e in ev.items]
        assert kinds == ["OrderAck", "OrderAmended", "OrderAmended", "OrderCanceled"]
        assert [e.price for e in ev.of(OrderAmended)] == [991, 990]
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_cancel_all_right_after_places_leaves_nothing_open() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake)
        for i in range(5):
            await b.submit(PlaceOrder(f"k{i}", Side.SELL, 1010 + i, 1))
        await b.submit(CancelAll("kill switch"))  # the places are still in flight
        await until(lambda: b.requests_in_flight == 0 and fake.open_orders() == [])
        await until(lambda: len(ev.of(OrderCanceled)) == 5)  # each was acked, then cancelled
        assert len(ev.of(OrderAck)) == 5
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_a_revoked_key_ends_exec_events_with_a_clear_error() -> None:
    async def main() -> None:
        fake = FakeBybit()
        b, ev = await _started(fake)
        fake.keys.clear()  # the key was deleted in the Bybit UI
        await b.submit(PlaceOrder("r", Side.BUY, 990, 1))
        with pytest.raises(VenueError, match="10003"):
            await asyncio.wait_for(ev.task, 2)
        assert [type(e) for e in ev.items] == [OrderRejected]  # the request's own answer first
        with pytest.raises(VenueError, match="stopped working"):
            await b.submit(PlaceOrder("r2", Side.BUY, 990, 1))
        await b.stop()
        await fake.stop()

    asyncio.run(main())


def test_reduce_only_market_order_for_the_kill_switch_fills_as_taker() -> None:
    async def main() -> None:
        fake = FakeBybit()
        fake.position = 3
        b, ev = await _started(fake)
        await b.submit(PlaceOrder("flat", Side.SELL, 0, 3, TimeInForce.MARKET, reduce_only=True))
        await ev.wait(lambda e: len(ev.of(Fill)) == 1)
        fill = ev.of(Fill)[0]
        assert (fill.side, fill.qty, fill.price, fill.is_maker) == (Side.SELL, 3, 1000, False)
        assert isinstance(ev.items[0], OrderAck) and fake.position == 0
        await b.stop()
        await fake.stop()

    asyncio.run(main())
