"""`?`: every key of the console and what it does, read from the active bindings, so a key
remapped in [ui] keymap shows its new key here and in the footer alike."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


def keys_text(rows: list[tuple[str, Binding]]) -> Text:
    """Key, description and the longer explanation, in aligned columns."""
    kw = max((len(k) for k, _ in rows), default=1) + 2
    dw = max((len(b.description) for _, b in rows), default=1) + 2
    out = Text()
    for key, b in rows:
        out.append(key.ljust(kw), style="bold")
        out.append(b.description.ljust(dw))
        out.append(b.tooltip + "\n", style="dim")
    out.rstrip()
    return out


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 78; max-width: 100%; height: auto; max-height: 100%;
                            border: round $primary; padding: 0 1; background: $surface; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "close")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings_shown = bindings

    def compose(self) -> ComposeResult:
        self.rows = [(self.app.get_key_display(b), b) for b in self.bindings_shown]
        with Vertical():
            yield Static("[b]Keys[/b]  (esc closes; ctrl+p lists every action)")
            yield Static(keys_text(self.rows), id="keys")
