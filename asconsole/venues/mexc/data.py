"""MexcFeed: market data for one MEXC spot symbol.

One WebSocket carries JSON control frames (SUBSCRIPTION, PING/PONG) and binary protobuf
pushes for aggregated depth, aggregated deals and the book ticker. The local book starts
from a REST /api/v3/depth snapshot; depth pushes buffered meanwhile and after are applied
only while versions are continuous (`fromVersion == previous toVersion + 1`), pushes older
than the snapshot are dropped, and any gap, crossed book or disagreement with the book
ticker at the same version triggers a resync from a new snapshot. A lost connection yields
`FeedStatus(connected=False)`; the reconnect ends with a fresh `BookSnapshot`."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from enum import Enum

import aiohttp
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import WebSocketException

from asconsole.clock import NS_PER_MS, Clock
from asconsole.domain import (
    BookDelta,
    BookSnapshot,
    FeedStatus,
    Instrument,
    Level,
    MarketEvent,
    Trade,
)
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.mexc import messages as m
from asconsole.venues.mexc.config import MexcSettings
from asconsole.venues.mexc.pb.mexc_push_pb2 import (
    PublicAggreDealsV3ApiItem,
    PublicAggreDepthsV3Api,
    PushDataV3ApiWrapper,
)
from asconsole.venues.mexc.rest import MexcRest

log = logging.getLogger(__name__)

SILENCE_LIMIT_S = 2 * m.PING_INTERVAL_S + 5
"""No frame at all (not even a PONG) for this long means the connection is dead."""
START_TIMEOUT_S = 20.0


class Verdict(Enum):
    APPLY = "apply"
    STALE = "stale"
    GAP = "gap"


class DepthSync:
    """Version continuity of the aggregated depth stream against a REST snapshot."""

    __slots__ = ("version", "_first")

    def __init__(self) -> None:
        self.version: int | None = None
        self._first = True

    def reset(self, snapshot_version: int | None) -> None:
        self.version = snapshot_version
        self._first = True

    def check(self, from_version: int, to_version: int) -> Verdict:
        """The first push after a snapshot must straddle it (from <= S + 1 <= to); every
        later one must start right after the previous one ended."""
        if self.version is None:
            raise RuntimeError("DepthSync.check before a snapshot")
        if to_version <= self.version:
            return Verdict.STALE
        if from_version > self.version + 1 or (not self._first and from_version != self.version + 1):
            return Verdict.GAP
        self.version = to_version
        self._first = False
        return Verdict.APPLY


@dataclass(slots=True)
class _Snapshot:
    generation: int
    version: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]


class _Resync(Exception):
    """The local book can no longer be trusted; rebuild it from a snapshot."""


class MexcFeed:
    def __init__(
        self,
        settings: MexcSettings,
        instrument: Instrument,
        clock: Clock,
        *,
        proxy: net.Proxy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.instrument = instrument
        self._settings = settings
        self._clock = clock
        self._proxy = proxy
        self._backoff = net.Backoff(rng or random.Random())
        self._tasks = net.Tasks()
        self._out: asyncio.Queue[MarketEvent | None] = asyncio.Queue()
        self._sync = DepthSync()
        self._bids: dict[int, int] = {}
        self._asks: dict[int, int] = {}
        self._buffer: list[tuple[int, PublicAggreDepthsV3Api]] = []
        self._generation = 0
        """Counts snapshot requests, so a snapshot overtaken by a newer request is ignored."""
        self._seq = 0
        self._up = False
        self._ready = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._rest: MexcRest | None = None
        self.problem = ""
        """The last connection or book problem, for the operator."""
        self.snapshots = 0
        self.resyncs = 0
        """Books built from a REST snapshot, and rebuilds after a gap (for the operator and tests)."""

    async def start(self) -> None:
        self._session = net.http_session(self._proxy)
        self._rest = MexcRest(self._session, self._settings.rest_url, self._clock)
        run = self._tasks.spawn(f"mexc-feed-{self.instrument.symbol}", self._run())
        if not await net.wait_ready(run, self._ready, START_TIMEOUT_S):
            raise VenueError(
                f"no MEXC order book within {START_TIMEOUT_S:.0f} s ({self.problem or 'no answer'})"
            )

    async def events(self) -> AsyncIterator[MarketEvent]:
        while (event := await self._out.get()) is not None:
            yield event

    async def stop(self) -> None:
        await self._tasks.cancel_all()
        if self._session is not None:
            await self._session.close()
        self._out.put_nowait(None)

    # --- connection loop ------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            try:
                ws = await net.ws_connect(self._settings.ws_url, self._proxy, max_size=m.MAX_FRAME)
            except net.NETWORK_ERRORS as exc:
                self._down(f"connect failed: {net.describe(exc)}")
            else:
                synced = self.snapshots
                try:
                    await self._session_loop(ws)
                except m.SESSION_ENDED as exc:
                    self._down(f"{type(exc).__name__}: {exc}")
                finally:
                    await ws.close()
                if self.snapshots > synced:  # the connection worked: start backing off afresh
                    self._backoff.reset()
            await asyncio.sleep(self._backoff.next_delay())

    async def _session_loop(self, ws: ClientConnection) -> None:
        await ws.send(m.subscribe_frame(m.public_channels(self.instrument.symbol)))
        inbox: asyncio.Queue[str | bytes | _Snapshot | BaseException] = asyncio.Queue()
        tasks = [
            self._tasks.spawn("mexc-feed-read", self._read(ws, inbox)),
            self._tasks.spawn("mexc-feed-ping", self._ping(ws)),
        ]
        snapshot = self._request_snapshot(inbox)
        try:
            while True:
                async with asyncio.timeout(SILENCE_LIMIT_S):  # wait_for can swallow a cancel on 3.11
                    item = await inbox.get()
                if isinstance(item, BaseException):
                    raise item
                try:
                    if isinstance(item, _Snapshot):
                        if item.generation == self._generation:
                            self._on_snapshot(item)
                    elif isinstance(item, bytes):
                        self._on_push(m.decode_push(item))
                    else:
                        m.check_control(item)
                except _Resync as exc:
                    self.resyncs += 1
                    self._down(f"book resync: {exc}")
                    snapshot.cancel()
                    snapshot = self._request_snapshot(inbox)
        except TimeoutError:
            raise VenueError(f"no MEXC market data for {SILENCE_LIMIT_S:.0f} s") from None
        finally:
            for task in (*tasks, snapshot):
                task.cancel()

    @staticmethod
    async def _read(ws: ClientConnection, inbox: asyncio.Queue) -> None:
        try:
            async for frame in ws:
                inbox.put_nowait(frame)
            inbox.put_nowait(VenueError("MEXC closed the market data connection"))
        except WebSocketException as exc:
            inbox.put_nowait(exc)

    @staticmethod
    async def _ping(ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(m.PING_INTERVAL_S)
            await ws.send(m.PING_FRAME)

    def _request_snapshot(self, inbox: asyncio.Queue) -> asyncio.Task[None]:
        self._sync.reset(None)
        self._buffer.clear()
        self._generation += 1
        generation = self._generation

        async def fetch() -> None:
            try:
                inbox.put_nowait(await self._fetch_snapshot(generation))
            except VenueError as exc:
                inbox.put_nowait(exc)
            except m.UNREADABLE as exc:  # the loop must hear of every failure
                inbox.put_nowait(VenueError(f"unreadable MEXC depth snapshot: {exc!r}"))

        return self._tasks.spawn("mexc-feed-snapshot", fetch())

    async def _fetch_snapshot(self, generation: int) -> _Snapshot:
        assert self._rest is not None, "start() first"
        raw = await self._rest.public(
            "GET",
            "/api/v3/depth",
            {"symbol": self.instrument.symbol, "limit": self._settings.depth_limit},
        )
        ins = self.instrument
        return _Snapshot(
            generation=generation,
            version=int(raw["lastUpdateId"]),
            bids=tuple((ins.price_ticks(p), ins.qty_lots(q)) for p, q in raw["bids"]),
            asks=tuple((ins.price_ticks(p), ins.qty_lots(q)) for p, q in raw["asks"]),
        )

    # --- frames ---------------------------------------------------------------------------

    def _on_push(self, push: PushDataV3ApiWrapper) -> None:
        body = push.WhichOneof("body")
        ts = m.push_ts_ns(push, self._clock.now())
        if body == "publicAggreDeals":
            self._on_deals(push.publicAggreDeals.deals)
        elif body == "publicAggreDepths":
            if self._sync.version is None:
                self._buffer.append((ts, push.publicAggreDepths))
            else:
                self._apply(ts, push.publicAggreDepths)
        elif body == "publicAggreBookTicker":
            self._check_ticker(push)

    def _on_deals(self, deals: Iterable[PublicAggreDealsV3ApiItem]) -> None:
        ins = self.instrument
        for deal in deals:
            self._out.put_nowait(
                Trade(
                    ts=deal.time * NS_PER_MS,
                    side=m.side_of_trade_type(deal.tradeType),
                    price=ins.price_ticks(deal.price),
                    qty=ins.qty_lots(deal.quantity),
                )
            )

    def _on_snapshot(self, snap: _Snapshot) -> None:
        self.snapshots += 1
        self._sync.reset(snap.version)
        self._bids = dict(snap.bids)
        self._asks = dict(snap.asks)
        self._seq = snap.version
        self._out.put_nowait(BookSnapshot(self._clock.now(), snap.bids, snap.asks, seq=snap.version))
        buffered, self._buffer = self._buffer, []
        for ts, depth in buffered:
            self._apply(ts, depth)
        if not self._up:
            self._up = True
            self._out.put_nowait(FeedStatus(self._clock.now(), True, "book synced"))
        self._ready.set()

    def _apply(self, ts: int, depth: PublicAggreDepthsV3Api) -> None:
        from_v, to_v = int(depth.fromVersion), int(depth.toVersion)
        verdict = self._sync.check(from_v, to_v)
        if verdict is Verdict.STALE:
            return
        if verdict is Verdict.GAP:
            raise _Resync(f"push {from_v}..{to_v} after version {self._sync.version}")
        ins = self.instrument
        bids = tuple((ins.price_ticks(i.price), ins.qty_lots(i.quantity)) for i in depth.bids)
        asks = tuple((ins.price_ticks(i.price), ins.qty_lots(i.quantity)) for i in depth.asks)
        _update(self._bids, bids)
        _update(self._asks, asks)
        if self._bids and self._asks and max(self._bids) >= min(self._asks):
            raise _Resync(f"crossed book at version {to_v}")
        self._out.put_nowait(BookDelta(ts, bids, asks, seq=to_v, prev_seq=self._seq))
        self._seq = to_v

    def _check_ticker(self, push: PushDataV3ApiWrapper) -> None:
        """A book ticker stamped with the version the local book is at must show the same
        best levels; a disagreement means the local book went wrong."""
        ticker = push.publicAggreBookTicker
        if self._sync.version is None or not ticker.version or int(ticker.version) != self._sync.version:
            return
        if not ticker.bidPrice or not ticker.askPrice:  # one side empty: nothing to compare
            return
        ins = self.instrument
        best_bid = max(self._bids) if self._bids else None
        best_ask = min(self._asks) if self._asks else None
        if (best_bid, best_ask) != (ins.price_ticks(ticker.bidPrice), ins.price_ticks(ticker.askPrice)):
            raise _Resync(f"book ticker disagrees at version {ticker.version}")

    def _down(self, reason: str) -> None:
        log.warning("MEXC feed: %s", reason)
        self.problem = reason
        if self._up:
            self._up = False
            self._out.put_nowait(FeedStatus(self._clock.now(), False, reason))


def _update(side: dict[int, int], levels: tuple[Level, ...]) -> None:
    for price, qty in levels:
        if qty:
            side[price] = qty
        else:
            side.pop(price, None)
