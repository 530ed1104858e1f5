"""Apps for the console tests: a seeded market on a frozen event clock, the shipped themes
only (never the user's), and a controller that can go live for the dialog tests."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from asconsole.config import UISettings
from asconsole.domain import Command, CommandKind
from asconsole.risk.base import GuardState, GuardStatus
from asconsole.tui.app import AsconsoleApp
from asconsole.tui.themes import load_themes
from tests.kit.builders import rig
from tests.kit.controller import SteppedController

SHIPPED_THEMES = Path(__file__).resolve().parents[2] / "themes"


class LiveController(SteppedController):
    """A venue that allows live trading: records GO_LIVE / GO_PAPER and switches the mode the
    snapshots show, as a real venue's runner would."""

    live_refusal = ""

    def submit(self, cmd: Command) -> None:
        if cmd.kind in (CommandKind.GO_LIVE, CommandKind.GO_PAPER):
            self.rig.engine.mode = "live" if cmd.kind is CommandKind.GO_LIVE else "paper"
        super().submit(cmd)


TICK = 0.1
"""Seconds a test waits for the console to show a change: three frames at 30 Hz."""


def make_app(
    seconds: float = 30,
    seed: int = 7,
    theme: str = "dark",
    controller: type[SteppedController] = SteppedController,
    theme_dirs: list[Path] | None = None,
    **ui: object,
) -> tuple[AsconsoleApp, SteppedController]:
    """A seeded market run for `seconds` of event time; the clock then stands still. The
    console refreshes at 30 Hz unless told otherwise, so tests wait less."""
    ui.setdefault("refresh_hz", 30)
    ctl = controller(rig(seed=seed))
    ctl.advance(seconds)
    settings = UISettings(theme=theme, **ui)  # type: ignore[arg-type]
    themes = load_themes(theme_dirs if theme_dirs is not None else [SHIPPED_THEMES])
    return AsconsoleApp(ctl, ui=settings, themes=themes), ctl


def make_position(ctl: SteppedController, live: bool = True) -> None:
    """Run the seeded market until the engine holds a position; by default the engine then
    counts as live (only a live position makes quitting ask a question)."""
    while ctl.rig.engine.portfolio.position == 0:
        ctl.advance(10)
    if live:
        ctl.rig.engine.mode = "live"
        ctl.publish()


def many_guards() -> tuple[GuardStatus, ...]:
    """Ten guards, as the risk module will have: two tripped and one warning among them,
    listed after seven healthy ones so a pane that showed them in order would hide them."""
    ok = [GuardStatus(f"guard {i}", GuardState.OK, "0", "1") for i in range(7)]
    return (
        *ok,
        GuardStatus("max loss", GuardState.TRIPPED, "-52.10", "-50.00",
                    "session loss past the limit: kill switch engaged, position flattened", 1),
        GuardStatus("stale data", GuardState.WARN, "9.0s", "15s", "feed slow"),
        GuardStatus("volatility", GuardState.TRIPPED, "41.2", "30.0", "sigma spike", 2),
    )


class ManyGuardsController(SteppedController):
    """The seeded engine's snapshots with ten guards in them."""

    def publish(self) -> None:
        self.latest = dataclasses.replace(self.rig.engine.snapshot(), guards=many_guards())
        for fn in self._listeners:
            fn(self.latest)
