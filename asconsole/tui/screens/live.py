"""Going live: a dialog that names what is about to trade for real and needs the word
`live` typed, so live trading is never entered by a stray key.

The word is read from key events, not from an `Input`: a text field would swallow printable
keys, and the kill switch `f` must act on every screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

CONFIRM_WORD = "live"


@dataclass(frozen=True, slots=True)
class LiveTerms:
    """What the operator agrees to, shown word for word in the dialog."""

    venue: str
    symbol: str
    market: str
    """"linear perpetual" or "spot"."""
    leverage: float
    order_size: str
    """Order size with its unit, e.g. "0.001 BTC"."""
    order_value: str
    """Its value at the current mid, e.g. "≈ 100.02 USDT"."""


class LiveConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    LiveConfirmScreen { align: center middle; }
    LiveConfirmScreen > Vertical { width: 64; max-width: 100%; height: auto;
                                   border: heavy $error; padding: 0 1; background: $surface; }
    LiveConfirmScreen #terms { margin: 1 0; }
    LiveConfirmScreen #word { text-style: bold; }
    LiveConfirmScreen #why { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "stay in paper")]

    def __init__(self, terms: LiveTerms) -> None:
        super().__init__()
        self.terms = terms
        self.typed = ""

    def compose(self) -> ComposeResult:
        t = self.terms
        with Vertical():
            yield Static("[b reverse] GO LIVE [/]  real orders, real money")
            yield Static(
                f"venue       [b]{t.venue}[/b]\n"
                f"symbol      [b]{t.symbol}[/b] ({t.market})\n"
                f"leverage    [b]{t.leverage:g}x[/b]\n"
                f"order size  [b]{t.order_size}[/b] {t.order_value}",
                id="terms",
            )
            yield Static(f"Type [b]{CONFIRM_WORD}[/b] and press enter; esc stays in paper.")
            yield Static("> ▏", id="word")
            yield Static("", id="why")

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            self._submit()
        elif event.key == "backspace":
            self.typed = self.typed[:-1]
        elif event.is_printable and event.character and len(self.typed) < 16:
            self.typed += event.character
        else:
            return
        event.stop()
        self.query_one("#word", Static).update(f"> {self.typed}▏")

    def _submit(self) -> None:
        if self.typed.strip() == CONFIRM_WORD:
            self.dismiss(True)
            return
        self.query_one("#why", Static).update(f"type exactly '{CONFIRM_WORD}' to go live")
        self.typed = ""

    def action_cancel(self) -> None:
        self.dismiss(False)
