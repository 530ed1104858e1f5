"""The shipped sample and the `replay` / `report` commands as an operator meets them."""

import json
from pathlib import Path

from asconsole import cli
from asconsole.engine.replay import Replay
from asconsole.recording.reader import open_session

SAMPLE = Path(__file__).resolve().parents[2] / "sessions" / "sample"


def test_sample_replays_decision_for_decision():
    session = open_session(SAMPLE)
    assert session.meta["log"] == "gzip" and sum(f.stat().st_size for f in session.files) < 3e6
    replay = Replay(session)
    replay.run_to_end()
    assert replay.mismatch == "", f"{replay.mismatch}: regenerate with scripts/make_sample.py"
    assert replay.matched > 1000 and replay.engine.portfolio.fills > 20
    assert (replay.now - replay.start_ns) / 1e9 >= 299


def test_report_json_of_the_sample(capsys):
    assert cli.main(["report", str(SAMPLE), "--json"]) == 0
    (data,) = json.loads(capsys.readouterr().out)
    assert data["name"] == "sample" and data["fills"] > 20 and data["duration_s"] == 300
    assert data["paused_s"]["operator pause"] == 30


def test_report_html_is_written(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert cli.main(["report", str(SAMPLE), str(SAMPLE), "--html", str(out)]) == 0
    assert out.read_text().count("<polyline") == 4  # two sessions, two charts
    assert "sessions/sample" in capsys.readouterr().out  # same name twice: told apart by parent


def test_operator_errors_are_one_line(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path)]) == 2
    assert "not a session recording" in capsys.readouterr().err
    assert cli.main(["replay", str(SAMPLE), "--what-if", "nope=1"]) == 2
    assert "unknown key [quote] nope" in capsys.readouterr().err
    assert cli.main(["replay", str(SAMPLE), "--what-if", "gamma=-1"]) == 2
    assert "gamma" in capsys.readouterr().err
    assert cli.main(["replay", str(SAMPLE), "--speed", "500"]) == 2
