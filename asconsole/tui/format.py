"""Number formatting shared by the panes (dollars, prices, sizes, ages)."""

from __future__ import annotations

from datetime import UTC, datetime

from asconsole.clock import NS_PER_S
from asconsole.domain import Instrument


def usd(x: float, signed: bool = False) -> str:
    return f"{x:+,.2f}" if signed else f"{x:,.2f}"


def price(inst: Instrument, ticks: int) -> str:
    """A price in ticks with thousands separators and the tick's decimals: 100,018.4."""
    decimals = len(inst.tick_size.rstrip("0").partition(".")[2])
    return f"{ticks * inst.tick:,.{decimals}f}"


def utc_clock(ts: int) -> str:
    return datetime.fromtimestamp(ts / NS_PER_S, UTC).strftime("%H:%M:%S UTC")


def hms(ts: int) -> str:
    """HH:MM:SS UTC; "--:--:--" before the engine's first snapshot (ts 0)."""
    if not ts:
        return "--:--:--"
    return datetime.fromtimestamp(ts / NS_PER_S, UTC).strftime("%H:%M:%S")


def age(seconds: float) -> str:
    return f"{seconds:.1f}s" if seconds < 60 else f"{seconds / 60:.0f}m"


def pct(x: float) -> str:
    return f"{x:.0%}"
