"""The risk pane at 80x24: acting guards first and always visible, the rest folded into a
line that still names them; liquidation and kill-switch lines; the border follows the worst
state."""

import asyncio

from rich.console import Console

from asconsole.risk.base import GuardState
from asconsole.tui.widgets.risk import RiskPane
from tests.tui.apps import make_app


def visible_lines(pane: RiskPane) -> list[str]:
    size = pane.content_size
    console = Console(width=size.width, record=True, color_system=None)
    with console.capture() as cap:
        console.print(pane.content)
    return cap.get().splitlines()[: size.height]


def test_tripped_and_warn_guards_are_always_visible_at_80x24():
    async def go():
        app, ctl = make_app(30)
        guards = ctl.rig.engine.guards

        def stuck(guard, state):
            def check(ctx, verdict):
                guard.set(state, "x", "y", "stuck for the test")
            return check

        # The last guards in the engine's order would be cut first: make them the acting ones.
        guards[-1].check = stuck(guards[-1], GuardState.WARN)
        guards[-1].on_quote = lambda ts, outcome: None
        guards[-2].check = stuck(guards[-2], GuardState.TRIPPED)
        guards[-3].check = stuck(guards[-3], GuardState.TRIPPED)
        ctl.advance(1)
        async with app.run_test(size=(80, 24)) as pilot:
            app.show(ctl.latest)
            await pilot.pause()
            pane = app.query_one(RiskPane)
            lines = visible_lines(pane)
            assert len(lines) == pane.content_size.height <= 8
            names = [g.name for g in guards]
            assert lines[1].startswith(names[-3]) or lines[0].startswith(names[-3])
            text = "\n".join(lines)
            for name in (names[-1], names[-2], names[-3]):
                assert name in text
            assert "TRIP" in text and "WARN" in text
            assert text.splitlines()[-1].startswith("+")  # the OK guards, folded but named
            assert pane.has_class("-tripped") and not pane.has_class("-warn")

    asyncio.run(go())


def test_liquidation_and_kill_switch_progress_lines():
    async def go():
        app, ctl = make_app(60)
        engine = ctl.rig.engine
        while engine.portfolio.position == 0:
            ctl.advance(10)
        async with app.run_test(size=(80, 24)) as pilot:
            app.show(ctl.latest)
            await pilot.pause()
            pane = app.query_one(RiskPane)
            first = visible_lines(pane)[0]
            assert first.startswith("liq ") and "(est.)" in first and "% away" in first
            await pilot.press("f")
            app.show(ctl.latest)
            await pilot.pause()
            assert visible_lines(pane)[0] == "KILL SWITCH: flat"
            assert engine.flatten_state == "flat"

    asyncio.run(go())


def test_every_guard_is_named_when_there_is_room():
    async def go():
        app, ctl = make_app(30)
        async with app.run_test(size=(120, 60)) as pilot:
            app.show(ctl.latest)
            await pilot.pause()
            text = "\n".join(visible_lines(app.query_one(RiskPane)))
            assert "+" not in text.splitlines()[-1][:1]  # nothing folded
            for g in ctl.rig.engine.guards:
                assert g.status.name in text and g.status.threshold[:8] in text

    asyncio.run(go())
