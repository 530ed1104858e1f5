"""Order book ladder: asks above, bids below, spread and mid between, cumulative size with
depth bars, and our own orders marked, even when they sit beyond the levels that fit.

As many levels as the pane's height allows are shown; an own order further out replaces the
outermost row with a marked "beyond" row, so a working order is never invisible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from rich.console import RenderableType
from rich.text import Text

from asconsole.domain import Level
from asconsole.engine.snapshot import OwnOrder, Snapshot
from asconsole.tui.format import price
from asconsole.tui.widgets.pane import Pane

EIGHTHS = " ▏▎▍▌▋▊▉█"


@dataclass(frozen=True, slots=True)
class Rung:
    """One ladder row: price in ticks, book size, cumulative size from the touch and our own
    working size, all in lots."""

    price: int
    size: int
    cum: int
    own: int
    beyond: int = 0
    """On an edge row standing for own orders past the shown levels: how many."""


def side_rungs(levels: Iterable[Level], own: dict[int, int], n: int, is_bid: bool) -> list[Rung]:
    """The `n` rows nearest the mid on one side (nearest first)."""
    if n <= 0:
        return []
    sizes = dict(levels)
    rungs: list[Rung] = []
    cum = 0
    for px in sorted(set(sizes) | set(own), reverse=is_bid):
        cum += sizes.get(px, 0)
        rungs.append(Rung(px, sizes.get(px, 0), cum, own.get(px, 0)))
    shown, rest = rungs[:n], [r for r in rungs[n:] if r.own]
    if rest:
        shown = [*shown[: n - 1], replace(rest[0], beyond=len(rest))]
    return shown


def own_by_price(own: tuple[OwnOrder, ...], side: int) -> dict[int, int]:
    out: dict[int, int] = {}
    for o in own:
        if o.side == side:
            out[o.price] = out.get(o.price, 0) + o.qty - o.filled
    return out


def bar(fraction: float, width: int) -> str:
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


class BookLadder(Pane):
    DEFAULT_CSS = """
    BookLadder > .book--ask { color: $error; }
    BookLadder > .book--bid { color: $success; }
    BookLadder > .book--ask-bar { color: $error 45%; }
    BookLadder > .book--bid-bar { color: $success 45%; }
    BookLadder > .book--own { color: $accent; text-style: bold; }
    BookLadder > .book--mid { text-style: bold; }
    BookLadder > .book--dim { text-style: dim; }
    """
    COMPONENT_CLASSES = {
        "book--ask", "book--bid", "book--ask-bar", "book--bid-bar", "book--own", "book--mid",
        "book--dim",
    }

    def __init__(self, **kw: object) -> None:
        super().__init__("Book", **kw)

    def draw(self, s: Snapshot, width: int, height: int) -> RenderableType:
        inst = s.instrument
        n = max(0, (height - 2) // 2)
        asks = side_rungs(s.asks, own_by_price(s.own, -1), n, is_bid=False)
        bids = side_rungs(s.bids, own_by_price(s.own, 1), n, is_bid=True)
        rows = asks + bids
        pw = max((len(price(inst, r.price)) for r in rows), default=9)
        sw = max((len(inst.qty_str(r.size)) for r in rows), default=5)
        cw = max((len(inst.qty_str(r.cum)) for r in rows), default=5)
        bw = width - (1 + pw + 1 + sw + 1 + cw + 1)
        if bw < 3:
            cw, bw = 0, 0
        top = max((r.cum for r in rows), default=1) or 1
        dim = self.rich("book--dim")
        own_style = self.rich("book--own")

        def line(r: Rung, side: str) -> Text:
            t = Text()
            t.append("◆" if r.own else " ", style=own_style)
            t.append(price(inst, r.price).rjust(pw), style=own_style if r.own else self.rich(f"book--{side}"))
            if r.beyond:
                note = f" own {inst.qty_str(r.own)} {'↑' if side == 'ask' else '↓'}"
                for extra in (" beyond", f" +{r.beyond - 1}" if r.beyond > 1 else ""):
                    if t.cell_len + len(note) + len(extra) <= width:
                        note += extra
                t.append(note, style=own_style)
                return t
            t.append(" " + (inst.qty_str(r.size) if r.size else "").rjust(sw))
            if cw:
                t.append(" " + inst.qty_str(r.cum).rjust(cw), style=dim)
                t.append(" " + bar(r.cum / top, bw), style=self.rich(f"book--{side}-bar"))
            return t

        header = Text(" " + "price".rjust(pw) + " " + "size".rjust(sw), style=dim)
        if cw:
            header.append(" " + "cum".rjust(cw) + (" depth" if bw >= 5 else ""))
        lines = [header, *[Text()] * (n - len(asks))]
        lines += [line(r, "ask") for r in reversed(asks)]
        lines.append(Text(self._mid_line(s, width), style=self.rich("book--mid")))
        lines += [line(r, "bid") for r in bids]
        return Text("\n", no_wrap=True, overflow="crop").join(lines)

    @staticmethod
    def _mid_line(s: Snapshot, width: int) -> str:
        """Mid and spread, with as much detail as the width allows."""
        if not (s.asks and s.bids):
            return " no two-sided book"
        spread = (s.asks[0][0] - s.bids[0][0]) * s.instrument.tick
        bps = spread / s.mid * 1e4 if s.mid else 0.0
        line = f" mid {s.mid:,.2f}"
        for part in (f"  spread {spread:.1f}", f" ({bps:.1f}bp)"):
            if len(line) + len(part) > width:
                return f"{line} ±{spread / 2:.2f}" if len(line) + 7 <= width else line
            line += part
        return line
