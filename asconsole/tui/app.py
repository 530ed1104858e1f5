"""The console: renders engine snapshots and sends operator commands. Nothing more.

The app never touches engine state. A controller (the live `Runner`, or a stepped one in
tests) delivers snapshots; the app keeps only the newest and renders it at most
`refresh_hz` times a second, so a fast market never floods a slow SSH link.
"""

from __future__ import annotations

from typing import Any, Protocol

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer

from asconsole.domain import Command, CommandKind
from asconsole.engine.snapshot import Snapshot
from asconsole.tui.screens.help import HelpScreen
from asconsole.tui.widgets.book import BookLadder
from asconsole.tui.widgets.inventory import InventoryPane
from asconsole.tui.widgets.pnl import PnLPane
from asconsole.tui.widgets.quotes import QuotesPane
from asconsole.tui.widgets.risk import RiskPane
from asconsole.tui.widgets.status import StatusBar


class Controller(Protocol):
    live_refusal: str
    latest: Snapshot | None

    def submit(self, cmd: Command) -> None: ...

    def add_listener(self, fn: Any) -> None: ...

    async def run(self) -> str: ...


class AsconsoleApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "asconsole"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("p", "pause", "pause/resume", id="pause"),
        Binding("f", "flatten", "FLATTEN", id="flatten", priority=True),
        Binding("l", "live", "paper/live", id="live"),
        Binding("q", "quit_console", "quit", id="quit"),
        Binding("question_mark", "help", "keys", id="help", key_display="?"),
    ]

    def __init__(self, controller: Controller, refresh_hz: float = 10.0) -> None:
        super().__init__()
        self.controller = controller
        self.refresh_hz = refresh_hz
        self._pending: Snapshot | None = None
        self.shown: Snapshot | None = None
        self.exit_reason = ""

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            yield BookLadder(id="book")
            with Vertical(id="right"):
                yield QuotesPane(id="quotes")
                yield InventoryPane(id="inventory")
                yield RiskPane(id="risk")
                yield PnLPane(id="pnl")
        yield Footer()

    def on_mount(self) -> None:
        self.controller.add_listener(self._receive)
        self._render_pending()
        self.set_interval(1.0 / self.refresh_hz, self._render_pending)
        self.run_worker(self._run_engine(), name="engine", exit_on_error=False)

    async def _run_engine(self) -> None:
        try:
            self.exit_reason = await self.controller.run()
        except Exception as exc:  # the screen must survive; the reason is shown and kept
            self.exit_reason = f"engine error: {exc}"
            self.notify(self.exit_reason, severity="error", timeout=30)
            return
        self._render_pending()
        self.exit(0)

    def _receive(self, snap: Snapshot) -> None:
        self._pending = snap

    def _render_pending(self) -> None:
        snap = self._pending
        if snap is None or snap is self.shown:
            return
        self.show(snap)

    def show(self, snap: Snapshot) -> None:
        self.shown = snap
        self.query_one(StatusBar).show(snap)
        self.query_one(BookLadder).show(snap)
        self.query_one(QuotesPane).show(snap)
        self.query_one(InventoryPane).show(snap)
        self.query_one(RiskPane).show(snap)
        self.query_one(PnLPane).show(snap)
        self.screen.set_class(snap.paused, "-paused")

    # --- actions -------------------------------------------------------------------------------

    def _send(self, kind: CommandKind, **kw: Any) -> None:
        self.controller.submit(Command(kind, **kw))

    def action_pause(self) -> None:
        paused = self.shown.paused if self.shown else False
        self._send(CommandKind.RESUME if paused else CommandKind.PAUSE)

    def action_flatten(self) -> None:
        self._send(CommandKind.FLATTEN)
        self.notify("kill switch: cancelling orders and closing the position", severity="warning")

    def action_live(self) -> None:
        if self.controller.live_refusal:
            self.notify(f"Live trading refused: {self.controller.live_refusal}", severity="error", timeout=8)
            return
        self._send(CommandKind.GO_LIVE)

    def action_quit_console(self) -> None:
        self._send(CommandKind.QUIT)

    def action_help(self) -> None:
        self.push_screen(HelpScreen([b for b in self.BINDINGS if isinstance(b, Binding)]))
