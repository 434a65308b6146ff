"""The compiled round-by-round kernels: every path of a chunk over one tile of outcomes.

Each kernel takes the chunk's outcome tile (groups, paths, width) as the engine draws it (round
t = first_round + j * width + offset is ``tile[j, path, offset]``), plays every path through all
the tile's rounds with its state in registers, and writes the state back, so a chunk costs one
call per tile and strategy. The arithmetic repeats :func:`sim.engine.settle` and the strategies'
``fractions`` operation for operation (same IEEE double operations in the same order, no
fastmath), which is what makes the results equal to the numpy engine's (see
:mod:`sim.jit.runner` for where and why they can differ).

* ``*_rules_tile`` (caps, floors, minimum bets, ticks) keep the bankroll in money. The wealth a
  strategy sees before a round is ``seen``: the numpy engine keeps ln W and sees e^(ln W), so for
  a bankroll of k whole ticks the runner passes numpy's own ``exp(log(k * tick))`` as a table
  (``seen_table``); without a tick, or past the table, the kernel's money is used.
* ``*_free_tile`` (frictionless rules) keep ln W, as the numpy engine does, and add
  ln(multiplier) every round.

Rules, parameters and state are plain arrays (indices in :mod:`sim.jit.layout`) so every kernel has one signature
and :func:`sim.jit.runner.warm_up` can compile or load all of them ahead of use.
"""

from __future__ import annotations

import math

from sim.jit import cache as _cache  # noqa: F401  (sets NUMBA_CACHE_DIR before numba loads)

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

from sim.jit.layout import (  # noqa: E402
    AMOUNT,
    BAYES,
    CAP,
    CAPPED,
    CONSTANT,
    FLOOR,
    GUARD,
    INV_TICK,
    MARTINGALE,
    MIN_BET,
    ODDS,
    PLAYING,
    RICH,
    ROUNDS,
    RUINED,
    SMALLEST,
    TAILS,
    TICK,
)


@njit(cache=True, nogil=True)
def _bin(hist, band_low, band_scale, row, value):
    """Count ``value`` in row ``row`` of a histogram with under- (0) and overflow (last) bins."""
    bins = hist.shape[1] - 2
    position = (value - band_low[row]) * band_scale[row]
    if not position >= 0.0:  # also -inf (ruin) and nan
        hist[row, 0] += 1
    elif position >= bins:
        hist[row, bins + 1] += 1
    else:
        hist[row, 1 + int(position)] += 1


@njit(cache=True, nogil=True)
def _coin_fraction(kind, params, rules, optimal, t, wealth, heads, last_stake, last_won):
    """The signed coin fraction of a strategy, as its numpy ``fractions`` computes it."""
    if kind == CONSTANT:
        return params[0]
    if kind == AMOUNT:
        return min(1.0, params[0] / wealth) if wealth > 0 else 0.0
    if kind == MARTINGALE:
        stake = params[0] if (t == 0 or last_won) else 2.0 * last_stake
        if not stake > 0:
            stake = params[0]
        return min(1.0, stake / wealth) if wealth > 0 else 0.0
    if kind == BAYES:
        odds = rules[ODDS]
        q = (params[0] + heads) / (params[1] + t)
        up = max(q - (1.0 - q) / odds, 0.0)
        down = max((1.0 - q) - q * odds, 0.0) if rules[TAILS] > 0 else 0.0
        return up if up >= down else -down
    # OPTIMAL: the stake table of sim.optimal, indexed by rounds left and wealth in ticks
    tick = rules[TICK]
    ticks = min(max(np.rint(wealth / tick), 0.0), optimal.shape[1] - 1.0)
    stake = optimal[int(rules[ROUNDS]) - t, int(ticks)] * tick
    return stake / wealth if wealth > 0 else 0.0


@njit(cache=True, nogil=True)
def _coin_settle(rules, fraction, wealth, outcome):
    """One coin round in money (sim.engine.settle): new wealth, stake, status."""
    odds, tick, min_bet = rules[ODDS], rules[TICK], rules[MIN_BET]
    stake = min(max(fraction * wealth, -wealth), wealth)
    if rules[TAILS] == 0:
        stake = max(stake, 0.0)
    size = abs(stake)
    if tick > 0:
        size = min(np.rint(size / tick) * tick, np.floor(wealth / tick + GUARD) * tick)
    if min_bet > 0:
        if size > 0 and size < min_bet and wealth >= min_bet:
            size = min_bet
        if size < min_bet:
            size = 0.0
    on_heads = size if stake > 0 else 0.0
    on_tails = size if stake < 0 else 0.0
    if outcome == 0:
        new = wealth + odds * on_heads - on_tails
    else:
        new = wealth - on_heads + on_tails / odds
    return _close(rules, new, size)


