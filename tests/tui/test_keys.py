"""Every key and dialog against a deterministic engine: the key reaches the engine as the
right command, the screen shows it, and nothing is sent when the operator backs out."""

import asyncio

from rich.console import Console

from asconsole.domain import CommandKind
from asconsole.tui.app import PALETTE, AsconsoleApp
from asconsole.tui.screens.help import HelpScreen
from asconsole.tui.screens.live import LiveConfirmScreen
from asconsole.tui.screens.quit import QuitScreen
from asconsole.tui.widgets.log import LogPane
from asconsole.tui.widgets.risk import RiskPane
from asconsole.tui.widgets.status import StatusBar
from tests.tui.apps import TICK, LiveController, ManyGuardsController, make_app, make_position

SIZE = (80, 24)


def kinds(ctl):
    return [c.kind for c in ctl.commands]


def notes(app):
    return [str(n.message) for n in app._notifications]


def log_lines(app):
    return [e.text for e in app.query_one(LogPane).entries]


def test_pause_resume_flatten_and_quit_drive_the_engine():
    async def go():
        app, ctl = make_app()
        engine = ctl.rig.engine
        async with app.run_test(size=SIZE) as pilot:
            assert engine.om.live() and not engine.paused
            await pilot.press("p")
            assert engine.paused and not ctl.rig.exchange.orders  # orders cancelled
            await pilot.press("p")
            assert not engine.paused and engine.om.live()
            make_position(ctl)
            await pilot.press("f")
            assert engine.portfolio.position == 0 and engine.flatten_state == "flat"
            assert engine.paused and not ctl.rig.exchange.orders
            await pilot.pause(TICK)
            await pilot.press("q")  # flat now: no question
            await pilot.pause()
        assert kinds(ctl) == [CommandKind.PAUSE, CommandKind.RESUME, CommandKind.FLATTEN, CommandKind.QUIT]
        assert app.return_code == 0 and engine.stopped

    asyncio.run(go())


def test_kill_switch_acts_even_while_typing_in_the_live_dialog():
    async def go():
        app, ctl = make_app(controller=LiveController)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("l", "l")
            screen = app.screen
            assert isinstance(screen, LiveConfirmScreen) and screen.typed == "l"
            await pilot.press("f")  # the emergency key is never taken as typing
            await pilot.pause()
            assert kinds(ctl) == [CommandKind.FLATTEN]
            assert screen.typed == "l"

    asyncio.run(go())


def test_live_is_refused_with_the_reason_and_nothing_is_sent():
    async def go():
        app, ctl = make_app(5)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("l")
            await pilot.pause()
            assert not isinstance(app.screen, LiveConfirmScreen)
            assert any("Live trading refused" in m and "simulated market" in m for m in notes(app))
            assert any("Live trading refused" in line for line in log_lines(app))
        assert ctl.commands == []

    asyncio.run(go())


def test_going_live_needs_the_word_live_and_names_what_will_trade():
    async def go():
        app, ctl = make_app(controller=LiveController)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("l")
            screen = app.screen
            assert isinstance(screen, LiveConfirmScreen)
            terms = str(screen.query_one("#terms").content)
            for word in ("SIM", "BTCUSDT", "10x", "0.001 BTC", "USDT"):
                assert word in terms
            await pilot.press("y", "e", "s", "enter")
            assert app.screen is screen and ctl.commands == []  # a wrong word does nothing
            assert "type exactly 'live'" in str(screen.query_one("#why").content)
            await pilot.press("l", "i", "v", "e", "enter")
            await pilot.pause(TICK)
            assert kinds(ctl) == [CommandKind.GO_LIVE]
            assert app.screen.has_class("-live") and app.query_one(StatusBar).has_class("-live")
            await pilot.press("l")  # back to paper: no dialog
            await pilot.pause(TICK)
            assert not isinstance(app.screen, LiveConfirmScreen)
            assert kinds(ctl) == [CommandKind.GO_LIVE, CommandKind.GO_PAPER]
            assert not app.screen.has_class("-live")

    asyncio.run(go())


def test_escape_leaves_the_live_dialog_in_paper():
    async def go():
        app, ctl = make_app(controller=LiveController)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("l", "escape")
            await pilot.pause()
            assert not isinstance(app.screen, LiveConfirmScreen)
        assert ctl.commands == []

    asyncio.run(go())


def test_quit_with_a_position_can_leave_it_open():
    async def go():
        app, ctl = make_app()
        make_position(ctl)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            await pilot.press("q")
            assert isinstance(app.screen, QuitScreen)
            assert "Working orders are cancelled" in str(app.screen.query_one("Static").content)
            await pilot.press("k")
            await pilot.pause()
        assert kinds(ctl) == [CommandKind.QUIT]
        assert ctl.rig.engine.portfolio.position != 0 and not ctl.rig.exchange.orders
        assert app.return_code == 0

    asyncio.run(go())


def test_quit_with_a_position_can_flatten_first():
    async def go():
        app, ctl = make_app()
        make_position(ctl)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            await pilot.press("q", "c")
            await pilot.pause(TICK)
        assert kinds(ctl) == [CommandKind.FLATTEN, CommandKind.QUIT]
        assert ctl.rig.engine.portfolio.position == 0 and not ctl.rig.exchange.orders
        assert app.return_code == 0

    asyncio.run(go())


