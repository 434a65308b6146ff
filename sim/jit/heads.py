"""Compiled per-round histograms of the heads count, for fan-chart bands of constant bets.

Under frictionless rules a constant bet's ln W_t = ln W_0 + H_t ln m_heads + (t - H_t) ln m_tails
is monotone in the heads count H_t, so one histogram of H_t per round, counted over every path,
gives the bands of every constant strategy at once (:func:`sim.bands.heads_bands`).
"""

from __future__ import annotations

from sim.jit import cache as _cache  # noqa: F401  (sets NUMBA_CACHE_DIR before numba loads)

# isort: split
from numba import njit


@njit(cache=True, nogil=True)
def heads_histogram_tile(tile, groups, width, first_round, heads, low, step, hist, band_paths):
    """Count the heads so far of the first ``band_paths`` paths into ``hist[t + 1]`` for each
    round t of the tile: column 0 below ``low[t + 1]``, then bins of ``step[t + 1]`` heads,
    the last column above. Each path goes through a whole group with its count in a register.
    """
    bins = hist.shape[1] - 2
    for j in range(groups):
        for i in range(band_paths):
            h = heads[i]
            for offset in range(width):
                row = first_round + j * width + offset + 1
                h += tile[j, i, offset] == 0
                position = h - low[row]
                if position < 0:
                    column = 0
                elif position >= bins * step[row]:
                    column = bins + 1
                else:
                    column = 1 + position // step[row]
                hist[row, column] += 1
            heads[i] = h
