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
    rules_tuple,
)
from sim.jit.layout import (
    CAP,
    CAPPED,
    FLOOR,
    INV_TICK,
    PLAYING,
    ROUNDS,
    RUINED,
    START_SEEN,
    TICK,
)


@njit(cache=True, nogil=True, error_model="numpy")
def tick_limits(rules, rows, limits):
    """``limits`` = (highest ruined k, lowest capped k) among bankrolls of k = 0..rows-1 ticks
    (-1 / rows if none), decided by :func:`_close_whole` on k x tick as settle decides them:
    ruin and the cap are monotone in the bankroll, so a bankroll of k ticks is still in play
    exactly when ruined < k < capped."""
    r = rules_tuple(rules)
    ruined, capped = -1, rows
    for k in range(rows):
        _, _, state = _close_whole(r, k * r[TICK], 0.0)
        if state == RUINED:
            ruined = k
        elif state == CAPPED and k < capped:
            capped = k
    limits[0], limits[1] = ruined, capped


@njit(cache=True, nogil=True, error_model="numpy")
def coin_transition_table(kind, params, rules, seen_table, table, limits):
    """Where one round takes a bankroll of k whole ticks, for a policy that looks only at k.

    A constant fraction or a fixed amount under a cap and a tick is a function of the wealth
    alone, so its round is a look-up: ``table[k, outcome]`` = the next bankroll in ticks,
    settled by :func:`_coin_settle` from numpy's own seen wealth ``seen_table[k]``, exactly the
    numbers the numpy engine computes for that bankroll. The table is absorbing: the last row,
    ``C``, stands for the cap (every capped payout goes there and stays), and a row whose
    bankroll is ruined (k <= ``limits[0]``) or capped (k >= ``limits[1]``) keeps it, so a
    path that has stopped needs no test. ``limits`` receives (highest ruined k, lowest capped k);
    whether a bankroll of k ticks is ruined or capped is decided by :func:`_close_whole` on
    k x tick, as settle decides it.
    """
    r = rules_tuple(rules)
    p0, p1 = params[0], params[-1]
    rows = table.shape[0]
    capped_row = rows - 1
    tick_limits(rules, rows - 1, limits)
    ruined, capped = limits[0], limits[1]
    for k in range(rows):
        if k <= ruined or k >= capped:
            table[k, 0] = table[k, 1] = k if k <= ruined else capped_row
            continue
        sees = seen_table[k]
        f = _coin_fraction(kind, p0, p1, r, 1, sees, 0, 0.0, False, 0)
        for outcome in range(2):
            new, _, state = _coin_settle(r, f, sees, outcome)
            table[k, outcome] = capped_row if state == CAPPED else int(np.rint(new * r[INV_TICK]))


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _all_stopped(k0, k1, k2, k3, ruined, capped):
    """True when none of four bankrolls is still in play (ruined < k < capped)."""
    return not ((ruined < k0 < capped) or (ruined < k1 < capped) or (ruined < k2 < capped)
                or (ruined < k3 < capped))


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _after_lookup(k, before, played, top, num, den, ruined, capped):
    """A path's tallies after a round that took it from ``before`` to ``k`` ticks: the round
    counts while ``before`` lies strictly between the limits; the running peak; the lowest
    share of it, num / den, replaced by a select (no division, no branch)."""
    played += (before > ruined) & (before < capped)
    top = max(top, k)  # a capped bankroll is above every peak: never a new low
    lower = k * den < num * top
    return played, top, k if lower else num, top if lower else den


