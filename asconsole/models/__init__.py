"""Quote models behind one protocol (`models.base.QuoteModel`)."""

from __future__ import annotations

from asconsole.models.base import QuoteModel
from asconsole.models.glft import GLFT


def make_model(quote_settings: object) -> QuoteModel:
    """The model named in the `[quote]` settings."""
    name = getattr(quote_settings, "model")
    if name == "glft":
        return GLFT(xi=getattr(quote_settings, "xi"))
    raise ValueError(f"unknown quote model {name!r}")
