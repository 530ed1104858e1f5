"""Request signing for Bybit v5.

The signature covers `timestamp + api_key + recv_window + payload`, where the payload is the exact
query string (GET) or the exact JSON body (POST) that goes on the wire; callers build that string
once, sign it and send the same bytes. Keys and the HMAC itself are venues/credentials.py's.
"""

from __future__ import annotations

from asconsole.venues.credentials import Credentials, sign


def rest_headers(
    creds: Credentials, timestamp_ms: int, recv_window_ms: int, payload: str
) -> dict[str, str]:
    """Headers of one signed REST request whose query string or body is `payload`."""
    ts = str(timestamp_ms)
    rw = str(recv_window_ms)
    return {
        "X-BAPI-API-KEY": creds.api_key,
        "X-BAPI-TIMESTAMP": ts,
        "X-BAPI-RECV-WINDOW": rw,
        "X-BAPI-SIGN": sign(creds.api_secret, ts + creds.api_key + rw + payload),
        "X-BAPI-SIGN-TYPE": "2",
        "Content-Type": "application/json",
    }


def ws_auth_args(creds: Credentials, expires_ms: int) -> list[str | int]:
    """Arguments of the private WebSocket `auth` op."""
    return [creds.api_key, expires_ms, sign(creds.api_secret, f"GET/realtime{expires_ms}")]
