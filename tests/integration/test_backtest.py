"""Backtests and sweeps: deterministic to the cent, the same in a worker, on Dask and over a
recording of the same market."""

import json

import pytest

from asconsole import cli, config
from asconsole.backtest import SIM_START_NS, Source, backtest
from asconsole.clock import NS_PER_MS, NS_PER_S, EventClock, WallClock
from asconsole.launch import build
from asconsole.recording.writer import Recorder
from asconsole.sweep import executor, load_jobs, run_jobs, sort_results
from asconsole.venues.sim import SIM_BTCUSDT, SimMarket, params_from_settings

INFORMED = config.Settings().replace("market", regime="informed", seed=3)
SWEEP = """
[data]
minutes = 1.5
[base]
market.regime = "informed"
market.seed = 3
[grid]
quote.gamma = [0.001, 0.005]
"risk.inventory_soft" = [2]
"""


def test_same_inputs_same_fills_and_pnl_twice_in_a_row():
    a = backtest(INFORMED, Source(minutes=3))
    b = backtest(INFORMED, Source(minutes=3))
    assert a.fills > 5
    assert a == b  # every float bit for bit, so to the cent
    other = backtest(INFORMED.replace("market", seed=4), Source(minutes=3))
    assert other != a


def test_informed_flow_is_adversely_selected():
    calm = backtest(config.Settings().replace("market", seed=1), Source(minutes=5))
    informed_settings = config.Settings().replace("market", seed=1, regime="informed")
    informed = backtest(informed_settings, Source(minutes=5))
    assert calm.fills > 10 and informed.fills > 10
    assert informed.markout_5s_bps < calm.markout_5s_bps - 0.5


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "sweep.toml"
    path.write_text(SWEEP, encoding="utf-8")
    return load_jobs(path, config.Settings())


def singles(jobs):
    return [backtest(INFORMED.replace("quote", gamma=j.params["quote.gamma"])
                     .replace("risk", inventory_soft=2.0), Source(minutes=1.5)) for j in jobs]


def test_sweep_in_worker_processes_equals_single_backtests(jobs):
    assert [j.params for j in jobs] == [
        {"quote.gamma": 0.001, "risk.inventory_soft": 2},
        {"quote.gamma": 0.005, "risk.inventory_soft": 2},
    ]
    with executor(2) as pool:  # the CLI's pool: fresh processes, their own hash seeds
        results = run_jobs(jobs, pool)
    assert [r.summary for r in results] == singles(jobs)
    best = sort_results(results, "total")[0]
    assert best.summary.total == max(r.summary.total for r in results)
    assert sort_results(results, "max_drawdown")[0].summary.max_drawdown == min(
        r.summary.max_drawdown for r in results)


def test_sweep_on_a_dask_cluster_equals_single_backtests(jobs):
    distributed = pytest.importorskip(
        "distributed", reason="dask[distributed] not installed (optional extra 'cluster')")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        with executor(1, cluster.scheduler_address) as pool:
            results = run_jobs(jobs, pool)
    assert [r.summary for r in results] == singles(jobs)


def test_recorded_session_replays_like_the_live_market(tmp_path):
    """A recording of the simulated market backtests to the same result as the market itself."""
    s = INFORMED
    minutes = 2
    end = SIM_START_NS + minutes * 60 * NS_PER_S
    rec = Recorder(tmp_path / "session", s, SIM_BTCUSDT, SIM_START_NS, "paper")
    for ev in SimMarket(params_from_settings(s.market), SIM_BTCUSDT, SIM_START_NS).events():
        if ev.ts > end:
            break
        rec.event(ev)
    rec.close(end, "test")
    replayed = backtest(s, Source(str(tmp_path / "session")))
    assert replayed.fills > 0
    assert replayed == backtest(s, Source(minutes=minutes))


