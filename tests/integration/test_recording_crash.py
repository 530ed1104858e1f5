"""kill -9 while recording: the reader opens what is there, and that is everything the child
had recorded up to one second (plus the writer's own time) before it died."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asconsole import config
from asconsole.analysis.metrics import compute
from asconsole.engine.replay import Replay
from asconsole.recording.reader import open_session
from asconsole.recording.writer import Recorder
from tests.kit.builders import INST, T0, rig

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys, time
from asconsole import config
from asconsole.analysis.metrics import compute
from asconsole.engine.replay import Replay
from asconsole.recording.writer import Recorder
from tests.kit.builders import INST, T0, rig

r = rig(seed=3)
s = config.Settings().replace("recording", compress=sys.argv[2] == "gzip")
rec = Recorder(__import__("pathlib").Path(sys.argv[1]), s, INST, T0, "paper", clock=r.clock)
r.driver.tap, r.engine.journal = rec.event, rec.journal
for n, ev in enumerate(r.market):
    r.driver.market(ev)
    if n % 100 == 0:
        print(rec.lines, time.monotonic(), flush=True)  # lines handed to the recorder by then
        time.sleep(0.01)
"""
RUN_S = 1.5
WRITE_SLACK_S = 0.3
"""Beyond the 1 s flush period: the writer thread's own encode + write time under the GIL."""


def reference_lines(n: int, compress: bool, tmp: Path) -> list[dict]:
    r = rig(seed=3)
    s = config.Settings().replace("recording", compress=compress)
    rec = Recorder(tmp / "ref", s, INST, T0, "paper", clock=r.clock)
    r.driver.tap, r.engine.journal = rec.event, rec.journal
    while rec.lines < n:
        r.driver.market(next(r.market))
    rec.close(r.clock.now(), "done")
    return list(open_session(rec.path).lines())[:n]


@pytest.mark.parametrize("log", ["plain", "gzip"])
def test_sigkill_loses_at_most_the_last_second(tmp_path, log):
    path = tmp_path / "killed"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), log],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    progress = []
    assert child.stdout is not None
    first = None
    for raw in child.stdout:
        lines, at = raw.split()
        progress.append((int(lines), float(at)))
        first = first or time.monotonic()
        if time.monotonic() - first >= RUN_S:
            break
    killed_at = time.monotonic()
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL

    session = open_session(path)
    got = list(session.lines())
    assert "end" not in session.meta  # it never closed
    must_have = max(n for n, at in progress if at <= killed_at - 1.0 - WRITE_SLACK_S)
    assert must_have > 500
    assert len(got) >= must_have
    assert got == reference_lines(len(got), log == "gzip", tmp_path)  # an exact prefix of the run
    # and the killed session is usable: reported up to its last line, replayed to its end
    m = compute(session.name, session.meta, session.lines())
    assert m.end_ns == got[-1]["t"] and m.fills == sum(x["k"] == "fill" for x in got)
    replay = Replay(open_session(path))
    replay.run_to_end()
    assert replay.mismatch == "" and replay.end_ns == replay.now
