"""The console playing a recording: the same panes, a replay bar, playback keys and, for a
what-if replay, a pane with the other engine's quotes and PnL beside the recorded ones.

It subclasses `AsconsoleApp` rather than changing it: the panes render the replayed engine's
snapshots exactly as they rendered the live ones. The engine keys are read-only here.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from asconsole.domain import CommandKind
from asconsole.engine.replay_control import SEEK_NS, ReplayController, parse_when
from asconsole.tui.app import AsconsoleApp
from asconsole.tui.screens.help import HelpScreen
from asconsole.tui.screens.jump import JumpScreen
from asconsole.tui.widgets.replay_bar import ReplayBar
from asconsole.tui.widgets.whatif import WhatIfPane

READ_ONLY = "replay: the recording is read-only (space pauses the playback)"
ENGINE_KEYS = ("pause", "flatten", "live")
"""The console's engine keys: kept (they explain themselves) but out of the footer."""


class ReplayApp(AsconsoleApp):
    TITLE = "asconsole replay"
    BINDINGS = [
        Binding("space", "play_pause", "play/pause", id="replay.pause"),
        Binding("plus,equals_sign", "faster", "faster", id="replay.faster", key_display="+"),
        Binding("minus", "slower", "slower", id="replay.slower", key_display="-"),
        Binding("left_square_bracket", "seek_back", "-1 min", id="replay.back", key_display="["),
        Binding("right_square_bracket", "seek_forward", "+1 min", id="replay.forward", key_display="]"),
        Binding("g", "jump", "jump to", id="replay.jump"),
        *(
            Binding(b.key, b.action, b.description, show=False, id=b.id, priority=b.priority)
            for b in AsconsoleApp.BINDINGS
            if isinstance(b, Binding) and b.id in ENGINE_KEYS
        ),
    ]

    def __init__(self, controller: ReplayController, refresh_hz: float = 10.0) -> None:
        super().__init__(controller, refresh_hz)
        self.replay = controller

    def action_quit_console(self) -> None:
        """A recording has no position to flatten: quit at once."""
        self._send(CommandKind.QUIT)

    def compose(self) -> ComposeResult:
        yield ReplayBar(id="replay-bar")
        yield from super().compose()
        if self.replay.replay.whatif is not None:
            yield WhatIfPane(self.replay.whatif_label, id="whatif")

    def on_mount(self) -> None:
        self._render_replay()
        self.set_interval(1.0 / self.refresh_hz, self._render_replay)

    def _render_replay(self) -> None:
        st = self.replay.state
        if st is None:
            return
        self.query_one(ReplayBar).show(st)
        if st.whatif is not None and self.shown is not None:
            self.query_one(WhatIfPane).show(self.shown, st.whatif)

    # --- playback keys -----------------------------------------------------------------------

    def action_play_pause(self) -> None:
        self.replay.toggle_pause()
        self._render_replay()

    def action_faster(self) -> None:
        self.replay.faster()
        self._render_replay()

    def action_slower(self) -> None:
        self.replay.slower()
        self._render_replay()

    def action_seek_back(self) -> None:
        # Not action_back: that name is Textual's own action (pop the screen).
        self.replay.seek(-SEEK_NS)

    def action_seek_forward(self) -> None:
        self.replay.seek(SEEK_NS)

    def action_jump(self) -> None:
        def done(text: str | None) -> None:
            if not text:
                return
            try:
                self.replay.jump(parse_when(text, self.replay.replay.start_ns))
            except ValueError as exc:
                self.notify(str(exc), severity="error")

        self.push_screen(JumpScreen(), done)

    def action_help(self) -> None:
        keys = [
            b
            for b in (*self.BINDINGS, *AsconsoleApp.BINDINGS)
            if isinstance(b, Binding) and b.id not in ENGINE_KEYS
        ]
        self.push_screen(HelpScreen(keys))

    # --- the engine keys do nothing to a recording -----------------------------------------------

    def action_pause(self) -> None:
        self.notify(READ_ONLY)

    def action_flatten(self) -> None:
        self.notify(READ_ONLY)