def test_quit_with_a_paper_position_quits_at_once():
    """A paper position ends with the process: nothing to ask, working orders cancelled."""

    async def go():
        app, ctl = make_app()
        make_position(ctl, live=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            await pilot.press("q")
            await pilot.pause(TICK)
            assert not isinstance(app.screen, QuitScreen)
        assert kinds(ctl) == [CommandKind.QUIT]
        assert not ctl.rig.exchange.orders and app.return_code == 0

    asyncio.run(go())


def test_escape_from_the_quit_question_stays():
    async def go():
        app, ctl = make_app()
        make_position(ctl)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            await pilot.press("q", "escape")
            await pilot.pause()
            assert not isinstance(app.screen, QuitScreen) and app.is_running
        assert ctl.commands == []

    asyncio.run(go())


def test_gamma_keys_step_within_the_configured_bounds():
    async def go():
        app, ctl = make_app(5, gamma_max=0.007, gamma_step=1.25)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("plus")
            await pilot.pause(TICK)
            assert ctl.rig.engine.gamma == 0.00625
            await pilot.press("plus")  # 0.0078 would pass gamma_max: clamped to it
            await pilot.pause(TICK)
            assert ctl.rig.engine.gamma == 0.007
            await pilot.press("plus")
            await pilot.pause(TICK)
            assert any("gamma_max" in m for m in notes(app))
            await pilot.press("minus")
            await pilot.pause(TICK)
            assert ctl.rig.engine.gamma == 0.0056
        values = [(c.name, c.value) for c in ctl.commands]
        assert values == [("gamma", 0.00625), ("gamma", 0.007), ("gamma", 0.0056)]
        assert all(c.kind is CommandKind.SET_PARAM for c in ctl.commands)

    asyncio.run(go())


def test_order_size_keys_step_within_the_configured_bounds():
    async def go():
        app, ctl = make_app(5, order_size_max=0.002, order_size_step=0.001)
        lot = ctl.rig.engine.instrument.lot
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("right_square_bracket")
            await pilot.pause(TICK)
            assert ctl.rig.engine.order_lots * lot == 0.002
            await pilot.press("right_square_bracket")
            await pilot.pause(TICK)
            assert any("order_size_max" in m for m in notes(app))
            await pilot.press("left_square_bracket")
            await pilot.pause(TICK)
            await pilot.press("left_square_bracket")
            await pilot.pause(TICK)
            assert any("order_size_min" in m for m in notes(app))
        assert [c.value for c in ctl.commands] == [0.002, 0.001]

    asyncio.run(go())


def test_t_cycles_through_the_shipped_themes():
    async def go():
        app, _ = make_app(5)
        async with app.run_test(size=SIZE) as pilot:
            seen = [app.theme]
            for _ in range(4):
                await pilot.press("t")
                seen.append(app.theme)
        assert seen == ["dark", "high-contrast", "light", "monochrome", "dark"]

    asyncio.run(go())


def test_help_lists_every_key_with_its_current_key():
    async def go():
        app, _ = make_app(5, keymap="flatten=x")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            keys = {b.id: key for key, b in app.screen.rows}
            assert set(keys) == {b.id for b in AsconsoleApp.BINDINGS}
            assert keys["flatten"] == "x" and keys["help"] == "?"
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)

    asyncio.run(go())


def test_keymap_remaps_by_id_and_reports_bad_entries():
    async def go():
        app, ctl = make_app(5, keymap="flatten=x;nonsense=y")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f")
            await pilot.press("x")
            await pilot.pause()
            assert any("'nonsense=y' ignored" in m for m in notes(app))
        assert kinds(ctl) == [CommandKind.FLATTEN]

    asyncio.run(go())


def test_every_key_has_a_palette_entry_named_group_verb():
    async def go():
        app, ctl = make_app(5)
        async with app.run_test(size=SIZE) as pilot:
            commands = {c.title: c for c in app.get_system_commands(app.screen)}
            for title in commands:
                group, _, verb = title.partition(": ")
                assert group and verb and group == group.lower()
            actions = {a for _, _, a in PALETTE}
            assert {b.action for b in AsconsoleApp.BINDINGS} <= actions
            commands["quoting: pause or resume"].callback()
            await pilot.pause()
        assert kinds(ctl) == [CommandKind.PAUSE]

    asyncio.run(go())


def test_ctrl_q_asks_like_q_when_a_position_is_open():
    async def go():
        app, ctl = make_app()
        make_position(ctl)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            await pilot.press("ctrl+q")
            assert isinstance(app.screen, QuitScreen)
        assert ctl.commands == []

    asyncio.run(go())


def test_tripped_and_warning_guards_stay_visible_at_80x24():
    async def go():
        app, _ = make_app(controller=ManyGuardsController)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            pane = app.query_one(RiskPane)
            visible = pane.content_size.height
            assert 5 <= visible < 10  # not room for all ten
            lines = Console(width=pane.content_size.width, record=True)
            lines.print(pane.content)
            shown = lines.export_text().splitlines()[:visible]
            for name, state in (("max loss", "TRIPPED"), ("stale data", "WARN"), ("volatility", "TRIPPED")):
                assert any(line.startswith(name) and state[:4] in line for line in shown), (name, shown)

    asyncio.run(go())
