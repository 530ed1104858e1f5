"""Exact decimal strings to integer steps (ticks, lots) without Decimal on the hot path.

Real feeds repeat the same price and size strings over and over, so results are memoised;
a conversion is a dict lookup most of the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from asconsole.domain import Level

MEMO_LIMIT = 1 << 20


class Scale:
    """Converts "61800.20" to a count of `step` ("0.1" -> 618002); ValueError when the string
    is not a non-negative multiple of the step."""

    __slots__ = ("step", "places", "unit", "_memo")

    def __init__(self, step: str) -> None:
        try:
            d = Decimal(step)
        except InvalidOperation:
            raise ValueError(f"{step!r} is not a decimal step") from None
        if d <= 0:
            raise ValueError(f"step {step!r} must be positive")
        self.step = step
        self.places = max(0, -int(d.as_tuple().exponent))
        self.unit = int(d.scaleb(self.places))
        self._memo: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        try:
            return self._memo[text]
        except KeyError:
            pass
        value = self._convert(text)
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[text] = value
        return value

    def _convert(self, text: str) -> int:
        whole, _, frac = text.partition(".")
        if not (whole or frac) or not (whole + frac).isdigit():
            raise ValueError(f"{text!r} is not a plain non-negative decimal")
        places = self.places
        if len(frac) > places:
            if frac[places:].strip("0"):
                raise ValueError(f"{text} is not a multiple of {self.step}")
            frac = frac[:places]
        n = int(whole + frac.ljust(places, "0"))
        if n % self.unit:
            raise ValueError(f"{text} is not a multiple of {self.step}")
        return n // self.unit


def levels(rows: Sequence[Sequence[str]], px: Scale, qty: Scale) -> tuple[Level, ...]:
    """[["61800.20", "0.014"], ...] -> ((618002, 14), ...)."""
    return tuple((px(p), qty(q)) for p, q in rows)
