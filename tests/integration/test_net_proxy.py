"""REST and WebSocket through a SOCKS5 proxy with username/password (a test server on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

import pytest

from asconsole.domain import BookSnapshot, OrderAck, PlaceOrder, Side
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.bybit import load_instrument, make_feed
from tests.integration.bybit_kit import broker, settings
from tests.integration.fake_bybit import INSTRUMENT, FakeBybit
from tests.integration.socks5_server import Socks5Server
from tests.kit.streams import Collector

PASSWORD = "s3cr3t@proxy:pw"  # characters that must be percent-encoded in a URL



async def _setup() -> tuple[FakeBybit, Socks5Server]:
    fake = FakeBybit()
    await fake.start()
    fake.set_book({1000: 1}, {1001: 1})
    proxy = Socks5Server("trader", PASSWORD)
    await proxy.start()
    return fake, proxy


def test_rest_feed_and_broker_go_through_authenticated_socks5(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> None:
        fake, proxy = await _setup()
        s = settings(fake, proxy=proxy.url)
        assert await load_instrument(s) == INSTRUMENT
        assert proxy.tunnels == [("127.0.0.1", fake.port)]
        feed = make_feed(s, INSTRUMENT)
        await feed.start()
        events = Collector(feed.events())
        await events.wait(lambda e: any(isinstance(x, BookSnapshot) for x in e))
        assert len(proxy.tunnels) == 2
        b = broker(fake, proxy=proxy.url)
        await b.start()
        ev = Collector(b.exec_events())
        await b.submit(PlaceOrder("via-proxy", Side.BUY, 990, 1))
        await ev.wait(lambda e: isinstance(e[-1:] and e[-1], OrderAck))
        assert len(proxy.tunnels) >= 4 and proxy.auth_failures == 0
        await b.stop()
        await feed.stop()
        await proxy.stop()
        await fake.stop()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(main())
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PASSWORD not in logged and quote(PASSWORD, safe="") not in logged


def test_socks5h_lets_the_proxy_resolve_names() -> None:
    async def main() -> None:
        fake, proxy = await _setup()
        url = proxy.url.replace("socks5://", "socks5h://")
        s = settings(
            fake,
            proxy=url,
            rest_url=f"http://localhost:{fake.port}",
            ws_public_url=f"ws://localhost:{fake.port}/v5/public/linear",
        )
        await load_instrument(s)
        feed = make_feed(s, INSTRUMENT)
        await feed.start()
        await feed.stop()
        assert proxy.tunnels == [("localhost", fake.port)] * 2
        await proxy.stop()
        await fake.stop()

    asyncio.run(main())


def test_wrong_proxy_password_fails_clearly_and_never_shows_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> None:
        fake, proxy = await _setup()
        bad = proxy.url.replace(quote(PASSWORD, safe=""), "wrong-pw-123")
        with pytest.raises(VenueError) as err:
            await load_instrument(settings(fake, proxy=bad))
        assert "wrong-pw-123" not in str(err.value) and "proxy refused" in str(err.value)
        feed = make_feed(settings(fake, proxy=bad), INSTRUMENT)
        with pytest.raises(VenueError) as err:
            await feed.start()
        assert "authentication failure" in str(err.value) and "wrong-pw-123" not in str(err.value)
        assert proxy.auth_failures >= 2 and proxy.tunnels == []
        await proxy.stop()
        await fake.stop()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(main())
    assert all("wrong-pw-123" not in r.getMessage() for r in caplog.records)


def test_proxy_url_from_env_and_redaction() -> None:
    p = net.proxy_url("", env={"SOCKS5_PROXY": "socks5h://u:p%40ss@proxy.example:1080"})
    assert p is not None and (p.host, p.port, p.username, p.password, p.remote_dns) == (
        "proxy.example",
        1080,
        "u",
        "p@ss",
        True,
    )
    assert "p%40ss" not in repr(p) and "***" in repr(p)
    assert net.proxy_url("", env={}) is None
    configured = net.proxy_url("socks5://127.0.0.1:9", env={"SOCKS5_PROXY": "socks5://other:1"})
    assert configured is not None and configured.port == 9
    with pytest.raises(net.ProxyError) as err:
        net.proxy_url("http://u:hunter2@h:1")
    assert "hunter2" not in str(err.value)