def test_request_latency_is_applied_through_the_driver(monkeypatch):
    from asconsole.domain import OrderAck, PlaceOrder
    from asconsole.engine.driver import Driver
    from asconsole.engine.engine import Engine
    from asconsole.fees import FeeSchedule
    from asconsole.venues.paper import FillModel, PaperExchange

    s = config.Settings()
    clock = EventClock(SIM_START_NS)
    exchange = PaperExchange(SIM_BTCUSDT, FeeSchedule(0.0002, 0.00055), clock,
                             FillModel(entry_ns=20 * NS_PER_MS, cancel_ns=20 * NS_PER_MS))
    sent: dict[str, int] = {}
    acks: dict[str, int] = {}
    submit = exchange.submit

    def spy(action):
        if isinstance(action, PlaceOrder):
            sent[action.client_id] = clock.now()
        return submit(action)

    monkeypatch.setattr(exchange, "submit", spy)

    def tap(ev):
        if isinstance(ev, OrderAck):
            acks[ev.client_id] = ev.ts
            assert clock.now() == ev.ts  # delivered at its own time, not at the next event

    driver = Driver(Engine(s, SIM_BTCUSDT, clock), exchange, clock, tap=tap)
    for ev in SimMarket(params_from_settings(s.market), SIM_BTCUSDT, SIM_START_NS).events():
        if ev.ts > SIM_START_NS + 30 * NS_PER_S:
            break
        driver.market(ev)
    assert len(acks) >= 2
    assert all(acks[c] - sent[c] == 20 * NS_PER_MS for c in acks)


@pytest.fixture
def no_user_config(tmp_path, monkeypatch):
    """The CLI reads $XDG_CONFIG_HOME/asconsole/config.toml: keep the user's out of the tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_cli_backtest_writes_json(tmp_path, capsys, no_user_config):
    out = tmp_path / "s.json"
    args = ["backtest", "--regime", "flash_crash", "--minutes", "1", "--json", str(out)]
    assert cli.main(args) == 0
    doc = json.loads(out.read_text())
    assert doc["source"] == "sim flash_crash, seed 7" and doc["span_s"] == 60.0
    assert doc["settings"]["market"]["regime"] == "flash_crash"  # the run can be repeated
    assert "PnL total" in capsys.readouterr().out


def test_cli_sweep_writes_csv_and_refuses_bad_keys(tmp_path, capsys, no_user_config):
    sweep = tmp_path / "p.toml"
    sweep.write_text(
        "[data]\nminutes = 0.5\n[[sets]]\nquote.gamma = 0.002\n[[sets]]\nquote.gamma = 0.004\n"
    )
    out = tmp_path / "r.csv"
    args = ["sweep", str(sweep), "--workers", "1", "--csv", str(out), "--sort", "fees"]
    assert cli.main(args) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("run,quote.gamma,span_s") and len(lines) == 3
    sweep.write_text("[grid]\nquote.gama = [1]\n")
    assert cli.main(["sweep", str(sweep)]) == 2
    assert "unknown key [quote] gama" in capsys.readouterr().err
    sweep.write_text("[grid]\nquote.gamma = [0.1]\n")
    assert cli.main(["sweep", str(sweep), "--sort", "luck"]) == 2


def test_launch_uses_the_regime():
    s = config.Settings().replace("market", regime="trending").replace("recording", enabled=False)
    launch = build(s, WallClock(), record=False)
    assert launch.runner.feed.params.regime == "trending"  # type: ignore[attr-defined]
    assert launch.runner.broker.exchange.model.entry_ns == 20 * NS_PER_MS  # type: ignore[attr-defined]


def test_sweep_files_in_the_docs_are_valid(tmp_path):
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "backtest.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    sizes = []
    for i, block in enumerate(blocks):
        path = tmp_path / f"doc{i}.toml"
        path.write_text(block, encoding="utf-8")
        sizes.append(len(load_jobs(path, config.Settings())))
    assert sizes == [12, 2]


def test_recorded_backtest_reports_and_replays_as_it_ran(tmp_path):
    """`backtest --record` leaves a session whose report totals equal the summary and whose
    replay reproduces every decision."""
    from asconsole.analysis.metrics import compute
    from asconsole.backtest import Source, backtest
    from asconsole.config import Settings
    from asconsole.engine.replay import Replay
    from asconsole.recording.reader import open_session

    summary = backtest(Settings(), Source(minutes=3), record=tmp_path)
    (path,) = list(tmp_path.iterdir())
    session = open_session(path)
    assert session.meta["mode"] == "backtest" and session.meta["exit_reason"] == "backtest finished"
    m = compute(path.name, session.meta, session.lines())
    assert m.fills == summary.fills and m.fills > 0
    assert abs(m.total - summary.total) < 1e-6
    replay = Replay(open_session(path))
    replay.run_to_end()
    assert replay.mismatch == "" and replay.matched > 0
