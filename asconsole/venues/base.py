"""The two protocols every venue implements: a `Feed` of market events and a `Broker` that
takes order actions and reports execution events.

Both are async because the real venues are network services. Requests return once sent;
their outcome (ack, reject, fill, cancel) always arrives later as an `ExecEvent`, for the
paper broker exactly as for Bybit or MEXC, so the engine has one code path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from asconsole.domain import (
    ExecEvent,
    Instrument,
    MarketEvent,
    OrderAction,
    VenueOrder,
    VenuePosition,
)


class VenueError(RuntimeError):
    """A venue problem worth showing to the operator as one clear line."""


@runtime_checkable
class Feed(Protocol):
    instrument: Instrument

    async def start(self) -> None:
        """Connect and subscribe; returns when the first data can be read."""
        ...

    def events(self) -> AsyncIterator[MarketEvent]:
        """Market events in arrival order. A lost connection yields `FeedStatus(connected=False)`
        and a fresh `BookSnapshot` after it reconnects."""
        ...

    async def stop(self) -> None: ...


@runtime_checkable
class Broker(Protocol):
    instrument: Instrument
    is_live: bool
    """True when orders reach a real exchange (the UI shows LIVE)."""

    async def start(self) -> None: ...

    async def submit(self, action: OrderAction) -> None:
        """Send one action. Must not raise for venue rejections: those come back as
        `OrderRejected` events. Raises `VenueError` only when the broker itself is unusable."""
        ...

    def exec_events(self) -> AsyncIterator[ExecEvent]:
        """Acks, rejects, cancels and fills. A spot broker also reports the pair's balances
        here as `Balances` events: once at start, after every reconnect, and whenever the
        venue says they changed; the engine limits each side of its quote by them (spot has
        no leverage and no short selling). Derivative brokers send none."""
        ...

    async def open_orders(self) -> list[VenueOrder]:
        """What the venue says is working now (for reconciliation at start and reconnect)."""
        ...

    async def position(self) -> VenuePosition: ...

    async def stop(self) -> None:
        """Cancel every working order (bounded time), then release connections."""
        ...


@runtime_checkable
class MarketObserver(Protocol):
    """A broker that needs the market to decide its fills (the paper broker): the runner
    hands it every market event before the engine sees it."""

    def on_market(self, event: MarketEvent) -> None: ...
