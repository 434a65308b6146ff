"""Compiled Bayes-Kelly on a coin under a cap and a tick.

The posterior mean depends on the round t and the heads seen h alone, so each tile's
fractions are a table ``fractions[t - first round, h]`` (:func:`bayes_rows`, the same
operations as :func:`sim.jit.kernels._coin_fraction`) read instead of a division per path and
round. :func:`coin_bayes_ticks_tile` plays even money without a minimum bet in whole ticks
(k +- the rounded stake, a block of paths side by side, vectorised); :func:`coin_bayes_tile`
any other odds in money, as :func:`sim.jit.kernels.coin_rules_tile` does.
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
    _seen_wealth,
    rules_tuple,
)
from sim.jit.layout import (
    BAYES,
    BLOCK,
    CAP,
    CAPPED,
    INV_TICK,
    ODDS,
    PLAYING,
    START_SEEN,
    TAILS,
    TICK,
)
from sim.jit.lookups import _after_lookup


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
                            sees = _seen_wealth(r, wealth, t, seen_table)
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
    """One round of k whole ticks at even money, no minimum bet: (next k, clear); the banded
    path's round (:func:`_bayes_round` is the same round for a block of paths).

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
def _bayes_round(words, shift, p0, p1, t, odds, tails, k, h, played, peak, num, den, half,
                 ruined, capped, n):
    """Round ``t`` of ``n`` paths side by side, in whole ticks at even money (k, h, played as
    floats; path i's outcome is byte ``shift / 8`` of ``words[i]``, its group's 8 outcomes).
    Written so that the compiler vectorises it across paths: no branch on a path's state,
    selects instead, and only integer sums (a float sum must keep its order).

    The posterior mean and fraction repeat :func:`sim.jit.kernels._coin_fraction`'s
    operations. The stake rint(k |f|) equals the engine's rint(|f| W / tick) unless k |f| lies
    within 1e-6 of half a tick (k |f| is within a few ulps of the engine's value, which is
    about k x 1e-16 away at most); such a path is marked in ``half`` and left where it was, for
    :func:`_bayes_halves` to settle from numpy's seen wealth. Returns the paths in play before
    the round and the paths marked.
    """
    marked = 0
    in_play = 0
    for i in range(n):
        kk = k[i]
        q = (p0 + h[i]) / (p1 + t)
        up = max(q - (1.0 - q) / odds, 0.0)
        down = max((1.0 - q) - q * odds, 0.0) if tails else 0.0
        f = up if up >= down else -down
        alive = 1.0 if (kk > ruined) & (kk < capped) else 0.0
        x = kk * abs(f)
        whole = np.rint(x)
        tie = (1.0 if abs(abs(x - whole) - 0.5) <= 1e-6 else 0.0) * alive
        heads = (words[i] >> shift) & 0xFF == 0
        sign = 1.0 if (f > 0) == heads else -1.0
        after = kk + min(whole, kk) * sign * alive * (1.0 - tie)
        played[i] += alive
        top = max(peak[i], after)
        lower = after * den[i] < num[i] * top
        num[i] = after if lower else num[i]
        den[i] = top if lower else den[i]
        peak[i] = top
        k[i] = after
        half[i] = tie
        h[i] += 1.0 if heads else 0.0
        marked += tie > 0
        in_play += alive > 0
    return in_play, marked


@njit(cache=True, nogil=True, error_model="numpy")
def _bayes_halves(rules, fractions, row, seen_table, words, shift, half, k, h, peak, num, den,
                  n):
    """Settle the paths :func:`_bayes_round` marked (a stake of half a tick) as numpy settles
    them, from its seen wealth; their round is already counted as played."""
    r = rules_tuple(rules)
    capped_row = seen_table.shape[0]
    for i in range(n):
        if half[i] > 0:
            outcome = (words[i] >> shift) & 0xFF
            f = fractions[row, int(h[i]) - (outcome == 0)]  # the heads before the round
            after = float(_bayes_seen(r, f, seen_table[int(k[i])], outcome, capped_row))
            top = max(peak[i], after)
            if after * den[i] < num[i] * top:
                num[i], den[i] = after, top
            peak[i], k[i] = top, after


