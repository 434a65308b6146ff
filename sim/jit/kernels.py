"""The compiled round-by-round kernels: every path of a chunk over one tile of outcomes.

Each kernel takes the chunk's outcome tile (groups, paths, width) as the engine draws it (round
t = first_round + j * width + offset is ``tile[j, path, offset]``) and steps blocks of
:data:`~sim.jit.layout.BLOCK` paths side by side through the tile's rounds, so a chunk costs
one call per tile and strategy. The arithmetic repeats :func:`sim.engine.settle` and the
strategies' ``fractions`` operation for operation (same IEEE double operations in the same
order, no fastmath; ``error_model="numpy"`` so a division by zero gives inf as in numpy).

* :mod:`sim.jit.lookups`: policies whose round is a table look-up or a multiply (constant
  fractions and fixed amounts under a cap and a tick, optimal play at even money, constant
  fractions without a tick).
* :func:`coin_rules_tile` / :func:`sim.jit.race.race_rules_tile` (caps, floors, minimum bets,
  ticks) keep the bankroll in money. The numpy engine keeps ln W and settles e^(ln W), an ulp
  or so from the money; only a stake of half a tick (or a bankroll equal to the minimum bet)
  can tell them apart, and there the coin kernel settles numpy's seen value from
  ``seen_table`` (``np.exp(np.log(k * tick))``); the race kernel always does.
* :func:`coin_free_tile` / :func:`sim.jit.race.race_free_tile` (frictionless rules) keep ln W,
  as numpy does, and add ln(multiplier) every round.

Helpers take scalars and tuples only (arrays passed to an inlined helper cost a reference count
per call); rules, parameters and state are plain arrays (indices in :mod:`sim.jit.layout`), so
each kernel has one signature and :func:`sim.jit.runner.warm_up` compiles or loads all of them.
"""

from __future__ import annotations

import math

from sim.jit import cache as _cache  # noqa: F401  (sets NUMBA_CACHE_DIR before numba loads)

# isort: split
import numpy as np
from numba import njit

from sim.jit.layout import (  # isort: skip
    AMOUNT,
    BAYES,
    BLOCK,
    CAP,
    CAPPED,
    CONSTANT,
    FLOOR,
    GUARD,
    INV_ODDS,
    INV_TICK,
    MARTINGALE,
    MIN_BET,
    OPTIMAL,
    ODDS,
    PLAYING,
    RICH,
    ROUNDS,
    RUINED,
    SMALLEST,
    START_SEEN,
    TAILS,
    TICK,
)


def _rules(rules):
    """The rules vector as a tuple of scalars: helpers take it by value (no reference counts)."""
    return (rules[ODDS], rules[TICK], rules[MIN_BET], rules[CAP], rules[FLOOR],
            rules[SMALLEST], rules[RICH], rules[TAILS], rules[ROUNDS], rules[INV_TICK],
            rules[INV_ODDS], rules[START_SEEN])


