"""The entry points: :func:`simulate` and :func:`simulate_summary`, one code path behind both.

A request is planned (:mod:`sim.engine.planning`), its chunks are run here, in worker threads
or processes or on any :class:`concurrent.futures.Executor` (:func:`execute`), and the parts
are gathered into a :class:`~sim.results.SimulationResult` (per-path arrays) or merged into a
:class:`~sim.results.SimulationSummary` (mergeable tallies).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Literal

import numpy as np

from sim.accumulate import StrategyTally
from sim.engine.kernels import Chunk, run_chunk
from sim.engine.planning import Plan, plan, positive_int
from sim.engine.workers import start_workers
from sim.games import Game
from sim.policy import Strategy
from sim.results import SimulationResult, SimulationSummary

Method = Literal["auto", "paths", "counts"]
Progress = Callable[[int], None]


def _chunk_results(chunks: list[Chunk], workers: int, executor: Executor | None):
    """An iterator over the chunks' results, in order, and the workers running them (or None):
    threads or processes (:mod:`sim.engine.workers`)."""
    if executor is not None:
        return executor.map(run_chunk, chunks), None
    if workers == 1 or len(chunks) == 1:
        return map(run_chunk, chunks), None
    pool = start_workers(chunks, min(workers, len(chunks), os.cpu_count() or 1))
    return pool.map(chunks), pool


def execute(
    chunks: list[Chunk],
    workers: int,
    executor: Executor | None,
    progress: Progress | None,
) -> list:
    """Run the chunks (here, in worker threads or processes, or on ``executor``) and return
    them in order.

    If the run stops early (Ctrl-C, an error in a chunk) the workers stop at their next tile
    of rounds rather than finish the chunks they hold, and an executor's pending chunks are
    cancelled.
    """
    workers = positive_int("workers", workers)
    if executor is not None and workers != 1:
        raise ValueError(f"workers = {workers} and an executor given; give one of them")
    results, pool = _chunk_results(chunks, workers, executor)
    parts = []
    done = 0
    try:
        for chunk, part in zip(chunks, results, strict=True):
            parts.append(part)
            done += chunk.paths
            if progress is not None:
                progress(done)
    except BaseException:
        if pool is not None:
            pool.stop()
        close = getattr(results, "close", None)
        if close is not None:  # a generator of futures cancels the ones not yet done
            close()
        raise
    finally:
        if pool is not None:
            pool.close()
    return parts


def _gather(parts: list[dict], key: str) -> np.ndarray | None:
    if key not in parts[0]:
        return None
    if len(parts) == 1:
        return parts[0][key]
    return np.concatenate([part[key] for part in parts], axis=1)


def _result(game: Game, planned: Plan, parts: list[dict]) -> SimulationResult:
    log_wealth = _gather(parts, "log_wealth")
    shape = log_wealth.shape
    if planned.method == "counts":  # every path plays every round, none is capped: no copies
        rounds_played = np.broadcast_to(np.int64(game.rounds), shape)
        capped = np.broadcast_to(False, shape)
    else:
        rounds_played = _gather(parts, "rounds_played")
        capped = _gather(parts, "capped")
    return SimulationResult(
        game=game,
        labels=tuple(s.label for s in planned.strategies),
        strategies=planned.strategies,
        seed=planned.seed,
        method=planned.method,
        log_wealth=log_wealth,
        rounds_played=rounds_played,
        capped=capped,
        ruined=_gather(parts, "ruined"),
        max_drawdown=_gather(parts, "max_drawdown"),
        trajectories=_gather(parts, "trajectories"),
    )


def _summary(game: Game, planned: Plan, parts: list[list[StrategyTally]]) -> SimulationSummary:
    tallies = tuple(
        StrategyTally.merge_all([part[i] for part in parts])
        for i in range(len(planned.strategies))
    )
    return SimulationSummary(
        game=game,
        labels=tuple(s.label for s in planned.strategies),
        strategies=planned.strategies,
        seed=planned.seed,
        method=planned.method,
        tallies=tallies,
    )


def _run(game, strategies, paths, seed, rng, method, record_paths, chunk_size, workers,
         progress, executor, summary: bool):
    """The one code path: plan, execute, then gather per-path arrays or merge tallies."""
    planned = plan(game, strategies, paths, seed, rng, method, record_paths, chunk_size,
                   summary=summary, workers=positive_int("workers", workers))
    parts = execute(planned.chunks, workers, executor, progress)
    return (_summary if summary else _result)(game, planned, parts)


def simulate(
    game: Game,
    strategies: Sequence[Strategy | str] | Strategy | str,
    paths: int = 10_000,
    seed: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    method: Method = "auto",
    record_paths: bool = False,
    chunk_size: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> SimulationResult:
    """Simulate ``paths`` independent bankrolls of ``game`` for every strategy on common flips.

    Parameters
    ----------
    game : CoinGame or RaceGame
        The rules and the number of rounds.
    strategies : Strategy, str or sequence of them
        Policies or spec strings for :func:`sim.parse_strategy` (``"kelly"``, ``"fixed:0.2"``).
    paths : int, default 10_000
        Independent bankrolls per strategy (the same flips for every strategy).
    seed : int, optional
        Fixes the result, whatever ``chunk_size``, ``workers`` or ``executor``.
    rng : numpy.random.Generator, optional
        Draw the seed from this generator instead (give ``seed`` or ``rng``).
    method : {"auto", "paths", "counts"}
        ``"counts"`` samples win counts (exact for constant bets under frictionless rules);
        ``"auto"`` takes it when it applies and trajectories are not requested.
    record_paths : bool
        Keep every ln W_t in ``result.trajectories`` (strategies, paths, T + 1).
    chunk_size : int, optional
        Paths per task, rounded up to whole blocks of :data:`BLOCK_PATHS`; by default
        :func:`~sim.engine.planning.default_chunk_paths` (16,384, or up to 65,536 when the
        compiled kernels play the paths, 262,144 for the counts method).
    workers : int, default 1
        Workers: threads when every chunk runs in the compiled kernels (:mod:`sim.jit`, which
        release the GIL), else processes.
    progress : callable, optional
        Called with the number of paths finished after each chunk.
    executor : concurrent.futures.Executor, optional
        Run the chunks there (e.g. a Dask client's, see :mod:`sim.distributed`).

    Returns
    -------
    SimulationResult
        Per-strategy, per-path arrays; ``result.to_frame()`` is the summary table.

    Raises
    ------
    ValueError
        On a bad argument, or when the per-path results would exceed
        :data:`MAX_RESULT_BYTES` (trajectories: :data:`MAX_RECORD_BYTES`); use
        :func:`simulate_summary` for any number of paths in bounded memory.

    Examples
    --------
    >>> from sim import CoinGame, simulate
    >>> result = simulate(CoinGame(p=0.6, rounds=100), ["kelly", "fixed:0.5"], paths=2000, seed=1)
    >>> result.log_wealth.shape
    (2, 2000)
    >>> bool(result.log_wealth[0].mean() > result.log_wealth[1].mean())
    True
    """
    return _run(game, strategies, paths, seed, rng, method, record_paths, chunk_size, workers,
                progress, executor, summary=False)


def simulate_summary(
    game: Game,
    strategies: Sequence[Strategy | str] | Strategy | str,
    paths: int = 10_000,
    seed: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    method: Method = "auto",
    chunk_size: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> SimulationSummary:
    """The statistics of :func:`simulate` without keeping per-path arrays.

    Same arguments and the same paths as :func:`simulate` for the same seed; each chunk is
    reduced to exact, mergeable tallies where it ran (:mod:`sim.accumulate`), so memory grows
    with the number of distinct terminal values rather than with the paths: a sweep of 101
    fractions over 10^6 coin paths of 10^4 rounds keeps at most 101 x 10^4 values.

    Parameters
    ----------
    game, strategies, paths, seed, rng, method, chunk_size, workers, progress, executor
        As for :func:`simulate` (no trajectories are recorded).

    Returns
    -------
    SimulationSummary
        Merged tallies; ``summary.to_frame()`` equals ``simulate(...).to_frame()``.

    Raises
    ------
    ValueError
        On a bad argument, or when even the tallies would exceed :data:`MAX_RESULT_BYTES`.

    Examples
    --------
    >>> from sim import CoinGame, simulate, simulate_summary
    >>> game = CoinGame(p=0.6, rounds=100)
    >>> summary = simulate_summary(game, "kelly", paths=3000, seed=2)
    >>> columns = ["median_wealth", "wealth_q05", "wealth_q95", "mean_wealth", "p_ruin"]
    >>> full = simulate(game, "kelly", paths=3000, seed=2)
    >>> summary.to_frame()[columns].equals(full.to_frame()[columns])
    True
    """
    return _run(game, strategies, paths, seed, rng, method, False, chunk_size, workers,
                progress, executor, summary=True)
