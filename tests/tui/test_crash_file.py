"""A console crash leaves its traceback in the session directory and names it as the exit
reason, so it survives the terminal it happened in."""

import tomllib

from asconsole import cli
from asconsole.tui.app import AsconsoleApp


def test_a_crash_is_written_to_the_session_directory(tmp_path, monkeypatch, capsys):
    async def crashing_run(self, **kw):
        self.crash_report = "Traceback (most recent call last):\n  ...\nZeroDivisionError: division by zero\n"

    monkeypatch.setattr(AsconsoleApp, "run_async", crashing_run)
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[recording]\ndir = "{tmp_path / "sessions"}"\n')
    code = cli.main(["run", "--config", str(cfg)])
    assert code == 1
    (session,) = (tmp_path / "sessions").iterdir()
    assert "ZeroDivisionError" in (session / "crash.txt").read_text()
    meta = tomllib.loads((session / "meta.toml").read_text())
    assert meta["exit_reason"] == "console crashed: ZeroDivisionError: division by zero"
    assert "crash.txt" in capsys.readouterr().err
