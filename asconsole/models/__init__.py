"""Quote models (GLFT, Avellaneda-Stoikov) behind one protocol, and the step to ticks."""

from __future__ import annotations

from asconsole.config import QuoteSettings
from asconsole.models.avellaneda import AvellanedaStoikov
from asconsole.models.base import QuoteModel
from asconsole.models.glft import GLFT


def model_from_settings(q: QuoteSettings) -> QuoteModel:
    """The configured model: "glft" (default) or "as" (finite horizon of horizon_s)."""
    if q.model == "as":
        return AvellanedaStoikov(horizon_s=q.horizon_s)
    return GLFT(xi=q.xi)
