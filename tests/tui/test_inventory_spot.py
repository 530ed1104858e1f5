"""The inventory pane on a spot pair shows the balances (free first, then locked) where a
perpetual shows leverage; a live spot venue that has not reported yet says so."""

import asyncio

from rich.console import Console

from asconsole.tui.app import AsconsoleApp
from asconsole.tui.widgets.inventory import InventoryPane
from tests.kit.builders import SPOT, rig
from tests.kit.controller import SteppedController


def lines(pane: InventoryPane, snap, width: int | None = None) -> list[str]:
    size = pane.content_size
    w = width or size.width
    console = Console(width=w, record=True, color_system=None)
    with console.capture() as cap:
        console.print(pane.draw(snap, w, size.height))
    return cap.get().splitlines()


def show(ctl: SteppedController, size: tuple[int, int], wide: int | None = None) -> list[str]:
    async def go() -> list[str]:
        app = AsconsoleApp(ctl)
        async with app.run_test(size=size) as pilot:
            app.show(ctl.latest)
            await pilot.pause()
            return lines(app.query_one(InventoryPane), ctl.latest, wide)

    return asyncio.run(go())


def test_spot_pane_shows_free_balances_instead_of_leverage():
    ctl = SteppedController(rig(seed=7, instrument=SPOT))
    ctl.advance(30)
    b = ctl.latest.balances
    free = f"free {SPOT.qty_str(b.base_free)} BTC {SPOT.quote_amount(b.quote_free):,.2f} USDT"
    at_80 = show(ctl, (80, 24))
    assert at_80[1].startswith(free[:24]) and "lev" not in "".join(at_80)
    # with room, the locked amounts follow
    full = show(ctl, (160, 40), wide=200)[1]
    locked = f"locked {SPOT.qty_str(b.base_locked)} / {SPOT.quote_amount(b.quote_locked):,.2f}"
    assert full.startswith(free) and full.endswith(locked)


def test_live_spot_before_the_venue_reports_says_so():
    r = rig(seed=7, instrument=SPOT)
    r.engine.spot.set_mode(live=True)
    ctl = SteppedController(r)
    assert show(ctl, (80, 24))[1] == "balances: waiting for the venue"
