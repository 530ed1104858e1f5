"""Quitting with a position open: flatten first, or leave the position on the venue.
Working orders are cancelled either way (the engine's quit does that)."""

from __future__ import annotations

from enum import Enum

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class QuitChoice(str, Enum):
    FLATTEN = "flatten"
    LEAVE = "leave"
    STAY = "stay"


class QuitScreen(ModalScreen[QuitChoice]):
    DEFAULT_CSS = """
    QuitScreen { align: center middle; }
    QuitScreen > Vertical { width: 72; max-width: 100%; height: auto;
                            border: round $warning; padding: 0 1; background: $surface; }
    QuitScreen Horizontal { height: auto; margin-top: 1; }
    QuitScreen Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("c", "choose('flatten')", "close position, quit"),
        Binding("k", "choose('leave')", "keep position, quit"),
        Binding("escape", "choose('stay')", "stay"),
    ]

    def __init__(self, position: str) -> None:
        super().__init__()
        self.position = position

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"[b]Quit with {self.position} open?[/b]\n"
                "c closes it first (kill switch), k leaves it open on the venue.\n"
                "Working orders are cancelled either way."
            )
            with Horizontal():
                yield Button("c: close, quit", id="flatten", variant="warning")
                yield Button("k: keep, quit", id="leave")
                yield Button("esc: stay", id="stay", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(QuitChoice(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(QuitChoice(choice))
