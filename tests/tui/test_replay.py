"""The console playing a recording: playback keys move the replay, the engine keys do not
reach anything, and a what-if pane shows the other engine beside the recorded one."""

import asyncio
import io

import pytest
from rich.console import Console

from asconsole.clock import NS_PER_S
from asconsole.engine.replay import Replay
from asconsole.engine.replay_control import ReplayController, parse_when
from asconsole.engine.whatif import parse_changes
from asconsole.tui.replay import ReplayApp
from asconsole.tui.widgets.whatif import WhatIfPane
from tests.kit.builders import T0
from tests.kit.sessions import record


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    return record(tmp_path_factory.mktemp("rec"))[1]


def make_app(session, whatif=()):
    replay = Replay(session, whatif=parse_changes(list(whatif)))
    ctl = ReplayController(replay, whatif_label=" ".join(whatif))
    return ReplayApp(ctl), ctl


async def settled(pilot, ctl):
    """Until the seek under way (in its worker thread) is done and rendered."""
    for _ in range(200):
        await pilot.pause(0.02)
        if not ctl.busy:
            await pilot.pause(0.15)
            return
    raise AssertionError("seek never finished")


def test_playback_keys(session):
    async def go():
        app, ctl = make_app(session)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("space")
            assert ctl.paused
            ctl.jump(T0 + 70 * NS_PER_S)
            await pilot.press("left_square_bracket")  # relative to where the seek is going
            await settled(pilot, ctl)
            assert ctl.replay.now == T0 + 10 * NS_PER_S  # re-run from the start, paused there
            await pilot.press("right_square_bracket")
            await settled(pilot, ctl)
            assert ctl.replay.now == T0 + 70 * NS_PER_S
            await pilot.press("plus")
            assert ctl.speed == 2.0
            await pilot.press("minus", "minus", "minus")
            assert ctl.speed == 0.5  # the slowest
            for _ in range(20):
                ctl.faster()
            assert ctl.speed == 100.0  # the fastest
            await pilot.press("g")
            await pilot.press(*"+40", "enter")
            await settled(pilot, ctl)
            assert ctl.replay.now == T0 + 40 * NS_PER_S
            assert app.shown is not None and app.shown.ts == T0 + 40 * NS_PER_S
            bar = str(app.query_one("#replay-bar").content)
            assert "0:00:40 / 0:02:00" in bar and "decisions as recorded" in bar
            await pilot.press("p", "f")  # engine keys: a note, no command
            await pilot.pause()
            assert not ctl.replay.engine.flatten_state
            await pilot.press("q")
            await pilot.pause(0.3)
        assert app.return_code == 0

    asyncio.run(go())


def test_playing_moves_the_replay_in_scaled_time(session):
    async def go():
        app, ctl = make_app(session)
        ctl.speed = 100.0
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.5)
            assert ctl.replay.now > T0 + 20 * NS_PER_S
            await pilot.press("q")

    asyncio.run(go())


def test_what_if_pane_shows_both_engines(session):
    async def go():
        app, ctl = make_app(session, ["gamma=0.5"])
        async with app.run_test(size=(100, 34)) as pilot:
            await pilot.press("space")
            ctl.jump(T0 + 60 * NS_PER_S)
            await settled(pilot, ctl)
            pane = app.query_one(WhatIfPane)
            console = Console(width=96, record=True, file=io.StringIO())
            console.print(pane.content)
            text, title = console.export_text(), pane.border_title
            await pilot.press("q")
        return text, title

    text, title = asyncio.run(go())
    assert "recorded" in text and "what-if" in text and "total PnL" in text
    assert title == "What-if: gamma=0.5"


def test_jump_times():
    assert parse_when("+90", T0) == T0 + 90 * NS_PER_S
    assert parse_when("+1:30", T0) == T0 + 90 * NS_PER_S
    assert parse_when("00:02", T0) == T0 + 120 * NS_PER_S  # T0 is midnight UTC
    with pytest.raises(ValueError):
        parse_when("soon", T0)


def test_help_lists_the_replay_keys_and_the_footer_hides_the_engine_ones(session):
    from asconsole.tui.screens.help import HelpScreen

    async def go():
        app, _ = make_app(session)
        async with app.run_test(size=(100, 30)) as pilot:
            shown = {k for k, b in app.active_bindings.items() if b.binding.show}
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#keys").content)
            await pilot.press("escape")
            await pilot.press("q")
        return shown, text

    shown, text = asyncio.run(go())
    assert {"space", "g", "q"} <= shown and not {"p", "f", "l"} & shown
    for words in ("play/pause", "faster", "slower", "-1 min", "+1 min", "jump to", "quit"):
        assert words in text
    assert "FLATTEN" not in text
