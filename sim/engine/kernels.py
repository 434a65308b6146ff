"""The chunk kernels: one unit of work (whole path blocks) to per-path arrays or to tallies.

:func:`run_chunk` is what a worker process or a Dask task runs. The path method
(:class:`PathsKernel`) draws a tile of 64 rounds at a time and hands it to the strategies'
runners (:mod:`sim.engine.runners`); the counts method (:func:`counts_chunk`) samples how often
each outcome came up, which is all a constant bet under frictionless rules depends on.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.accumulate import Distribution, StrategyTally
from sim.engine.draws import (
    BLOCK_PATHS,
    GROUP_ROUNDS,
    TILE_GROUPS,
    block_generator,
    draw_groups,
    group_spans,
    outcome_thresholds,
)
from sim.engine.runners import AdaptiveRunner, ConstantRunner, log_multipliers, terminal_log_wealth
from sim.games import Game
from sim.jit.dispatch import play_chunk
from sim.jit.forms import chunk_forms
from sim.jit.layout import BlockDraws
from sim.policy import Strategy

_PACK_BITS = np.uint64(0x0102040810204080)  # byte k of a word -> bit k of the top byte
_SUM_BYTES = np.uint64(0x0101010101010101)  # sum of the 8 bytes of a word -> the top byte
_TOP_BYTE = np.uint64(56)
#: the per-path arrays of a chunk, strategies x kept paths
#: chunks whose strategies have a compiled form run in sim.jit's kernels; KELLY_JIT=0 keeps numpy
JIT = os.environ.get("KELLY_JIT", "1") != "0"
RESULT_KEYS = ("log_wealth", "max_drawdown", "capped", "ruined", "rounds_played")


@dataclass(frozen=True)
class Chunk:
    """One unit of work: whole blocks [first_block, first_block + n_blocks), of which the
    first ``paths`` paths are kept (the rest pads the last block)."""

    game: Game
    strategies: tuple[Strategy, ...]
    seed: int
    first_block: int
    n_blocks: int
    paths: int
    method: str
    record: bool
    summary: bool


def run_chunk(chunk: Chunk, checkpoint: Callable[[], None] | None = None
              ) -> dict[str, np.ndarray] | list[StrategyTally]:
    """Per-path arrays (strategies x paths) of one chunk, or its per-strategy tallies.

    ``checkpoint``, if given, is called between tiles of rounds (between blocks of paths for
    the counts method) and may raise to stop the chunk: a stopped run's workers end their
    chunks there (:mod:`sim.engine.workers`).
    """
    if chunk.method == "counts":
        return counts_chunk(chunk, checkpoint)
    arrays = ((JIT and not chunk.record and compiled_chunk(chunk, checkpoint))
              or PathsKernel(chunk).run(checkpoint))
    if not chunk.summary:
        return arrays
    return [
        StrategyTally.of_paths(
            arrays["log_wealth"][i], arrays["max_drawdown"][i], arrays["ruined"][i],
            arrays["capped"][i], arrays["rounds_played"][i],
        )
        for i in range(len(chunk.strategies))
    ]


def compiles(game: Game, strategies, method: str, record: bool) -> bool:
    """Whether chunks of this request run in :mod:`sim.jit`'s kernels (``KELLY_JIT=0`` or
    ``sim.engine.kernels.JIT = False`` keeps numpy)."""
    return method == "paths" and JIT and not record and chunk_forms(game, strategies) is not None


def runs_compiled(chunk: Chunk) -> bool:
    """Whether :func:`run_chunk` plays ``chunk`` in :mod:`sim.jit`'s kernels, which release the
    GIL, so that threads run such chunks side by side (numpy's round loop holds the GIL too
    often for threads to help it)."""
    return compiles(chunk.game, chunk.strategies, chunk.method, chunk.record)


def compiled_chunk(chunk: Chunk, checkpoint: Callable[[], None] | None = None
                   ) -> dict[str, np.ndarray] | None:
    """The chunk played by :mod:`sim.jit`'s kernels on the same draws, or None when one of its
    strategies has no compiled form (the numpy runners then play it)."""
    generators = [block_generator(chunk.seed, chunk.first_block + i)
                  for i in range(chunk.n_blocks)]
    thresholds = outcome_thresholds(chunk.game)
    spans = [(g * GROUP_ROUNDS, groups, width)
             for g, groups, width in group_spans(chunk.game.rounds)]
    draws = BlockDraws(generators, thresholds, BLOCK_PATHS)  # drawn in compiled code, the same
    return play_chunk(chunk.game, chunk.strategies, chunk.n_blocks * BLOCK_PATHS, chunk.paths,
                      draws, spans, checkpoint)


class PathsKernel:
    """Round-by-round simulation of a chunk's blocks; arrays are strategies x kept paths."""

    def __init__(self, chunk: Chunk) -> None:
        game = chunk.game
        self.chunk = chunk
        self.n = n = chunk.n_blocks * BLOCK_PATHS
        self.k = len(game.outcome_probs)
        self.generators = [
            block_generator(chunk.seed, chunk.first_block + i) for i in range(chunk.n_blocks)
        ]
        self.thresholds = outcome_thresholds(game)
        self.trajectories = self._trajectories()
        self._make_runners()
        self.count_every_round = chunk.record or any(s.needs_counts for s in chunk.strategies)
        self.counts = np.zeros((self.k, n), dtype=np.int64)  # counts[i, path]: outcome i seen
        self.counts_view = self.counts.T  # (paths, K) for BetContext
        self.is_outcome = np.empty(n, dtype=bool)
        self.tile = np.empty((TILE_GROUPS, n, GROUP_ROUNDS), dtype=np.uint8)
        self.words = self.tile.view("<u8")[..., 0]  # a coin group's 8 outcomes as one word
        self.packed = np.empty((TILE_GROUPS, n), dtype=np.uint64)
        self.codes = np.empty((TILE_GROUPS, n), dtype=np.intp)
        self.tails = np.empty(n, dtype=np.uint64)

    def _trajectories(self) -> np.ndarray | None:
        """Kept paths only, one array for all strategies: returned without a copy."""
        chunk = self.chunk
        if not chunk.record:
            return None
        trajectories = np.empty((len(chunk.strategies), chunk.paths, chunk.game.rounds + 1))
        trajectories[:, :, 0] = math.log(chunk.game.start)
        return trajectories

    def _make_runners(self) -> None:
        game, n = self.chunk.game, self.n
        log_start = math.log(game.start)
        rows, scratch = np.empty((TILE_GROUPS, n, 4)), np.empty(n)
        self.runners: list[ConstantRunner | AdaptiveRunner] = []
        for i, strategy in enumerate(self.chunk.strategies):
            log_mult = log_multipliers(strategy, game) if game.is_frictionless else None
            trajectory = None if self.trajectories is None else self.trajectories[i]
            if log_mult is None:
                self.runners.append(AdaptiveRunner(game, strategy, n, log_start, trajectory))
            else:
                self.runners.append(
                    ConstantRunner(log_mult, n, log_start, trajectory, rows, scratch)
                )
        self.constant = [r for r in self.runners if isinstance(r, ConstantRunner)]
        self.adaptive = [r for r in self.runners if isinstance(r, AdaptiveRunner)]

    def run(self, checkpoint: Callable[[], None] | None = None) -> dict[str, np.ndarray]:
        rounds = self.chunk.game.rounds
        for first_group, groups, width in group_spans(rounds):
            if checkpoint is not None:
                checkpoint()
            self._tile(first_group, groups, width)
        if self.k == 2:
            np.subtract(rounds, self.counts[1], out=self.counts[0])
        parts = [runner.finish(self.counts, rounds) for runner in self.runners]
        keep = self.chunk.paths
        result = {key: np.stack([part[key][:keep] for part in parts]) for key in RESULT_KEYS}
        if self.trajectories is not None:
            result["trajectories"] = self.trajectories
        return result

    def _tile(self, first_group: int, groups: int, width: int) -> None:
        """Draw one tile of ``groups`` groups of ``width`` rounds and play it."""
        out = self.tile[:groups, :, :width]
        draw_groups(self.generators, self.thresholds, out)
        grouped = self.k == 2 and width == GROUP_ROUNDS and not self.chunk.record
        if grouped and self.constant:
            self._advance_groups(groups)
        if grouped and not self.count_every_round:
            self._count_tails(groups)
        if grouped and not self.adaptive and not self.count_every_round:
            return
        skip_counts = grouped and not self.count_every_round
        for j in range(groups):
            for offset in range(width):
                t = (first_group + j) * GROUP_ROUNDS + offset
                self._round(t, out[j, :, offset], grouped, skip_counts)

    def _advance_groups(self, groups: int) -> None:
        """Constant runners advance by whole coin groups, each a byte code per path."""
        packed, codes = self.packed[:groups], self.codes[:groups]
        np.multiply(self.words[:groups], _PACK_BITS, out=packed)
        np.right_shift(packed, _TOP_BYTE, out=packed)
        np.copyto(codes, packed)
        for runner in self.constant:
            runner.groups(codes)

    def _count_tails(self, groups: int) -> None:
        """Tails per path in the tile, byte by byte, added to the counts."""
        tails = self.tails
        np.add.reduce(self.words[:groups], axis=0, out=tails)
        np.multiply(tails, _SUM_BYTES, out=tails)
        np.right_shift(tails, _TOP_BYTE, out=tails)
        np.add(self.counts[1], tails, out=self.counts[1], casting="unsafe")

    def _round(self, t: int, outcome: np.ndarray, grouped: bool, skip_counts: bool) -> None:
        """Round ``t``: adaptive runners play it, then counts and per-round constants."""
        for runner in self.adaptive:
            runner.round(t, outcome, self.counts_view)
        if skip_counts:
            return
        self._count(t, outcome)
        if not grouped:
            for runner in self.constant:
                runner.round(outcome, t, self.counts)

    def _count(self, t: int, outcome: np.ndarray) -> None:
        counts = self.counts
        if self.k == 2:
            np.add(counts[1], outcome, out=counts[1])
            np.subtract(t + 1, counts[1], out=counts[0])
            return
        for i in range(self.k):
            np.equal(outcome, i, out=self.is_outcome)
            np.add(counts[i], self.is_outcome, out=counts[i])


