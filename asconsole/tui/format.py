"""Number formatting shared by the panes (dollars, sizes, ages)."""

from __future__ import annotations

from datetime import UTC, datetime

from asconsole.clock import NS_PER_S


def usd(x: float, signed: bool = False) -> str:
    return f"{x:+,.2f}" if signed else f"{x:,.2f}"


def utc_clock(ts: int) -> str:
    return datetime.fromtimestamp(ts / NS_PER_S, UTC).strftime("%H:%M:%S UTC")


def age(seconds: float) -> str:
    return f"{seconds:.1f}s" if seconds < 60 else f"{seconds / 60:.0f}m"
