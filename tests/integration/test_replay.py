"""Replay: a recording made by the Driver, re-run through a fresh engine from the recorded
events alone, makes the same decisions and ends in the same state. (A live run's recording:
tests/integration/test_live_recording.py.)"""

import copy
import dataclasses

import pytest

from asconsole.clock import NS_PER_S
from asconsole.config import ConfigError
from asconsole.engine.replay import Replay
from asconsole.engine.whatif import parse_changes
from tests.kit.builders import T0
from tests.kit.sessions import record


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """(rig, session): one plain recording shared by the tests that only read it."""
    return record(tmp_path_factory.mktemp("rec"))


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_replay_reproduces_every_recorded_decision(tmp_path, recorded, compress):
    r, session = record(tmp_path, compress=True) if compress else recorded
    kinds = [x["k"] for x in session.lines()]
    decisions = sum(k in ("place", "amend", "cancel", "cancel_all", "quote") for k in kinds)
    assert r.engine.portfolio.fills > 10 and decisions > 50

    replay = Replay(session)
    replay.run_to_end()
    assert replay.mismatch == ""
    assert replay.matched == decisions
    a, b = r.engine.portfolio, replay.engine.portfolio
    assert (b.position, b.fills, b.realized_units, b.fees) == (
        a.position,
        a.fills,
        a.realized_units,
        a.fees,
    )
    assert replay.engine.gamma == 0.02
    assert [o.client_id for o in replay.engine.om.live()] == [
        o.client_id for o in r.engine.om.live()
    ]


def test_a_changed_parameter_is_caught_as_a_mismatch(recorded):
    session = recorded[1]
    meta = copy.deepcopy(session.meta)
    meta["config"]["quote"]["requote_ticks"] = 5
    replay = Replay(dataclasses.replace(session, meta=meta))
    replay.run_to_end()
    assert replay.mismatch.startswith("line ")


def test_seek_back_and_forward_land_in_the_same_state(recorded):
    session = recorded[1]
    replay = Replay(session)
    replay.advance_to(T0 + 100 * NS_PER_S)
    at_100 = replay.snapshot()
    replay.seek(T0 + 30 * NS_PER_S)
    assert replay.now == T0 + 30 * NS_PER_S and replay.snapshot().fills <= at_100.fills
    replay.seek(T0 + 100 * NS_PER_S)
    again = replay.snapshot()
    assert (again.position, again.fills, again.realized, again.bids) == (
        at_100.position,
        at_100.fills,
        at_100.realized,
        at_100.bids,
    )


def test_what_if_runs_other_parameters_on_the_same_market(recorded):
    session = recorded[1]
    replay = Replay(session, whatif=parse_changes(["gamma=0.5", "risk.inventory_hard=9"]))
    replay.run_to_end()
    wi = replay.whatif
    assert wi is not None and wi.engine.gamma == 0.5 and wi.settings.risk.inventory_hard == 9
    assert replay.mismatch == ""  # the recorded engine is untouched
    assert wi.driver.events == sum(
        1 for x in session.lines() if x["k"] in ("book", "delta", "trade")
    )
    # a far larger risk aversion skews harder: the quotes differ from the recorded ones
    assert wi.engine.quote is not None and replay.engine.quote is not None
    assert (wi.engine.quote.bid, wi.engine.quote.ask) != (
        replay.engine.quote.bid,
        replay.engine.quote.ask,
    )


def test_what_if_keys_are_checked():
    assert parse_changes(["gamma=0.01"]) == {"quote": {"gamma": 0.01}}
    assert parse_changes(["risk.flatten_order=ioc"]) == {"risk": {"flatten_order": "ioc"}}
    for bad, msg in (
        ("gamma", "key=value"),
        ("nope=1", "unknown key"),
        ("x.gamma=1", "unknown section"),
        ("gamma=abc", "a number"),
    ):
        with pytest.raises(ConfigError, match=msg):
            parse_changes([bad])
