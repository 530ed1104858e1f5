"""The report's metrics against values worked out by hand on a small crafted session.

Instrument: tick 1 $, lot 1 unit, so prices are dollars and sizes units. Order size 1 lot,
soft limit 1, hard limit 2. The story (seconds from the start, session 120 s long):
  0 book 99/101 (mid 100), quote both sides     10 buy 1 @99 fee .01, bid pulled (inventory)
 20 mid 102                                     30 sell 1 @103 fee .01, flat, quote both
 40 operator pause                              50 resume, quote both
 60 sell 2 @103 rebate .02, short 2 (hard), ask pulled (inventory)
 70 mid 105                                     80 buy 1 @104 fee .01
 90 kill switch (cancel all)                    95 buy 1 @105 taker fee .02, flat, guard clear
"""

import json
import math
import xml.etree.ElementTree as ET

import pytest
import tomli_w
from rich.console import Console

from asconsole.analysis.html import page
from asconsole.analysis.metrics import compute, guard_of, max_drawdown
from asconsole.analysis.report import render, sparkline, to_json
from asconsole.recording.reader import open_session

S = 1_000_000_000
T0 = 1_767_225_600 * S


def line(sec, k, **kw):
    return {"k": k, "t": T0 + int(sec * S), **kw}


def fill(sec, side, p, q, fee, maker=True, n=[0]):  # noqa: B006 - a counter for fill ids
    n[0] += 1
    return line(
        sec, "fill", id=f"c-{n[0]}", side=side, p=p, q=q, fee=fee, mk=maker, fid=f"f{n[0]}", lv=0
    )


LINES = [
    line(0, "book", b=[[99, 10]], a=[[101, 10]], s=1),
    line(0, "quote", bid=99, ask=101, reasons=[]),
    fill(10, 1, 99, 1, 0.01),
    line(10, "verdict", reasons=["inventory: long at soft limit"]),
    line(10, "quote", bid=0, ask=101, reasons=["inventory: long at soft limit"]),
    line(20, "delta", b=[[99, 0], [101, 10]], a=[[101, 0], [103, 10]], s=2, ps=1),
    fill(30, -1, 103, 1, 0.01),
    line(30, "verdict", reasons=[]),
    line(30, "quote", bid=101, ask=103, reasons=[]),
    line(40, "cmd", cmd="pause", name="", v=None, src="ui"),
    line(40, "cancel_all", why="pause"),
    line(50, "cmd", cmd="resume", name="", v=None, src="ui"),
    line(50, "quote", bid=101, ask=103, reasons=[]),
    fill(60, -1, 103, 2, -0.02),
    line(60, "verdict", reasons=["inventory: short at soft limit"]),
    line(60, "quote", bid=101, ask=0, reasons=["inventory: short at soft limit"]),
    line(70, "delta", b=[[101, 0], [104, 10]], a=[[103, 0], [106, 10]], s=3, ps=2),
    fill(80, 1, 104, 1, 0.01),
    line(90, "flatten", reason="kill switch"),
    line(90, "cancel_all", why="kill switch"),
    fill(95, 1, 105, 1, 0.02, maker=False),
    line(95, "verdict", reasons=[]),
]


@pytest.fixture
def crafted(tmp_path):
    d = tmp_path / "crafted"
    d.mkdir()
    meta = {
        "format_version": 2,
        "mode": "paper",
        "start_ns": T0,
        "end_ns": T0 + 120 * S,
        "instrument": {"venue": "t", "symbol": "X", "tick_size": "1", "lot_size": "1"},
        "config": {
            "quote": {"order_size": 1.0},
            "risk": {"inventory_soft": 1.0, "inventory_hard": 2.0},
        },
    }
    (d / "meta.toml").write_text(tomli_w.dumps(meta))
    (d / "events.jsonl").write_text("".join(json.dumps(x) + "\n" for x in LINES))
    s = open_session(d)
    return compute("crafted", s.meta, s.lines())


def test_pnl_fees_volume(crafted):
    m = crafted
    assert m.realized == pytest.approx(4 - 1 - 2)  # +4 long, -1 and -2 on the short
    assert m.unrealized == 0
    assert m.fees_paid == pytest.approx(0.05) and m.rebates == pytest.approx(0.02)
    assert m.total == pytest.approx(1 - 0.03)
    assert m.volume == pytest.approx(99 + 103 + 206 + 104 + 105)
    assert (m.fills, m.buys, m.sells, m.maker_fills) == (5, 3, 2, 4)


