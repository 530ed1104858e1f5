"""MexcFeed against the fake MEXC server: book rebuild from snapshot plus protobuf pushes,
resync after a version gap, trades, and recovery from a dropped connection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from asconsole.clock import WallClock
from asconsole.domain import BookDelta, BookSnapshot, FeedStatus, Side, Trade
from asconsole.venues.mexc.config import MexcSettings, default_instrument
from asconsole.venues.mexc.data import MexcFeed
from tests.integration.fake_mexc import FakeMexc
from tests.kit.streams import Collector, DictBook

BTC = default_instrument("BTCUSDT")


def venue_book(fake: FakeMexc) -> tuple[dict[int, int], dict[int, int]]:
    conv = lambda book: {BTC.price_ticks(p): BTC.qty_lots(q) for p, q in book.items()}  # noqa: E731
    return conv(fake.bids), conv(fake.asks)


def run(test: Callable[[FakeMexc, MexcFeed], Awaitable[None]]) -> None:
    async def main() -> None:
        fake = FakeMexc()
        await fake.start()
        fake.set_book({"100.00": "1.5", "99.99": "2"}, {"100.10": "0.7", "100.20": "3"})
        feed = MexcFeed(MexcSettings(rest_url=fake.rest_url, ws_url=fake.ws_url), BTC, WallClock())
        try:
            await asyncio.wait_for(feed.start(), 5)
            log = Collector(feed.events())
            await test(fake, feed, log)
            log.stop()
        finally:
            await feed.stop()
            await fake.stop()

    asyncio.run(main())


def test_book_rebuilds_from_snapshot_and_pushes() -> None:
    async def body(fake: FakeMexc, feed: MexcFeed, log: Collector) -> None:
        await log.wait(lambda e: any(isinstance(i, FeedStatus) and i.connected for i in e))
        snapshot = log.of(BookSnapshot)[0]
        assert snapshot.bids == ((10000, 1_500_000), (9999, 2_000_000))
        assert snapshot.asks == ((10010, 700_000), (10020, 3_000_000))
        assert snapshot.seq == fake.version
        await fake.update(bids={"100.00": "0", "100.05": "0.25"}, asks={"100.10": "0.1"})
        await fake.update(asks={"100.15": "4", "100.20": "0"})
        await log.wait(lambda e: sum(isinstance(i, BookDelta) for i in e) == 2)
        book = DictBook()
        for event in log.items:
            book.apply(event)
        assert (book.bids, book.asks) == venue_book(fake)
        assert book.seq == fake.version
        assert feed.resyncs == 0

    run(body)


def test_version_gap_triggers_a_resync_from_a_new_snapshot() -> None:
    async def body(fake: FakeMexc, feed: MexcFeed, log: Collector) -> None:
        await log.wait(lambda e: len(log.of(BookSnapshot)) == 1)
        await fake.update(bids={"99.98": "1"}, skip=1)  # fromVersion jumps one past
        await log.wait(lambda e: len(log.of(BookSnapshot)) == 2)
        statuses = [(s.connected, s.reason.split(":")[0]) for s in log.of(FeedStatus)]
        assert statuses[-2:] == [(False, "book resync"), (True, "book synced")]
        assert feed.resyncs == 1
        await fake.update(asks={"100.30": "1"})
        await log.wait(lambda e: isinstance(e[-1], BookDelta))
        book = DictBook()
        for event in log.items:
            book.apply(event)
        assert (book.bids, book.asks) == venue_book(fake)

    run(body)


def test_book_ticker_disagreeing_at_the_same_version_forces_a_resync() -> None:
    async def body(fake: FakeMexc, feed: MexcFeed, log: Collector) -> None:
        await log.wait(lambda e: len(log.of(BookSnapshot)) == 1)
        await fake.publish_book_ticker(bid="99.00")
        await log.wait(lambda e: len(log.of(BookSnapshot)) == 2)
        assert feed.resyncs == 1

    run(body)


def test_deals_arrive_as_trades_with_the_taker_side() -> None:
    async def body(fake: FakeMexc, feed: MexcFeed, log: Collector) -> None:
        await fake.trade("SELL", "100.00", "0.004")
        await fake.trade("BUY", "100.10", "0.5")
        trades = (await log.wait(lambda e: len(log.of(Trade)) == 2)) and log.of(Trade)
        assert [(t.side, t.price, t.qty) for t in trades] == [
            (Side.SELL, 10000, 4000),
            (Side.BUY, 10010, 500_000),
        ]

    run(body)


def test_dropped_connection_reports_down_then_a_fresh_snapshot() -> None:
    async def body(fake: FakeMexc, feed: MexcFeed, log: Collector) -> None:
        await log.wait(lambda e: len(log.of(BookSnapshot)) == 1)
        await fake.drop_connections()
        fake.set_book({"101.00": "1"}, {"101.50": "1"})  # the market moved while we were away
        await log.wait(lambda e: len(log.of(BookSnapshot)) == 2)
        await log.wait(lambda e: log.of(FeedStatus)[-1].connected)
        assert [s.connected for s in log.of(FeedStatus)] == [True, False, True]
        assert log.of(BookSnapshot)[-1].bids == ((10100, 1_000_000),)
        await fake.update(bids={"101.01": "2"})
        await log.wait(lambda e: isinstance(e[-1], BookDelta) and e[-1].seq == fake.version)

    run(body)


def test_undecodable_frame_costs_a_reconnect_not_the_feed() -> None:
    async def body(fake: FakeMexc, feed: MexcFeed, log: Collector) -> None:
        await log.wait(lambda e: len(log.of(BookSnapshot)) == 1)
        await fake.publish_bytes(b"\xff\xff\xff")
        await log.wait(lambda e: len(log.of(BookSnapshot)) == 2 and log.of(FeedStatus)[-1].connected)
        assert "undecodable" in log.of(FeedStatus)[1].reason

    run(body)
