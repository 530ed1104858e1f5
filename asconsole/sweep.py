"""Parameter sweeps: many backtests over the same data, one per parameter set, in parallel.

A sweep file (TOML) names Settings keys as "section.key" (dotted keys or quoted, either way):

    [data]                      # what every run is backtested over
    minutes = 30                # simulated span, or at most this much of a recording
    session = ""                # a recording directory instead of the simulated market

    [base]                      # settings shared by every run
    market.regime = "informed"

    [grid]                      # every combination (the product of the lists)
    quote.gamma = [0.001, 0.005]
    risk.inventory_soft = [2, 3]

or, instead of [grid], an explicit list: `[[sets]]` tables of "section.key" = value.

Runs go to a `concurrent.futures` executor: local processes by default, or a Dask
distributed cluster's executor (`--scheduler ADDRESS`, the optional `cluster` extra), so a
sweep outgrowing one machine uses an existing scheduler, not a home-made one. Every run is
validated before any starts; each is the same deterministic `backtest` a single run is.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asconsole.backtest import Source, backtest
from asconsole.config import ConfigError, Settings, from_mapping, to_mapping
from asconsole.recording.reader import open_session
from asconsole.summary import Summary

LOWER_IS_BETTER = frozenset({"fees", "max_drawdown", "max_position"})
CLUSTER_MISSING = (
    "--scheduler needs Dask distributed: install the optional extra with "
    "pip install 'asconsole[cluster]'"
)


@dataclass(frozen=True, slots=True)
class Job:
    """One run, in plain data so any executor (a process, a Dask worker) can take it."""

    index: int
    params: dict[str, Any]
    settings: dict[str, dict[str, Any]]
    source: Source


@dataclass(frozen=True, slots=True)
class Result:
    index: int
    params: dict[str, Any]
    summary: Summary

    def row(self) -> dict[str, Any]:
        return {**self.params, **self.summary.as_dict()}


def _flatten(table: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, where, f"{name}."))
        elif name.count(".") != 1:
            raise ConfigError(f"{where}: {name!r} is not a settings key; write section.key")
        else:
            out[name] = value
    return out


def _nest(flat: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, value in flat.items():
        section, key = name.split(".")
        out.setdefault(section, {})[key] = value
    return out


def parameter_sets(doc: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """The parameter sets of a sweep document: the grid's product, or the explicit list."""
    grid, sets = doc.get("grid"), doc.get("sets")
    if (grid is None) == (sets is None):
        raise ConfigError(f"{where}: give exactly one of [grid] or [[sets]]")
    if grid is not None:
        flat = _flatten(grid, where)
        for name, values in flat.items():
            if not isinstance(values, list) or not values:
                raise ConfigError(f"{where}: [grid] {name} must be a non-empty list of values")
        names = list(flat)
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*flat.values())]
    if not isinstance(sets, list) or not sets:
        raise ConfigError(f"{where}: [[sets]] must be a non-empty list of tables")
    return [_flatten(s, where) for s in sets]


def load_jobs(path: Path, settings: Settings) -> list[Job]:
    """Read a sweep file; every parameter set is checked into valid Settings here."""
    where = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such sweep file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    unknown = set(doc) - {"data", "base", "grid", "sets"}
    if unknown:
        raise ConfigError(f"{where}: unknown table(s) {', '.join(sorted(unknown))}; "
                          "known: data, base, grid, sets")
    data = doc.get("data", {})
    bad = set(data) - {"minutes", "session"}
    if bad:
        raise ConfigError(
            f"{where}: unknown [data] key(s) {', '.join(sorted(bad))}; known: minutes, session"
        )
    session = str(data.get("session", ""))
    minutes = data.get("minutes", 0.0 if session else 60.0)
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes < 0:
        raise ConfigError(f"{where}: [data] minutes must be a number >= 0")
    if session:
        open_session(session)  # a missing or unreadable recording fails before any run
    source = Source(session, float(minutes))
    base = _flatten(doc.get("base", {}), where)
    start = to_mapping(settings, mask_secrets=False)
    jobs = []
    for i, params in enumerate(parameter_sets(doc, where)):
        merged = _nest({**base, **params})
        mapping = {sec: {**start[sec], **merged.get(sec, {})} for sec in start}
        for sec in merged.keys() - start.keys():
            mapping[sec] = merged[sec]
        from_mapping(mapping, f"{where} (set {i + 1}: {_label(params)})")
        jobs.append(Job(i, params, mapping, source))
    return jobs


def _label(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def run_job(job: Job) -> Result:
    """One backtest; a top-level function so worker processes and Dask can import it."""
    return Result(job.index, job.params, backtest(from_mapping(job.settings), job.source))


@contextlib.contextmanager
def executor(workers: int, scheduler: str = "") -> Iterator[Executor]:
    """Local worker processes, or the executor of a Dask distributed cluster."""
    if not scheduler:
        # forkserver: workers never inherit a progress bar's thread or other parent state.
        ctx = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            try:
                yield pool
            except BaseException:  # Ctrl-C or a failed run: stop the sweep now
                # no public way to stop running workers before Python 3.14's terminate_workers()
                running = list(getattr(pool, "_processes", {}).values())
                pool.shutdown(wait=False, cancel_futures=True)
                for proc in running:
                    proc.terminate()
                raise
        return
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(CLUSTER_MISSING) from None
    try:
        client = Client(scheduler, timeout=10)
    except OSError as exc:
        raise ConfigError(f"--scheduler {scheduler}: cannot connect: {exc}") from None
    try:
        with client.get_executor() as pool:
            yield pool
    finally:
        client.close()


def run_jobs(
    jobs: list[Job], pool: Executor, done: Callable[[int], None] | None = None
) -> list[Result]:
    """Submit every job and collect the results in job order."""
    futures = [pool.submit(run_job, job) for job in jobs]
    results: list[Result] = []
    for n, fut in enumerate(as_completed(futures), 1):
        results.append(fut.result())
        if done is not None:
            done(n)
    return sorted(results, key=lambda r: r.index)


def sort_results(results: list[Result], metric: str) -> list[Result]:
    """Best first: highest, or lowest for fees, drawdown and position; ties by job order."""
    if metric not in Summary.__dataclass_fields__:
        known = ", ".join(Summary.__dataclass_fields__)
        raise ConfigError(f"--sort {metric}: not a summary metric; known: {known}")
    sign = 1 if metric in LOWER_IS_BETTER else -1
    return sorted(results, key=lambda r: (sign * getattr(r.summary, metric), r.index))
