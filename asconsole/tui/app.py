"""The console: renders engine snapshots and sends operator commands. Nothing more.

The app never touches engine state. A controller (the live `Runner`, or a stepped one in
tests) delivers snapshots; the app keeps only the newest and renders it at most
`refresh_hz` times a second, so a fast market never floods a slow SSH link and the engine
never waits for the screen. Keys are data (`BINDINGS`, remappable by id from [ui] keymap),
every action is also in the command palette as "group: verb", and every problem reaches the
operator as a notification and a line in the log pane, never as a traceback on the screen.
"""

from __future__ import annotations

import traceback
from functools import partial
from typing import Any, Protocol

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from asconsole.config import UISettings
from asconsole.domain import Command, CommandKind, VenueKind
from asconsole.engine.snapshot import Snapshot
from asconsole.tui.screens.help import HelpScreen
from asconsole.tui.screens.live import LiveConfirmScreen, LiveTerms
from asconsole.tui.screens.quit import QuitChoice, QuitScreen
from asconsole.tui.steps import next_gamma, next_size_lots
from asconsole.tui.themes import ThemeSet, load_themes, pick_theme
from asconsole.tui.widgets.book import BookLadder
from asconsole.tui.widgets.charts import ChartsPane
from asconsole.tui.widgets.inventory import InventoryPane
from asconsole.tui.widgets.log import LogPane
from asconsole.tui.widgets.pane import Pane
from asconsole.tui.widgets.pnl import PnLPane
from asconsole.tui.widgets.quotes import QuotesPane
from asconsole.tui.widgets.risk import RiskPane
from asconsole.tui.widgets.status import StatusBar


class Controller(Protocol):
    live_refusal: str
    """Why live trading cannot be entered ("" = it can)."""
    latest: Snapshot | None

    def submit(self, cmd: Command) -> None: ...

    def add_listener(self, fn: Any) -> None: ...

    def request_stop(self, reason: str) -> None:
        """Stop soon with this exit reason (working orders cancelled on the way out)."""

    async def run(self) -> str: ...


GAMMA = Binding.Group("γ")
SIZE = Binding.Group("size")

PALETTE: tuple[tuple[str, str, str], ...] = (
    ("risk: flatten position", "kill switch: cancel every order and close the position now", "flatten"),
    ("quoting: pause or resume", "pause cancels working orders and keeps the position", "pause"),
    ("mode: switch paper/live", "live asks for confirmation; paper needs none", "live"),
    ("quote: raise gamma", "more risk aversion: wider, more skewed quotes", "gamma(1)"),
    ("quote: lower gamma", "less risk aversion: tighter quotes", "gamma(-1)"),
    ("quote: larger order size", "add [ui] order_size_step to the order size", "size(1)"),
    ("quote: smaller order size", "take [ui] order_size_step from the order size", "size(-1)"),
    ("view: next theme", "cycle the colour themes", "next_theme"),
    ("view: keys", "every key and what it does", "help"),
    ("app: quit", "cancel working orders and quit; asks about an open position", "quit_console"),
)
"""The command palette: (title "group: verb", help, action). Every key's action is here."""


def parse_keymap(text: str, ids: set[str]) -> tuple[dict[str, str], list[str]]:
    """'flatten=F;pause=space,p' -> ({"flatten": "F", "pause": "space,p"}, problems)."""
    keymap: dict[str, str] = {}
    problems = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        bid, _, keys = part.partition("=")
        bid, keys = bid.strip(), keys.strip()
        if bid not in ids or not keys:
            problems.append(f"[ui] keymap: {part!r} ignored (ids: {', '.join(sorted(ids))})")
            continue
        keymap[bid] = keys
    return keymap, problems


class AsconsoleApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "asconsole"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = [
        Binding("f", "flatten", "FLATTEN", id="flatten", priority=True,
                tooltip="kill switch: cancel all orders, close the position, now"),
        Binding("p", "pause", "pause", id="pause",
                tooltip="stop quoting (orders cancelled, position kept) / resume"),
        Binding("l", "live", "live", id="live",
                tooltip="go live (asks you to type 'live'), or back to paper"),
        Binding("q", "quit_console", "quit", id="quit",
                tooltip="cancel orders and quit; asks about an open position"),
        Binding("plus,equals_sign", "gamma(1)", "γ up", id="gamma_up", key_display="+",
                group=GAMMA, tooltip="raise gamma by [ui] gamma_step, up to gamma_max"),
        Binding("minus", "gamma(-1)", "γ down", id="gamma_down", key_display="-",
                group=GAMMA, tooltip="lower gamma by [ui] gamma_step, down to gamma_min"),
        Binding("left_square_bracket", "size(-1)", "size down", id="size_down",
                key_display="[", group=SIZE,
                tooltip="order size - [ui] order_size_step, down to order_size_min"),
        Binding("right_square_bracket", "size(1)", "size up", id="size_up", key_display="]",
                group=SIZE, tooltip="order size + [ui] order_size_step, up to order_size_max"),
        Binding("t", "next_theme", "theme", id="theme", tooltip="next colour theme"),
        Binding("question_mark", "help", "keys", id="help", key_display="?",
                tooltip="this list"),
    ]

    def __init__(
        self,
        controller: Controller,
        refresh_hz: float | None = None,
        *,
        ui: UISettings | None = None,
        themes: ThemeSet | None = None,
    ) -> None:
        """`refresh_hz` overrides `ui.refresh_hz` (kept first for the replay and attached
        consoles that pass only a rate); `themes` defaults to the theme directories."""
        super().__init__()
        self.controller = controller
        self.ui = ui or UISettings()
        self.refresh_hz = refresh_hz or self.ui.refresh_hz
        self._pending: Snapshot | None = None
        self.shown: Snapshot | None = None
        self.renders = 0
        self.exit_reason = ""
        self.crash_report = ""
        self.engine_running = False
        self._quit_when_flat = False
        self._problems: list[str] = []
        self._failed: set[str] = set()
        found = themes if themes is not None else load_themes()
        for theme in found.themes.values():
            self.register_theme(theme)
        self.theme_names = sorted(found.themes)
        self._problems += found.problems
        name, problem = pick_theme(self.ui.theme, found.themes, self.no_color)
        self.theme = name
        self._problems += [problem] if problem else []
        keymap, problems = parse_keymap(self.ui.keymap, {b.id for b in self._bindings_list() if b.id})
        self.set_keymap(keymap)
        self._problems += problems

    @classmethod
    def _bindings_list(cls) -> list[Binding]:
        return [b for b in cls.BINDINGS if isinstance(b, Binding)]

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Grid(id="body"):
            yield BookLadder(id="book", classes="pane")
            with Vertical(id="main"):
                yield QuotesPane(id="quotes", classes="pane")
                yield InventoryPane(id="inventory", classes="pane")
                yield RiskPane(id="risk", classes="pane")
                yield PnLPane(id="pnl", classes="pane")
            with Vertical(id="side"):
                yield ChartsPane(id="charts", classes="pane")
                yield LogPane(id="log", classes="pane")
        yield Footer()

    def on_mount(self) -> None:
        self.controller.add_listener(self._receive)
        self._render_pending()
        for problem in self._problems:
            self.report(problem, severity="warning")
        self.set_interval(1.0 / self.refresh_hz, self._render_pending)
        self.engine_running = True
        self.run_worker(self._run_engine(), name="engine", exit_on_error=False)

    def on_resize(self) -> None:
        # 80 columns hold every key but not the palette hint; ? help names ctrl+p instead.
        self.query_one(Footer).show_command_palette = self.size.width >= 100

    async def _run_engine(self) -> None:
        try:
            self.exit_reason = await self.controller.run()
        except Exception as exc:  # the screen must survive; the reason is shown and kept
            self.engine_running = False
            self.exit_reason = f"engine error: {exc}"
            self.report(f"{self.exit_reason} (q quits)", timeout=60)
            return
        self.engine_running = False
        self._render_pending()
        self.exit(0)

    # --- snapshots in, panes out ---------------------------------------------------------------

    def _receive(self, snap: Snapshot) -> None:
        """Called by the controller for every snapshot: keep the newest, never wait."""
        self._pending = snap

    def _render_pending(self) -> None:
        snap, self._pending = self._pending, None
        if snap is not None:
            self.show(snap)

    def show(self, snap: Snapshot) -> None:
        self.shown = snap
        self.renders += 1
        for pane in self.query(Pane):
            pane.show(snap)
        self._show_risk(snap)
        self.screen.set_class(snap.paused, "-paused")
        self.screen.set_class(snap.mode == "live", "-live")
        if self._quit_when_flat:
            self._quit_once_flat(snap)

    def _show_risk(self, snap: Snapshot) -> None:
        try:
            self.query_one(RiskPane).show(snap)
            self._failed.discard("risk")
        except Exception as exc:  # the guards' pane is drawn by its own module
            if "risk" not in self._failed:
                self._failed.add("risk")
                self.report(f"risk pane cannot draw: {exc}")

    def on_pane_draw_failed(self, event: Pane.DrawFailed) -> None:
        self.report(f"{event.pane.border_title} pane cannot draw: {event.error}")

    def report(self, text: str, severity: str = "error", timeout: float = 10) -> None:
        """A problem for the operator: a notification and a line in the log pane."""
        self.notify(text, severity=severity, timeout=timeout)  # type: ignore[arg-type]
        ts = self.shown.ts if self.shown else 0
        self.query_one(LogPane).add(ts, "error" if severity == "error" else "warn", text)

    def _handle_exception(self, error: Exception) -> None:
        # Textual has no public hook for this: keep the reason for the session directory
        # (the run command writes it there), then let Textual restore the terminal.
        self.crash_report = "".join(traceback.format_exception(error))
        self.controller.request_stop(f"console crashed: {type(error).__name__}: {error}")
        super()._handle_exception(error)

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
        snap = self.shown
        if snap is not None and snap.mode == "live":
            self._send(CommandKind.GO_PAPER)
            self.notify("back to paper: live orders are cancelled first", severity="warning")
            return
        refusal = self.controller.live_refusal
        if refusal or snap is None:
            self.report(f"Live trading refused: {refusal or 'no market data yet'}")
            return
        self.push_screen(LiveConfirmScreen(self._live_terms(snap)), self._live_confirmed)

    @staticmethod
    def _live_terms(s: Snapshot) -> LiveTerms:
        inst = s.instrument
        perp = inst.kind is VenueKind.LINEAR_PERP
        size = s.order_lots * inst.lot
        return LiveTerms(
            venue=inst.venue.upper(),
            symbol=inst.symbol,
            market="linear perpetual" if perp else "spot",
            leverage=s.leverage if perp else 1.0,
            order_size=f"{inst.qty_str(s.order_lots)} {inst.base}",
            order_value=f"≈ {size * s.mid:,.2f} {inst.quote}" if s.mid else "",
        )

    def _live_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self._send(CommandKind.GO_LIVE)
            self.notify("going live", severity="warning")
        else:
            self.notify("still paper")

    def action_quit_console(self) -> None:
        snap = self.shown
        if not self.engine_running:
            self.exit(return_code=1 if self.exit_reason.startswith("engine error") else 0)
        elif snap is not None and snap.position and snap.mode == "live":
            # Only a live position outlives the process (a paper one ends with it): ask.
            inst = snap.instrument
            pos = f"{'long' if snap.position > 0 else 'short'} {inst.qty_str(abs(snap.position))} {inst.base}"
            self.push_screen(QuitScreen(pos), self._quit_chosen)
        else:
            self._send(CommandKind.QUIT)

    async def action_quit(self) -> None:
        """ctrl+q and Textual's own quit go through the same questions as q."""
        self.action_quit_console()

    def _quit_chosen(self, choice: QuitChoice | None) -> None:
        if choice is QuitChoice.LEAVE:
            self._send(CommandKind.QUIT)
        elif choice is QuitChoice.FLATTEN:
            self._quit_when_flat = True
            self.query_one(StatusBar).pending = "quitting once flat"
            self._send(CommandKind.FLATTEN)

    def _quit_once_flat(self, snap: Snapshot) -> None:
        if snap.flatten == "flat" or (snap.position == 0 and not snap.own):
            self._quit_when_flat = False
            self._send(CommandKind.QUIT)
        elif snap.flatten.startswith("error"):
            self._quit_when_flat = False
            self.query_one(StatusBar).pending = ""
            self.report(f"not quitting: flatten {snap.flatten}; position still open")

    def action_gamma(self, direction: int) -> None:
        snap = self.shown
        if snap is None or not snap.gamma:
            return
        new = next_gamma(snap.gamma, direction, self.ui)
        if new is None:
            bound = "gamma_max" if direction > 0 else "gamma_min"
            self.notify(f"gamma {snap.gamma:g} is at its bound ([ui] {bound})", severity="warning")
            return
        self._send(CommandKind.SET_PARAM, name="gamma", value=new)
        self.notify(f"gamma {snap.gamma:g} → {new:g}")

    def action_size(self, direction: int) -> None:
        snap = self.shown
        if snap is None or not snap.order_lots:
            return
        inst = snap.instrument
        new = next_size_lots(snap.order_lots, inst.lot, inst.min_qty_lots, direction, self.ui)
        if new is None:
            bound = "order_size_max" if direction > 0 else "order_size_min"
            self.notify(f"order size {inst.qty_str(snap.order_lots)} is at its bound ([ui] {bound})",
                        severity="warning")
            return
        self._send(CommandKind.SET_PARAM, name="order_size", value=float(inst.qty_str(new)))
        self.notify(f"order size {inst.qty_str(snap.order_lots)} → {inst.qty_str(new)} {inst.base}")

    def action_next_theme(self) -> None:
        names = self.theme_names or [self.theme]
        i = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(i + 1) % len(names)]
        self.notify(f"theme: {self.theme}")

    def action_help(self) -> None:
        # The active bindings carry the keys after [ui] keymap; show those.
        active: dict[str, Binding] = {}
        for ab in self.screen.active_bindings.values():
            if ab.binding.id and ab.binding.id not in active:
                active[ab.binding.id] = ab.binding
        own = self._bindings_list()
        self.push_screen(HelpScreen([active.get(b.id or "", b) for b in own]))

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        for title, help_text, action in PALETTE:
            yield SystemCommand(title, help_text, partial(self.call_later, self.run_action, action))
