"""A paper spot session, with a venue balance report in the middle, replays decision for
decision: the starting balances come from the recorded config, the report from its
`balance` line."""

from asconsole import config
from asconsole.domain import Balances
from asconsole.engine.replay import Replay
from asconsole.recording.codec import decode, encode
from asconsole.recording.reader import open_session
from asconsole.recording.writer import Recorder
from tests.kit.builders import SPOT, T0, rig


def test_balance_lines_round_trip():
    b = Balances(T0, 10, 2, 5_000_000, 1_000_000)
    line = encode(b)
    assert line == {"k": "balance", "t": T0, "bf": 10, "bl": 2, "qf": 5_000_000, "ql": 1_000_000}
    assert decode(line) == b


def test_spot_session_with_a_balance_report_replays_exactly(tmp_path):
    s = config.Settings().replace("paper", spot_base=0.002, spot_quote=250.0)
    r = rig(seed=7, settings=s, instrument=SPOT)
    rec = Recorder(tmp_path / "rec", s, SPOT, T0, "paper", clock=r.clock)
    r.driver.tap, r.engine.journal = rec.event, rec.journal
    r.run_for(90)
    # the venue reports one more lot of base than the engine counted (a deposit)
    mine = r.engine.spot.balances(r.clock.now(), r.engine.om.live())
    r.driver._deliver([Balances(r.clock.now(), mine.base_free + 1, mine.base_locked,
                                mine.quote_free, mine.quote_locked)])
    assert r.engine.spot.wallet.base == r.exchange.wallet.base + 1
    r.run_for(90)
    rec.close(r.clock.now(), "done")
    session = open_session(rec.path)
    assert sum(line["k"] == "balance" for line in session.lines()) == 1

    replay = Replay(session)
    replay.run_to_end()
    assert replay.mismatch == "" and replay.matched > 50
    a, b = r.engine, replay.engine
    assert (b.spot.wallet.base, b.spot.wallet.quote) == (a.spot.wallet.base, a.spot.wallet.quote)
    assert b.portfolio.fills == a.portfolio.fills > 10
