"""The console against a deterministic engine: keys reach the engine, the screen shows it."""

import asyncio

from asconsole.domain import CommandKind
from asconsole.tui.app import AsconsoleApp
from asconsole.tui.screens.help import HelpScreen
from tests.kit.builders import rig
from tests.kit.controller import SteppedController


def make_app(seconds: float = 90, seed: int = 7) -> tuple[AsconsoleApp, SteppedController]:
    """A seeded market run for `seconds` of event time; the clock then stands still."""
    r = rig(seed=seed)
    ctl = SteppedController(r)
    ctl.advance(seconds)
    return AsconsoleApp(ctl), ctl


def test_keys_pause_flatten_quit_drive_the_engine():
    async def go():
        app, ctl = make_app()
        engine = ctl.rig.engine
        async with app.run_test(size=(80, 24)) as pilot:
            assert engine.om.live() and not engine.paused
            await pilot.press("p")
            assert engine.paused and not ctl.rig.exchange.orders  # orders cancelled
            await pilot.press("p")
            assert not engine.paused and engine.om.live()
            while engine.portfolio.position == 0:
                ctl.advance(10)
            await pilot.press("f")
            assert engine.portfolio.position == 0 and engine.flatten_state == "flat"
            assert engine.paused and not ctl.rig.exchange.orders
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
        assert [c.kind for c in ctl.commands] == [
            CommandKind.PAUSE, CommandKind.RESUME, CommandKind.FLATTEN, CommandKind.QUIT,
        ]
        assert app.return_code == 0 and engine.stopped
        return app

    asyncio.run(go())


def test_live_is_refused_on_the_sim_with_a_reason():
    async def go():
        app, ctl = make_app(5)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            notes = [n.message for n in app._notifications]
        assert ctl.commands == []  # nothing was sent to the engine
        assert any("Live trading refused" in m and "simulated market" in m for m in notes)

    asyncio.run(go())


def test_help_lists_every_key():
    async def go():
        app, _ = make_app(5)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#keys").content)
            for b in app.BINDINGS:
                assert b.description in text
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)

    asyncio.run(go())


def test_flatten_binding_has_priority_over_focused_widgets():
    flatten = next(b for b in AsconsoleApp.BINDINGS if b.id == "flatten")
    assert flatten.priority


def test_snapshot_80x24(snap_compare):
    """80x24 after 90 s of the seeded calm market: status bar (SIM BTCUSDT PAPER, quoting,
    00:01:30 UTC), the ladder with mid and spread, GLFT numbers with both quotes working,
    inventory, the risk pane (liquidation estimate, the fill-imbalance cooldown first, the OK
    guards after it, the ones that do not fit folded into a last line), PnL, and the footer
    with p f l q ?."""
    app, _ = make_app(90)
    assert snap_compare(app, terminal_size=(80, 24))