@njit(cache=True, nogil=True)
def _close(rules, new, size):
    """Floor the payout to a tick, apply the cap, and decide ruin (the end of settle)."""
    tick = rules[TICK]
    if tick > 0:
        new = np.floor(new / tick + GUARD) * tick
    new = max(new, 0.0)
    if new >= rules[CAP]:
        return rules[CAP], size, CAPPED
    smallest = rules[SMALLEST]
    if new <= rules[FLOOR] or new <= 0 or (smallest > 0 and new < smallest):
        return new, size, RUINED
    return new, size, PLAYING


@njit(cache=True, nogil=True)
def _coin_multiplier(odds, fraction, outcome):
    on_heads = max(fraction, 0.0)
    on_tails = max(-fraction, 0.0)
    if outcome == 0:
        return 1.0 + odds * on_heads - on_tails
    return 1.0 - on_heads + on_tails / odds


@njit(cache=True, nogil=True)
def _coin_rich(rules, fraction, wealth, outcome):
    """A round past 2^53 ticks (no cap): the rules can no longer change the stake."""
    low = -1.0 if rules[TAILS] > 0 else 0.0
    bet = min(max(fraction, low), 1.0)
    new = wealth * _coin_multiplier(rules[ODDS], bet, outcome)
    ruined = new <= max(rules[FLOOR], rules[SMALLEST]) or new == 0.0
    return new, abs(bet) * wealth, RUINED if ruined else PLAYING


@njit(cache=True, nogil=True)
def _seen(new, rules, seen_table):
    """The wealth the numpy engine sees next round: e^(ln W) from the table for whole ticks."""
    if rules[TICK] > 0:
        ticks = np.rint(new * rules[INV_TICK])
        if ticks < seen_table.shape[0]:
            return seen_table[int(ticks)]
    return new


@njit(cache=True, nogil=True)
def coin_rules_tile(tile, groups, width, first_round, kind, params, rules, optimal, seen_table,
                    money, seen, peak, ratio, last_stake, last_won, played, status, heads,
                    hist, band_low, band_scale):
    """Play every path of a coin chunk through one tile under caps, floors, minimums, ticks.

    ``ratio`` is the lowest wealth / running peak so far (max drawdown = 1 - ratio).
    """
    banded = hist.shape[0] > 0
    for i in range(tile.shape[1]):
        wealth, sees, top, low = money[i], seen[i], peak[i], ratio[i]
        stake, won, rounds, state, h = last_stake[i], last_won[i], played[i], status[i], heads[i]
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                outcome = tile[j, i, offset]
                if state == PLAYING:
                    f = _coin_fraction(kind, params, rules, optimal, t, sees, h, stake, won)
                    if sees > rules[RICH]:
                        wealth, stake, state = _coin_rich(rules, f, sees, outcome)
                    else:
                        wealth, stake, state = _coin_settle(rules, f, sees, outcome)
                    won = wealth > sees
                    rounds += 1
                    sees = _seen(wealth, rules, seen_table)
                    if wealth > top:
                        top = wealth
                    elif wealth < top:
                        low = min(low, wealth / top)
                h += outcome == 0
                if banded:
                    _bin(hist, band_low, band_scale, t + 1, math.log(wealth))
        money[i], seen[i], peak[i], ratio[i] = wealth, sees, top, low
        last_stake[i], last_won[i], played[i], status[i], heads[i] = stake, won, rounds, state, h


@njit(cache=True, nogil=True)
def coin_free_tile(tile, groups, width, first_round, kind, params, rules, log_mult, optimal,
                   log_wealth, peak, drop, last_stake, last_won, played, status, heads,
                   hist, band_low, band_scale):
    """Play every path of a coin chunk through one tile under frictionless rules, in ln W.

    ``kind == CONSTANT`` adds ``log_mult[outcome]`` (used for fan-chart bands only; the engine
    plays constant bets from the win counts).
    """
    banded = hist.shape[0] > 0
    odds = rules[ODDS]
    uses_wealth = kind == AMOUNT or kind == MARTINGALE
    for i in range(tile.shape[1]):
        lw, top, fall = log_wealth[i], peak[i], drop[i]
        stake, won, rounds, state, h = last_stake[i], last_won[i], played[i], status[i], heads[i]
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                outcome = tile[j, i, offset]
                if state == PLAYING:
                    if kind == CONSTANT:
                        lw = lw + log_mult[outcome]
                    else:
                        wealth = math.exp(lw) if uses_wealth else 0.0
                        f = _coin_fraction(kind, params, rules, optimal, t, wealth, h, stake, won)
                        multiplier = _coin_multiplier(odds, f, outcome)
                        stake = abs(f) * wealth
                        won = multiplier > 1.0
                        lw = lw + math.log(multiplier)
                    rounds += 1
                    if lw == -math.inf:
                        state = RUINED
                    top = max(top, lw)
                    fall = max(fall, top - lw)
                h += outcome == 0
                if banded:
                    _bin(hist, band_low, band_scale, t + 1, lw)
        log_wealth[i], peak[i], drop[i] = lw, top, fall
        last_stake[i], last_won[i], played[i], status[i], heads[i] = stake, won, rounds, state, h


