"""Compiled Bayes-Kelly on a coin under a cap and a tick.

The posterior mean depends on the round t and the heads seen h alone, so each tile's
fractions are a table ``fractions[t - first round, h]`` (:func:`bayes_rows`, the same
operations as :func:`sim.jit.kernels._coin_fraction`) read instead of a division per path and
round. :func:`coin_bayes_ticks_tile` plays even money without a minimum bet in whole ticks
(k +- the rounded stake, four paths at a time); :func:`coin_bayes_tile` any other odds in
money, as :func:`sim.jit.kernels.coin_rules_tile` does.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.jit.kernels import (
    _bin_of,
    _coin_fraction,
    _coin_settle,
    _coin_settle_ticks,
    _drawdown,
    _seen_index,
    rules_tuple,
)
from sim.jit.layout import BAYES, BLOCK, CAP, CAPPED, INV_TICK, PLAYING, START_SEEN, TICK
from sim.jit.lookups import _after_lookup, _all_stopped


@njit(cache=True, nogil=True, error_model="numpy")
def bayes_rows(first_round, rows, params, rules, fractions):
    """``fractions[t - first_round, h]`` = Bayes-Kelly's signed fraction after h heads in t
    rounds (the posterior mean depends on t and h alone), for t in first_round + [0, rows)."""
    r = rules_tuple(rules)
    for row in range(rows):
        t = first_round + row
        for h in range(min(t, fractions.shape[1] - 1) + 1):
            fractions[row, h] = _coin_fraction(BAYES, params[0], params[-1], r, t, 0.0, h,
                                               0.0, False, 0)


@njit(cache=True, nogil=True, error_model="numpy")
def coin_bayes_tile(tile, groups, width, first_round, params, rules, fractions, seen_table,
                    money, peak, ratio, played, status, heads,
                    hist, band_low, band_scale, band_paths):
    """Bayes-Kelly on a coin under a cap and a tick, as :func:`coin_rules_tile` plays it, with
    the round's fractions read from a table (:func:`bayes_rows`, filled here for the tile)
    instead of a division per path and round.
    """
    r = rules_tuple(rules)
    bayes_rows(first_round, groups * width, params, rules, fractions)
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    table_size = seen_table.shape[0]
    paths = tile.shape[1]
    for first in range(0, paths, BLOCK):
        last = min(first + BLOCK, paths)
        for j in range(groups):
            for offset in range(width):
                row = j * width + offset
                t = first_round + row
                for i in range(first, last):
                    outcome = tile[j, i, offset]
                    if status[i] == PLAYING:
                        wealth = money[i]
                        f = fractions[row, heads[i]]
                        new, _, state, clear = _coin_settle_ticks(r, wealth * f, wealth,
                                                                  outcome)
                        if not clear:  # half a tick: settle what numpy sees, as numpy does
                            sees = wealth
                            seen = _seen_index(r, wealth)
                            if t == 0:
                                sees = r[START_SEEN]
                            elif seen < table_size:
                                sees = seen_table[seen]
                            new, _, state = _coin_settle(r, f, sees, outcome)
                        money[i], status[i] = new, state
                        played[i] += 1
                        peak[i], ratio[i] = _drawdown(peak[i], ratio[i], new)
                    heads[i] += outcome == 0
                    if banded and i < band_paths:
                        hist[t + 1, _bin_of(math.log(money[i]), band_low[t + 1],
                                            band_scale[t + 1], bins)] += 1


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _bayes_ticks(r, f, k, outcome, ruined, capped):
    """One round of k whole ticks at even money, no minimum bet: (next k, clear).

    The stake f x k x tick is rounded to s = rint(|f| x k x tick / tick) ticks (at most k) as
    :func:`sim.jit.kernels._coin_settle_ticks` rounds it (its clamps to the bankroll and to
    heads only change nothing here: |f| <= 1, and f >= 0 when tails are not allowed), and the
    payout k +- s needs no floor (whole ticks at even money). ``clear`` is False for a stake of
    (nearly) half a tick, which the caller settles from numpy's seen wealth. A stopped path
    stays put. Arithmetic rather than branches: the flip is random.
    """
    alive = (k > ruined) & (k < capped)
    ticks = k * r[TICK] * abs(f) * r[INV_TICK]
    whole = np.rint(ticks)
    clear = abs(abs(ticks - whole) - 0.5) > 1e-6
    size = int(min(whole, float(k))) * alive
    won = (f > 0) == (outcome == 0)
    return k + size * (2 * won - 1), clear | (not alive)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _bayes_seen(r, f, sees, outcome, capped_row):
    """A half-tick round settled from numpy's seen wealth (as numpy settles it), in ticks."""
    new, _, state = _coin_settle(r, f, sees, outcome)
    return capped_row if state == CAPPED else int(np.rint(new * r[INV_TICK]))


