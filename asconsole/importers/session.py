"""Write an imported event stream as a session recording (mode "import").

The stream starts at the first book snapshot: anything before it (a trade, a stray delta) is
dropped and counted, because neither the engine nor the paper exchange can use it without a
book. Timestamps must not go backwards (the event clock would silently hold still): inputs
out of order are refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from asconsole import config
from asconsole.domain import BookDelta, BookSnapshot, Instrument, MarketEvent, Trade, VenueKind
from asconsole.importers.binance import binance_events
from asconsole.importers.bybit import bybit_events
from asconsole.importers.instruments import Facts
from asconsole.importers.normalized import normalized_events
from asconsole.importers.source import ImportContext, ImportStats, SourceError
from asconsole.recording.writer import Recorder

Reader = Callable[[Sequence[Path], Instrument, ImportContext], Iterator[MarketEvent]]

FORMATS: dict[str, tuple[str, Reader]] = {
    # format -> (venue defaults key, reader)
    "binance-usdm": ("binance-usdm", lambda p, i, c: binance_events(p, i, c, futures=True)),
    "binance-spot": ("binance-spot", lambda p, i, c: binance_events(p, i, c, futures=False)),
    "bybit-linear": ("bybit-linear", bybit_events),
    "bybit-spot": ("bybit-spot", bybit_events),
    "normalized": ("", normalized_events),
}


@dataclass(frozen=True, slots=True)
class ImportResult:
    path: Path
    stats: ImportStats


def from_snapshot(events: Iterable[MarketEvent], stats: ImportStats) -> Iterator[MarketEvent]:
    """The events from the first snapshot on, counted, with time checked to never go back."""
    it = iter(events)
    for ev in it:
        if isinstance(ev, BookSnapshot):
            stats.first_ts = stats.last_ts = ev.ts
            stats.snapshots += 1
            yield ev
            break
        stats.dropped += 1
    else:
        raise SourceError("no book snapshot in the input: nothing to start the book from")
    last = stats.last_ts
    for ev in it:
        if ev.ts < last:
            raise SourceError(f"time goes backwards at {ev.ts} (after {last}): inputs out of order?")
        last = ev.ts
        cls = type(ev)
        if cls is BookDelta:
            stats.deltas += 1
        elif cls is Trade:
            stats.trades += 1
        elif cls is BookSnapshot:
            stats.snapshots += 1
        yield ev
    stats.last_ts = last


def import_session(
    fmt: str,
    sources: Sequence[Path],
    facts: Facts,
    out: Path,
    ctx: ImportContext,
    settings: config.Settings | None = None,
) -> ImportResult:
    """Stream `sources` in format `fmt` into a new session directory `out`."""
    if out.exists():
        raise SourceError(f"{out}: already exists; choose a new session directory")
    read = FORMATS[fmt][1]
    inst = facts.instrument
    s = (settings or config.Settings()).replace("fees", maker=facts.maker, taker=facts.taker)
    s = s.replace("market", symbol=inst.symbol, futures=inst.kind is VenueKind.LINEAR_PERP)
    stream = from_snapshot(read(sources, facts.instrument, ctx), ctx.stats)
    first = next(stream)
    rec = Recorder(out, s, facts.instrument, first.ts, "import")
    rec.meta["sources"] = [str(p) for p in sources]
    rec.meta["import_format"] = fmt
    try:
        rec.event(first)
        for ev in stream:
            rec.event(ev)
    except BaseException:
        rec.close(ctx.stats.last_ts or first.ts, "import failed")
        raise
    rec.meta["import"] = ctx.stats.as_meta()
    rec.close(ctx.stats.last_ts, "import complete")
    return ImportResult(out, ctx.stats)
