"""Bybit settings (`[bybit]` in the config file) and the endpoint URLs they resolve to."""

from __future__ import annotations

from dataclasses import dataclass

from asconsole.setting import setting
from asconsole.venues import settings as common

KEY_ENV = "BYBIT_API_KEY"
SECRET_ENV = "BYBIT_API_SECRET"

ENDPOINTS: dict[str, tuple[str, str, str]] = {
    # name: (REST base, public linear WS, private WS)
    "mainnet": (
        "https://api.bybit.com",
        "wss://stream.bybit.com/v5/public/linear",
        "wss://stream.bybit.com/v5/private",
    ),
    "testnet": (
        "https://api-testnet.bybit.com",
        "wss://stream-testnet.bybit.com/v5/public/linear",
        "wss://stream-testnet.bybit.com/v5/private",
    ),
    # Demo trading: private calls go to the demo hosts, market data is mainnet's.
    "demo": (
        "https://api-demo.bybit.com",
        "wss://stream.bybit.com/v5/public/linear",
        "wss://stream-demo.bybit.com/v5/private",
    ),
}
DEPTHS = (1, 50, 200, 1000)


@dataclass(frozen=True, slots=True)
class BybitSettings:
    endpoint: str = setting(
        "mainnet", "which Bybit to talk to", choices=("mainnet", "testnet", "demo", "custom")
    )
    rest_url: str = setting("", "REST base URL when endpoint = custom")
    ws_public_url: str = setting("", "public linear WebSocket URL when endpoint = custom")
    ws_private_url: str = setting("", "private WebSocket URL when endpoint = custom")
    depth: int = setting(50, "order book depth subscribed: 1, 50, 200 or 1000", lo=1, hi=1000)
    feed_data_timeout_s: float = setting(
        30.0,
        "reconnect the public feed after this long without market data, even if it answers pings",
        lo=1,
        hi=600,
    )
    recv_window_ms: int = common.recv_window_ms()
    dcp_window_s: int = setting(
        10,
        "cancel all orders when the private socket is gone this long (0 = leave DCP off)",
        lo=0,
        hi=300,
    )
    start_orders: str = common.start_orders()
    start_position: str = setting(
        "adopt",
        "position found at start: adopt it or close it (reduce-only market order)",
        choices=("adopt", "close"),
    )
    rest_timeout_s: float = setting(
        10.0, "a REST request without an answer after this long counts as failed", lo=0.1, hi=60
    )
    reconcile_s: float = setting(30.0, "compare orders and position with REST this often", lo=1)
    stop_timeout_s: float = common.stop_timeout_s()
    proxy: str = common.proxy()
    key_file: str = common.key_file(KEY_ENV, SECRET_ENV)

    def cross_check(self) -> str:
        """Problems between keys (empty when fine); asconsole.config turns one into ConfigError."""
        if self.depth not in DEPTHS:
            return f"depth = {self.depth} is not one of {', '.join(map(str, DEPTHS))}"
        if self.endpoint == "custom":
            missing = [
                k for k in ("rest_url", "ws_public_url", "ws_private_url") if not getattr(self, k)
            ]
            if missing:
                return f"endpoint = custom needs {', '.join(missing)}"
        if 0 < self.dcp_window_s < 3:
            return f"dcp_window_s = {self.dcp_window_s}: Bybit allows 3..300 (0 = off)"
        return ""

    def urls(self) -> tuple[str, str, str]:
        """(REST base, public WS, private WS) for the chosen endpoint."""
        if self.endpoint == "custom":
            return (self.rest_url.rstrip("/"), self.ws_public_url, self.ws_private_url)
        return ENDPOINTS[self.endpoint]
