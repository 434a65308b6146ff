"""Compiled coin kernels whose round is a look-up or a multiply (no settlement arithmetic).

* :func:`coin_transition_table` / :func:`coin_table_tile`: a constant fraction or a fixed amount
  under a cap and a tick is a function of the bankroll in ticks alone, so each round is a table
  look-up, settled once per bankroll from numpy's own seen wealth e^(ln W).
* :func:`coin_optimal_tile`: optimal play at even money without a minimum bet, k +- stake.
* :func:`coin_scale_tile`: a constant fraction without a tick or minimum bet, a multiply.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.jit.kernels import (
    _bin_of,
    _close_whole,
    _coin_fraction,
    _coin_settle,
    _drawdown,
    rules_tuple,
)
from sim.jit.layout import (
    BLOCK,
    CAP,
    CAPPED,
    FLOOR,
    INV_TICK,
    PLAYING,
    ROUNDS,
    RUINED,
    START_SEEN,
    STATUS_SHIFT,
    TICK,
)


@njit(cache=True, nogil=True, error_model="numpy")
def coin_transition_table(kind, params, rules, seen_table, table):
    """Where one round takes a bankroll of k whole ticks, for a policy that looks only at k.

    A constant fraction or a fixed amount under a cap and a tick is a function of the wealth
    alone, so its round is a look-up: ``table[outcome, k]`` = next ticks + status x 2^STATUS_SHIFT,
    settled by :func:`_coin_settle` from numpy's own seen wealth ``seen_table[k]``, exactly the
    numbers the numpy engine computes for that bankroll.
    """
    r = rules_tuple(rules)
    p0, p1 = params[0], params[-1]
    for k in range(table.shape[1]):
        sees = seen_table[k]
        f = _coin_fraction(kind, p0, p1, r, 1, sees, 0, 0.0, False, 0)
        for outcome in range(2):
            new, _, state = _coin_settle(r, f, sees, outcome)
            ticks = int(np.rint(new * r[INV_TICK])) if state != CAPPED else k
            table[outcome, k] = ticks + (state << STATUS_SHIFT)


@njit(cache=True, nogil=True, error_model="numpy")
def coin_table_tile(tile, groups, width, first_round, kind, params, rules, table,
                    ticks, peak, ratio, played, status,
                    hist, band_low, band_scale, band_paths):
    """Play a coin chunk through one tile by table look-up (see :func:`coin_transition_table`).

    Round 0 starts from the start, which need not be whole ticks: it is settled directly.
    ``played`` is written only when a path stops (the runner fills in the rest).
    """
    r = rules_tuple(rules)
    tick = r[TICK]
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    paths = tile.shape[1]
    start = r[START_SEEN]
    mask = (1 << STATUS_SHIFT) - 1
    f = _coin_fraction(kind, params[0], params[-1], r, 0, start, 0, 0.0, False, 0)
    for first in range(0, paths, BLOCK):
        last = min(first + BLOCK, paths)
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                for i in range(first, last):
                    outcome = tile[j, i, offset]
                    if status[i] == PLAYING:
                        if t == 0:
                            new, _, state = _coin_settle(r, f, start, outcome)
                            k = int(np.rint(new * r[INV_TICK]))
                        else:
                            code = table[outcome, ticks[i]]
                            k, state = code & mask, code >> STATUS_SHIFT
                        ticks[i] = k
                        if state != PLAYING:  # rounds played: counted once, when it stops
                            status[i] = state
                            played[i] = t + 1
                        if state != CAPPED:  # the cap is above every peak: no new low
                            peak[i], ratio[i] = _drawdown(peak[i], ratio[i], k * tick)
                    if banded and i < band_paths:
                        wealth = r[CAP] if status[i] == CAPPED else ticks[i] * tick
                        hist[t + 1, _bin_of(math.log(wealth), band_low[t + 1],
                                            band_scale[t + 1], bins)] += 1


@njit(cache=True, nogil=True, error_model="numpy")
def coin_scale_tile(tile, groups, width, first_round, multipliers, rules,
                    money, peak, ratio, played, status,
                    hist, band_low, band_scale, band_paths):
    """A constant fraction with a cap or floor but no tick and no minimum bet: each round
    multiplies the bankroll by ``multipliers[outcome]`` (numpy: w + b f w or w - f w; the two
    differ by an ulp, within the bound of the money kernels). ``played`` is written when a path
    stops."""
    r = rules_tuple(rules)
    cap, floor = r[CAP], r[FLOOR]
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    paths = tile.shape[1]
    for first in range(0, paths, BLOCK):
        last = min(first + BLOCK, paths)
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                for i in range(first, last):
                    if status[i] == PLAYING:
                        wealth = money[i] * multipliers[tile[j, i, offset]]
                        if wealth >= cap:
                            wealth, status[i], played[i] = cap, CAPPED, t + 1
                        elif wealth <= floor or wealth <= 0:
                            status[i], played[i] = RUINED, t + 1
                        money[i] = wealth
                        peak[i], ratio[i] = _drawdown(peak[i], ratio[i], wealth)
                    if banded and i < band_paths:
                        hist[t + 1, _bin_of(math.log(money[i]), band_low[t + 1],
                                            band_scale[t + 1], bins)] += 1


@njit(cache=True, nogil=True, error_model="numpy")
def coin_optimal_tile(tile, groups, width, first_round, rules, optimal,
                      ticks, peak, ratio, played, status,
                      hist, band_low, band_scale, band_paths):
    """Optimal play at even money without a minimum bet, in whole ticks: the table's stake s
    moves the bankroll k to k + s or k - s.

    The numpy engine stakes (s x tick / e^(ln W)) x e^(ln W), which rounds back to s ticks, and
    floors the payout with a guard, which gives k +- s; the cap, floor and smallest bet are
    compared in money as numpy compares them. ``played`` is written when a path stops.
    """
    r = rules_tuple(rules)
    tick = r[TICK]
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    paths = tile.shape[1]
    rounds = int(r[ROUNDS])
    for first in range(0, paths, BLOCK):
        last = min(first + BLOCK, paths)
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                stakes = optimal[rounds - t]
                for i in range(first, last):
                    if status[i] == PLAYING:
                        k = ticks[i]
                        s = stakes[k]
                        k = k + s if tile[j, i, offset] == 0 else k - s
                        ticks[i] = k
                        _, _, state = _close_whole(r, k * tick, 0.0)
                        if state != PLAYING:
                            status[i], played[i] = state, t + 1
                        if state != CAPPED:
                            peak[i], ratio[i] = _drawdown(peak[i], ratio[i], k * tick)
                    if banded and i < band_paths:
                        wealth = r[CAP] if status[i] == CAPPED else ticks[i] * tick
                        hist[t + 1, _bin_of(math.log(wealth), band_low[t + 1],
                                            band_scale[t + 1], bins)] += 1