rules_tuple = njit(cache=True, nogil=True, error_model="numpy")(_rules)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _bin_of(value, low, scale, bins):
    """The histogram column of ``value``: 0 below, bins + 1 above, else 1 + its bin."""
    position = (value - low) * scale
    if not position >= 0.0:  # also -inf (ruin) and nan
        return 0
    if position >= bins:
        return bins + 1
    return 1 + int(position)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _coin_fraction(kind, p0, p1, r, t, wealth, heads, last_stake, last_won, table_stake):
    """The signed coin fraction of a strategy, as its numpy ``fractions`` computes it.

    ``table_stake`` is optimal play's stake in ticks for this wealth and round (else 0).
    """
    if kind == CONSTANT:
        return p0
    if kind == AMOUNT:
        return min(1.0, p0 / wealth) if wealth > 0 else 0.0
    if kind == MARTINGALE:
        stake = p0 if (t == 0 or last_won) else 2.0 * last_stake
        if not stake > 0:
            stake = p0
        return min(1.0, stake / wealth) if wealth > 0 else 0.0
    if kind == BAYES:
        odds = r[ODDS]
        q = (p0 + heads) / (p1 + t)
        up = max(q - (1.0 - q) / odds, 0.0)
        down = max((1.0 - q) - q * odds, 0.0) if r[TAILS] > 0 else 0.0
        return up if up >= down else -down
    stake = table_stake * r[TICK]  # OPTIMAL
    return stake / wealth if wealth > 0 else 0.0


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _optimal_index(r, wealth, cap_ticks):
    """Wealth in ticks as sim.optimal.OptimalPolicy.fractions indexes its table."""
    return int(min(max(np.rint(wealth / r[TICK]), 0.0), cap_ticks))


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _close_whole(r, new, size):
    """The end of settle for a payout already floored to a tick: cap and ruin."""
    new = max(new, 0.0)
    if new >= r[CAP]:
        return r[CAP], size, CAPPED
    smallest = r[SMALLEST]
    if new <= r[FLOOR] or new <= 0 or (smallest > 0 and new < smallest):
        return new, size, RUINED
    return new, size, PLAYING


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _close(r, new, size):
    """Floor the payout to a tick, apply the cap, and decide ruin (the end of settle)."""
    tick = r[TICK]
    if tick > 0:
        new = np.floor(new / tick + GUARD) * tick
    return _close_whole(r, new, size)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _coin_settle(r, fraction, wealth, outcome):
    """One coin round in money (sim.engine.settle, operation for operation): wealth, stake,
    status."""
    odds, tick, min_bet = r[ODDS], r[TICK], r[MIN_BET]
    stake = min(max(fraction * wealth, -wealth), wealth)
    if r[TAILS] == 0:
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
    # both sides, then a select: the flip is unpredictable, a branch on it would mispredict
    if_heads = wealth + odds * on_heads - on_tails
    if_tails = wealth - on_heads + on_tails / odds
    return _close(r, if_heads if outcome == 0 else if_tails, size)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _coin_settle_ticks(r, amount, wealth, outcome):
    """:func:`_coin_settle` for whole ticks, multiplying by 1/tick instead of dividing.

    ``wealth`` is exact money (k x tick); the numpy engine settles e^(ln W), an ulp or so away.
    That changes nothing, because every rounding here is a floor with a 1e-9 guard or a rint,
    except a stake of (nearly) half a tick, which rint may send either way, and a bankroll
    equal to the minimum bet. For those the last value is False and the caller settles numpy's
    seen wealth exactly as numpy does. ``amount`` is the signed stake before the rules
    (fraction x wealth; optimal play's table stake in money).
    """
    odds, min_bet, inv_tick, tick = r[ODDS], r[MIN_BET], r[INV_TICK], r[TICK]
    stake = min(max(amount, -wealth), wealth)
    if r[TAILS] == 0:
        stake = max(stake, 0.0)
    ticks = abs(stake) * inv_tick
    whole = np.rint(ticks)
    clear = abs(abs(ticks - whole) - 0.5) > 1e-6
    if min_bet > 0:
        clear = clear and abs(wealth - min_bet) > 1e-9 * min_bet
    size = min(whole, np.rint(wealth * inv_tick)) * tick
    if min_bet > 0:
        if size > 0 and size < min_bet and wealth >= min_bet:
            size = min_bet
        if size < min_bet:
            size = 0.0
    on_heads = size if stake > 0 else 0.0
    on_tails = size if stake < 0 else 0.0
    if_heads = wealth + odds * on_heads - on_tails
    if_tails = wealth - on_heads + on_tails * r[INV_ODDS]
    new = np.floor((if_heads if outcome == 0 else if_tails) * inv_tick + GUARD) * tick
    new, size, state = _close_whole(r, new, size)
    return new, size, state, clear


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _coin_multiplier(odds, fraction, outcome):
    on_heads = max(fraction, 0.0)
    on_tails = max(-fraction, 0.0)
    if_heads = 1.0 + odds * on_heads - on_tails
    if_tails = 1.0 - on_heads + on_tails / odds
    return if_heads if outcome == 0 else if_tails


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _coin_rich(r, fraction, wealth, outcome):
    """A round past 2^53 ticks (no cap): the rules can no longer change the stake."""
    low = -1.0 if r[TAILS] > 0 else 0.0
    bet = min(max(fraction, low), 1.0)
    new = wealth * _coin_multiplier(r[ODDS], bet, outcome)
    ruined = new <= max(r[FLOOR], r[SMALLEST]) or new == 0.0
    return new, abs(bet) * wealth, RUINED if ruined else PLAYING


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _seen_index(r, wealth):
    """The row of the seen table for a bankroll of whole ticks."""
    return int(np.rint(wealth * r[INV_TICK]))


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _seen_wealth(r, wealth, t, seen_table):
    """What the numpy engine sees of a bankroll of whole ticks, e^(ln W): before round 0 the
    start's, else numpy's own value from ``seen_table`` (the money itself past the table).
    Called only for a stake of half a tick, so the array argument's cost does not matter."""
    if t == 0:
        return r[START_SEEN]
    row = _seen_index(r, wealth)
    return seen_table[row] if row < seen_table.shape[0] else wealth


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _drawdown(top, low, wealth):
    """New running peak and lowest wealth / peak (a max, not a branch on the flip)."""
    top = max(top, wealth)
    if wealth < low * top:  # a new lowest share of the peak: rare, so one division
        low = min(low, wealth / top)
    return top, low


