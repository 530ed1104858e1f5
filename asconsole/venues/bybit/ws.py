"""Keepalive shared by Bybit's public and private sockets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection

from asconsole.clock import NS_PER_S, Clock
from asconsole.venues import net

log = logging.getLogger(__name__)


async def keepalive(
    ws: ClientConnection, period_s: float, clock: Clock, last_rx: Callable[[], int], name: str
) -> None:
    """`{"op":"ping"}` every `period_s` (Bybit asks for 20 s). A socket that has received
    nothing, not even a pong, for two periods is closed, so its reader reconnects. Ends
    quietly when the socket is gone: the reader owns reconnecting."""
    try:
        while True:
            await asyncio.sleep(period_s)
            if clock.now() - last_rx() > 2 * period_s * NS_PER_S:
                log.warning("Bybit %s socket silent for %.0f s: reconnecting", name, 2 * period_s)
                await ws.close()
                return
            await ws.send('{"op":"ping"}')
    except net.NETWORK_ERRORS:
        return
