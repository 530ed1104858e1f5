"""Reading input files line by line: plain, gzip or single-member zip; errors that name the
file and line; `--skip-bad` counting; progress in input bytes."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from asconsole.recording.reader import RecordingError

BAD_LINE = (ValueError, KeyError, TypeError, IndexError, AttributeError)
"""What parsing a malformed line raises (json.JSONDecodeError is a ValueError)."""
PROGRESS_EVERY = 4096


class SourceError(RecordingError):
    """An input that cannot be imported, said in one line with the file and line number."""


@dataclass(slots=True)
class ImportStats:
    """What an import did; written in the session's metadata and printed at the end."""

    snapshots: int = 0
    deltas: int = 0
    trades: int = 0
    gaps: int = 0
    """Breaks in the venue's update-id chain (recorded as a delta whose prev_seq does not match)."""
    bad_lines: int = 0
    """Corrupt lines skipped with --skip-bad."""
    dropped: int = 0
    """Valid messages that cannot be used: before the first snapshot, already in a snapshot,
    or after a gap until the next snapshot."""
    ignored: int = 0
    """Messages of streams that are not imported (e.g. bookTicker) or of other symbols."""
    first_ts: int = 0
    last_ts: int = 0

    @property
    def events(self) -> int:
        return self.snapshots + self.deltas + self.trades

    def as_meta(self) -> dict[str, int]:
        return {
            "snapshots": self.snapshots, "deltas": self.deltas, "trades": self.trades,
            "gaps": self.gaps, "bad_lines": self.bad_lines, "dropped": self.dropped,
            "ignored": self.ignored, "first_ns": self.first_ts, "last_ns": self.last_ts,
        }


def _no_progress(done: int) -> None:
    return None


@dataclass(slots=True)
class ImportContext:
    """Shared by the readers of one import: the skip-bad policy, the counters and progress."""

    skip_bad: bool = False
    stats: ImportStats = field(default_factory=ImportStats)
    progress: Callable[[int], None] = _no_progress
    """Called with the input bytes consumed so far (all files)."""
    _positions: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def bad(self, path: Path, lineno: int, exc: BaseException) -> None:
        if not self.skip_bad:
            reason = str(exc) if not isinstance(exc, KeyError) else f"missing field {exc}"
            raise SourceError(f"{path}:{lineno}: bad line ({type(exc).__name__}: {reason})")
        self.stats.bad_lines += 1

    def moved(self, path: Path, position: int) -> None:
        self._positions[str(path)] = position
        self.progress(sum(self._positions.values()))


def _open_text(path: Path, raw: io.BufferedReader) -> io.TextIOBase:
    head = raw.peek(4)[:4]
    if head[:2] == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8")
    if head == b"PK\x03\x04":
        archive = zipfile.ZipFile(raw)
        names = [n for n in archive.namelist() if not n.endswith("/")]
        if len(names) != 1:
            raise SourceError(f"{path}: expected one file in the zip archive, found {len(names)}")
        return io.TextIOWrapper(archive.open(names[0]), encoding="utf-8")
    return io.TextIOWrapper(raw, encoding="utf-8")


def lines(path: Path, ctx: ImportContext) -> Iterator[tuple[int, str]]:
    """(line number, text without the newline) for every non-empty line of `path`."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the `with` below
    except OSError as exc:
        raise SourceError(f"{path}: cannot open: {exc.strerror}") from None
    with raw:
        text = _open_text(path, raw)
        n = 0
        try:
            for n, line in enumerate(text, 1):
                if n % PROGRESS_EVERY == 0:
                    ctx.moved(path, raw.tell())
                line = line.rstrip("\r\n")
                if line:
                    yield n, line
        except (OSError, EOFError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            raise SourceError(f"{path}:{n + 1}: unreadable ({exc})") from None
        ctx.moved(path, raw.tell())
