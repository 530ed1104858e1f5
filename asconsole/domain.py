"""Value types shared by every part of asconsole.

Inside the engine prices are integer ticks and sizes integer lots of an
`Instrument`; decimal strings exist only at the venue boundary
(`Instrument.price_ticks` / `Instrument.price_str` and friends). Time is an
integer count of nanoseconds since the Unix epoch, taken from an injected clock.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_DOWN, Decimal
from enum import Enum, IntEnum


class DomainError(ValueError):
    """A value that cannot be represented on the instrument (off-tick price, sub-lot size)."""


class Side(IntEnum):
    """Order or taker side; the value is the sign of the position change."""

    BUY = 1
    SELL = -1


class VenueKind(str, Enum):
    LINEAR_PERP = "linear_perp"
    SPOT = "spot"


class _Steps:
    """`tick` and `lot` as floats, parsed once: the engine reads them on every market event.
    Slots of a base class, not dataclass fields, so they stay out of eq, repr and asdict."""

    __slots__ = ("tick", "lot")
    tick: float
    lot: float


@dataclass(frozen=True, slots=True)
class Instrument(_Steps):
    """What a venue says about a symbol: tick, lot, minimums, and how to convert.

    `tick_size` and `lot_size` are decimal strings exactly as the venue publishes
    them, so conversions are exact; `tick` and `lot` are their float values.
    """

    venue: str
    symbol: str
    tick_size: str
    lot_size: str
    min_qty_lots: int = 1
    min_notional: float = 0.0
    kind: VenueKind = VenueKind.LINEAR_PERP
    base: str = "BTC"
    quote: str = "USDT"

    def __post_init__(self) -> None:
        object.__setattr__(self, "tick", float(self.tick_size))
        object.__setattr__(self, "lot", float(self.lot_size))

    def __reduce__(self) -> tuple[type[Instrument], tuple[object, ...]]:
        """Pickle and copy through the constructor, so `tick` and `lot` are parsed again."""
        return type(self), tuple(getattr(self, f.name) for f in fields(self))

    def _steps(self, value: str | Decimal | float, step: str, rounding: str | None) -> int:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        n = d / Decimal(step)
        if rounding is None:
            if n != n.to_integral_value():
                raise DomainError(f"{value} is not a multiple of {step} on {self.symbol}")
            return int(n)
        return int(n.to_integral_value(rounding=rounding))

    def price_ticks(self, price: str | Decimal | float, rounding: str | None = None) -> int:
        """Decimal price to ticks; exact unless a rounding mode is given."""
        return self._steps(price, self.tick_size, rounding)

    def qty_lots(self, qty: str | Decimal | float, rounding: str | None = None) -> int:
        return self._steps(qty, self.lot_size, rounding)

    def price_str(self, ticks: int) -> str:
        return _fmt(Decimal(ticks) * Decimal(self.tick_size), self.tick_size)

    def qty_str(self, lots: int) -> str:
        return _fmt(Decimal(lots) * Decimal(self.lot_size), self.lot_size)

    def quote_units(self, amount: str | Decimal | float, rounding: str = ROUND_DOWN) -> int:
        """A quote-currency amount (a spot balance) in notional units: one unit is tick x lot
        of quote currency, so an order's cost is exactly price ticks x size lots. Rounded down
        by default: a balance is never overstated."""
        d = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        unit = Decimal(self.tick_size) * Decimal(self.lot_size)
        return int((d / unit).to_integral_value(rounding=rounding))

    def quote_amount(self, units: int) -> float:
        """Notional units back to quote currency (display, PnL)."""
        return units * self.tick * self.lot

    def price(self, ticks: int) -> float:
        return ticks * self.tick

    def qty(self, lots: int) -> float:
        return lots * self.lot

    def notional(self, ticks: int, lots: int) -> float:
        """Dollar value of `lots` at `ticks` (linear contracts: price x quantity)."""
        return ticks * lots * self.tick * self.lot


def _fmt(value: Decimal, step: str) -> str:
    places = len(step.split(".")[1]) if "." in step else 0
    return f"{value:.{places}f}"


# --- market events --------------------------------------------------------------------------

Level = tuple[int, int]
"""(price in ticks, size in lots)."""


@dataclass(frozen=True, slots=True)
class BookSnapshot:
    """A full book: replaces whatever the local book held. Levels best first."""

    ts: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    seq: int = 0


@dataclass(frozen=True, slots=True)
class BookDelta:
    """Changed levels; size 0 deletes. `prev_seq` (when the venue gives one) must equal the
    last applied `seq`, otherwise the book has a gap and must be resynced."""

    ts: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    seq: int = 0
    prev_seq: int | None = None


@dataclass(frozen=True, slots=True)
class Trade:
    """A public trade; `side` is the taker's side."""

    ts: int
    side: Side
    price: int
    qty: int


