"""The layout of the kernels' inputs: strategy kinds, rule indices, path states, a chunk's draws
(no numba here, so deciding whether a chunk can be compiled does not import it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# strategy kinds
CONSTANT, AMOUNT, MARTINGALE, BAYES, OPTIMAL = 0, 1, 2, 3, 4
# indices into the rules vector (sim.jit.runner.rules_vector)
(ODDS, TICK, MIN_BET, CAP, FLOOR, SMALLEST, RICH, TAILS, ROUNDS, INV_TICK, INV_ODDS,
 START_SEEN) = range(12)
RULES_SIZE = 12
# path status
PLAYING, CAPPED, RUINED = 0, 1, 2
#: the engine's guard before flooring to a tick (absorbs the rounding of w / tick)
GUARD = 1e-9
#: paths stepped side by side in a kernel (their state and outcomes stay in L1)
BLOCK = 256


@dataclass(frozen=True)
class BlockDraws:
    """A chunk's draws as the engine makes them: one PCG64 generator per block of
    ``block_paths`` paths, each 32-bit draw classified by the integer ``thresholds``
    (:mod:`sim.engine.draws`). The kernels make the same draws in compiled code
    (:mod:`sim.jit.draws`)."""

    generators: Sequence[np.random.Generator]
    thresholds: Sequence[int]
    block_paths: int
