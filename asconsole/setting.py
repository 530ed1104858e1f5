"""`setting(...)`: how every config key is declared (default, documentation, bounds, secrecy).

Its own module so that a venue's settings section (e.g. `asconsole.venues.bybit.config`) can
declare keys without importing `asconsole.config`, which imports those sections.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any


def setting(
    default: Any,
    doc: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    choices: tuple[str, ...] | None = None,
    secret: bool = False,
) -> Any:
    meta = {"doc": doc, "lo": lo, "hi": hi, "choices": choices, "secret": secret}
    return field(default=default, metadata=meta)
