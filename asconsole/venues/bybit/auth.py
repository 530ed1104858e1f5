"""API keys and request signing for Bybit v5.

The signature covers `timestamp + api_key + recv_window + payload`, where the payload is the exact
query string (GET) or the exact JSON body (POST) that goes on the wire; callers build that string
once, sign it and send the same bytes. Keys come from `$BYBIT_API_KEY` / `$BYBIT_API_SECRET` or a
key file that only its owner may read. Neither the secret nor a signature is ever put in a log
message or an exception text.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from asconsole.venues.base import VenueError

KEY_ENV = "BYBIT_API_KEY"
SECRET_ENV = "BYBIT_API_SECRET"


@dataclass(frozen=True, slots=True)
class Credentials:
    api_key: str
    secret: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(api_key={self.api_key[:4]}..., secret=***)"

    __str__ = __repr__


def sign(secret: str, text: str) -> str:
    """Lowercase hex HMAC-SHA256 of `text` with `secret`."""
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


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
        "X-BAPI-SIGN": sign(creds.secret, ts + creds.api_key + rw + payload),
        "X-BAPI-SIGN-TYPE": "2",
        "Content-Type": "application/json",
    }


def ws_auth_args(creds: Credentials, expires_ms: int) -> list[str | int]:
    """Arguments of the private WebSocket `auth` op."""
    return [creds.api_key, expires_ms, sign(creds.secret, f"GET/realtime{expires_ms}")]


def load_credentials(key_file: str = "", env: dict[str, str] | None = None) -> Credentials:
    """From the key file when one is configured, else from the environment.

    The key file is TOML with `api_key` and `api_secret`; it must not be readable or writable by
    group or others (chmod 600), otherwise it is refused."""
    if key_file:
        return _from_file(Path(key_file).expanduser())
    source = os.environ if env is None else env
    key, secret = source.get(KEY_ENV, ""), source.get(SECRET_ENV, "")
    if not key or not secret:
        raise VenueError(f"Bybit keys missing: set {KEY_ENV} and {SECRET_ENV}, or [bybit] key_file")
    return Credentials(key.strip(), secret.strip())


def _from_file(path: Path) -> Credentials:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise VenueError(f"Bybit key file {path}: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise VenueError(
            f"Bybit key file {path} is accessible by group or others "
            f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        raise VenueError(f"Bybit key file {path} is not readable TOML") from None
    key, secret = data.get("api_key"), data.get("api_secret")
    if not isinstance(key, str) or not isinstance(secret, str) or not key or not secret:
        raise VenueError(f"Bybit key file {path} needs api_key and api_secret strings")
    return Credentials(key.strip(), secret.strip())