@njit(cache=True, nogil=True, error_model="numpy")
def _bayes_start(tile, start, f, rules, capped_row, ticks, peak, low, played, heads,
                 hist, band_low, band_scale, band_paths):
    """Round 0 from ``start`` in money (it need not be whole ticks), into ticks."""
    r = rules_tuple(rules)
    bins = hist.shape[1] - 2
    for i in range(tile.shape[1]):
        outcome = tile[0, i, 0]
        new, _, state, clear = _coin_settle_ticks(r, start * f, start, outcome)
        if not clear:  # half a tick: what numpy sees, e^(ln start)
            new, _, state = _coin_settle(r, f, r[START_SEEN], outcome)
        k = capped_row if state == CAPPED else int(np.rint(new * r[INV_TICK]))
        top = max(start * r[INV_TICK], k)
        ticks[i], played[i], heads[i] = k, 1, outcome == 0
        peak[i], low[0, i], low[1, i] = top, min(k, top), top
        if hist.shape[0] > 0 and i < band_paths:
            wealth = r[CAP] if k == capped_row else k * r[TICK]
            hist[1, _bin_of(math.log(wealth), band_low[1], band_scale[1], bins)] += 1


@njit(cache=True, nogil=True, error_model="numpy")
def _bayes_banded(tile, j, begin, width, first_round, rules, fractions, seen_table, limits,
                  ticks, peak, low, played, heads, hist, band_low, band_scale, band_paths,
                  first_path):
    """Group ``j`` of a tile round by round for paths from ``first_path`` on, counting each
    round's ln W into the bands if there are any."""
    r = rules_tuple(rules)
    ruined, capped = limits[0], limits[1]
    capped_row = seen_table.shape[0]
    bins = hist.shape[1] - 2
    paths = tile.shape[1]
    for offset in range(begin, width):
        row = j * width + offset
        t = first_round + row
        for i in range(first_path, paths):
            k, outcome = ticks[i], tile[j, i, offset]
            f = fractions[row, heads[i]]
            q, clear = _bayes_ticks(r, f, k, outcome, ruined, capped)
            if not clear:
                q = _bayes_seen(r, f, seen_table[k], outcome, capped_row)
            played[i], peak[i], low[0, i], low[1, i] = _after_lookup(
                q, k, played[i], peak[i], low[0, i], low[1, i], ruined, capped)
            ticks[i] = q
            heads[i] += outcome == 0
            if hist.shape[0] > 0 and i < band_paths:
                wealth = r[CAP] if q >= capped else q * r[TICK]
                hist[t + 1, _bin_of(math.log(wealth), band_low[t + 1],
                                    band_scale[t + 1], bins)] += 1


