"""The pure parts of the panes and the theme files, without an app."""

from pathlib import Path

import pytest
from rich.text import Text

from asconsole.tui.app import parse_keymap
from asconsole.tui.themes import load_themes, parse_theme, pick_theme
from asconsole.tui.widgets.book import bar, side_rungs
from asconsole.tui.widgets.charts import area_chart
from asconsole.tui.widgets.inventory import gauge
from asconsole.tui.widgets.log import kind_of, new_lines
from asconsole.tui.widgets.pane import flow
from asconsole.tui.widgets.pnl import sparkline
from tests.tui.apps import SHIPPED_THEMES


def test_ladder_rows_run_from_the_touch_with_cumulative_size():
    rows = side_rungs([(100, 5), (99, 3), (98, 2)], {}, 3, is_bid=True)
    assert [(r.price, r.size, r.cum) for r in rows] == [(100, 5, 5), (99, 3, 8), (98, 2, 10)]
    asks = side_rungs([(101, 1), (102, 4)], {}, 5, is_bid=False)
    assert [r.price for r in asks] == [101, 102]


def test_own_orders_show_at_their_level_or_on_a_beyond_row():
    levels = [(100, 5), (99, 3), (98, 2), (97, 1)]
    at_level = side_rungs(levels, {99: 1}, 3, is_bid=True)
    assert [r.own for r in at_level] == [0, 1, 0]
    between = side_rungs([(100, 5), (98, 2)], {99: 1}, 3, is_bid=True)
    assert [(r.price, r.size, r.own) for r in between] == [(100, 5, 0), (99, 0, 1), (98, 2, 0)]
    far = side_rungs(levels, {90: 2, 80: 1}, 3, is_bid=True)
    assert [r.price for r in far] == [100, 99, 90]
    assert far[-1].beyond == 2 and far[-1].own == 2


def test_bars_and_sparklines_scale_to_their_width():
    assert bar(1.0, 4) == "████" and bar(0.0, 4) == "    " and bar(0.5, 3) == "█▌ "
    assert sparkline((0.0, 1.0, 2.0), 10) == "▁▅█"
    assert sparkline((1.0,), 10) == "" and len(sparkline(tuple(range(50)), 8)) == 8


def test_area_chart_fills_from_the_bottom():
    rows = area_chart((0.0, 1.0), 2, 2)
    assert rows == [" █", "▁█"]
    assert area_chart((1.0,), 5, 3) == []


def test_inventory_gauge_marks_soft_limits_and_fills_to_the_position():
    track, lo, hi = gauge(0, 3, 5, 11)
    assert track == "├─┆──●──┆─┤" and (lo, hi) == (5, 6)
    track, lo, hi = gauge(5, 3, 5, 11)
    assert track.endswith("━━━━●") and (lo, hi) == (5, 11)
    track, _, _ = gauge(-9, 3, 5, 11)
    assert track.startswith("●")  # past the hard limit: pinned to the end


def test_new_log_lines_are_found_against_the_previous_snapshot():
    assert new_lines((), ("b", "a")) == ["b", "a"]
    assert new_lines(("b", "a"), ("d", "c", "b", "a")) == ["d", "c"]
    assert new_lines(("b", "a"), ("b", "a")) == []
    assert new_lines(("c", "b"), ("d", "c")) == ["d"]  # the oldest fell off the end
    assert kind_of("fill BUY 0.001 @ 1") == "buy" and kind_of("rejected place x") == "error"


def test_flow_wraps_between_segments_never_inside():
    out = flow([[Text("aaaa"), Text("bbbb"), Text("cc")]], 10)
    assert out.plain.splitlines() == ["aaaa  bbbb", "cc"]


def test_the_shipped_themes_all_load():
    found = load_themes([SHIPPED_THEMES])
    assert found.problems == []
    assert {"dark", "light", "high-contrast", "monochrome"} <= set(found.themes)
    assert not found.themes["light"].dark


@pytest.mark.parametrize(
    "text, problem",
    [
        ("name = ", "not valid TOML"),
        ("[colors]\nsecondary = '#fff'\n", "primary is required"),
        ("[colors]\nprimary = 'nope'\n", "is not a colour"),
        ("[colors]\nprimary = '#fff'\npurple = '#fff'\n", "unknown colour 'purple'"),
        ("palette = 1\n", "unknown key 'palette'"),
        ("dark = 'yes'\n[colors]\nprimary = '#fff'\n", "dark must be true or false"),
    ],
)
def test_bad_theme_files_say_what_is_wrong(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_theme(text, "x")


def test_user_themes_override_and_bad_files_are_skipped_by_name(tmp_path: Path):
    (tmp_path / "dark.toml").write_text("[colors]\nprimary = '#123456'\n")
    (tmp_path / "bad.toml").write_text("[colors]\n")
    found = load_themes([SHIPPED_THEMES, tmp_path])
    assert found.themes["dark"].primary == "#123456"
    assert len(found.problems) == 1 and "bad.toml" in found.problems[0]


def test_theme_choice_falls_back_with_a_reason():
    themes = load_themes([SHIPPED_THEMES]).themes
    assert pick_theme("light", themes, no_color=False) == ("light", "")
    name, why = pick_theme("neon", themes, no_color=False)
    assert name == "dark" and "'neon' not found" in why and "light" in why
    assert pick_theme("light", themes, no_color=True) == ("monochrome", "")


def test_keymap_text_is_parsed_by_binding_id():
    keymap, problems = parse_keymap("flatten=F; pause=space,p;;bogus=x;quit=", {"flatten", "pause", "quit"})
    assert keymap == {"flatten": "F", "pause": "space,p"}
    assert len(problems) == 2


def test_guard_state_changes_become_log_entries():
    from asconsole.risk.base import GuardState, GuardStatus
    from asconsole.tui.widgets.log import guard_changes

    before = (GuardStatus("max loss", GuardState.OK, "-1", "-50"), GuardStatus("stale", GuardState.OK))
    after = (GuardStatus("max loss", GuardState.TRIPPED, "-51", "-50", "loss limit"),
             GuardStatus("stale", GuardState.OK))
    (entry,) = guard_changes(before, after)
    assert entry.kind == "error"
    assert entry.text == "guard max loss OK → TRIPPED (-51): loss limit"
    assert guard_changes(after, after) == []


def test_user_themes_come_from_the_xdg_config_home(monkeypatch, tmp_path):
    from asconsole.tui.themes import theme_dirs

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    shipped, user = theme_dirs()
    assert shipped == SHIPPED_THEMES and user == tmp_path / "asconsole" / "themes"


def test_gamma_and_size_steps_stay_in_bounds_and_never_move_against_the_key():
    from asconsole.config import UISettings
    from asconsole.tui.steps import next_gamma, next_size_lots

    ui = UISettings(gamma_min=0.001, gamma_max=0.01, gamma_step=2.0,
                    order_size_min=0.001, order_size_max=0.003, order_size_step=0.001)
    assert next_gamma(0.004, 1, ui) == 0.008 and next_gamma(0.008, 1, ui) == 0.01
    assert next_gamma(0.01, 1, ui) is None and next_gamma(0.0015, -1, ui) == 0.001
    assert next_gamma(0.5, 1, ui) is None  # configured above the bound: + does not lower it
    assert next_gamma(0.5, -1, ui) == 0.01
    assert next_size_lots(1, 0.001, 1, 1, ui) == 2 and next_size_lots(3, 0.001, 1, 1, ui) is None
    assert next_size_lots(1, 0.001, 1, -1, ui) is None and next_size_lots(2, 0.001, 1, -1, ui) == 1
