"""The dynamic program of optimal play in whole ticks (the solve behind :func:`sim.optimal.solve`).

V(w, n), the expected capped payout of optimal play, and its recursion are defined in
:mod:`sim.optimal`; this module computes them.

**The fast exact step (even money).** Write Ṽ for V(·, n-1) held at V(C) beyond the cap. If Ṽ
is concave, the objective phi(s) = p Ṽ(w + s) + (1-p) Ṽ(w - s) of a heads stake is a sum of
concave functions of s (likewise for tails), so its increments never increase: the smallest best
stake is the first s whose increment is <= 0, found by a bisection vectorised over all w,
O(C log C) per round instead of O(C^2). Concavity carries from round to round: with x = w + s
and y = w - s, V(w, n) = h(2w) where h(z) = max_{x+y=z} p Ṽ(x) + (1-p) Ṽ(y) is the max-plus
convolution of two concave sequences, which is concave (its hypograph is the Minkowski sum of
theirs); the constraint s >= 0 never binds for the favoured side because swapping x and y cannot
help the side with the smaller probability. The argument needs x + y = 2w, i.e. even money; at
other odds the floored payouts w + floor(b s) break concavity after the first round (checked:
2-to-1 and 1-to-2 both fail it). Every round checks concavity numerically and otherwise
enumerates every stake, O(C^2) per round (other odds, floors, minimum bets).

**Numerics.** The recursion runs on the shortfall U = C - V (same averaging, min for max): near
the cap the best stakes differ by amounts far below the rounding of V ~ C, but not of U. Far from
the cap the payout is flat to about 1e-12 over a range of stakes (from $25 with 300 flips left,
every stake from $0.65 to $4.13 is optimal to 12 significant digits); a larger stake is chosen only
when it lowers U by more than :data:`TIE_TOLERANCE` of U, so the reported stake is the smallest
optimal one rather than whichever one rounding favours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.games import CoinGame, Game

#: the largest table (rounds + 1) x (cap/tick + 1) a solve may build (stakes and values in memory)
MAX_TABLE_CELLS = 40_000_000
#: rounding allowed in the convexity check of the fast step, relative to the shortfall
CONVEXITY_TOLERANCE = 1e-12
#: a larger stake must lower the shortfall U(w) by more than this share of it to be preferred:
#: far from the cap the expected payout is flat to 1e-12 over a range of stakes, and without it
#: rounding noise, not the rules, would pick among them
TIE_TOLERANCE = 1e-13
#: rounding guard for floor(b s), the same one the engine applies before flooring to a tick
FLOOR_GUARD = 1e-9

Method = Literal["auto", "enumerate"]


@dataclass(frozen=True)
class TickRules:
    """A capped coin game in whole ticks: what the dynamic program needs to know."""

    p: float
    odds: float
    allow_tails: bool
    tick: float
    cap_ticks: int  # C
    min_stake: int  # M >= 1: the least stake in ticks
    live_from: int  # wealth below this many ticks is ruined (absorbing)
    rounds: int

    @property
    def sides(self) -> list[tuple[int, float, float, float]]:
        """(sign, probability of winning, probability of losing, net odds) of each allowed side."""
        q = 1.0 - self.p
        sides = [(1, self.p, q, self.odds)]
        if self.allow_tails:
            sides.append((-1, q, self.p, 1.0 / self.odds))
        return sides


def _whole_ticks(name: str, amount: float, tick: float) -> int:
    ticks = amount / tick
    if not math.isfinite(ticks) or ticks > MAX_TABLE_CELLS:  # tick = 5e-324: cap/tick = inf
        raise ValueError(
            f"{name} = {amount:g} is {ticks:.3g} ticks of {tick:g}; optimal play counts wealth "
            f"in whole ticks, at most {MAX_TABLE_CELLS:,} (use a coarser tick)"
        )
    whole = round(ticks)
    if abs(ticks - whole) > 1e-6 * max(1.0, abs(ticks)):
        raise ValueError(
            f"{name} = {amount:g} is not a whole number of ticks (tick = {tick:g}); "
            "optimal play needs it to be"
        )
    return int(whole)


def tick_rules(game: Game) -> TickRules:
    """The game's rules in ticks, or a ValueError naming the rule optimal play needs."""
    if not isinstance(game, CoinGame):
        raise ValueError(
            f"optimal play is solved for coin games only, not {type(game).__name__}"
        )
    if game.cap is None:
        raise ValueError(
            "optimal play needs a cap: the game has cap = None (the dynamic program runs over "
            "wealth 0..cap; set e.g. cap=250)"
        )
    if game.tick <= 0:
        raise ValueError(
            f"optimal play needs a tick > 0: the game has tick = {game.tick:g} (the dynamic "
            "program counts wealth in whole ticks; set e.g. tick=0.01)"
        )
    tick = game.tick
    cap_ticks = _whole_ticks("cap", game.cap, tick)
    _whole_ticks("start", game.start, tick)
    min_stake = max(1, _whole_ticks("min_bet", game.min_bet, tick))
    cells = (game.rounds + 1) * (cap_ticks + 1)
    if cells > MAX_TABLE_CELLS:
        raise ValueError(
            f"rounds = {game.rounds} with cap/tick = {cap_ticks} needs a table of {cells:,} "
            f"cells; the limit is {MAX_TABLE_CELLS:,} (use fewer rounds or a coarser tick)"
        )
    floor_ticks = math.floor(game.floor / tick + FLOOR_GUARD)
    return TickRules(
        p=game.p,
        odds=game.odds,
        allow_tails=game.allow_tails,
        tick=tick,
        cap_ticks=cap_ticks,
        min_stake=min_stake,
        live_from=max(min_stake, floor_ticks + 1),
        rounds=game.rounds,
    )


