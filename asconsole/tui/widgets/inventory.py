"""Position, entry, notional and leverage; on spot, the free and locked balances instead."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from asconsole.domain import VenueKind
from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import usd


class InventoryPane(Static):
    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.border_title = "Inventory"

    def show(self, s: Snapshot) -> None:
        inst = s.instrument
        pos = s.position * inst.lot
        t = Text(no_wrap=True, overflow="ellipsis")
        style = "bold green" if pos > 0 else "bold red" if pos < 0 else "bold"
        t.append(f"{pos:+.3f} {inst.base}", style=style)
        t.append(f" @ {usd(s.entry)}" if s.position else " flat")
        t.append(f"  notional {usd(abs(pos) * s.mark)}\n")
        if inst.kind is VenueKind.SPOT:
            t.append(_balances(s))
        else:
            t.append(f"mark {usd(s.mark)}  lev {s.leverage:g}x  fills {s.fills} ({s.buys}B/{s.sells}S)")
        self.update(t)


def _balances(s: Snapshot) -> str:
    """Spot has no leverage or margin: what limits it is the balances, free first."""
    b, inst = s.balances, s.instrument
    if b is None:
        return "balances: waiting for the venue"
    return (f"free {inst.qty_str(b.base_free)} {inst.base} {usd(inst.quote_amount(b.quote_free))} "
            f"{inst.quote}  locked {inst.qty_str(b.base_locked)} / "
            f"{usd(inst.quote_amount(b.quote_locked))}")
