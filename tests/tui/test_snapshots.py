"""What the operator sees, frozen: a seeded market on an event clock stopped at 00:01:30 UTC
(2026-01-01), so every picture is the same on every machine. Each docstring says what the
picture must show; refresh with --snapshot-update only after looking at the new picture."""

from asconsole.domain import Command, CommandKind
from tests.tui.apps import LiveController, ManyGuardsController, make_app, make_position

SMALL = (80, 24)
LARGE = (160, 48)


def test_80x24_dark(snap_compare):
    """80x24, dark theme, 90 s into the calm market. Status bar: SIM BTCUSDT, PAPER badge, data
    age, "quoting", lag, 00:01:30 UTC. Left: the ladder (price, size, cum, depth bars) with mid
    and spread in the middle and our two orders marked ◆ (beyond the shown levels here). Right:
    quotes (sigma, A, kappa, calibration, reservation, half spread, skew, both working quotes),
    inventory with the limit gauge, risk guards, PnL with fills, win rate and sparkline. Footer:
    f FLATTEN, p, l, q, + -, [ ], t, ?."""
    app, _ = make_app(90)
    assert snap_compare(app, terminal_size=SMALL)


def test_80x24_light(snap_compare):
    """The same moment as test_80x24_dark in the light theme: dark text on a light background,
    every pane readable, bids green and asks red in darker shades."""
    app, _ = make_app(90, theme="light")
    assert snap_compare(app, terminal_size=SMALL)


def test_160x48_dark(snap_compare):
    """160x48, dark: the ladder shows 21 levels a side with longer depth bars, full borders on
    every pane, and a third column with the mid and PnL charts over the last 90 s and the
    fills & events log (newest first, UTC times)."""
    app, _ = make_app(90)
    assert snap_compare(app, terminal_size=LARGE)


def test_160x48_high_contrast(snap_compare):
    """160x48 in the high-contrast theme: black background, white borders, pure green and red
    sides; the same panes as test_160x48_dark."""
    app, _ = make_app(90, theme="high-contrast")
    assert snap_compare(app, terminal_size=LARGE)


def test_80x24_live_monochrome(snap_compare):
    """Live in the monochrome theme: the status bar is filled and the badge reads ▲ LIVE ▲ in
    reverse video, every pane's top border is heavy: unmistakable without colour."""
    app, ctl = make_app(90, theme="monochrome", controller=LiveController)
    ctl.submit(Command(CommandKind.GO_LIVE))
    assert snap_compare(app, terminal_size=SMALL)


def test_80x24_go_live_dialog(snap_compare):
    """After l on a venue that allows live: the dialog names venue SIM, symbol BTCUSDT (linear
    perpetual), leverage 10x and order size 0.001 BTC with its value, and asks for the word
    live; "li" typed so far."""
    app, _ = make_app(90, controller=LiveController)
    assert snap_compare(app, terminal_size=SMALL, press=["l", "l", "i"])


def test_80x24_quit_with_a_position(snap_compare):
    """q with a live position open: the question names the position, says working orders are
    cancelled either way, and offers c (close, then quit), k (keep, quit) and esc (stay)."""
    app, ctl = make_app(90)
    make_position(ctl)
    assert snap_compare(app, terminal_size=SMALL, press=["q"])


def test_80x24_help(snap_compare):
    """? lists every key with its description and a longer explanation, over the console."""
    app, _ = make_app(90)
    assert snap_compare(app, terminal_size=SMALL, press=["question_mark"])


def test_80x24_ten_guards_with_trips(snap_compare):
    """Ten guards at 80x24: the risk pane has room for seven rows, and the two TRIPPED
    (max loss, volatility) and the WARN (stale data) guards are at the top of it."""
    app, _ = make_app(90, controller=ManyGuardsController)
    assert snap_compare(app, terminal_size=SMALL)