@njit(cache=True, nogil=True, error_model="numpy")
def coin_table_tile(tile, groups, width, first_round, kind, params, rules, table, limits,
                    ticks, peak, low, played,
                    hist, band_low, band_scale, band_paths):
    """Play a coin chunk through one tile by table look-up (see :func:`coin_transition_table`).

    Round 0 starts from the start, which need not be whole ticks: it is settled directly.
    After it every round is ``k = table[k, outcome]`` with no branch on the path's state (the
    table is absorbing); :func:`_after_lookup` keeps the tallies. The drawdown is kept in
    ticks: ``peak`` is the running peak and the lowest share of it so far is
    ``low[0] / low[1]``. Without bands the paths go four at a time, each through the whole
    tile with its state in registers (four independent look-up chains in flight); with bands
    round by round, to count each round's paths (and the last paths past a multiple of 4).
    """
    r = rules_tuple(rules)
    tick, inv_tick = r[TICK], r[INV_TICK]
    ruined, capped = limits[0], limits[1]
    capped_row = table.shape[0] - 1
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    paths = tile.shape[1]
    if first_round == 0:  # round 0 from the start
        start = r[START_SEEN]
        f = _coin_fraction(kind, params[0], params[-1], r, 0, start, 0, 0.0, False, 0)
        for i in range(paths):
            new, _, state = _coin_settle(r, f, start, tile[0, i, 0])
            k = capped_row if state == CAPPED else int(np.rint(new * inv_tick))
            ticks[i], played[i] = k, 1
            top = max(start * inv_tick, k)
            peak[i], low[0, i], low[1, i] = top, min(k, top), top
            if banded and i < band_paths:
                wealth = r[CAP] if k == capped_row else k * tick
                hist[1, _bin_of(math.log(wealth), band_low[1], band_scale[1], bins)] += 1
    for j in range(groups):
        begin = 1 if first_round == 0 and j == 0 else 0
        lanes = 0 if banded else paths - paths % 4  # the rest one by one, round by round
        if lanes < paths:
            for offset in range(begin, width):
                t = first_round + j * width + offset
                for i in range(lanes, paths):
                    k = ticks[i]
                    q = table[k, tile[j, i, offset]]
                    played[i], peak[i], low[0, i], low[1, i] = _after_lookup(
                        q, k, played[i], peak[i], low[0, i], low[1, i], ruined, capped)
                    ticks[i] = q
                    if banded and i < band_paths:
                        wealth = r[CAP] if q == capped_row else q * tick
                        hist[t + 1, _bin_of(math.log(wealth), band_low[t + 1],
                                            band_scale[t + 1], bins)] += 1
        for i in range(0, lanes, 4):
            k0, k1, k2, k3 = ticks[i], ticks[i + 1], ticks[i + 2], ticks[i + 3]
            if _all_stopped(k0, k1, k2, k3, ruined, capped):
                continue  # a stopped path's round changes nothing
            p0, p1, p2, p3 = played[i], played[i + 1], played[i + 2], played[i + 3]
            t0, t1, t2, t3 = peak[i], peak[i + 1], peak[i + 2], peak[i + 3]
            n0, n1, n2, n3 = low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3]
            d0, d1, d2, d3 = low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3]
            for offset in range(begin, width):
                q0 = table[k0, tile[j, i, offset]]
                q1 = table[k1, tile[j, i + 1, offset]]
                q2 = table[k2, tile[j, i + 2, offset]]
                q3 = table[k3, tile[j, i + 3, offset]]
                p0, t0, n0, d0 = _after_lookup(q0, k0, p0, t0, n0, d0, ruined, capped)
                p1, t1, n1, d1 = _after_lookup(q1, k1, p1, t1, n1, d1, ruined, capped)
                p2, t2, n2, d2 = _after_lookup(q2, k2, p2, t2, n2, d2, ruined, capped)
                p3, t3, n3, d3 = _after_lookup(q3, k3, p3, t3, n3, d3, ruined, capped)
                k0, k1, k2, k3 = q0, q1, q2, q3
            ticks[i], ticks[i + 1], ticks[i + 2], ticks[i + 3] = k0, k1, k2, k3
            played[i], played[i + 1], played[i + 2], played[i + 3] = p0, p1, p2, p3
            peak[i], peak[i + 1], peak[i + 2], peak[i + 3] = t0, t1, t2, t3
            low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3] = n0, n1, n2, n3
            low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3] = d0, d1, d2, d3


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _scale_step(multiplier, wealth, state, played, top, num, den, cap, floor):
    """One round of a constant fraction in continuous money: the multiply, the cap and ruin
    as selects (a stopped path keeps its wealth), then the tallies of :func:`_after_lookup`
    in money."""
    alive = state == PLAYING
    new = wealth * multiplier
    capped = alive & (new >= cap)
    ruined = alive & (not capped) & ((new <= floor) | (new <= 0))
    wealth = cap if capped else (new if alive else wealth)
    state = CAPPED if capped else (RUINED if ruined else state)
    played += alive
    top = max(top, wealth)
    lower = wealth * den < num * top
    return wealth, state, played, top, wealth if lower else num, top if lower else den


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _scale_free(multiplier, wealth, top, num, den, lowest):
    """A round of :func:`_scale_step` for a path that neither caps nor busts in it."""
    wealth = wealth * multiplier
    top = max(top, wealth)
    lower = wealth * den < num * top
    return wealth, top, wealth if lower else num, top if lower else den, min(lowest, wealth)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _scale_free_group(tile, j, i, width, multipliers, money, played, peak, low, cap, floor):
    """Play group ``j`` of four paths in play from path ``i`` without the cap and ruin tests,
    and keep it (True) if no path reached the cap or ruin in it, else leave the state as it
    was (False; the caller plays the group with the tests). The same multiplies in the same
    order, so a kept group is exactly what :func:`_scale_step` computes."""
    w0, w1, w2, w3 = money[i], money[i + 1], money[i + 2], money[i + 3]
    t0, t1, t2, t3 = peak[i], peak[i + 1], peak[i + 2], peak[i + 3]
    n0, n1, n2, n3 = low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3]
    d0, d1, d2, d3 = low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3]
    b0, b1, b2, b3 = w0, w1, w2, w3
    for offset in range(width):
        m0, m1 = multipliers[tile[j, i, offset]], multipliers[tile[j, i + 1, offset]]
        m2, m3 = multipliers[tile[j, i + 2, offset]], multipliers[tile[j, i + 3, offset]]
        w0, t0, n0, d0, b0 = _scale_free(m0, w0, t0, n0, d0, b0)
        w1, t1, n1, d1, b1 = _scale_free(m1, w1, t1, n1, d1, b1)
        w2, t2, n2, d2, b2 = _scale_free(m2, w2, t2, n2, d2, b2)
        w3, t3, n3, d3, b3 = _scale_free(m3, w3, t3, n3, d3, b3)
    highest = max(max(t0, t1), max(t2, t3))
    lowest = min(min(b0, b1), min(b2, b3))
    if not (highest < cap and lowest > floor and lowest > 0):
        return False
    money[i], money[i + 1], money[i + 2], money[i + 3] = w0, w1, w2, w3
    peak[i], peak[i + 1], peak[i + 2], peak[i + 3] = t0, t1, t2, t3
    low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3] = n0, n1, n2, n3
    low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3] = d0, d1, d2, d3
    for x in range(4):
        played[i + x] += width
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def coin_scale_tile(tile, groups, width, first_round, multipliers, rules,
                    money, status, played, peak, low,
                    hist, band_low, band_scale, band_paths):
    """A constant fraction with a cap or floor but no tick and no minimum bet: each round
    multiplies the bankroll by ``multipliers[outcome]`` (numpy: w + b f w or w - f w; the two
    differ by an ulp, within the bound of the money kernels). The lowest share of the peak is
    low[0] / low[1]. Four paths at a time through the tile without bands, as
    :func:`coin_table_tile`."""
    r = rules_tuple(rules)
    cap, floor = r[CAP], r[FLOOR]
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    paths = tile.shape[1]
    for j in range(groups):
        lanes = 0 if banded else paths - paths % 4  # the rest one by one, round by round
        if lanes < paths:
            for offset in range(width):
                t = first_round + j * width + offset
                for i in range(lanes, paths):
                    (money[i], status[i], played[i], peak[i], low[0, i],
                     low[1, i]) = _scale_step(multipliers[tile[j, i, offset]], money[i],
                                              status[i], played[i], peak[i], low[0, i],
                                              low[1, i], cap, floor)
                    if banded and i < band_paths:
                        hist[t + 1, _bin_of(math.log(money[i]), band_low[t + 1],
                                            band_scale[t + 1], bins)] += 1
        for i in range(0, lanes, 4):
            s0, s1, s2, s3 = status[i], status[i + 1], status[i + 2], status[i + 3]
            if s0 != PLAYING and s1 != PLAYING and s2 != PLAYING and s3 != PLAYING:
                continue  # a stopped path's round changes nothing
            if s0 == PLAYING and s1 == PLAYING and s2 == PLAYING and s3 == PLAYING:
                if _scale_free_group(tile, j, i, width, multipliers, money, played, peak, low,
                                     cap, floor):
                    continue  # nobody reached the cap or ruin: the group as played is right
            w0, w1, w2, w3 = money[i], money[i + 1], money[i + 2], money[i + 3]
            p0, p1, p2, p3 = played[i], played[i + 1], played[i + 2], played[i + 3]
            t0, t1, t2, t3 = peak[i], peak[i + 1], peak[i + 2], peak[i + 3]
            n0, n1, n2, n3 = low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3]
            d0, d1, d2, d3 = low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3]
            for offset in range(width):
                m0, m1 = multipliers[tile[j, i, offset]], multipliers[tile[j, i + 1, offset]]
                m2, m3 = multipliers[tile[j, i + 2, offset]], multipliers[tile[j, i + 3, offset]]
                w0, s0, p0, t0, n0, d0 = _scale_step(m0, w0, s0, p0, t0, n0, d0, cap, floor)
                w1, s1, p1, t1, n1, d1 = _scale_step(m1, w1, s1, p1, t1, n1, d1, cap, floor)
                w2, s2, p2, t2, n2, d2 = _scale_step(m2, w2, s2, p2, t2, n2, d2, cap, floor)
                w3, s3, p3, t3, n3, d3 = _scale_step(m3, w3, s3, p3, t3, n3, d3, cap, floor)
            money[i], money[i + 1], money[i + 2], money[i + 3] = w0, w1, w2, w3
            status[i], status[i + 1], status[i + 2], status[i + 3] = s0, s1, s2, s3
            played[i], played[i + 1], played[i + 2], played[i + 3] = p0, p1, p2, p3
            peak[i], peak[i + 1], peak[i + 2], peak[i + 3] = t0, t1, t2, t3
            low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3] = n0, n1, n2, n3
            low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3] = d0, d1, d2, d3


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _optimal_step(stakes, k, outcome, capped):
    """The next bankroll under optimal play's signed stake, k + s on heads and k - s on tails
    (a conditional negation, no branch on the flip), at most ``capped``: the row of the lowest
    capped bankroll, so k stays inside the table. A stopped row stakes nothing
    (:func:`sim.jit.players.stopped_rows_stake_nothing`), so a stopped path stays put.

    Keeping a capped path at ``capped`` rather than above it changes no result: it is capped
    either way, and a bankroll above every earlier peak is never a new low.
    """
    s = np.int64(stakes[k])
    negate = -np.int64(outcome)  # 0 on heads, all ones on tails
    return min(k + ((s ^ negate) - negate), capped)


