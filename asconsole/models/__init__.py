"""Quote models behind one protocol (`models.base.QuoteModel`), and the step to ticks
(`models.rounding`)."""

from __future__ import annotations

from asconsole.config import QuoteSettings
from asconsole.models.avellaneda import AvellanedaStoikov
from asconsole.models.base import QuoteModel
from asconsole.models.glft import GLFT


def make_model(quote_settings: QuoteSettings) -> QuoteModel:
    """The model named in the `[quote]` settings: "glft" (default) or "as" (finite horizon
    of horizon_s seconds, rolling over)."""
    name = quote_settings.model
    if name == "glft":
        return GLFT(xi=quote_settings.xi)
    if name == "as":
        return AvellanedaStoikov(horizon_s=quote_settings.horizon_s)
    raise ValueError(f"unknown quote model {name!r}")
