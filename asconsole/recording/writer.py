"""Append-only session recorder.

One directory per run: `meta.toml` (format version, instrument, effective config with
secrets masked, start, end, exit reason) and `events.jsonl`. Lines are buffered and written
at least every `flush_s` (<= 1 s) and whenever the buffer grows large, so a `kill -9` loses
at most the last second; the reader skips a torn last line.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from asconsole import __version__
from asconsole.clock import NS_PER_S
from asconsole.config import Settings, to_mapping
from asconsole.domain import Instrument
from asconsole.recording.codec import FORMAT_VERSION, encode

BUFFER_LINES = 4096


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


class Recorder:
    def __init__(
        self,
        path: Path,
        settings: Settings,
        instrument: Instrument,
        start_ts: int,
        mode: str,
        flush_s: float = 1.0,
    ) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=False)
        self.meta: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "asconsole_version": __version__,
            "mode": mode,
            "start": _iso(start_ts),
            "start_ns": start_ts,
            "instrument": {
                k: (v.value if hasattr(v, "value") else v)
                for k, v in dataclasses.asdict(instrument).items()
            },
            "config": to_mapping(settings, mask_secrets=True),
        }
        self._write_meta()
        self._file = open(path / "events.jsonl", "a", encoding="utf-8")  # noqa: SIM115
        self._buf: list[str] = []
        self.flush_ns = int(flush_s * NS_PER_S)
        self._last_flush = start_ts
        self.lines = 0

    def _write_meta(self) -> None:
        tmp = self.path / "meta.toml.tmp"
        tmp.write_text(tomli_w.dumps(self.meta), encoding="utf-8")
        os.replace(tmp, self.path / "meta.toml")

    def _line(self, obj: dict[str, Any]) -> None:
        self._buf.append(json.dumps(obj, separators=(",", ":")))
        self.lines += 1
        if len(self._buf) >= BUFFER_LINES:
            self.flush()

    def event(self, ev: Any) -> None:
        """A market event, execution event or command."""
        self._line(encode(ev))

    def journal(self, ts: int, kind: str, payload: dict[str, Any]) -> None:
        """An engine decision (quote, guard verdict, flatten, note)."""
        self._line({"k": kind, "t": ts, **payload})

    def maybe_flush(self, now: int) -> None:
        if now - self._last_flush >= self.flush_ns:
            self._last_flush = now
            self.flush()

    def flush(self) -> None:
        if self._buf:
            self._file.write("\n".join(self._buf) + "\n")
            self._buf.clear()
        self._file.flush()

    def close(self, end_ts: int, reason: str) -> None:
        if self._file.closed:
            return
        self.flush()
        self._file.close()
        self.meta["end"] = _iso(end_ts)
        self.meta["end_ns"] = end_ts
        self.meta["exit_reason"] = reason
        self.meta["events"] = self.lines
        self._write_meta()
