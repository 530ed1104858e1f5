"""Keep secrets out of recordings: every string a recording stores passes through `Redactor`.

The config's secret keys are masked by `config.to_mapping`; this is the second line of
defence for everything else: a key echoed in a venue's error text, a proxy URL with its
password in a note or a non-secret setting. Known secret values (from the environment and the
settings) are replaced by `***`, and so is the password of any `scheme://user:password@host`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

from asconsole.config import Settings

MASK = "***"
SECRET_NAME = re.compile(r"(API_?KEY|SECRET|PASSWORD|PASSPHRASE|TOKEN)", re.IGNORECASE)
PROXY_NAME = re.compile(r"PROXY", re.IGNORECASE)
URL_PASSWORD = re.compile(
    r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]+)(?=@)", re.IGNORECASE
)
MIN_SECRET_LEN = 4
"""Shorter values would mask ordinary words; no real key or password is this short."""


def _url_password(value: str) -> str | None:
    try:
        return urlsplit(value).password
    except ValueError:
        return None


def secret_values(settings: Settings | None, environ: Mapping[str, str] | None = None) -> set[str]:
    """Every secret this process knows: secret-looking environment variables, proxy
    passwords, and the settings' keys marked secret."""
    env = os.environ if environ is None else environ
    found: set[str] = set()
    for name, value in env.items():
        if SECRET_NAME.search(name):
            found.add(value)
        if PROXY_NAME.search(name):
            found.add(_url_password(value) or "")
    if settings is not None:
        for sf in fields(settings):
            section = getattr(settings, sf.name)
            for f in fields(section):
                value = getattr(section, f.name)
                if isinstance(value, str):
                    if f.metadata.get("secret"):
                        found.add(value)
                    found.add(_url_password(value) or "")
    return {s for s in found if len(s) >= MIN_SECRET_LEN}


class Redactor:
    def __init__(self, secrets: set[str]) -> None:
        # Longest first, so a secret containing another is masked whole.
        self._secrets = sorted(secrets, key=len, reverse=True)

    def text(self, value: str) -> str:
        for s in self._secrets:
            if s in value:
                value = value.replace(s, MASK)
        if "://" in value:
            value = URL_PASSWORD.sub(lambda m: m["head"] + MASK, value)
        return value

    def value(self, v: Any) -> Any:
        """Strings anywhere inside dicts and lists, masked."""
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v
