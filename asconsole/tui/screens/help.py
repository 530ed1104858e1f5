"""`?`: every key of the console and what it does, read from the active bindings, so a key
remapped in [ui] keymap shows its new key here and in the footer alike."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


def keys_table(rows: list[tuple[str, Binding]]) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold", no_wrap=True)
    t.add_column(no_wrap=True)
    t.add_column()
    for key, b in rows:
        t.add_row(key, b.description, Text(b.tooltip, style="dim"))
    return t


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
            yield Static(keys_table(self.rows), id="keys")
