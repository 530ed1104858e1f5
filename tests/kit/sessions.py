"""Recorded sessions for replay and report tests: a Driver run recorded through its tap."""

from __future__ import annotations

from pathlib import Path

from asconsole import config
from asconsole.domain import Command, CommandKind
from asconsole.recording.reader import Session, open_session
from asconsole.recording.writer import Recorder
from tests.kit.builders import INST, T0, Rig, rig


def record(
    root: Path, seconds: float = 120, seed: int = 5, compress: bool = False
) -> tuple[Rig, Session]:
    """A seeded run with a pause, a resume and a gamma change, recorded as the Runner would."""
    s = config.Settings().replace("recording", compress=compress)
    r = rig(seed=seed, settings=s)
    rec = Recorder(root / "rec", s, INST, T0, "paper", clock=r.clock)
    r.driver.tap, r.engine.journal = rec.event, rec.journal
    r.run_for(seconds / 4)
    r.driver.command(Command(CommandKind.PAUSE))
    r.run_for(seconds / 8)
    r.driver.command(Command(CommandKind.RESUME))
    r.run_for(seconds / 8)
    r.driver.command(Command(CommandKind.SET_PARAM, name="gamma", value=0.02))
    r.run_for(seconds / 2)
    rec.close(r.clock.now(), "done")
    return r, open_session(rec.path)
