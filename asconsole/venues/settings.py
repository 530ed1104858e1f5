"""Keys every venue's settings section has, declared once so they carry the same name, meaning,
bounds and documentation in `[bybit]` and `[mexc]` (and in any venue added later).

Import-light (only `asconsole.setting`): `asconsole.config` imports the venue sections.
"""

from __future__ import annotations

from typing import Any

from asconsole.setting import setting


def proxy() -> Any:
    return setting(
        "",
        "SOCKS5 proxy for every connection to the venue, socks5[h]://user:pass@host:port "
        "(socks5h: the proxy resolves host names; empty: $SOCKS5_PROXY, else direct)",
        secret=True,
    )


def key_file(key_env: str, secret_env: str) -> Any:
    return setting(
        "",
        f"TOML file with api_key and api_secret, mode 600 (empty: ${key_env} and ${secret_env})",
    )


def recv_window_ms() -> Any:
    return setting(5000, "how long a signed request stays valid, milliseconds", lo=1000, hi=60_000)


def start_orders() -> Any:
    return setting(
        "cancel",
        "open orders found at start: cancel them (the engine quotes afresh) or adopt them",
        choices=("adopt", "cancel"),
    )


def stop_timeout_s() -> Any:
    return setting(
        3.0,
        "how long stopping may spend cancelling open orders, seconds "
        "(it must fit in the runner's 5 s bound on a broker's stop)",
        lo=0.5,
        hi=4,
    )
