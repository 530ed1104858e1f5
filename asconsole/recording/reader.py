"""Read a session recording back, tolerating a torn last line (a crash mid-write)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asconsole.recording.codec import FORMAT_VERSION


class RecordingError(ValueError):
    """A recording that cannot be read, said in one line."""


@dataclass(slots=True)
class Session:
    path: Path
    meta: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> Iterator[dict[str, Any]]:
        """Every complete line as a JSON object, in order."""
        log = self.path / "events.jsonl"
        with open(log, encoding="utf-8") as fh:
            pending: str | None = None
            for n, raw in enumerate(fh, 1):
                if pending is not None:
                    raise RecordingError(f"{log}:{n - 1}: corrupt line")
                try:
                    yield json.loads(raw)
                except json.JSONDecodeError:
                    pending = raw
            if pending is not None:
                self.warnings.append(f"{log}: skipped a truncated last line")


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
    if version != FORMAT_VERSION:
        raise RecordingError(
            f"{p}: recording format version {version} is not supported "
            f"(this asconsole reads version {FORMAT_VERSION})"
        )
    if not (p / "events.jsonl").exists():
        raise RecordingError(f"{p}: no events.jsonl")
    return Session(p, meta)
