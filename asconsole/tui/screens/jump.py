"""`g` in a replay: ask where to jump (an offset from the start or a UTC time of day)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class JumpScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    JumpScreen { align: center middle; }
    JumpScreen > Vertical { width: 56; height: auto; border: round $primary; padding: 1 2;
                            background: $surface; }
    """
    BINDINGS = [Binding("escape", "cancel", "close")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Jump to[/b]  +SS, +MM:SS from the start, or HH:MM[:SS] UTC")
            yield Input(placeholder="+2:30", id="when")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
