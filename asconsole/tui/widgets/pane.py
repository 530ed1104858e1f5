"""The base of every pane: keeps the newest snapshot and draws it at the pane's size.

Drawing happens in `render`, so a resize or a theme change redraws from the same snapshot.
A pane that fails to draw shows one line instead and tells the app once (notification and
log pane); the rest of the screen keeps working.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from asconsole.engine.snapshot import Snapshot


class Pane(Widget):
    DEFAULT_CSS = """
    Pane { height: auto; }
    """

    snap: reactive[Snapshot | None] = reactive(None)

    class DrawFailed(Message):
        """A pane could not draw a snapshot (posted once until it draws again)."""

        def __init__(self, pane: Pane, error: Exception) -> None:
            super().__init__()
            self.pane = pane
            self.error = error

    def __init__(self, title: str, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.border_title = title
        self._failing = False

    def show(self, s: Snapshot) -> None:
        self.snap = s

    def render(self) -> RenderableType:
        s = self.snap
        if s is None:
            return Text("waiting for the engine…", style="dim")
        size = self.content_size
        try:
            out = self.draw(s, size.width, size.height)
        except Exception as exc:  # a drawing bug must not take the console down
            if not self._failing:
                self._failing = True
                # Built later, from this pane: made here, its sender would be the screen
                # that is rendering, and the message would stop there instead of reaching the app.
                self.call_later(self._draw_failed, exc)
            return Text(f"cannot draw {self.border_title}: {exc}", no_wrap=True)
        self._failing = False
        return out

    def _draw_failed(self, exc: Exception) -> None:
        self.post_message(self.DrawFailed(self, exc))

    def draw(self, s: Snapshot, width: int, height: int) -> RenderableType:
        raise NotImplementedError

    def rich(self, component: str) -> Style:
        """The rich style of one of the pane's component classes (follows the theme)."""
        return self.get_component_rich_style(component, partial=True)


def flow(groups: list[list[Text]], width: int, gap: str = "  ") -> Text:
    """Lay out groups of segments: each group starts a line and wraps between segments (never
    inside one) when the pane is narrow, so the same numbers fit 46 or 120 columns."""
    lines: list[Text] = []
    for group in groups:
        line = Text()
        for seg in group:
            if line.cell_len and line.cell_len + len(gap) + seg.cell_len > width:
                lines.append(line)
                line = Text()
            if line.cell_len:
                line.append(gap)
            line.append_text(seg)
        if line.cell_len:
            lines.append(line)
    for line in lines:
        line.truncate(width, overflow="ellipsis")
    return Text("\n", no_wrap=True, overflow="ellipsis").join(lines)
