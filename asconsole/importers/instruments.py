"""Built-in instrument facts per venue and symbol, for files that do not carry them.

Tick and lot are the venues' published filters for BTCUSDT (Binance exchangeInfo
PRICE_FILTER/LOT_SIZE, Bybit instruments-info); fees are the VIP0 rates. `--tick`, `--lot`,
`--maker` and `--taker` override any of them; an unknown symbol needs `--tick` and `--lot`.
"""

from __future__ import annotations

from dataclasses import dataclass

from asconsole.domain import Instrument, VenueKind


@dataclass(frozen=True, slots=True)
class VenueDefaults:
    venue: str
    kind: VenueKind
    maker: float
    taker: float
    min_notional: float
    symbols: dict[str, tuple[str, str, int]]
    """symbol -> (tick_size, lot_size, min_qty_lots)."""


VENUES: dict[str, VenueDefaults] = {
    "binance-usdm": VenueDefaults(
        "binance", VenueKind.LINEAR_PERP, 0.0002, 0.0005, 100.0,
        {"BTCUSDT": ("0.1", "0.001", 1), "ETHUSDT": ("0.01", "0.001", 1)},
    ),
    # Binance spot publishes book sizes with 8 decimals (aggregated orders), finer than the
    # order step (0.00001 BTC): the lot is the book's unit and the minimum order is 1000 lots.
    "binance-spot": VenueDefaults(
        "binance", VenueKind.SPOT, 0.001, 0.001, 5.0,
        {"BTCUSDT": ("0.01", "0.00000001", 1000), "ETHUSDT": ("0.01", "0.00000001", 10000)},
    ),
    "bybit-linear": VenueDefaults(
        "bybit", VenueKind.LINEAR_PERP, 0.0002, 0.00055, 5.0,
        {"BTCUSDT": ("0.1", "0.001", 1), "ETHUSDT": ("0.01", "0.01", 1)},
    ),
    "bybit-spot": VenueDefaults(
        "bybit", VenueKind.SPOT, 0.001, 0.001, 5.0,
        {"BTCUSDT": ("0.01", "0.000001", 1), "ETHUSDT": ("0.01", "0.00001", 1)},
    ),
}


@dataclass(frozen=True, slots=True)
class Facts:
    instrument: Instrument
    maker: float
    taker: float


def instrument_facts(
    venue: str,
    symbol: str,
    tick: str | None = None,
    lot: str | None = None,
    maker: float | None = None,
    taker: float | None = None,
) -> Facts:
    """The instrument and fee rates for `venue` (a key of VENUES) and `symbol`, options first."""
    d = VENUES[venue]
    sym = symbol.upper()
    known = d.symbols.get(sym)
    if known is None and (tick is None or lot is None):
        raise ValueError(f"no built-in tick and lot for {sym} on {venue}: give --tick and --lot")
    tick_size = tick or known[0]  # type: ignore[index]
    lot_size = lot or known[1]  # type: ignore[index]
    min_lots = known[2] if known is not None and lot is None else 1
    base, quote = (sym[:-4], sym[-4:]) if sym.endswith(("USDT", "USDC")) else (sym, "")
    inst = Instrument(d.venue, sym, tick_size, lot_size, min_lots, d.min_notional, d.kind, base, quote)
    return Facts(inst, d.maker if maker is None else maker, d.taker if taker is None else taker)
