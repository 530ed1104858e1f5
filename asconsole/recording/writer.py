"""Append-only session recorder.

One directory per run: `meta.toml` (format version, instrument, effective config with
secrets masked, start, end, exit reason) and the event log, either `events.jsonl` or gzip
segments `events-0001.jsonl.gz`, `events-0002.jsonl.gz`, ... (`[recording] compress`).

A live run (`records_timing`) also records the engine's own time for each input where it
differs from the input's time, its timer ticks and its paper/live switches, and says so in
`meta.toml` (`timing = "recorded"`): a replay then gives its engine exactly those times.

The engine loop only appends the event object to a queue; a writer thread wakes at least
every `flush_s` (<= 1 s), encodes the batch, masks secrets, writes and flushes it. Encoding,
compression and disk stalls therefore never delay a decision, and a `kill -9` loses at most
the last second; the reader skips a torn last line (and a gzip segment missing its trailer).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
import zlib
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import tomli_w

from asconsole import __version__
from asconsole.clock import NS_PER_S, Clock
from asconsole.config import Settings, to_mapping
from asconsole.domain import Command, Instrument, VenuePosition
from asconsole.recording.codec import FORMAT_VERSION, MARKET_TEXT_FREE, MODE, TIMER, encode
from asconsole.recording.redact import Redactor, secret_values

log = logging.getLogger(__name__)

WAKE_AT = 8192
"""Queued items that wake the writer before its period (a burst of market data)."""
SEGMENT_BYTES = 64 * 1024 * 1024
"""Uncompressed bytes per gzip segment (a few hours of BTCUSDT)."""
PLAIN_LOG = "events.jsonl"
_compact = json.JSONEncoder(separators=(",", ":")).encode
"""One encoder for every line (json.dumps with options builds a new one per call)."""
SEGMENT_GLOB = "events-*.jsonl.gz"
RECORDED_TIMING = "recorded"
"""meta.toml `timing` of a run that recorded its engine's times and timer ticks."""
_NO_PAYLOAD: dict[str, Any] = {}


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts / NS_PER_S, UTC).isoformat(timespec="milliseconds")


def session_dir(root: Path, start_ts: int, venue: str, symbol: str, mode: str) -> Path:
    stamp = datetime.fromtimestamp(start_ts / NS_PER_S, UTC).strftime("%Y%m%dT%H%M%SZ")
    base = root / f"{stamp}_{venue}_{symbol}_{mode}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


