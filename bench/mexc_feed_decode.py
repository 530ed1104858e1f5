"""How fast the MEXC feed turns protobuf depth and deal frames into market events:
decode, version check, tick/lot conversion and the local-book update, per frame.

Run: PYTHONPATH=. python bench/mexc_feed_decode.py"""

from __future__ import annotations

import asyncio
import time

from asconsole.clock import WallClock
from asconsole.venues.mexc import messages as m
from asconsole.venues.mexc.config import MexcSettings, default_instrument
from asconsole.venues.mexc.data import MexcFeed, _Snapshot
from asconsole.venues.mexc.pb.mexc_push_pb2 import PushDataV3ApiWrapper

FRAMES = 20_000
LEVELS_PER_FRAME = 20
BOOK_LEVELS = 1000


def depth_frames(first_version: int) -> list[bytes]:
    frames = []
    for n in range(FRAMES):
        push = PushDataV3ApiWrapper(channel=m.depth_channel("BTCUSDT"), symbol="BTCUSDT", sendTime=1)
        depth = push.publicAggreDepths
        for i in range(LEVELS_PER_FRAME // 2):
            depth.bids.add(price=f"{90000 - (n + i) % 500 * 0.01:.2f}", quantity="0.5" if i % 3 else "0")
            depth.asks.add(price=f"{90010 + (n + i) % 500 * 0.01:.2f}", quantity="0.25")
        depth.fromVersion = str(first_version + n)
        depth.toVersion = str(first_version + n)
        frames.append(push.SerializeToString())
    return frames


def deal_frames() -> list[bytes]:
    frames = []
    for n in range(FRAMES):
        push = PushDataV3ApiWrapper(channel=m.deals_channel("BTCUSDT"), symbol="BTCUSDT", sendTime=1)
        for i in range(5):
            push.publicAggreDeals.deals.add(price="90005.01", quantity="0.001", tradeType=1 + i % 2, time=n)
        frames.append(push.SerializeToString())
    return frames


async def main() -> None:
    ins = default_instrument("BTCUSDT")
    feed = MexcFeed(MexcSettings(), ins, WallClock())
    bids = tuple((ins.price_ticks("89000") - i, 1000) for i in range(BOOK_LEVELS))
    asks = tuple((ins.price_ticks("90100") + i, 1000) for i in range(BOOK_LEVELS))
    feed._on_snapshot(_Snapshot(generation=0, version=1, bids=bids, asks=asks))
    for name, frames in (("depth", depth_frames(2)), ("deals", deal_frames())):
        start = time.perf_counter()
        for frame in frames:
            feed._on_push(m.decode_push(frame))
        took = time.perf_counter() - start
        print(f"{name}: {FRAMES / took:,.0f} frames/s, {took / FRAMES * 1e6:.1f} us/frame "
              f"({f'{LEVELS_PER_FRAME} levels' if name == 'depth' else '5 trades'} per frame, "
              f"book of {BOOK_LEVELS} levels per side)")
    print(f"events queued: {feed._out.qsize():,}")


if __name__ == "__main__":
    asyncio.run(main())