def solve_work(rules: TickRules) -> int:
    """Worst-case stakes the solve tries: rounds x C with the even-money convex step, rounds x
    C^2 (two sides: C^2, one side: C^2/2) when it must enumerate every stake (C = cap/tick)."""
    cap = rules.cap_ticks
    if rules.odds == 1.0 and rules.live_from == 1 and rules.min_stake == 1:
        return rules.rounds * cap
    return rules.rounds * cap * cap * len(rules.sides) // 2


def _gain(odds: float, stake: np.ndarray | int) -> np.ndarray:
    """Ticks won by ``stake`` ticks at net ``odds``: floor(odds x stake), as the engine floors."""
    return np.floor(odds * np.asarray(stake, dtype=float) + FLOOR_GUARD).astype(np.int64)


def terminal_shortfall(rules: TickRules) -> np.ndarray:
    """U(w, 0) = C - w: the shortfall from the cap when no round is left."""
    return (rules.cap_ticks - np.arange(rules.cap_ticks + 1)).astype(float)


def _expected(
    prev: np.ndarray, stakes: np.ndarray, rules: TickRules, terminal: np.ndarray
) -> np.ndarray:
    """One round of policy evaluation: E[f(next wealth)] for signed stakes (ticks) per wealth.

    ``terminal`` holds f where the game has ended (ruined states and the cap). The solve and
    :func:`evaluate` both use this, so cached stakes reproduce the values exactly.
    """
    cap = rules.cap_ticks
    wealth = np.arange(cap + 1)
    out = prev.copy()  # stake 0 keeps the wealth
    for sign, p_win, p_lose, odds in rules.sides:
        rows = np.flatnonzero(stakes * sign > 0)
        if rows.size == 0:
            continue
        size = np.abs(stakes[rows]).astype(np.int64)
        win = np.minimum(wealth[rows] + _gain(odds, size), cap)
        out[rows] = p_win * prev[win] + p_lose * prev[wealth[rows] - size]
    out[: rules.live_from] = terminal[: rules.live_from]
    out[cap] = terminal[cap]
    return out


def _is_convex(shortfall: np.ndarray) -> bool:
    """Whether U, held at 0 beyond the cap, is convex up to rounding (relative to its size)."""
    slopes = np.diff(shortfall)
    bends = np.diff(slopes)
    return bool(
        np.all(bends >= -CONVEXITY_TOLERANCE * shortfall[:-2])
        and (slopes.size == 0 or slopes[-1] <= 0.0)
    )


def _first_non_decrease(prev: np.ndarray, p_win: float, p_lose: float) -> np.ndarray:
    """Per wealth w, the smallest stake s in [0, w] with phi(s+1) - phi(s) >= -eps U(w).

    phi(s) = p_win U(min(w + s, C)) + p_lose U(w - s) is convex in s when U is, so its increments
    never decrease and this s minimises phi up to eps = :data:`TIE_TOLERANCE`: the smallest stake
    beyond which a larger one gains less than rounding. A bisection, vectorised over w; its first
    probe, s = 0, settles every lane of a side without an edge.
    """
    cap = prev.size - 1
    wealth = np.arange(cap + 1)
    slack = -TIE_TOLERANCE * prev
    low = np.zeros(cap + 1, dtype=np.int64)
    high = wealth.copy()
    high[cap] = 0
    probe = low.copy()
    while True:
        rows = np.flatnonzero(low < high)
        if rows.size == 0:
            return low
        s = probe[rows]
        w = wealth[rows]
        up = prev[np.minimum(w + s + 1, cap)] - prev[np.minimum(w + s, cap)]
        down = prev[w - s - 1] - prev[w - s]
        stop = p_win * up + p_lose * down >= slack[w]
        high[rows] = np.where(stop, s, high[rows])
        low[rows] = np.where(stop, low[rows], s + 1)
        probe = (low + high) // 2