def _sample_counts(chunk: Chunk, checkpoint: Callable[[], None] | None) -> np.ndarray:
    """(K, kept paths) outcome counts of the chunk's blocks, each block from its generator."""
    probs = chunk.game.outcome_probs
    rounds = chunk.game.rounds
    counts = np.empty((len(probs), chunk.n_blocks * BLOCK_PATHS), dtype=np.int64)
    for i in range(chunk.n_blocks):
        if checkpoint is not None:
            checkpoint()
        generator = block_generator(chunk.seed, chunk.first_block + i)
        columns = slice(i * BLOCK_PATHS, (i + 1) * BLOCK_PATHS)
        if len(probs) == 2:  # the same stream as multinomial, one binomial per path, faster
            counts[0, columns] = generator.binomial(rounds, probs[0], size=BLOCK_PATHS)
            np.subtract(rounds, counts[0, columns], out=counts[1, columns])
        else:
            counts[:, columns] = generator.multinomial(rounds, probs, size=BLOCK_PATHS).T
    return counts[:, : chunk.paths]


def _distinct_counts(counts: np.ndarray, rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct count vectors (K, d) of the paths and how many paths have each."""
    if len(counts) != 2:
        return np.unique(counts, axis=1, return_counts=True)
    if rounds <= 8 * counts.shape[1] + 1024:  # a histogram over 0..T is small: count fast
        histogram = np.bincount(counts[0], minlength=rounds + 1)
        heads = np.flatnonzero(histogram)
        weights = histogram[heads]
    else:  # T far above the paths (10^12 rounds, say): sort the few head counts instead
        heads, weights = np.unique(counts[0], return_counts=True)
    return np.stack([heads, rounds - heads]), weights


def counts_chunk(chunk: Chunk, checkpoint: Callable[[], None] | None = None
                 ) -> dict[str, np.ndarray] | list[StrategyTally]:
    """Terminal wealth from sampled outcome counts (frictionless, constant strategies)."""
    game = chunk.game
    counts = _sample_counts(chunk, checkpoint)
    log_start = math.log(game.start)
    log_mults = [log_multipliers(s, game) for s in chunk.strategies]
    if not chunk.summary:
        log_wealth = np.stack([terminal_log_wealth(log_start, m, counts) for m in log_mults])
        return {"log_wealth": log_wealth, "ruined": log_wealth == -np.inf}
    distinct, weights = _distinct_counts(counts, game.rounds)
    tallies = []
    for log_mult in log_mults:
        values = terminal_log_wealth(log_start, log_mult, distinct)
        tallies.append(StrategyTally(
            log_wealth=Distribution.of(values, weights),
            max_drawdown=None,
            ruined=int(weights[values == -np.inf].sum()),
            capped=0,
            rounds_to_cap=0,
        ))
    return tallies