@njit(cache=True, nogil=True, error_model="numpy")
def coin_bayes_ticks_tile(tile, groups, width, first_round, start, params, rules, fractions,
                          seen_table, limits, ticks, peak, low, played, heads,
                          hist, band_low, band_scale, band_paths):
    """Bayes-Kelly at even money without a minimum bet under a cap and a tick, in whole ticks.

    Round 0 is settled from ``start`` in money (it need not be whole ticks); after it a
    bankroll of k ticks moves to k +- s (:func:`_bayes_ticks`), a capped one to the row
    ``seen_table.shape[0]``, and the tallies are :func:`sim.jit.lookups.coin_table_tile`'s:
    played while ruined < k < capped (``limits``), peak and lowest share num / den in ticks.
    Four paths at a time without bands (their state in registers), round by round with them
    (and for the last paths past a multiple of 4).
    """
    r = rules_tuple(rules)
    bayes_rows(first_round, groups * width, params, rules, fractions)
    ruined, capped = limits[0], limits[1]
    capped_row = seen_table.shape[0]
    banded = hist.shape[0] > 0
    paths = tile.shape[1]
    if first_round == 0:
        _bayes_start(tile, start, fractions[0, 0], rules, capped_row, ticks, peak, low, played,
                     heads, hist, band_low, band_scale, band_paths)
    for j in range(groups):
        begin = 1 if first_round == 0 and j == 0 else 0
        lanes = 0 if banded else paths - paths % 4  # the rest one by one, round by round
        if lanes < paths:
            _bayes_banded(tile, j, begin, width, first_round, rules, fractions, seen_table,
                          limits, ticks, peak, low, played, heads, hist, band_low, band_scale,
                          band_paths, lanes)
        for i in range(0, lanes, 4):
            k0, k1, k2, k3 = ticks[i], ticks[i + 1], ticks[i + 2], ticks[i + 3]
            if _all_stopped(k0, k1, k2, k3, ruined, capped):
                continue  # stopped paths: their heads no longer matter
            h0, h1, h2, h3 = heads[i], heads[i + 1], heads[i + 2], heads[i + 3]
            p0, p1, p2, p3 = played[i], played[i + 1], played[i + 2], played[i + 3]
            t0, t1, t2, t3 = peak[i], peak[i + 1], peak[i + 2], peak[i + 3]
            n0, n1, n2, n3 = low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3]
            d0, d1, d2, d3 = low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3]
            for offset in range(begin, width):
                row = j * width + offset
                o0, o1 = tile[j, i, offset], tile[j, i + 1, offset]
                o2, o3 = tile[j, i + 2, offset], tile[j, i + 3, offset]
                f0, f1 = fractions[row, h0], fractions[row, h1]
                f2, f3 = fractions[row, h2], fractions[row, h3]
                q0, c0 = _bayes_ticks(r, f0, k0, o0, ruined, capped)
                q1, c1 = _bayes_ticks(r, f1, k1, o1, ruined, capped)
                q2, c2 = _bayes_ticks(r, f2, k2, o2, ruined, capped)
                q3, c3 = _bayes_ticks(r, f3, k3, o3, ruined, capped)
                if not (c0 and c1 and c2 and c3):  # rare: a stake of half a tick
                    if not c0:
                        q0 = _bayes_seen(r, f0, seen_table[k0], o0, capped_row)
                    if not c1:
                        q1 = _bayes_seen(r, f1, seen_table[k1], o1, capped_row)
                    if not c2:
                        q2 = _bayes_seen(r, f2, seen_table[k2], o2, capped_row)
                    if not c3:
                        q3 = _bayes_seen(r, f3, seen_table[k3], o3, capped_row)
                p0, t0, n0, d0 = _after_lookup(q0, k0, p0, t0, n0, d0, ruined, capped)
                p1, t1, n1, d1 = _after_lookup(q1, k1, p1, t1, n1, d1, ruined, capped)
                p2, t2, n2, d2 = _after_lookup(q2, k2, p2, t2, n2, d2, ruined, capped)
                p3, t3, n3, d3 = _after_lookup(q3, k3, p3, t3, n3, d3, ruined, capped)
                k0, k1, k2, k3 = q0, q1, q2, q3
                h0, h1, h2, h3 = h0 + (o0 == 0), h1 + (o1 == 0), h2 + (o2 == 0), h3 + (o3 == 0)
            ticks[i], ticks[i + 1], ticks[i + 2], ticks[i + 3] = k0, k1, k2, k3
            heads[i], heads[i + 1], heads[i + 2], heads[i + 3] = h0, h1, h2, h3
            played[i], played[i + 1], played[i + 2], played[i + 3] = p0, p1, p2, p3
            peak[i], peak[i + 1], peak[i + 2], peak[i + 3] = t0, t1, t2, t3
            low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3] = n0, n1, n2, n3
            low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3] = d0, d1, d2, d3
