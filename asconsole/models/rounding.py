"""From a model's dollar quote to prices in ticks and a size in lots: pure functions.

Order of operations (all in dollars until the last step):
1. spread bounds: lo = max(min_spread_dollar, fee floor), hi = max(max_spread_dollar, lo);
   the model's spread 2*half_spread is clamped to [lo, hi] around the reservation price, so
   the inventory skew survives the clamp (the seed clamped around the mid, dropping it).
   Fee floor, mode "maker": 2 * maker_fee * mid + margin (a round trip of two maker fills);
   mode "maker_taker": (maker_fee + taker_fee) * mid + margin (the seed's conservative choice,
   for when the exit may be a market order). A maker rebate (negative fee) lowers the floor,
   never below the margin. The fee floor wins over max_spread_dollar: a spread that cannot
   pay its fees is never quoted.
2. ticks: the bid rounds down, the ask rounds up (never tighter than the model asked).
3. post-only: a bid is at most best_ask - 1 tick and an ask at least best_bid + 1 tick, so
   neither crosses nor locks the book; and the ask stays above the bid.
Sizes: the configured order size floored to the lot step, raised to the venue minimum
quantity and minimum notional.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil, floor, isfinite

FEE_MODES = ("maker", "maker_taker")
_EPS = 1e-9
"""Float slack when dividing by the tick, so 100.3 / 0.1 is 1003 and not 1002.9999."""


def fee_floor_spread(
    mid: float, maker_fee: float, taker_fee: float, margin: float, mode: str = "maker"
) -> float:
    """Smallest bid-to-ask spread in dollars that pays a round trip's fees plus the margin."""
    if mode == "maker":
        cost = 2.0 * maker_fee * mid
    elif mode == "maker_taker":
        cost = (maker_fee + taker_fee) * mid
    else:
        raise ValueError(f"fee mode {mode!r} is not one of {', '.join(FEE_MODES)}")
    return max(cost, 0.0) + margin


@dataclass(frozen=True, slots=True)
class SpreadLimits:
    min_spread_dollar: float = 5.0
    max_spread_dollar: float = 100.0
    maker_fee: float = 0.0002
    taker_fee: float = 0.00055
    fee_margin_dollar: float = 0.0
    fee_mode: str = "maker"

    def bounds(self, mid: float) -> tuple[float, float, bool]:
        """(lo, hi, fee_binds): the spread range at this mid; fee_binds when the fee floor is
        above min_spread_dollar."""
        fee = fee_floor_spread(
            mid, self.maker_fee, self.taker_fee, self.fee_margin_dollar, self.fee_mode
        )
        lo = self.min_spread_dollar if self.min_spread_dollar >= fee else fee
        hi = self.max_spread_dollar if self.max_spread_dollar >= lo else lo
        return lo, hi, fee > self.min_spread_dollar


@dataclass(frozen=True, slots=True)
class TickQuote:
    bid: int
    """Bid price, ticks."""
    ask: int
    """Ask price, ticks."""
    spread: float
    """Bid-to-ask spread in dollars after the bounds, before rounding."""
    bound: str
    """Which limit set the spread: "" (the model's own), "min", "fee" or "max"."""
    post_only: str
    """Which side was pulled back from crossing or locking the book: "", "bid", "ask", "both"."""


def shape_quote(
    reservation: float,
    half_spread: float,
    mid: float,
    tick: float,
    best_bid: int,
    best_ask: int,
    limits: SpreadLimits,
    widen_bid: float = 1.0,
    widen_ask: float = 1.0,
) -> TickQuote | None:
    """Bid and ask in ticks around the reservation price, or None for unusable inputs.
    `best_bid` / `best_ask` are the book's best prices in ticks, 0 when that side is empty.
    `widen_bid` / `widen_ask` (>= 1, from the guards) stretch one side's half spread after the
    bounds."""
    if not (
        isfinite(reservation) and isfinite(half_spread) and isfinite(mid) and isfinite(tick)
    ):
        return None
    if mid <= 0.0 or tick <= 0.0 or half_spread < 0.0:
        return None
    lo, hi, fee_binds = limits.bounds(mid)
    spread = 2.0 * half_spread
    bound = ""
    if spread < lo:
        spread, bound = lo, ("fee" if fee_binds else "min")
    elif spread > hi:
        spread, bound = hi, "max"
    half = 0.5 * spread
    bid = floor((reservation - half * widen_bid) / tick + _EPS)
    ask = ceil((reservation + half * widen_ask) / tick - _EPS)
    pulled = ""
    if best_ask > 0 and bid >= best_ask:
        bid = best_ask - 1
        pulled = "bid"
    if best_bid > 0 and ask <= best_bid:
        ask = best_bid + 1
        pulled = "both" if pulled else "ask"
    if ask <= bid:
        ask = bid + 1
    return TickQuote(bid, ask, spread, bound, pulled)


def size_lots(
    order_size: float, lot: float, min_qty_lots: int = 1, min_notional: float = 0.0,
    price: float = 0.0,
) -> int:
    """Order size in lots: floored to the lot step, then raised to the venue's minimum
    quantity and, at `price` dollars, its minimum notional. May exceed order_size when the
    venue minimum is larger; the caller shows that."""
    lots = max(floor(order_size / lot + _EPS), min_qty_lots, 1)
    if min_notional > 0.0 and price > 0.0 and lots * lot * price < min_notional:
        lots = ceil(min_notional / (lot * price) - _EPS)
    return lots


def quote_distances(
    mid: float, bid: int, ask: int, tick: float
) -> tuple[float, float, float, float]:
    """(bid ticks, ask ticks, bid bps, ask bps) from the mid, positive on the usual side
    (bid below, ask above); for the quotes pane."""
    bid_d = mid - bid * tick
    ask_d = ask * tick - mid
    return bid_d / tick, ask_d / tick, bid_d / mid * 1e4, ask_d / mid * 1e4
