"""`?`: every key and what it does, from the app's bindings (one source of truth)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 60; height: auto; border: round $primary; padding: 1 2;
                            background: $surface; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "close")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self._keys = bindings

    def compose(self) -> ComposeResult:
        width = max(len(b.key_display or b.key) for b in self._keys) + 2
        text = "\n".join(f"[b]{(b.key_display or b.key):<{width}}[/b]{b.description}" for b in self._keys)
        with Vertical():
            yield Static("[b]Keys[/b]  (esc closes)\n")
            yield Static(text, id="keys")
