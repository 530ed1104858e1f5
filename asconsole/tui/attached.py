"""The console attached to a headless engine: `q` detaches and leaves the engine running
(it then applies `[control] on_detach`); stopping the engine is `asconsole stop`."""

from __future__ import annotations

from asconsole.control.client import RemoteController
from asconsole.tui.app import AsconsoleApp


class AttachedApp(AsconsoleApp):
    TITLE = "asconsole (attached)"

    def __init__(self, controller: RemoteController, refresh_hz: float = 10.0) -> None:
        super().__init__(controller, refresh_hz)
        self.remote = controller

    def action_quit_console(self) -> None:
        self.remote.detach()
