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
from collections.abc import Sequence
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
from sim.jit.forms import chunk_forms
from sim.jit.runner import players_for, tile_buffer
from sim.strategies import Strategy, parse_strategy

DEFAULT_BINS = 256
#: the fan chart's bands: 5-95%, 25-75% and the median
FAN_PROBS = (0.05, 0.25, 0.5, 0.75, 0.95)


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
    the quantiles of many more paths than the sample fall inside. A round where no sampled
    path has a finite ln W (all ruined) takes the range of the last round where one had.
    """
    finite = np.isfinite(log_wealth)
    seen = finite.any(axis=0)
    low, high = np.zeros(log_wealth.shape[1]), np.zeros(log_wealth.shape[1])
    values = np.where(finite, log_wealth, np.nan)[:, seen]
    low[seen], high[seen] = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    # a round where every sampled path is ruined (-inf) keeps the last range seen before it
    last_seen = np.maximum.accumulate(np.where(seen, np.arange(seen.size), 0))
    low, high = low[last_seen], high[last_seen]
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
    run = partial(_chunk, game, strategy, seed, low, width, bins)
    counts = sum((executor or _Here()).map(run, _work(paths, chunk_size)))
    start = (math.log(game.start) - low[0]) / width[0]
    column = 0 if start < 0 else (bins + 1 if start >= bins else 1 + int(start))
    counts[0, column] = paths
    return LogWealthBands(low, width, counts)


def _work(paths: int, chunk_size: int) -> list[tuple[int, int, int]]:
    """(first block, blocks, paths counted) of each chunk."""
    total_blocks = -(-paths // BLOCK_PATHS)
    per_chunk = max(1, -(-chunk_size // BLOCK_PATHS))
    work = []
    for first in range(0, total_blocks, per_chunk):
        n_blocks = min(per_chunk, total_blocks - first)
        keep = min(n_blocks * BLOCK_PATHS, paths - first * BLOCK_PATHS)
        work.append((first, n_blocks, keep))
    return work


def _chunk(game, strategy, seed, low, width, bins, item) -> np.ndarray:
    first, n_blocks, keep = item
    return chunk_counts(game, strategy, seed, first, n_blocks, keep, low, width, bins)


class _Here:
    """map() in this process."""

    @staticmethod
    def map(fn, items):
        return map(fn, items)


def heads_edges(game: CoinGame, bins: int = DEFAULT_BINS) -> tuple[np.ndarray, np.ndarray]:
    """Per-round bins of the heads count H_t: ``bins`` bins of a whole number of heads, from
    ``low[t]``, wide enough for p t +- 8 standard deviations (a 5-95% band never leaves them)."""
    rounds = np.arange(game.rounds + 1)
    p = game.outcome_probs[0]
    spread = 16.0 * np.sqrt(rounds * p * (1.0 - p)) + 2.0
    step = np.maximum(1, np.ceil(spread / bins)).astype(np.int64)
    low = np.floor(p * rounds - step * bins / 2.0).astype(np.int64)
    return np.maximum(low, 0), step


def heads_chunk_counts(game: CoinGame, seed: int, first_block: int, n_blocks: int, keep: int,
                       low: np.ndarray, step: np.ndarray, bins: int) -> np.ndarray:
    """The heads histograms (rounds 1..T) of blocks [first_block, + n_blocks), the first
    ``keep`` paths counted: one unit of work, as :func:`chunk_counts`."""
    from sim.jit.heads import heads_histogram_tile

    n = n_blocks * BLOCK_PATHS
    counts = np.zeros((game.rounds + 1, bins + 2), dtype=np.int64)
    spans = [(g * GROUP_ROUNDS, groups, w) for g, groups, w in group_spans(game.rounds)]
    generators = [block_generator(seed, first_block + i) for i in range(n_blocks)]
    draw = CompiledDraws(generators, outcome_thresholds(game), BLOCK_PATHS)
    tile = tile_buffer(spans, n)
    heads = np.zeros(n, dtype=np.int64)
    for first, groups, width in spans:
        draw(tile[:groups, :, :width])
        heads_histogram_tile(tile, groups, width, first, heads, low, step, counts, keep)
    return counts


def heads_bands(game: CoinGame, paths: int, seed: int | None = None, *,
                bins: int = DEFAULT_BINS, chunk_size: int = 16_384,
                executor: Executor | None = None) -> LogWealthBands:
    """Per-round histograms of the heads count H_t over ``paths`` paths (the engine's draws
    for ``seed``), from which :func:`constant_quantiles` reads the bands of every constant
    bet under frictionless rules: one pass for all of them.

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> heads_bands(CoinGame(p=0.6, rounds=50), 2048, seed=1).paths
    2048
    """
    seed = resolve_seed(seed)
    low, step = heads_edges(game, bins)
    run = partial(_heads_chunk, game, seed, low, step, bins)
    counts = sum((executor or _Here()).map(run, _work(paths, chunk_size)))
    counts[0, 1] = paths  # H_0 = 0 lies in the first bin (low[0] = 0)
    return LogWealthBands(low.astype(float), step.astype(float), counts)


def _heads_chunk(game, seed, low, step, bins, item) -> np.ndarray:
    first, n_blocks, keep = item
    return heads_chunk_counts(game, seed, first, n_blocks, keep, low, step, bins)


def constant_quantiles(heads: LogWealthBands, game: CoinGame, strategy: Strategy,
                       probs) -> np.ndarray:
    """ln W quantiles (len(probs), rounds + 1) of a constant bet under frictionless rules, from
    the heads histograms: ln W_t = ln W_0 + H_t ln m_heads + (t - H_t) ln m_tails is monotone
    in H_t, so its p quantile is the image of H_t's p quantile (or 1 - p's, when heads lose):
    exactly the paths' own (inverted-cdf) quantile while a bin holds one count of heads, else
    within one bin (x |ln m_heads - ln m_tails|)."""
    with np.errstate(divide="ignore"):
        up, down = np.log(strategy.multipliers(game))
    probs = np.asarray(probs, dtype=float)
    rising = up >= down
    count = heads.quantiles(probs if rising else 1.0 - probs)
    # a whole number of heads: a quantile read in (b, b + w] is the count ceil - 1 (exact for
    # bins of one count, as np.quantile's inverted_cdf)
    with np.errstate(invalid="ignore"):
        count = np.ceil(count) - 1
    rounds = np.arange(game.rounds + 1)
    count = np.clip(count, 0, rounds)  # a count past an edge is at most every round heads
    with np.errstate(invalid="ignore"):
        tails = rounds - count
        value = math.log(game.start) + np.where(count > 0, count * up, 0.0) + np.where(
            tails > 0, tails * down, 0.0)
    if not math.isfinite(down):  # all-in on heads: bust unless every round so far was heads
        value = np.where(np.floor(count) >= rounds, value, -np.inf)
    if not math.isfinite(up):
        value = np.where(np.ceil(count) <= 0, value, -np.inf)
    return value


def _counted_constant(game: Game, strategy: Strategy) -> bool:
    """A constant bet on a frictionless coin: its bands come from the heads histograms."""
    return (isinstance(game, CoinGame) and game.is_frictionless
            and strategy.multipliers(game) is not None)


def band_work(game: Game, strategies: Sequence[Strategy], paths: int) -> int:
    """Path-rounds that :func:`fan_quantiles` plays: one pass for all constant bets on a
    frictionless coin, one per other strategy with a compiled form (the counted paths; the
    rest of the last block is drawn but not counted)."""
    passes = sum(1 for s in strategies if not _counted_constant(game, s)
                 and chunk_forms(game, [s], allow_constant=True) is not None)
    passes += any(_counted_constant(game, s) for s in strategies)
    return passes * paths * game.rounds


def fan_quantiles(game: Game, strategies: Sequence[Strategy], paths: int, seed: int,
                  sample_log_wealth: np.ndarray, *, probs=FAN_PROBS, bins: int = DEFAULT_BINS,
                  executor: Executor | None = None) -> list[np.ndarray | None]:
    """Per-round wealth quantiles (len(probs), rounds + 1) of every strategy over all
    ``paths`` paths in bounded memory, or None for a strategy without a compiled form.

    Constant bets on a frictionless coin share one pass of heads histograms
    (:func:`heads_bands`); every other compiled strategy gets its own ln W histograms
    (:func:`simulate_bands`) with edges from its recorded sample ``sample_log_wealth[i]``
    (strategies x sample paths x rounds + 1). A bust path counts as wealth 0.

    Examples
    --------
    >>> from sim.engine import simulate
    >>> from sim.games import CoinGame
    >>> game = CoinGame(p=0.6, rounds=20)
    >>> sample = simulate(game, ["kelly"], 50, seed=1, record_paths=True).trajectories
    >>> fan_quantiles(game, [parse_strategy("kelly")], 2000, 1, sample)[0].shape
    (5, 21)
    """
    heads = None
    out: list[np.ndarray | None] = []
    for i, strategy in enumerate(strategies):
        if _counted_constant(game, strategy):
            if heads is None:
                heads = heads_bands(game, paths, seed, bins=bins, executor=executor)
            log_wealth = constant_quantiles(heads, game, strategy, probs)
        elif chunk_forms(game, [strategy], allow_constant=True) is not None:
            edges = sample_edges(sample_log_wealth[i], bins)
            log_wealth = simulate_bands(game, strategy, paths, seed, edges=edges, bins=bins,
                                        executor=executor).quantiles(probs)
        else:
            out.append(None)
            continue
        with np.errstate(over="ignore"):
            out.append(np.exp(log_wealth))
    return out
