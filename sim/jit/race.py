"""Compiled race kernels (K outcomes, shares per outcome): money under rules, ln W without.

A path's K stakes keep the core busy, so these step path by path; the helpers and the layout
are those of :mod:`sim.jit.kernels`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.jit.kernels import _bin_of, _close, _drawdown, _seen_index, rules_tuple
from sim.jit.layout import CONSTANT, FLOOR, GUARD, MIN_BET, PLAYING, RICH, RUINED, SMALLEST, TICK


@njit(cache=True, nogil=True, error_model="numpy")
# One inlined loop body, as coin_rules_tile in sim.jit.kernels (helpers cost a reference count
# per array argument per call).
def race_rules_tile(tile, groups, width, first_round, kind, params, rules, odds, seen_table,
                    money, seen, peak, ratio, played, status, counts, stakes,
                    hist, band_low, band_scale, band_paths):
    """Play every path of a race chunk through one tile under caps, floors, minimums, ticks.

    Path by path (a race's K stakes keep the core busy); ``stakes`` is scratch of K.
    """
    r = rules_tuple(rules)
    tick, min_bet = r[TICK], r[MIN_BET]
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    k = odds.shape[0]
    for i in range(tile.shape[1]):
        wealth, sees, top, low = money[i], seen[i], peak[i], ratio[i]
        rounds, state = played[i], status[i]
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                outcome = tile[j, i, offset]
                if state == PLAYING:
                    for h in range(k):  # the shares: constant, or the posterior mean (Bayes)
                        if kind == CONSTANT:
                            stakes[h] = params[h]
                        else:
                            stakes[h] = (params[0] + counts[h, i]) / (params[1] + t)
                    if sees > r[RICH]:  # past 2^53 ticks: the rules cannot change the stakes
                        total = 0.0
                        for h in range(k):
                            total += max(stakes[h], 0.0)
                        cash, win = 1.0, 0.0
                        for h in range(k):
                            share = max(stakes[h], 0.0) / max(total, 1.0)
                            cash -= share
                            if h == outcome:
                                win = share * odds[h]
                        wealth = sees * (cash + win)
                        lowest = max(r[FLOOR], r[SMALLEST])
                        state = RUINED if wealth <= lowest or wealth == 0.0 else PLAYING
                    else:
                        total = 0.0
                        for h in range(k):
                            s = max(stakes[h] * sees, 0.0)
                            if tick > 0:
                                s = np.floor(s / tick + GUARD) * tick
                            if min_bet > 0 and s > 0 and s < min_bet:
                                s = min_bet
                            stakes[h] = s
                            total += s
                        if total > sees:  # never stake more than the bankroll
                            scale = sees / total
                            for h in range(k):
                                s = stakes[h] * scale
                                stakes[h] = np.floor(s / tick + GUARD) * tick if tick > 0 else s
                        staked = 0.0
                        for h in range(k):
                            staked += stakes[h]
                        new = sees - staked + stakes[outcome] * odds[outcome]
                        wealth, _, state = _close(r, new, staked)
                    rounds += 1
                    sees = wealth
                    if tick > 0:
                        row = _seen_index(r, wealth)
                        if row < seen_table.shape[0]:
                            sees = seen_table[row]
                    top, low = _drawdown(top, low, wealth)
                counts[outcome, i] += 1
                if banded and i < band_paths:
                    hist[t + 1, _bin_of(math.log(wealth), band_low[t + 1], band_scale[t + 1],
                                        bins)] += 1
        money[i], seen[i], peak[i], ratio[i] = wealth, sees, top, low
        played[i], status[i] = rounds, state


@njit(cache=True, nogil=True, error_model="numpy")
def race_free_tile(tile, groups, width, first_round, kind, params, odds, log_mult,
                   log_wealth, peak, drop, played, status, counts, stakes,
                   hist, band_low, band_scale, band_paths):
    """Play every path of a race chunk through one tile under frictionless rules, in ln W."""
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    k = odds.shape[0]
    for i in range(tile.shape[1]):
        lw, top, fall, rounds, state = log_wealth[i], peak[i], drop[i], played[i], status[i]
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                outcome = tile[j, i, offset]
                if state == PLAYING:
                    if kind == CONSTANT:
                        lw = lw + log_mult[outcome]
                    else:  # Bayes at fair or generous odds bets its belief
                        total = 0.0
                        for h in range(k):
                            stakes[h] = (params[0] + counts[h, i]) / (params[1] + t)
                            total += stakes[h]
                        lw = lw + math.log(1.0 - total + stakes[outcome] * odds[outcome])
                    rounds += 1
                    if lw == -math.inf:
                        state = RUINED
                    top = max(top, lw)
                    fall = max(fall, top - lw)
                counts[outcome, i] += 1
                if banded and i < band_paths:
                    hist[t + 1, _bin_of(lw, band_low[t + 1], band_scale[t + 1], bins)] += 1
        log_wealth[i], peak[i], drop[i], played[i], status[i] = lw, top, fall, rounds, state
