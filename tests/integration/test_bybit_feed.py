"""BybitFeed against the fake server: book rebuild, gap resync, reconnect."""

from __future__ import annotations

import asyncio

from asconsole.domain import BookDelta, BookSnapshot, FeedStatus, MarkPrice, Side, Trade
from asconsole.venues.bybit import make_feed
from asconsole.venues.bybit.data import BybitFeed
from tests.integration.bybit_kit import settings
from tests.integration.fake_bybit import INSTRUMENT, FakeBybit
from tests.kit.streams import Collector, DictBook


async def _start(fake: FakeBybit, **kw: object) -> tuple[BybitFeed, Collector]:
    await fake.start()
    fake.set_book({1000: 5, 999: 3, 998: 1}, {1001: 4, 1002: 7})
    feed = make_feed(settings(fake, **kw), INSTRUMENT)
    assert isinstance(feed, BybitFeed)
    await feed.start()
    events = Collector(feed.events())
    await events.wait(lambda e: any(isinstance(x, FeedStatus) and x.connected for x in e))
    return feed, events


def _book(events: Collector) -> DictBook:
    book = DictBook()
    for ev in events.items:
        book.apply(ev)
    return book


def test_book_rebuilt_from_snapshot_and_deltas_equals_server_book() -> None:
    async def main() -> None:
        fake = FakeBybit()
        feed, events = await _start(fake)
        await fake.set_levels({1000: 0, 997: 9}, {1001: 2})
        await fake.set_levels({1000: 6}, {1003: 1, 1002: 0})
        await fake.set_levels(asks={1001: 0})
        await events.wait(lambda e: len([x for x in e if isinstance(x, BookDelta)]) == 3)
        book = _book(events)
        assert book.bids == fake.bids and book.asks == fake.asks
        deltas = events.of(BookDelta)
        assert [d.prev_seq for d in deltas] == [d.seq - 1 for d in deltas]
        await fake.trade("Sell", 1000, 2)
        await fake.publish_mark("100.04")
        await events.wait(lambda e: isinstance(e[-1], MarkPrice))
        assert events.of(Trade)[-1] == Trade(events.of(Trade)[-1].ts, Side.SELL, 1000, 2)
        assert events.of(MarkPrice)[-1].price == 1000  # 100.04 rounds to the 0.10 tick
        await feed.stop()
        await fake.stop()

    asyncio.run(main())


def test_gap_triggers_resync_and_book_is_right_after() -> None:
    async def main() -> None:
        fake = FakeBybit()
        feed, events = await _start(fake)
        await fake.set_levels({999: 4})
        await fake.set_levels({998: 0}, gap=True)  # u jumps by 2: this delta must not be applied
        await events.wait(lambda e: len(events.of(BookSnapshot)) == 2)
        await events.wait(lambda e: isinstance(e[-1], FeedStatus) and e[-1].connected)
        status = events.of(FeedStatus)
        assert [s.connected for s in status] == [True, False, True]
        assert "gap" in status[1].reason
        assert feed.resyncs == 1
        await fake.set_levels({996: 1})
        await events.wait(lambda e: isinstance(e[-1], BookDelta))
        book = _book(events)
        assert book.bids == fake.bids and book.asks == fake.asks
        await feed.stop()
        await fake.stop()

    asyncio.run(main())


def test_u_equal_one_is_a_snapshot() -> None:
    async def main() -> None:
        fake = FakeBybit()
        feed, events = await _start(fake)
        fake.u = 0  # the service restarted: the next update id is 1
        fake.bids, fake.asks = {}, {}
        await fake.set_levels({900: 1}, {901: 1})
        await events.wait(lambda e: len(events.of(BookSnapshot)) == 2)
        assert events.of(BookSnapshot)[-1].bids == ((900, 1),)
        assert _book(events).bids == {900: 1}
        await feed.stop()
        await fake.stop()

    asyncio.run(main())


def test_reconnect_after_server_drops_socket_gives_status_then_fresh_snapshot() -> None:
    async def main() -> None:
        fake = FakeBybit()
        feed, events = await _start(fake)
        await fake.drop_public()
        await events.wait(lambda e: any(isinstance(x, FeedStatus) and not x.connected for x in e))
        fake.set_book({1010: 1}, {1011: 2})  # the market moved while we were away
        await events.wait(lambda e: len(events.of(BookSnapshot)) == 2, timeout=5)
        after_drop = events.items[events.items.index(events.of(FeedStatus)[1]) :]
        assert isinstance(after_drop[0], FeedStatus) and not after_drop[0].connected
        assert isinstance(after_drop[1], BookSnapshot)
        assert _book(events).bids == {1010: 1}
        assert feed.reconnects == 1
        await feed.stop()
        await fake.stop()

    asyncio.run(main())


def test_silent_socket_is_closed_by_keepalive_and_reconnected() -> None:
    async def main() -> None:
        fake = FakeBybit()
        await fake.start()
        fake.set_book({1000: 5}, {1001: 4})
        feed = BybitFeed(INSTRUMENT, settings(fake).bybit.urls()[1], ping_s=0.05)
        await feed.start()
        events = Collector(feed.events())
        await events.wait(lambda e: len(events.of(FeedStatus)) == 1)
        await asyncio.sleep(0.2)  # pongs keep a healthy socket open
        assert len(events.of(FeedStatus)) == 1
        fake.faults.mute_public = True
        await events.wait(lambda e: len(events.of(FeedStatus)) == 2)
        assert "closed" in events.of(FeedStatus)[1].reason
        fake.faults.mute_public = False
        await events.wait(lambda e: len(events.of(FeedStatus)) == 3, timeout=5)
        assert events.of(FeedStatus)[2].connected and len(events.of(BookSnapshot)) == 2
        await feed.stop()
        await fake.stop()

    asyncio.run(main())


def test_stalled_stream_that_still_answers_pings_is_reconnected() -> None:
    """Pongs alone do not keep a public socket: with no market data for data_timeout_s the
    feed reconnects and resubscribes, so the engine does not stay dark."""

    async def main() -> None:
        fake = FakeBybit()
        await fake.start()
        fake.set_book({1000: 5}, {1001: 4})
        feed = BybitFeed(INSTRUMENT, settings(fake).bybit.urls()[1], ping_s=0.05, data_timeout_s=0.4)
        await feed.start()
        events = Collector(feed.events())
        await events.wait(lambda e: len(events.of(BookSnapshot)) == 1)
        fake.faults.stall_public = True
        await asyncio.sleep(0.2)
        assert len(events.of(FeedStatus)) == 1  # pongs still flow: not yet
        await events.wait(lambda e: len(events.of(FeedStatus)) >= 2, timeout=3)
        assert not events.of(FeedStatus)[1].connected
        fake.faults.stall_public = False
        await events.wait(lambda e: len(events.of(BookSnapshot)) == 2, timeout=5)
        assert feed.reconnects >= 1
        await feed.stop()
        await fake.stop()

    asyncio.run(main())