@dataclass(frozen=True, slots=True)
class MarkPrice:
    """The venue's mark price (futures: liquidations trigger on it). A venue that knows the
    liquidation price of our open position sends it along (ticks; 0 = not reported)."""

    ts: int
    price: int
    liq_price: int = 0


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """Connection state of a feed. `connected=False` means quotes must be pulled."""

    ts: int
    connected: bool
    reason: str = ""


MarketEvent = BookSnapshot | BookDelta | Trade | MarkPrice | FeedStatus


# --- orders and execution -------------------------------------------------------------------


class TimeInForce(str, Enum):
    POST_ONLY = "post_only"
    GTC = "gtc"
    IOC = "ioc"
    MARKET = "market"


class OrderStatus(str, Enum):
    PENDING_NEW = "pending_new"
    OPEN = "open"
    PENDING_CANCEL = "pending_cancel"
    FILLED = "filled"
    CANCELED = "canceled"
    REJECTED = "rejected"

    @property
    def is_done(self) -> bool:
        return self in (OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.REJECTED)


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """An intent to place an order; `client_id` is ours and unique per session."""

    client_id: str
    side: Side
    price: int
    qty: int
    tif: TimeInForce = TimeInForce.POST_ONLY
    reduce_only: bool = False


@dataclass(frozen=True, slots=True)
class AmendOrder:
    client_id: str
    price: int
    qty: int


@dataclass(frozen=True, slots=True)
class CancelOrder:
    client_id: str


@dataclass(frozen=True, slots=True)
class CancelAll:
    """Cancel every working order of the instrument, ours or not."""

    reason: str = ""


OrderAction = PlaceOrder | AmendOrder | CancelOrder | CancelAll


@dataclass(frozen=True, slots=True)
class OrderAck:
    ts: int
    client_id: str
    venue_order_id: str = ""


@dataclass(frozen=True, slots=True)
class OrderAmended:
    ts: int
    client_id: str
    price: int
    qty: int


@dataclass(frozen=True, slots=True)
class OrderRejected:
    """The venue refused a request (`PlaceOrder`, `AmendOrder` or `CancelOrder`)."""

    ts: int
    client_id: str
    reason: str
    request: str = "place"


@dataclass(frozen=True, slots=True)
class OrderCanceled:
    ts: int
    client_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution. `fee` is in quote currency (dollars), positive = paid, negative = rebate.
    `fill_id` is the venue's execution id: fills are applied once per id."""

    ts: int
    client_id: str
    side: Side
    price: int
    qty: int
    fee: float
    is_maker: bool
    fill_id: str
    leaves_qty: int = 0


@dataclass(frozen=True, slots=True)
class Balances:
    """Spot balances of the traded pair: base in lots, quote in notional units
    (`Instrument.quote_units`), each free and locked in open orders. A spot broker reports
    them among its execution events (at start, after a reconnect, when they change); the
    engine's snapshot carries its own view of them."""

    ts: int
    base_free: int
    base_locked: int
    quote_free: int
    quote_locked: int


OrderEvent = OrderAck | OrderAmended | OrderRejected | OrderCanceled | Fill
"""What the venue reports about one order (each names its client_id)."""
ExecEvent = OrderEvent | Balances


@dataclass(slots=True)
class Order:
    """A working order as the order manager tracks it."""

    client_id: str
    side: Side
    price: int
    qty: int
    tif: TimeInForce = TimeInForce.POST_ONLY
    reduce_only: bool = False
    filled: int = 0
    status: OrderStatus = OrderStatus.PENDING_NEW
    venue_order_id: str = ""
    created_ts: int = 0

    @property
    def leaves(self) -> int:
        return self.qty - self.filled


@dataclass(frozen=True, slots=True)
class VenueOrder:
    """An open order as the venue reports it at reconciliation."""

    client_id: str
    venue_order_id: str
    side: Side
    price: int
    qty: int
    filled: int


@dataclass(frozen=True, slots=True)
class VenuePosition:
    """The position as the venue reports it (size signed in lots)."""

    size: int
    entry_price: float = 0.0
    liq_price: float | None = None
    leverage: float | None = None


# --- operator commands ---------------------------------------------------------------------


class CommandKind(str, Enum):
    PAUSE = "pause"
    RESUME = "resume"
    FLATTEN = "flatten"
    GO_LIVE = "go_live"
    GO_PAPER = "go_paper"
    SET_PARAM = "set_param"
    QUIT = "quit"


@dataclass(frozen=True, slots=True)
class Command:
    """Something the operator asked for. Handled before pending market data."""

    kind: CommandKind
    ts: int = 0
    name: str = ""
    value: float | str | None = None
    source: str = "ui"