@njit(cache=True, nogil=True, error_model="numpy")
def coin_optimal_tile(tile, groups, width, first_round, rules, optimal, limits,
                      ticks, peak, low, played,
                      hist, band_low, band_scale, band_paths):
    """Optimal play at even money without a minimum bet, in whole ticks: the table's stake s
    moves the bankroll k to k + s or k - s.

    The numpy engine stakes (s x tick / e^(ln W)) x e^(ln W), which rounds back to s ticks, and
    floors the payout with a guard, which gives k +- s; whether k is ruined or capped is
    decided as numpy decides it (:func:`tick_limits`), and a path that has stopped stakes
    nothing (``optimal`` has zero stakes in every stopped row). Tallies as
    :func:`coin_table_tile`, four paths at a time without bands.
    """
    r = rules_tuple(rules)
    tick = r[TICK]
    ruined, capped = limits[0], limits[1]
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    paths = tile.shape[1]
    rounds = int(r[ROUNDS])
    for j in range(groups):
        lanes = 0 if banded else paths - paths % 4  # the rest one by one, round by round
        if lanes < paths:
            for offset in range(width):
                t = first_round + j * width + offset
                stakes = optimal[rounds - t]
                for i in range(lanes, paths):
                    k = ticks[i]
                    q = _optimal_step(stakes, k, tile[j, i, offset], capped)
                    played[i], peak[i], low[0, i], low[1, i] = _after_lookup(
                        q, k, played[i], peak[i], low[0, i], low[1, i], ruined, capped)
                    ticks[i] = q
                    if banded and i < band_paths:
                        wealth = r[CAP] if q >= capped else q * tick
                        hist[t + 1, _bin_of(math.log(wealth), band_low[t + 1],
                                            band_scale[t + 1], bins)] += 1
        for i in range(0, lanes, 4):
            k0, k1, k2, k3 = ticks[i], ticks[i + 1], ticks[i + 2], ticks[i + 3]
            if _all_stopped(k0, k1, k2, k3, ruined, capped):
                continue  # a stopped path's round changes nothing
            p0, p1, p2, p3 = played[i], played[i + 1], played[i + 2], played[i + 3]
            t0, t1, t2, t3 = peak[i], peak[i + 1], peak[i + 2], peak[i + 3]
            n0, n1, n2, n3 = low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3]
            d0, d1, d2, d3 = low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3]
            for offset in range(width):
                stakes = optimal[rounds - (first_round + j * width + offset)]
                q0 = _optimal_step(stakes, k0, tile[j, i, offset], capped)
                q1 = _optimal_step(stakes, k1, tile[j, i + 1, offset], capped)
                q2 = _optimal_step(stakes, k2, tile[j, i + 2, offset], capped)
                q3 = _optimal_step(stakes, k3, tile[j, i + 3, offset], capped)
                p0, t0, n0, d0 = _after_lookup(q0, k0, p0, t0, n0, d0, ruined, capped)
                p1, t1, n1, d1 = _after_lookup(q1, k1, p1, t1, n1, d1, ruined, capped)
                p2, t2, n2, d2 = _after_lookup(q2, k2, p2, t2, n2, d2, ruined, capped)
                p3, t3, n3, d3 = _after_lookup(q3, k3, p3, t3, n3, d3, ruined, capped)
                k0, k1, k2, k3 = q0, q1, q2, q3
            ticks[i], ticks[i + 1], ticks[i + 2], ticks[i + 3] = k0, k1, k2, k3
            played[i], played[i + 1], played[i + 2], played[i + 3] = p0, p1, p2, p3
            peak[i], peak[i + 1], peak[i + 2], peak[i + 3] = t0, t1, t2, t3
            low[0, i], low[0, i + 1], low[0, i + 2], low[0, i + 3] = n0, n1, n2, n3
            low[1, i], low[1, i + 1], low[1, i + 2], low[1, i + 3] = d0, d1, d2, d3