@njit(cache=True, nogil=True, error_model="numpy")
def _bayes_block(words, groups, width, first_round, params, rules, fractions, seen_table,
                 ruined, capped, first, k, h, played, peak, num, den, half):
    """The paths ``first + [0, len(k))`` of a tile (``words[j, path]``: group j's outcomes, a
    byte each), round by round, all of them side by side; stops early once every one of them
    has stopped (their heads no longer matter)."""
    r = rules_tuple(rules)
    n = k.shape[0]
    tails = r[TAILS] > 0
    for j in range(groups):
        begin = 1 if first_round == 0 and j == 0 else 0
        for offset in range(begin, width):
            row = j * width + offset
            shift = np.uint64(8 * offset)
            group = words[j, first:first + n]
            in_play, marked = _bayes_round(group, shift, params[0], params[-1],
                                           float(first_round + row), r[ODDS], tails, k, h,
                                           played, peak, num, den, half, ruined, capped, n)
            if marked:
                _bayes_halves(rules, fractions, row, seen_table, group, shift, half, k, h, peak,
                              num, den, n)
            if in_play == 0:
                return


@njit(cache=True, nogil=True, error_model="numpy")
def _group_words(tile, groups, width):
    """``words[j, path]``: the 8 outcomes of group j of a path as one little-endian word (a
    view of the tile when its rows are 8 rounds wide, else packed)."""
    if tile.shape[2] == 8:
        return tile.view(np.uint64).reshape(tile.shape[0], tile.shape[1])
    words = np.zeros((groups, tile.shape[1]), dtype=np.uint64)
    for j in range(groups):
        for i in range(tile.shape[1]):
            for offset in range(width):
                words[j, i] |= np.uint64(tile[j, i, offset]) << np.uint64(8 * offset)
    return words


@njit(cache=True, nogil=True, error_model="numpy")
def coin_bayes_ticks_tile(tile, groups, width, first_round, start, params, rules, fractions,
                          seen_table, limits, ticks, peak, low, played, heads,
                          hist, band_low, band_scale, band_paths):
    """Bayes-Kelly at even money without a minimum bet under a cap and a tick, in whole ticks.

    Round 0 is settled from ``start`` in money (it need not be whole ticks); after it a
    bankroll of k ticks moves to k +- s (:func:`_bayes_round`), a capped one to the row
    ``seen_table.shape[0]``, and the tallies are :func:`sim.jit.lookups.coin_table_tile`'s:
    played while ruined < k < capped (``limits``), peak and lowest share num / den in ticks.
    Without bands the paths go in blocks of :data:`BLOCK`, each block's state copied to floats
    and stepped round by round across its paths (:func:`_bayes_round`, vectorised); with bands
    round by round, path by path, to count each round's ln W.
    """
    bayes_rows(first_round, groups * width, params, rules, fractions)
    ruined, capped = limits[0], limits[1]
    capped_row = seen_table.shape[0]
    paths = tile.shape[1]
    if first_round == 0:
        _bayes_start(tile, start, fractions[0, 0], rules, capped_row, ticks, peak, low, played,
                     heads, hist, band_low, band_scale, band_paths)
    if hist.shape[0] > 0:
        for j in range(groups):
            begin = 1 if first_round == 0 and j == 0 else 0
            _bayes_banded(tile, j, begin, width, first_round, rules, fractions, seen_table,
                          limits, ticks, peak, low, played, heads, hist, band_low, band_scale,
                          band_paths, 0)
        return
    words = _group_words(tile, groups, width)
    lanes = min(BLOCK, paths)
    k, h, rounds, half = np.empty(lanes), np.empty(lanes), np.empty(lanes), np.empty(lanes)
    for first in range(0, paths, lanes):
        n = min(lanes, paths - first)
        in_play = 0
        for i in range(n):
            kk = ticks[first + i]
            in_play += (kk > ruined) & (kk < capped)
            k[i], h[i], rounds[i] = kk, heads[first + i], played[first + i]
        if in_play == 0:
            continue
        last = first + n
        _bayes_block(words, groups, width, first_round, params, rules, fractions, seen_table,
                     float(ruined), float(capped), first, k[:n], h[:n], rounds[:n],
                     peak[first:last], low[0, first:last], low[1, first:last], half[:n])
        for i in range(n):
            ticks[first + i], heads[first + i] = int(k[i]), int(h[i])
            played[first + i] = int(rounds[i])