@njit(cache=True, nogil=True, error_model="numpy")
# One loop body with every rule inlined: split into helpers, numba pays a reference count per
# array argument per call (measured about 5x slower), so the complexity stays here.
def coin_rules_tile(tile, groups, width, first_round, kind, params, rules, optimal, seen_table,
                    money, peak, ratio, last_stake, last_won, played, status, heads,
                    hist, band_low, band_scale, band_paths):
    """Play every path of a coin chunk through one tile under caps, floors, minimums, ticks.

    Paths go in blocks of :data:`BLOCK`, the tile's rounds inside, the block's paths innermost:
    a path's round depends on its last one, so stepping a block side by side keeps independent
    chains in flight while their state and outcomes stay in L1. Helpers take scalars only.
    ``ratio`` is the lowest wealth / running peak so far (max drawdown = 1 - ratio).
    """
    r = rules_tuple(rules)
    p0, p1 = params[0], params[-1]
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    ticked = r[TICK] > 0
    cap_ticks = optimal.shape[1] - 1.0
    paths = tile.shape[1]
    for first in range(0, paths, BLOCK):
        last = min(first + BLOCK, paths)
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                left = int(r[ROUNDS]) - t
                for i in range(first, last):
                    outcome = tile[j, i, offset]
                    if status[i] == PLAYING:
                        wealth = money[i]
                        if ticked and wealth <= r[RICH]:
                            if kind == OPTIMAL:  # whole ticks: the table's stake, no division
                                row = min(_seen_index(r, wealth), optimal.shape[1] - 1)
                                amount = optimal[left, row] * r[TICK]
                            else:
                                amount = wealth * _coin_fraction(
                                    kind, p0, p1, r, t, wealth, heads[i], last_stake[i],
                                    last_won[i], 0)
                            new, stake, state, clear = _coin_settle_ticks(r, amount, wealth,
                                                                          outcome)
                            if not clear:  # half a tick: settle what numpy sees, as numpy does
                                sees = _seen_wealth(r, wealth, t, seen_table)
                                table_stake = 0
                                if kind == OPTIMAL:
                                    table_stake = optimal[left,
                                                          _optimal_index(r, sees, cap_ticks)]
                                f = _coin_fraction(kind, p0, p1, r, t, sees, heads[i],
                                                   last_stake[i], last_won[i], table_stake)
                                new, stake, state = _coin_settle(r, f, sees, outcome)
                        else:
                            table_stake = 0
                            if kind == OPTIMAL:
                                table_stake = optimal[left, _optimal_index(r, wealth, cap_ticks)]
                            f = _coin_fraction(kind, p0, p1, r, t, wealth, heads[i],
                                               last_stake[i], last_won[i], table_stake)
                            if wealth > r[RICH]:
                                new, stake, state = _coin_rich(r, f, wealth, outcome)
                            else:
                                new, stake, state = _coin_settle(r, f, wealth, outcome)
                        money[i], last_stake[i], status[i] = new, stake, state
                        last_won[i] = new > wealth
                        played[i] += 1
                        peak[i], ratio[i] = _drawdown(peak[i], ratio[i], new)
                    heads[i] += outcome == 0
                    if banded and i < band_paths:
                        hist[t + 1, _bin_of(math.log(money[i]), band_low[t + 1],
                                            band_scale[t + 1], bins)] += 1


@njit(cache=True, nogil=True, error_model="numpy")
def coin_free_tile(tile, groups, width, first_round, kind, params, rules, log_mult, optimal,
                   log_wealth, peak, drop, last_stake, last_won, played, status, heads,
                   hist, band_low, band_scale, band_paths):
    """Play every path of a coin chunk through one tile under frictionless rules, in ln W.

    ``kind == CONSTANT`` adds ``log_mult[outcome]`` (used for fan-chart bands only; the engine
    plays constant bets from the win counts).
    """
    r = rules_tuple(rules)
    p0, p1 = params[0], params[-1]
    banded = hist.shape[0] > 0
    bins = hist.shape[1] - 2
    odds = r[ODDS]
    uses_wealth = kind == AMOUNT or kind == MARTINGALE
    paths = tile.shape[1]
    for first in range(0, paths, BLOCK):
        last = min(first + BLOCK, paths)
        for j in range(groups):
            for offset in range(width):
                t = first_round + j * width + offset
                for i in range(first, last):
                    outcome = tile[j, i, offset]
                    lw = log_wealth[i]
                    if status[i] == PLAYING:
                        if kind == CONSTANT:
                            lw = lw + log_mult[outcome]
                        else:
                            wealth = math.exp(lw) if uses_wealth else 0.0
                            f = _coin_fraction(kind, p0, p1, r, t, wealth, heads[i],
                                               last_stake[i], last_won[i], 0)
                            multiplier = _coin_multiplier(odds, f, outcome)
                            last_stake[i] = abs(f) * wealth
                            last_won[i] = multiplier > 1.0
                            lw = lw + math.log(multiplier)
                        log_wealth[i] = lw
                        played[i] += 1
                        if lw == -math.inf:
                            status[i] = RUINED
                        top = max(peak[i], lw)
                        peak[i] = top
                        drop[i] = max(drop[i], top - lw)
                    heads[i] += outcome == 0
                    if banded and i < band_paths:
                        hist[t + 1, _bin_of(lw, band_low[t + 1], band_scale[t + 1], bins)] += 1

