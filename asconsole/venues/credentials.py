"""API keys and HMAC signing, the same way for every venue.

Keys come from a key file named in the venue's section (`key_file`: TOML with `api_key` and
`api_secret`, readable by its owner only) or else from the venue's two environment variables.
Neither the secret nor a signature is ever put in a log message, an exception text or a repr.
Standard library only: the venue settings modules import this, and loading a config must not
pull in network code.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from asconsole.venues.base import VenueError


@dataclass(frozen=True, slots=True)
class Credentials:
    api_key: str = field(repr=False)
    api_secret: str = field(repr=False)

    def __repr__(self) -> str:  # the key identifies the account: it is kept out of logs too
        return "Credentials(***)"

    __str__ = __repr__


def sign(secret: str, text: str) -> str:
    """Lowercase hex HMAC-SHA256 of `text` with `secret` (what Bybit and MEXC both ask for)."""
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def load_credentials(
    venue: str,
    key_file: str,
    key_env: str,
    secret_env: str,
    env: Mapping[str, str] | None = None,
) -> Credentials:
    """From `key_file` when one is configured, else from `$key_env` / `$secret_env`.

    `venue` names the venue in errors ("Bybit", "MEXC"); its lower case is the config section.
    Raises VenueError, naming what to fix, when keys are missing or the key file is unsafe."""
    if key_file:
        return _from_file(venue, Path(key_file).expanduser())
    source = os.environ if env is None else env
    key, secret = source.get(key_env, "").strip(), source.get(secret_env, "").strip()
    if not key or not secret:
        raise VenueError(
            f"{venue} keys missing: set {key_env} and {secret_env}, or [{venue.lower()}] key_file"
        )
    return Credentials(key, secret)


def _from_file(venue: str, path: Path) -> Credentials:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise VenueError(f"{venue} key file {path}: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise VenueError(
            f"{venue} key file {path} is accessible by group or others "
            f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        raise VenueError(f"{venue} key file {path} is not readable TOML") from None
    key, secret = data.get("api_key"), data.get("api_secret")
    if (
        not isinstance(key, str)
        or not isinstance(secret, str)
        or not key.strip()
        or not secret.strip()
    ):
        raise VenueError(f"{venue} key file {path} needs api_key and api_secret strings")
    return Credentials(key.strip(), secret.strip())
