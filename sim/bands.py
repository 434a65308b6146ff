"""Fan-chart bands from every path in bounded memory: mergeable per-round histograms of ln W.

Each round t has its own fixed bins: ``bins`` equal bins from ``low[t]`` of width ``width[t]``,
plus an underflow bin (below ``low[t]``, ruin included) and an overflow bin. The compiled
kernels count every path's ln W_t into them as they play (:mod:`sim.jit.kernels`), so memory is
(rounds + 1) x (bins + 2) counts whatever the number of paths, and two histograms with the same
edges merge by adding counts (chunks, workers, Dask tasks). A quantile is read from the merged
counts by linear interpolation inside its bin, so it is within one bin width of the quantile of
the same paths; a quantile that falls in the under- or overflow bin reads -inf or +inf.

The edges come from the game (:func:`game_edges`: the cap, the start and the best and worst
multiplier bound ln W_t) or, tighter, from a small recorded sample (:func:`sample_edges`: the
sample's per-round range widened by a margin), which is what ``kelly paths --plot`` already
records for its fan chart.
"""

from __future__ import annotations

import math
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial

import numpy as np

from sim.engine.draws import (
    BLOCK_PATHS,
    GROUP_ROUNDS,
    block_generator,
    group_spans,
    outcome_thresholds,
    resolve_seed,
)
from sim.games import CoinGame, Game
from sim.jit.draws import CompiledDraws
from sim.jit.runner import players_for, tile_buffer
from sim.strategies import Strategy, parse_strategy

DEFAULT_BINS = 256


@dataclass(frozen=True)
class LogWealthBands:
    """Per-round histograms of ln W: ``counts[t]`` = (under, bins..., over) for round t."""

    low: np.ndarray  # (rounds + 1,) lowest edge per round
    width: np.ndarray  # (rounds + 1,) bin width per round
    counts: np.ndarray  # (rounds + 1, bins + 2) int64

    @property
    def paths(self) -> int:
        return int(self.counts[0].sum())

    def merge(self, other: LogWealthBands) -> LogWealthBands:
        """The histograms of both sets of paths (same edges required)."""
        if not (np.array_equal(self.low, other.low) and np.array_equal(self.width, other.width)
                and self.counts.shape == other.counts.shape):
            raise ValueError("bands with different bin edges cannot be merged")
        return LogWealthBands(self.low, self.width, self.counts + other.counts)

    def quantiles(self, probs) -> np.ndarray:
        """ln W quantiles (len(probs), rounds + 1), within one bin width of the paths' own.

        Parameters
        ----------
        probs : sequence of float
            Probabilities in [0, 1].

        Returns
        -------
        numpy.ndarray
            -inf where the quantile lies in the underflow bin, +inf in the overflow bin.

        Examples
        --------
        >>> bands = LogWealthBands(np.zeros(1), np.ones(1), np.array([[0, 1, 1, 0]]))
        >>> bands.quantiles([0.5]).tolist()
        [[1.0]]
        """
        probs = np.asarray(probs, dtype=float)
        if np.any(~np.isfinite(probs) | (probs < 0) | (probs > 1)):
            raise ValueError(f"probs = {probs.tolist()!r} must lie in [0, 1]")
        cumulative = np.cumsum(self.counts, axis=1)
        total = cumulative[:, -1]
        bins = self.counts.shape[1] - 2
        out = np.empty((probs.size, self.counts.shape[0]))
        for row, p in enumerate(probs):
            target = p * total
            column = np.array([  # the first bin whose cumulative count reaches the target
                np.searchsorted(c, x, side="left" if x > 0 else "right")
                for c, x in zip(cumulative, target, strict=True)
            ])
            column = np.clip(column, 0, bins + 1)
            before = np.where(column > 0, cumulative[np.arange(total.size), column - 1], 0)
            inside = self.counts[np.arange(total.size), column]
            share = np.where(inside > 0, (target - before) / np.maximum(inside, 1), 0.0)
            value = self.low + (column - 1 + share) * self.width
            value = np.where(column == 0, -np.inf, value)
            out[row] = np.where(column == bins + 1, np.inf, value)
        return out


def game_edges(game: Game, bins: int = DEFAULT_BINS) -> tuple[np.ndarray, np.ndarray]:
    """Per-round edges from the rules alone: ln W_t lies within t ln(worst) .. t ln(best).

    The top is held at the cap, the bottom at the floor or the smallest bet (below which a
    path is ruined); without those, at ln W_0 - t ln(best multiplier).
    """
    rounds = np.arange(game.rounds + 1)
    best = 1.0 + max(game.odds, 1.0 / game.odds) if isinstance(game, CoinGame) else float(
        np.max(game.decimal_odds))
    start = math.log(game.start)
    high = start + rounds * math.log(best)
    if game.cap is not None:
        high = np.minimum(high, math.log(game.cap))
    low = start - rounds * math.log(best)
    ruin = max(game.floor, game.min_bet, game.tick)
    if ruin > 0:
        low = np.maximum(low, math.log(ruin))
    high = np.maximum(high, low + 1e-9)
    return low, (high - low) / bins


