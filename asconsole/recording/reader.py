"""Read a session recording back, tolerating what a crash leaves: a torn last line, and a
last gzip segment without its trailer. Format versions 1 and 2 are read; others refused."""

from __future__ import annotations

import gc
import json
import tomllib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asconsole.domain import Instrument, VenueKind
from asconsole.recording.codec import FORMAT_VERSION, READABLE_VERSIONS
from asconsole.recording.writer import PLAIN_LOG, SEGMENT_GLOB

CHUNK = 1 << 18
"""Bytes parsed at a time: large enough to amortise the call, small enough to stay in cache."""


def _loads_lines(block: bytes) -> list[Any]:
    """Newline-separated JSON objects as one JSON array. The garbage collector is paused for
    the parse: it makes thousands of containers and no cycles, and collections triggered by
    them would re-scan them all (2-4x the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(b"[" + block.replace(b"\n", b",") + b"]")  # type: ignore[no-any-return]
    finally:
        if enabled:
            gc.enable()


class RecordingError(ValueError):
    """A recording that cannot be read, said in one line."""


def _gzip_chunks(path: Path, last: bool, warnings: list[str]) -> Iterator[bytes]:
    """The decompressed bytes of one segment, CHUNK at a time; concatenated gzip members are
    read too."""
    z = zlib.decompressobj(31)
    open_member = False
    with open(path, "rb") as fh:
        while raw := fh.read(CHUNK):
            while raw:
                open_member = True
                try:
                    yield z.decompress(raw, CHUNK)
                except zlib.error as exc:
                    raise RecordingError(f"{path}: corrupt gzip data ({exc})") from None
                if z.eof:
                    raw = z.unused_data
                    z, open_member = zlib.decompressobj(31), False
                else:
                    raw = z.unconsumed_tail
    if open_member:
        if not last:
            raise RecordingError(f"{path}: gzip segment ends early but is not the last one")
        warnings.append(
            f"{path}: gzip segment has no trailer (the run was killed); read what is there"
        )


def _plain_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while raw := fh.read(CHUNK):
            yield raw


@dataclass(slots=True)
class Session:
    path: Path
    meta: dict[str, Any]
    files: list[Path]
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def _chunks(self) -> Iterator[tuple[Path, bytes]]:
        for i, f in enumerate(self.files):
            if f.suffix == ".gz":
                last = i == len(self.files) - 1
                for c in _gzip_chunks(f, last, self.warnings):
                    yield f, c
            else:
                for c in _plain_chunks(f):
                    yield f, c

    def lines(self) -> Iterator[dict[str, Any]]:
        """Every complete line as a JSON object, in order. A torn final line (the process was
        killed mid-write) is skipped with a warning; a bad line anywhere else is an error.

        A chunk's complete lines are parsed as one JSON array, which is several times faster
        than a call per line; only a chunk that fails is parsed again line by line, to name
        the bad line."""
        tail = b""
        n = 0
        where = self.path
        for where, chunk in self._chunks():
            buf = tail + chunk
            cut = buf.rfind(b"\n")
            if cut < 0:
                tail = buf
                continue
            block, tail = buf[:cut], buf[cut + 1 :]
            try:
                objs = _loads_lines(block)
            except (json.JSONDecodeError, UnicodeDecodeError):
                objs = self._one_by_one(where, block, n)
            n += len(objs)
            yield from objs
        if tail.strip():
            try:
                yield json.loads(tail)
            except (json.JSONDecodeError, UnicodeDecodeError):
                self.warnings.append(f"{where}: skipped a truncated last line")

    @staticmethod
    def _one_by_one(where: Path, block: bytes, before: int) -> list[Any]:
        out = []
        for i, raw in enumerate(block.split(b"\n"), before + 1):
            try:
                out.append(json.loads(raw))
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise RecordingError(f"{where}: line {i}: corrupt line") from None
        return out


def instrument_from_meta(meta: dict[str, Any]) -> Instrument:
    raw = dict(meta.get("instrument", {}))
    try:
        raw["kind"] = VenueKind(raw.get("kind", VenueKind.LINEAR_PERP.value))
        return Instrument(**raw)
    except (TypeError, ValueError) as exc:
        raise RecordingError(f"meta.toml: bad [instrument]: {exc}") from None


def log_files(p: Path) -> list[Path]:
    plain = p / PLAIN_LOG
    if plain.exists():
        return [plain]
    return sorted(p.glob(SEGMENT_GLOB))


def open_session(path: Path | str) -> Session:
    p = Path(path)
    meta_file = p / "meta.toml"
    if not meta_file.exists():
        raise RecordingError(f"{p}: not a session recording (no meta.toml)")
    try:
        meta = tomllib.loads(meta_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RecordingError(f"{meta_file}: unreadable metadata: {exc}") from None
    version = meta.get("format_version")
    if version not in READABLE_VERSIONS:
        readable = ", ".join(str(v) for v in sorted(READABLE_VERSIONS))
        raise RecordingError(
            f"{p}: recording format version {version} is not supported "
            f"(this asconsole writes version {FORMAT_VERSION} and reads versions {readable})"
        )
    files = log_files(p)
    if not files:
        raise RecordingError(f"{p}: no event log ({PLAIN_LOG} or {SEGMENT_GLOB})")
    return Session(p, meta, files)
