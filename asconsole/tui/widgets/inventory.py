"""Position, entry, mark, notional, leverage, margin, liquidation and its distance (futures,
when the snapshot has them), and the inventory limits as a gauge."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from asconsole.domain import VenueKind
from asconsole.engine.snapshot import Snapshot
from asconsole.tui.format import usd
from asconsole.tui.widgets.pane import Pane, flow


def gauge(position: int, soft: int, hard: int, width: int) -> tuple[str, int, int]:
    """A -hard..+hard track with soft marks, filled from the centre to the position.

    Returns the track and the (start, end) column span of the fill."""
    if width < 5 or hard <= 0:
        return "", 0, 0
    last = width - 1

    def col(x: float) -> int:
        return round((max(-hard, min(hard, x)) + hard) / (2 * hard) * last)

    track = ["─"] * width
    track[0], track[last], track[col(0)] = "├", "┤", "┼"
    for mark in (-soft, soft):
        if 0 < soft < hard:
            track[col(mark)] = "┆"
    centre, at = col(0), col(position)
    lo, hi = min(centre, at), max(centre, at)
    for i in range(lo, hi + 1):
        track[i] = "━"
    track[at] = "●"
    return "".join(track), lo, hi + 1


class InventoryPane(Pane):
    DEFAULT_CSS = """
    InventoryPane > .inventory--long { color: $success; text-style: bold; }
    InventoryPane > .inventory--short { color: $error; text-style: bold; }
    InventoryPane > .inventory--ok { color: $success; }
    InventoryPane > .inventory--warn { color: $warning; text-style: bold; }
    InventoryPane > .inventory--bad { color: $error; text-style: bold reverse; }
    InventoryPane > .inventory--dim { text-style: dim; }
    """
    COMPONENT_CLASSES = {
        "inventory--long", "inventory--short", "inventory--ok", "inventory--warn",
        "inventory--bad", "inventory--dim",
    }

    def __init__(self, **kw: object) -> None:
        super().__init__("Inventory", **kw)

    def draw(self, s: Snapshot, width: int, height: int) -> RenderableType:
        inst = s.instrument
        base = s.position * inst.lot
        dim = self.rich("inventory--dim")
        if s.position:
            side = "long" if s.position > 0 else "short"
            pos = Text(f"{base:+.3f} {inst.base} {side}", style=self.rich(f"inventory--{side}"))
            pos.append(f" @ {usd(s.entry)}", style="")
        else:
            pos = Text(f"flat 0 {inst.base}", style="bold")
        first = [pos, Text(f"mark {usd(s.mark)}", style=dim)]
        notional = abs(base) * s.mark
        second = [Text(f"notional {usd(notional)}")]
        groups = [first, second]
        if inst.kind is VenueKind.LINEAR_PERP:
            second.append(Text(f"lev {s.leverage:g}x"))
            if s.margin:
                second.append(Text(f"margin {usd(s.margin)}"))
            if s.liq_price > 0 and s.mark > 0:
                groups.append([self._liquidation(s)])
        else:
            # Spot has no leverage or margin: what limits it is the balances, free first; the
            # notional joins the first line so the limits gauge keeps its row at 80x24.
            first.extend(second)
            groups = [first, [Text(_balances(s))]]
        if s.inventory_hard:
            groups.append([self._limits(s, width)])
        return flow(groups, width)

    def watch_snap(self, s: Snapshot | None) -> None:
        # The liquidation line takes a row of its own: the pane grows by one (app.tcss).
        self.set_class(s is not None and s.liq_price > 0, "-liq")

    def _liquidation(self, s: Snapshot) -> Text:
        away = abs(s.mark - s.liq_price) / s.mark
        near = "bad" if s.liq_left < 0.2 else "warn" if s.liq_left < 0.4 else "dim"
        src = "venue" if s.liq_source == "venue" else "estimate"
        return Text(f"liq {usd(s.liq_price)}  {away:.1%} away ({src})",
                    style=self.rich(f"inventory--{near}"))

    def _limits(self, s: Snapshot, width: int) -> Text:
        inst = s.instrument
        size = abs(s.position)
        state = "bad" if size >= s.inventory_hard else "warn" if size >= s.inventory_soft else "ok"
        label = f" {inst.qty_str(size)}/{inst.qty_str(s.inventory_soft)}/{inst.qty_str(s.inventory_hard)}"
        track, lo, hi = gauge(s.position, s.inventory_soft, s.inventory_hard, width - 6 - len(label))
        t = Text("limit ", style=self.rich("inventory--dim"))
        t.append(track[:lo], style=self.rich("inventory--dim"))
        t.append(track[lo:hi], style=self.rich(f"inventory--{state}"))
        t.append(track[hi:], style=self.rich("inventory--dim"))
        t.append(label, style=self.rich("inventory--dim"))
        return t


def _balances(s: Snapshot) -> str:
    b, inst = s.balances, s.instrument
    if b is None:
        return "balances: waiting for the venue"
    return (f"free {inst.qty_str(b.base_free)} {inst.base} {usd(inst.quote_amount(b.quote_free))} "
            f"{inst.quote}  locked {inst.qty_str(b.base_locked)} / "
            f"{usd(inst.quote_amount(b.quote_locked))}")