@njit(cache=True, nogil=True)
def _race_shares(kind, params, t, counts, path, out):
    """Race shares into ``out``: constant shares, or the Dirichlet posterior mean (Bayes)."""
    k = out.shape[0]
    if kind == CONSTANT:
        for i in range(k):
            out[i] = params[i]
    else:  # BAYES at fair or generous odds: bet the belief
        for i in range(k):
            out[i] = (params[0] + counts[i, path]) / (params[1] + t)


@njit(cache=True, nogil=True)
def _sequential_sum(values):
    total = 0.0
    for value in values:
        total += value
    return total


@njit(cache=True, nogil=True)
def _race_settle(rules, odds, stakes, wealth, outcome):
    """One race round in money (sim.engine.settle); ``stakes`` holds the shares on entry."""
    tick, min_bet = rules[TICK], rules[MIN_BET]
    for i in range(stakes.shape[0]):
        s = max(stakes[i] * wealth, 0.0)
        if tick > 0:
            s = np.floor(s / tick + GUARD) * tick
        if min_bet > 0 and s > 0 and s < min_bet:
            s = min_bet
        stakes[i] = s
    total = _sequential_sum(stakes)
    if total > wealth:  # never stake more than the bankroll
        scale = wealth / total
        for i in range(stakes.shape[0]):
            s = stakes[i] * scale
            stakes[i] = np.floor(s / tick + GUARD) * tick if tick > 0 else s
    staked = _sequential_sum(stakes)
    new = wealth - staked + stakes[outcome] * odds[outcome]
    return _close(rules, new, staked)


@njit(cache=True, nogil=True)
def _race_multiplier(odds, shares, outcome):
    return 1.0 - _sequential_sum(shares) + shares[outcome] * odds[outcome]


@njit(cache=True, nogil=True)
def _race_rich(rules, odds, shares, wealth, outcome):
    total = 0.0
    for i in range(shares.shape[0]):
        shares[i] = max(shares[i], 0.0)
        total += shares[i]
    for i in range(shares.shape[0]):
        shares[i] = shares[i] / max(total, 1.0)
    new = wealth * _race_multiplier(odds, shares, outcome)
    ruined = new <= max(rules[FLOOR], rules[SMALLEST]) or new == 0.0
    return new, _sequential_sum(shares) * wealth, RUINED if ruined else PLAYING


@njit(cache=True, nogil=True)
def race_rules_tile(tile, groups, width, first_round, kind, params, rules, odds, seen_table,
                    money, seen, peak, ratio, played, status, counts, scratch,
                    hist, band_low, band_scale):
    """Play every path of a race chunk through one tile under caps, floors, minimums, ticks."""
    banded = hist.shape[0] > 0
    for i in range(tile.shape[1]):
        wealth, sees, top, low = money[i], seen[i], peak[i], ratio[i]
        rounds, state = played[i], status[i]
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                outcome = tile[j, i, offset]
                if state == PLAYING:
                    _race_shares(kind, params, t, counts, i, scratch)
                    if sees > rules[RICH]:
                        wealth, _, state = _race_rich(rules, odds, scratch, sees, outcome)
                    else:
                        wealth, _, state = _race_settle(rules, odds, scratch, sees, outcome)
                    rounds += 1
                    sees = _seen(wealth, rules, seen_table)
                    if wealth > top:
                        top = wealth
                    elif wealth < top:
                        low = min(low, wealth / top)
                counts[outcome, i] += 1
                if banded:
                    _bin(hist, band_low, band_scale, t + 1, math.log(wealth))
        money[i], seen[i], peak[i], ratio[i] = wealth, sees, top, low
        played[i], status[i] = rounds, state


@njit(cache=True, nogil=True)
def race_free_tile(tile, groups, width, first_round, kind, params, odds, log_mult,
                   log_wealth, peak, drop, played, status, counts, scratch,
                   hist, band_low, band_scale):
    """Play every path of a race chunk through one tile under frictionless rules, in ln W."""
    banded = hist.shape[0] > 0
    for i in range(tile.shape[1]):
        lw, top, fall, rounds, state = log_wealth[i], peak[i], drop[i], played[i], status[i]
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                outcome = tile[j, i, offset]
                if state == PLAYING:
                    if kind == CONSTANT:
                        lw = lw + log_mult[outcome]
                    else:
                        _race_shares(kind, params, t, counts, i, scratch)
                        lw = lw + math.log(_race_multiplier(odds, scratch, outcome))
                    rounds += 1
                    if lw == -math.inf:
                        state = RUINED
                    top = max(top, lw)
                    fall = max(fall, top - lw)
                counts[outcome, i] += 1
                if banded:
                    _bin(hist, band_low, band_scale, t + 1, lw)
        log_wealth[i], peak[i], drop[i], played[i], status[i] = lw, top, fall, rounds, state