def test_round_trips_fifo(crafted):
    m = crafted
    nets = [4 - 0.02, -1 - 0.0, -2 - 0.01]  # fees: each fill's fee per unit on both legs
    assert m.round_trips == 3
    assert m.win_rate == pytest.approx(1 / 3)
    assert m.avg_round_trip == pytest.approx(sum(nets) / 3)
    assert m.spread_captured == pytest.approx((4 - 1 - 2) / 3)
    assert m.spread_captured_bps == pytest.approx((4 / 99 - 1 / 103 - 2 / 103) * 1e4 / 3)


def test_equity_drawdown_and_ratios(crafted):
    m = crafted
    assert len(m.equity) == 121  # 0..120 s
    assert m.equity[10] == 0 and m.equity[11] == pytest.approx(0.99)  # 1 long marked at 100, fee
    assert m.equity[25] == pytest.approx(2.99) and m.equity[45] == pytest.approx(3.98)
    assert m.equity[65] == pytest.approx(6.0)  # short 2 from 103, mid 102, fees net 0
    assert m.equity[75] == pytest.approx(0.0)  # mid 105
    assert m.equity[120] == pytest.approx(0.97)
    assert m.max_drawdown == pytest.approx(6.0)
    # 120 s is short: per-minute returns, the equity at 0, 60 and 120 s
    r = [3.98, 0.97 - 3.98]
    mean, sd = sum(r) / 2, math.sqrt(sum((x - sum(r) / 2) ** 2 for x in r))
    down = math.sqrt((0.97 - 3.98) ** 2 / 2)
    year = math.sqrt(365 * 24 * 60)
    assert m.period == "minute"
    assert m.sharpe == pytest.approx(mean / sd * year)
    assert m.sortino == pytest.approx(mean / down * year)


def test_inventory_and_limits(crafted):
    m = crafted
    assert m.avg_inventory == pytest.approx((1 * 20 - 2 * 20 - 1 * 15) / 120)
    assert m.avg_abs_inventory == pytest.approx((20 + 40 + 15) / 120)
    assert m.max_abs_inventory == 2
    assert m.time_at_soft == pytest.approx(55 / 120)
    assert m.time_at_hard == pytest.approx(20 / 120)


def test_uptime_pauses_and_trips(crafted):
    m = crafted
    assert m.uptime_both == pytest.approx(30 / 120)  # 0-10, 30-40, 50-60
    assert m.uptime_any == pytest.approx(80 / 120)  # 0-40, 50-90
    assert m.paused_s == pytest.approx(
        {"inventory": 55.0, "operator pause": 10.0, "kill switch": 30.0}
    )
    assert m.trips == {"inventory": 2, "kill switch": 1}


def test_markouts(crafted):
    m = crafted
    assert m.markouts[0] == pytest.approx((1 + 1 + 2 + 1 + 0) / 5)
    assert m.markouts[1] == pytest.approx((1 + 1 + 2 + 1 + 0) / 5)
    assert m.markouts[10] == pytest.approx((3 + 1 - 4 + 1 + 0) / 5)
    assert m.markouts[60] == pytest.approx((6 - 2 - 4) / 3)  # fills 60 s before the end only
    assert m.markouts_bps[0] == pytest.approx((1 / 99 + 1 / 103 + 1 / 103 + 1 / 104) * 1e4 / 5)


def test_report_outputs(crafted, tmp_path):
    console = Console(width=100, record=True, file=open(tmp_path / "out", "w"))  # noqa: SIM115
    render([crafted, crafted], console)
    text = console.export_text()
    assert (
        "crafted" in text and "+0.97" in text and "paused: kill switch" in text and "33.3%" in text
    )
    data = json.loads(to_json([crafted]))
    assert data[0]["total"] == pytest.approx(0.97) and data[0]["markouts"]["60"] == pytest.approx(0)
    html = page([crafted])
    assert "<script" not in html and "http" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    for svg in html.split("<svg")[1:]:
        ET.fromstring("<svg" + svg.split("</svg>")[0] + "</svg>")  # well-formed
    assert html.count("<polyline") == 2


def test_helpers():
    assert guard_of("stale data: no market data for 16s") == "stale data"
    assert guard_of("max loss reached") == "max loss reached"
    assert max_drawdown([0, 2, 1, 3, -1, 0]) == 4
    assert sparkline([0, 1, 2, 3], 4) == "▁▃▆█"
