"""The engine's entry to the kernels: decide cheaply, import numba only when a chunk needs it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.games import Game
from sim.jit.forms import chunk_forms
from sim.strategies import Strategy


@dataclass(frozen=True)
class BlockDraws:
    """A chunk's draws as the engine makes them: one PCG64 generator per block of
    ``block_paths`` paths, each 32-bit draw classified by the integer ``thresholds``
    (:mod:`sim.engine.draws`). The kernels make the same draws in compiled code
    (:mod:`sim.jit.draws`)."""

    generators: Sequence[np.random.Generator]
    thresholds: Sequence[int]
    block_paths: int


def play_chunk(game: Game, strategies: Sequence[Strategy], paths: int, keep: int, draw,
               spans: Sequence[tuple[int, int, int]]) -> dict[str, np.ndarray] | None:
    """:func:`sim.jit.runner.play_chunk` if the chunk has a compiled form, else None at once.

    A chunk of constant bets under frictionless rules, which the engine plays from win counts,
    returns None without importing numba.
    """
    if chunk_forms(game, strategies) is None:
        return None
    from sim.jit.runner import play_chunk as compiled  # numba loads on first use only

    return compiled(game, strategies, paths, keep, draw, spans)
