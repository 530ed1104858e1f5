"""One line under the status bar during a replay: where we are, speed, playing or paused,
and whether the replayed engine still makes the recorded decisions."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from asconsole.clock import NS_PER_S
from asconsole.engine.replay_control import ReplayState


def elapsed(ns: int) -> str:
    s = max(0, ns) // NS_PER_S
    return f"{s // 3600:d}:{s // 60 % 60:02d}:{s % 60:02d}"


class ReplayBar(Static):
    DEFAULT_CSS = """
    ReplayBar { height: 1; background: $boost; }
    """

    def show(self, st: ReplayState) -> None:
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(" REPLAY ", style="bold black on yellow")
        if st.seeking:
            t.append("  seeking…", style="bold yellow")
        elif st.at_end:
            t.append("  ■ end", style="bold")
        else:
            t.append(
                "  ‖ paused" if st.paused else "  ▶ playing", style="bold" if st.paused else "green"
            )
        total = elapsed(st.end - st.start) if st.end is not None else "?"
        t.append(f"  {elapsed(st.now - st.start)} / {total}  {st.speed:g}x")
        if st.mismatch:
            t.append("  decisions differ from the recording", style="bold red")
        else:
            t.append(f"  {st.matched} decisions as recorded", style="dim")
        self.update(t)
