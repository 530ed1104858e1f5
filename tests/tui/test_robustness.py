"""Problems reach the operator on the screen (a notification and a log line), never as a
traceback that breaks it; a crash leaves its reason for the session directory."""

import asyncio

import pytest

from asconsole.tui.widgets.log import LogPane
from asconsole.tui.widgets.quotes import QuotesPane
from tests.tui.apps import TICK, make_app

SIZE = (80, 24)


def notes(app):
    return [str(n.message) for n in app._notifications]


def log_lines(app):
    return [e.text for e in app.query_one(LogPane).entries]


def test_a_pane_that_cannot_draw_is_reported_once_and_the_rest_keeps_working(monkeypatch):
    def broken(self, s, width, height):
        raise ValueError("bad number")

    monkeypatch.setattr(QuotesPane, "draw", broken)

    async def go():
        app, ctl = make_app(5)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            ctl.advance(1)
            await pilot.pause(TICK)
            assert app.is_running
            failures = [m for m in notes(app) if "cannot draw" in m and "bad number" in m]
            assert len(failures) == 1
            assert any("bad number" in line for line in log_lines(app))
            await pilot.press("p")  # keys still work
        assert ctl.commands and ctl.rig.engine.paused

    asyncio.run(go())


def test_an_engine_failure_is_shown_and_q_then_closes_with_an_error_code():
    async def go():
        app, ctl = make_app(5)

        async def fail() -> str:
            raise RuntimeError("feed exploded")

        ctl.run = fail  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            assert app.is_running
            assert any("engine error: feed exploded" in m for m in notes(app))
            assert any("feed exploded" in line for line in log_lines(app))
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 1

    asyncio.run(go())


def test_a_crash_keeps_its_traceback_for_the_session_directory():
    async def go():
        app, _ = make_app(5)
        with pytest.raises(ZeroDivisionError):
            async with app.run_test(size=SIZE) as pilot:
                app.call_later(lambda: 1 / 0)
                await pilot.pause(TICK)
        return app

    app = asyncio.run(go())
    assert "ZeroDivisionError" in app.crash_report and "Traceback" in app.crash_report
    assert app.return_code == 1
    assert app.controller.stop_reason == "console crashed: ZeroDivisionError: division by zero"


def test_a_bad_theme_file_is_named_and_the_default_is_used(tmp_path):
    from tests.tui.apps import SHIPPED_THEMES

    (tmp_path / "broken.toml").write_text('name = "broken"\n[colors]\nprimary = "not-a-colour"\n')

    async def go():
        app, _ = make_app(5, theme="broken", theme_dirs=[SHIPPED_THEMES, tmp_path])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.theme == "dark"
            assert any("broken.toml" in m and "not a colour" in m for m in notes(app))
            assert any("theme 'broken' not found" in m for m in notes(app))
            assert any("broken.toml" in line for line in log_lines(app))

    asyncio.run(go())


def test_no_color_chooses_the_monochrome_theme(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def go():
        app, _ = make_app(5, theme="light")
        async with app.run_test(size=SIZE):
            assert app.theme == "monochrome"

    asyncio.run(go())


def test_the_status_bar_shouts_when_the_feed_is_lost_or_stale():
    import dataclasses

    from rich.console import Console

    from asconsole.tui.widgets.status import StatusBar

    async def go():
        app, ctl = make_app(5)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(TICK)
            bar = app.query_one(StatusBar)
            texts = []
            for change in ({"connected": False}, {"data_age_s": 20.0}, {}):
                app.show(dataclasses.replace(ctl.latest, **change))
                console = Console(width=80, record=True)
                console.print(bar.render())
                texts.append(console.export_text())
        return texts

    lost, stale, fine = asyncio.run(go())
    assert "DISCONNECTED" in lost
    assert "data 20.0s old" in stale
    assert "PAPER" in fine and "00:00:05 UTC" in fine and "DISCONNECTED" not in fine


def test_inventory_shows_the_liquidation_price_when_the_engine_has_one():
    import dataclasses

    from rich.console import Console

    from asconsole.tui.widgets.inventory import InventoryPane

    async def go():
        app, ctl = make_app(5)
        async with app.run_test(size=SIZE) as pilot:
            snap = dataclasses.replace(ctl.latest, position=3, entry=100_000.0, mark=100_000.0,
                                       liq_price=91_000.0, liq_left=0.9, liq_source="estimate")
            app.show(snap)
            await pilot.pause(TICK)
            console = Console(width=50, record=True)
            pane = app.query_one(InventoryPane)
            console.print(pane.render())
            assert pane.has_class("-liq") and pane.outer_size.height == 5
            return console.export_text()

    text = asyncio.run(go())
    assert "liq 91,000.00  9.0% away (estimate)" in text and "lev 10x" in text
    assert "limit" in text.splitlines()[3]  # the gauge keeps its row