def sample_edges(log_wealth: np.ndarray, bins: int = DEFAULT_BINS,
                 margin: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Per-round edges from recorded ln W (paths, rounds + 1): the finite range, widened.

    ``margin`` widens each round's [min, max] by that share of its width on both sides, so
    the quantiles of many more paths than the sample fall inside.
    """
    values = np.where(np.isfinite(log_wealth), log_wealth, np.nan)
    low = np.nanmin(values, axis=0)
    high = np.nanmax(values, axis=0)
    spread = np.maximum(high - low, 1e-6)
    low = low - margin * spread
    return low, (spread * (1 + 2 * margin)) / bins


def chunk_counts(game: Game, strategy: Strategy, seed: int, first_block: int, n_blocks: int,
                 keep: int, low: np.ndarray, width: np.ndarray, bins: int) -> np.ndarray:
    """The histograms (rounds 1..T; row 0 left empty) of blocks [first_block, + n_blocks), of
    which the first ``keep`` paths count: one unit of work for a process pool or Dask."""
    n = n_blocks * BLOCK_PATHS
    counts = np.zeros((game.rounds + 1, bins + 2), dtype=np.int64)
    players = players_for(game, [strategy], n, allow_constant=True)
    if players is None:
        raise ValueError(f"strategy {strategy.label!r} has no compiled form in this game")
    spans = [(g * GROUP_ROUNDS, groups, w) for g, groups, w in group_spans(game.rounds)]
    thresholds = outcome_thresholds(game)
    generators = [block_generator(seed, first_block + i) for i in range(n_blocks)]
    draw = CompiledDraws(generators, thresholds, BLOCK_PATHS)  # the engine's draws, compiled
    tile = tile_buffer(spans, n)
    band = (counts, low, 1.0 / width, keep)
    for span in spans:
        draw(tile[: span[1], :, : span[2]])
        players[0].tile(tile, span, band)
    return counts


def simulate_bands(game: Game, strategy: Strategy | str, paths: int, seed: int | None = None,
                   *, edges: tuple[np.ndarray, np.ndarray] | None = None,
                   bins: int = DEFAULT_BINS, chunk_size: int = 16_384,
                   executor: Executor | None = None) -> LogWealthBands:
    """The per-round ln W histograms of ``paths`` paths (the engine's draws for ``seed``).

    Parameters
    ----------
    game, strategy
        The rules and one policy with a compiled form.
    paths, seed
        As :func:`sim.engine.simulate`: the same seed plays the same paths.
    edges
        (low, width) per round, e.g. from :func:`sample_edges`; default :func:`game_edges`.
    bins, chunk_size
        Bins per round; paths per chunk (the result does not depend on it).
    executor
        Runs the chunks (:func:`chunk_counts`) elsewhere, e.g. a process pool or a Dask client.

    Returns
    -------
    LogWealthBands

    Raises
    ------
    ValueError
        If the strategy has no compiled form in this game, or the edges do not fit.

    Examples
    --------
    >>> from sim.games import HAGHANI_DEWEY
    >>> bands = simulate_bands(HAGHANI_DEWEY, "kelly", 2000, seed=1)
    >>> bands.paths
    2000
    """
    strategy = parse_strategy(strategy) if isinstance(strategy, str) else strategy
    seed = resolve_seed(seed)
    low, width = game_edges(game, bins) if edges is None else edges
    rows = game.rounds + 1
    low, width = np.ascontiguousarray(low, dtype=float), np.ascontiguousarray(width, dtype=float)
    if low.shape != (rows,) or width.shape != (rows,) or np.any(~(width > 0)):
        raise ValueError(f"edges must be two arrays of {rows} numbers with widths > 0")
    total_blocks = -(-paths // BLOCK_PATHS)
    per_chunk = max(1, -(-chunk_size // BLOCK_PATHS))
    work = []
    for first in range(0, total_blocks, per_chunk):
        n_blocks = min(per_chunk, total_blocks - first)
        keep = min(n_blocks * BLOCK_PATHS, paths - first * BLOCK_PATHS)
        work.append((first, n_blocks, keep))
    run = partial(_chunk, game, strategy, seed, low, width, bins)
    counts = sum((executor or _Here()).map(run, work))
    start = (math.log(game.start) - low[0]) / width[0]
    column = 0 if start < 0 else (bins + 1 if start >= bins else 1 + int(start))
    counts[0, column] = paths
    return LogWealthBands(low, width, counts)


def _chunk(game, strategy, seed, low, width, bins, item) -> np.ndarray:
    first, n_blocks, keep = item
    return chunk_counts(game, strategy, seed, first, n_blocks, keep, low, width, bins)


class _Here:
    """map() in this process."""

    @staticmethod
    def map(fn, items):
        return map(fn, items)