class _PlainSink:
    def __init__(self, dir_: Path) -> None:
        self._file = open(dir_ / PLAIN_LOG, "ab")  # noqa: SIM115

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class _GzipSink:
    """Gzip segments. Each flush is a zlib sync flush, so everything written so far can be
    decompressed even when the process dies before the segment's trailer is written."""

    def __init__(self, dir_: Path, segment_bytes: int) -> None:
        self._dir = dir_
        self._limit = segment_bytes
        self._n = 0
        self._file: BinaryIO | None = None
        self._z: Any = None
        self._size = 0

    def _open(self) -> None:
        self._n += 1
        self._file = open(self._dir / f"events-{self._n:04d}.jsonl.gz", "ab")  # noqa: SIM115
        # wbits 31: a gzip header with mtime 0, so the same events give the same bytes.
        self._z = zlib.compressobj(6, zlib.DEFLATED, 31)
        self._size = 0

    def write(self, data: bytes) -> None:
        if self._file is None:
            self._open()
        assert self._file is not None
        self._file.write(self._z.compress(data) + self._z.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()
        self._size += len(data)
        if self._size >= self._limit:
            self._finish()

    def _finish(self) -> None:
        if self._file is not None:
            self._file.write(self._z.flush(zlib.Z_FINISH))
            self._file.close()
            self._file = None

    def close(self) -> None:
        self._finish()


class Recorder:
    def __init__(
        self,
        path: Path,
        settings: Settings,
        instrument: Instrument,
        start_ts: int,
        mode: str,
        flush_s: float = 1.0,
        *,
        clock: Clock | None = None,
        segment_bytes: int = SEGMENT_BYTES,
        records_timing: bool = False,
    ) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=False)
        self.clock = clock
        """Stamps order actions, which carry no time, and commands with the time they were
        handled; without it both take the time of the item recorded before them. (The live
        runner passes each item's time itself: see `event`.)"""
        self.redactor = Redactor(secret_values(settings))
        compress = settings.recording.compress
        self.meta: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "asconsole_version": __version__,
            "mode": mode,
            "log": "gzip" if compress else "plain",
            "start": _iso(start_ts),
            "start_ns": start_ts,
            "instrument": {
                k: (v.value if hasattr(v, "value") else v)
                for k, v in dataclasses.asdict(instrument).items()
            },
            "config": self.redactor.value(to_mapping(settings, mask_secrets=True)),
        }
        if records_timing:
            self.meta["timing"] = RECORDED_TIMING
        self._write_meta()
        self._sink = _GzipSink(path, segment_bytes) if compress else _PlainSink(path)
        self._queue: deque[tuple[Any, int, int, dict[str, Any] | None]] = deque()
        """(event or line kind, t, lag, payload of a line that is not a domain event)"""
        self._last_ts = start_ts
        self.flush_s = flush_s
        self.lines = 0
        self.error = ""
        """Why the writer stopped writing (disk full...); "" while all is well."""
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._closing = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._thread.start()

    def _write_meta(self) -> None:
        tmp = self.path / "meta.toml.tmp"
        tmp.write_text(tomli_w.dumps(self.meta), encoding="utf-8")
        os.replace(tmp, self.path / "meta.toml")

    # --- the hot path: append only -------------------------------------------------------------

    def _stamp(self) -> int:
        return self.clock.now() if self.clock is not None else self._last_ts

    def event(self, ev: Any, at: int | None = None) -> None:
        """A market event, execution event, command or order action (ours, as sent).

        `at` is the engine's time when it took the event (the live runner's latched clock):
        an order action is stamped with it, and an event with a time of its own records how
        long after that time it was taken (`lag`) when it was not at once."""
        ts = getattr(ev, "ts", 0)
        lag = 0
        if at is not None:
            if ts:
                lag = at - ts
            else:
                ts = at
        elif not ts or (isinstance(ev, Command) and self.clock is not None):
            ts = self._stamp()
        self._last_ts = ts
        self._queue.append((ev, ts, lag, None))
        self.lines += 1
        if len(self._queue) >= WAKE_AT:
            self._wake.set()

    def timer(self, ts: int) -> None:
        """A timer tick the live engine took at `ts`."""
        self._line(ts, TIMER, _NO_PAYLOAD)

    def mode(self, ts: int, mode: str, position: VenuePosition) -> None:
        """The engine switched to paper or live at `ts`, taking over the venue's position."""
        self._line(ts, MODE, {"mode": mode, "pos": position.size, "entry": position.entry_price})

    def journal(self, ts: int, kind: str, payload: dict[str, Any]) -> None:
        """An engine decision (quote, guard verdict, flatten, note)."""
        self._line(ts, kind, payload)

    def _line(self, ts: int, kind: str, payload: dict[str, Any]) -> None:
        self._last_ts = ts
        self._queue.append((kind, ts, 0, payload))
        self.lines += 1

    # --- the writer thread ---------------------------------------------------------------------

    def _encode(self, item: tuple[Any, int, int, dict[str, Any] | None]) -> dict[str, Any]:
        ev, ts, lag, payload = item
        if payload is not None:
            return self.redactor.value({"k": ev, "t": ts, **payload}) if payload else {"k": ev, "t": ts}
        obj = encode(ev, ts, lag)
        return obj if obj["k"] in MARKET_TEXT_FREE else self.redactor.value(obj)

    def _drain(self) -> None:
        with self._lock:  # one drainer at a time, so batches never interleave
            q = self._queue
            n = len(q)
            if self.error:  # the disk refused: drop rather than grow without bound
                q.clear()
                return
            if not n:
                return
            batch = [q.popleft() for _ in range(n)]
            try:
                data = "".join(_compact(self._encode(it)) + "\n" for it in batch)
                self._sink.write(data.encode("utf-8"))
            except Exception as exc:  # the thread must not die silently: say why, keep running
                self.error = f"recording stopped: {exc}"
                log.error("%s (%s)", self.error, self.path, exc_info=not isinstance(exc, OSError))

    def _run(self) -> None:
        while not self._closing:
            self._wake.wait(self.flush_s)
            self._wake.clear()
            self._drain()

    def flush(self) -> None:
        """Write what is queued now (tests, shutdown); the thread does it every `flush_s`."""
        self._drain()

    def close(self, end_ts: int, reason: str) -> None:
        """Stop the writer thread, write what is queued, close the log and complete meta.toml.
        Never raises for a disk that refuses: it is on every way out of a run, and the run's
        own exit (cancelling orders) must not be cut short by it; `error` says why."""
        if self._closed:
            return
        self._closed = True
        self._closing = True
        self._wake.set()
        self._thread.join()
        self._drain()
        try:
            self._sink.close()
        except OSError as exc:
            self.error = self.error or f"recording stopped: {exc}"
        self.meta["end"] = _iso(end_ts)
        self.meta["end_ns"] = end_ts
        self.meta["exit_reason"] = reason
        self.meta["events"] = self.lines
        if self.error:
            self.meta["error"] = self.error
        try:
            self._write_meta()
        except OSError as exc:
            self.error = self.error or f"recording stopped: {exc}"
            log.error("%s (%s)", self.error, self.path)