def _best_stakes_convex(prev: np.ndarray, rules: TickRules) -> np.ndarray | None:
    """Optimal signed stakes by the convex search at even money, or None where it does not apply
    (other odds, floors, minimum bets, or a U that is not convex)."""
    cap = rules.cap_ticks
    if rules.odds != 1.0 or rules.live_from != 1 or rules.min_stake != 1 or not _is_convex(prev):
        return None
    wealth = np.arange(cap + 1)
    best = prev.copy()
    stakes = np.zeros(cap + 1, dtype=np.int64)
    for sign, p_win, p_lose, _ in rules.sides:
        s = _first_non_decrease(prev, p_win, p_lose)
        value = p_win * prev[np.minimum(wealth + s, cap)] + p_lose * prev[wealth - s]
        better = (s > 0) & (value < best - TIE_TOLERANCE * prev)
        best = np.where(better, value, best)
        stakes = np.where(better, sign * s, stakes)
    return stakes


def _best_stakes_enumerated(prev: np.ndarray, rules: TickRules) -> np.ndarray:
    """Optimal signed stakes by trying every stake s = M..C-1 for every wealth (O(C^2))."""
    cap = rules.cap_ticks
    wealth = np.arange(cap + 1)
    best = prev.copy()
    stakes = np.zeros(cap + 1, dtype=np.int64)
    for stake in range(rules.min_stake, cap):
        rows = slice(stake, cap)  # wealth that covers the stake, below the cap
        lose = prev[: cap - stake]
        for sign, p_win, p_lose, odds in rules.sides:
            win = prev[np.minimum(wealth[rows] + int(_gain(odds, stake)), cap)]
            value = p_win * win + p_lose * lose
            better = value < best[rows] - TIE_TOLERANCE * prev[rows]
            best[rows] = np.where(better, value, best[rows])
            stakes[rows] = np.where(better, sign * stake, stakes[rows])
    return stakes


def stake_dtype(cap_ticks: int) -> np.dtype:
    return np.dtype(np.int16) if cap_ticks <= np.iinfo(np.int16).max else np.dtype(np.int32)


def absorbing_zero(stakes: np.ndarray, rules: TickRules) -> np.ndarray:
    stakes[: rules.live_from] = 0
    stakes[rules.cap_ticks] = 0
    return stakes


def solve_tables(rules: TickRules, method: Method) -> tuple[np.ndarray, np.ndarray, int]:
    """Shortfalls U = C - V (ticks) and signed stakes (ticks) for n = 0..T rounds left, and the
    number of rounds solved by enumeration.

    The recursion runs on the shortfall from the cap, U(w, n) = C - V(w, n), which obeys the same
    averaging (p + (1 - p) = 1) with a min instead of a max; near the cap, where the best bets
    differ by tiny amounts, U keeps full relative precision while V = C - U would round them away.
    """
    if method not in ("auto", "enumerate"):
        raise ValueError(f"method = {method!r}; expected 'auto' or 'enumerate'")
    cap, rounds = rules.cap_ticks, rules.rounds
    shortfall = np.empty((rounds + 1, cap + 1))
    stakes = np.zeros((rounds + 1, cap + 1), dtype=stake_dtype(cap))
    terminal = terminal_shortfall(rules)
    shortfall[0] = terminal
    enumerated = 0
    for n in range(1, rounds + 1):
        prev = shortfall[n - 1]
        best = _best_stakes_convex(prev, rules) if method == "auto" else None
        if best is None:
            best = _best_stakes_enumerated(prev, rules)
            enumerated += 1
        stakes[n] = absorbing_zero(best, rules)
        shortfall[n] = _expected(prev, stakes[n], rules, terminal)
    return shortfall, stakes, enumerated


def evaluate_ticks(rules: TickRules, stakes: np.ndarray, terminal: np.ndarray) -> np.ndarray:
    """E[f(final wealth)] per (rounds left, wealth) of a policy given as signed stakes."""
    table = np.empty((rules.rounds + 1, rules.cap_ticks + 1))
    table[0] = terminal
    for n in range(1, rules.rounds + 1):
        row = stakes[n] if stakes.ndim == 2 else stakes
        table[n] = _expected(table[n - 1], row, rules, terminal)
    return table


def payout(rules: TickRules, shortfall: np.ndarray) -> np.ndarray:
    """Money V = (C - U) x tick."""
    return (rules.cap_ticks - shortfall) * rules.tick
