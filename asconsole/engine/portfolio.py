"""Position, average entry, realized and unrealized PnL, fees.

Cash is kept exactly, as an integer count of tick x lot units; fees are dollars. The books
always close: cash + position x mark - fees == realized + unrealized - fees == total.
"""

from __future__ import annotations

from dataclasses import dataclass

from asconsole.domain import Fill, Instrument


@dataclass(slots=True)
class Portfolio:
    instrument: Instrument
    position: int = 0
    """Signed lots."""
    entry: float = 0.0
    """Average entry of the open position, in ticks."""
    realized_units: float = 0.0
    """Realized PnL in tick x lot units."""
    cash_units: int = 0
    fees: float = 0.0
    volume_units: int = 0
    fills: int = 0
    buys: int = 0
    sells: int = 0
    maker_fills: int = 0
    closes: int = 0
    """Fills that closed (part of) the position; `wins` of them at a profit (before fees)."""
    wins: int = 0

    def apply(self, fill: Fill) -> None:
        q = fill.qty * fill.side
        self.cash_units -= q * fill.price
        self.volume_units += fill.qty * fill.price
        self.fees += fill.fee
        self.fills += 1
        self.maker_fills += fill.is_maker
        if fill.side > 0:
            self.buys += 1
        else:
            self.sells += 1
        pos = self.position
        if pos == 0 or (pos > 0) == (q > 0):
            self.entry = (self.entry * abs(pos) + fill.price * abs(q)) / (abs(pos) + abs(q))
            self.position = pos + q
            return
        closed = min(abs(q), abs(pos))
        sign = 1 if pos > 0 else -1
        gain = (fill.price - self.entry) * closed * sign
        self.realized_units += gain
        self.closes += 1
        self.wins += gain > 0
        self.position = pos + q
        if self.position == 0:
            self.entry = 0.0
        elif (self.position > 0) != (pos > 0):
            self.entry = float(fill.price)

    @property
    def unit(self) -> float:
        """Dollars per tick x lot."""
        return self.instrument.tick * self.instrument.lot

    def realized(self) -> float:
        return self.realized_units * self.unit

    def unrealized(self, mark_ticks: float) -> float:
        if self.position == 0 or mark_ticks <= 0:
            return 0.0
        return (mark_ticks - self.entry) * self.position * self.unit

    def total(self, mark_ticks: float) -> float:
        return self.realized() + self.unrealized(mark_ticks) - self.fees

    def cash(self) -> float:
        return self.cash_units * self.unit

    def volume(self) -> float:
        return self.volume_units * self.unit
