"""What the fake venue servers share: reading a client's JSON requests off an aiohttp socket."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import WSMsgType, web


async def json_requests(ws: web.WebSocketResponse) -> AsyncIterator[dict[str, Any]]:
    """Each text frame the client sends, parsed (the venues' requests are JSON text frames;
    anything else, e.g. a binary frame, is ignored), until the socket closes."""
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            yield json.loads(msg.data)
