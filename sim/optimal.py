"""Optimal play of a capped coin game by finite-horizon dynamic programming.

Haghani & Dewey (2016) paid each subject the final bankroll, capped at $250, so the optimal
policy maximises the *expected final payout* (money, not log-money). With wealth counted in
ticks w = 0..C (C = cap/tick, 25,001 states for the $25/$250 preset in cents) and n rounds left:

    V(w, 0) = w                          (the payout, in ticks; multiplied by tick for money)
    V(w, n) = w        for w = C         (the cap ends the game) and for ruined w (below the
                                          smallest stake, or at or under the floor)
    V(w, n) = max over stakes s in {0} and [M, w]  (M = the minimum stake in ticks) of
              p V(min(w + floor(b s), C), n-1) + (1-p) V(w - s, n-1)     on heads at b-to-1,
              (1-p) V(min(w + floor(s/b), C), n-1) + p V(w - s, n-1)     on tails at 1/b-to-1,

the same rules as :func:`sim.engine.settle` (stakes in whole ticks, payouts floored to a tick, a
win past the cap pays only up to it). V(w, n) is the exact expected payout of optimal play.

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

Solved tables are cached in the user's cache folder (``KELLY_CACHE_DIR`` overrides it), keyed by
a hash of the rules; only the stakes are stored, and the values are recomputed from them by exact
policy evaluation (:func:`evaluate`), which is the same arithmetic as the solve.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
import warnings
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import platformdirs

from sim.games import CoinGame, Game
from sim.policy import BetContext, Strategy

#: environment variable naming the folder for solved tables (default: the user cache folder)
CACHE_ENV = "KELLY_CACHE_DIR"
#: bump when the solver's arithmetic or the file layout changes, so old files are not reused
CACHE_VERSION = 2
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
_MEMORY_SLOTS = 4

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


def _gain(odds: float, stake: np.ndarray | int) -> np.ndarray:
    """Ticks won by ``stake`` ticks at net ``odds``: floor(odds x stake), as the engine floors."""
    return np.floor(odds * np.asarray(stake, dtype=float) + FLOOR_GUARD).astype(np.int64)


def _terminal_shortfall(rules: TickRules) -> np.ndarray:
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


def _stake_dtype(cap_ticks: int) -> np.dtype:
    return np.dtype(np.int16) if cap_ticks <= np.iinfo(np.int16).max else np.dtype(np.int32)


def _absorbing_zero(stakes: np.ndarray, rules: TickRules) -> np.ndarray:
    stakes[: rules.live_from] = 0
    stakes[rules.cap_ticks] = 0
    return stakes


def _solve_tables(rules: TickRules, method: Method) -> tuple[np.ndarray, np.ndarray, int]:
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
    stakes = np.zeros((rounds + 1, cap + 1), dtype=_stake_dtype(cap))
    terminal = _terminal_shortfall(rules)
    shortfall[0] = terminal
    enumerated = 0
    for n in range(1, rounds + 1):
        prev = shortfall[n - 1]
        best = _best_stakes_convex(prev, rules) if method == "auto" else None
        if best is None:
            best = _best_stakes_enumerated(prev, rules)
            enumerated += 1
        stakes[n] = _absorbing_zero(best, rules)
        shortfall[n] = _expected(prev, stakes[n], rules, terminal)
    return shortfall, stakes, enumerated


def _evaluate_ticks(rules: TickRules, stakes: np.ndarray, terminal: np.ndarray) -> np.ndarray:
    """E[f(final wealth)] per (rounds left, wealth) of a policy given as signed stakes."""
    table = np.empty((rules.rounds + 1, rules.cap_ticks + 1))
    table[0] = terminal
    for n in range(1, rules.rounds + 1):
        row = stakes[n] if stakes.ndim == 2 else stakes
        table[n] = _expected(table[n - 1], row, rules, terminal)
    return table


def _payout(rules: TickRules, shortfall: np.ndarray) -> np.ndarray:
    """Money V = (C - U) x tick."""
    return (rules.cap_ticks - shortfall) * rules.tick


@dataclass(frozen=True, eq=False)
class OptimalPolicy:
    """The solved game: ``values[n, w]`` = V(w ticks, n rounds left) in money, and the optimal
    signed stake ``stakes[n, w]`` in ticks (+ heads, - tails; 0 where betting cannot help)."""

    tick: float
    cap_ticks: int
    values: np.ndarray  # (rounds + 1, cap_ticks + 1) expected payout in money
    stakes: np.ndarray  # (rounds + 1, cap_ticks + 1) signed stake in ticks
    enumerated_rounds: int  # rounds solved by enumerating every stake (0: all by the fast step)

    @property
    def rounds(self) -> int:
        return self.values.shape[0] - 1

    def _index(self, wealth, rounds_left) -> tuple[np.ndarray, int]:
        if isinstance(rounds_left, bool) or not isinstance(rounds_left, (int, np.integer)) or not (
            0 <= rounds_left <= self.rounds
        ):
            raise ValueError(
                f"rounds_left = {rounds_left!r} must be a whole number in [0, {self.rounds}]"
            )
        money = np.asarray(wealth, dtype=float)
        cap = self.cap_ticks * self.tick
        if not np.all(np.isfinite(money) & (money >= 0) & (money <= cap * (1 + 1e-12))):
            raise ValueError(f"wealth = {wealth!r} must be between 0 and the cap {cap:g}")
        return np.rint(money / self.tick).astype(np.int64), int(rounds_left)

    def value(self, wealth, rounds_left: int):
        """Expected final payout of optimal play from ``wealth`` (money, rounded to a tick)."""
        ticks, n = self._index(wealth, rounds_left)
        out = self.values[n, ticks]
        return float(out) if out.ndim == 0 else out

    def bet(self, wealth, rounds_left: int):
        """The optimal signed stake in money (+ heads, - tails) from ``wealth``."""
        ticks, n = self._index(wealth, rounds_left)
        out = self.stakes[n, ticks] * self.tick
        return float(out) if np.ndim(out) == 0 else out

    def fractions(self, wealth: np.ndarray, rounds_left: int) -> np.ndarray:
        """Signed fractions of ``wealth`` that stake the optimal number of ticks (engine input)."""
        wealth = np.asarray(wealth, dtype=float)
        ticks = np.clip(np.rint(wealth / self.tick), 0, self.cap_ticks).astype(np.int64)
        stake = self.stakes[rounds_left, ticks] * self.tick
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(wealth > 0, stake / wealth, 0.0)


# --------------------------------------------------------------------------------------------
# The cache: memory (a few recent games) and disk (stakes only; values re-evaluated).

_MEMORY: OrderedDict[str, OptimalPolicy] = OrderedDict()


def cache_dir() -> Path:
    """The folder for solved tables: ``$KELLY_CACHE_DIR`` or the user cache folder."""
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("kelly-game"))


def rules_key(rules: TickRules) -> str:
    """A short hash of everything the solution depends on (floats by their exact hex form)."""
    text = "|".join([
        f"v{CACHE_VERSION}",
        float(rules.p).hex(),
        float(rules.odds).hex(),
        str(rules.allow_tails),
        float(rules.tick).hex(),
        str(rules.cap_ticks),
        str(rules.min_stake),
        str(rules.live_from),
        str(rules.rounds),
    ])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def cache_path(game: Game) -> Path:
    """Where the solved table of ``game`` is (or would be) cached."""
    return cache_dir() / f"optimal-{rules_key(tick_rules(game))}.npz"


def _load(path: Path, key: str, rules: TickRules) -> tuple[np.ndarray, int] | None:
    """Cached stakes and enumerated-round count, or None if missing, foreign or corrupt."""
    shape = (rules.rounds + 1, rules.cap_ticks + 1)
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key:
                return None
            stakes = data["stakes"]
            enumerated = int(data["enumerated_rounds"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    if stakes.shape != shape or stakes.dtype != _stake_dtype(rules.cap_ticks):
        return None
    wealth = np.arange(rules.cap_ticks + 1)
    if np.any(np.abs(stakes.astype(np.int64)) > wealth) or (
        not rules.allow_tails and np.any(stakes < 0)
    ):
        return None
    return stakes, enumerated


def _save(path: Path, key: str, stakes: np.ndarray, enumerated: int) -> None:
    """Write the stakes atomically (temp file in the same folder, then os.replace)."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=path.stem, suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            np.savez(handle, key=np.array(key), stakes=stakes, enumerated_rounds=enumerated)
        os.replace(temporary, path)
    except OSError as error:
        warnings.warn(f"could not cache the optimal policy in {path}: {error}", stacklevel=3)
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _remember(key: str, policy: OptimalPolicy) -> OptimalPolicy:
    _MEMORY[key] = policy
    _MEMORY.move_to_end(key)
    while len(_MEMORY) > _MEMORY_SLOTS:
        _MEMORY.popitem(last=False)
    return policy


def solve(game: Game, *, use_cache: bool = True, method: Method = "auto") -> OptimalPolicy:
    """Solve (or load) the optimal policy of a capped coin game with a tick.

    ``method="enumerate"`` tries every stake in every round (the O(C^2) reference; never cached).
    A missing, foreign or corrupt cache file is recomputed and rewritten; an unwritable cache
    folder only gives a warning.
    """
    rules = tick_rules(game)
    key = rules_key(rules)

    def policy(stakes: np.ndarray, shortfall: np.ndarray, enumerated: int) -> OptimalPolicy:
        return OptimalPolicy(
            rules.tick, rules.cap_ticks, _payout(rules, shortfall), stakes, enumerated
        )

    if method != "auto" or not use_cache:
        shortfall, stakes, enumerated = _solve_tables(rules, method)
        return policy(stakes, shortfall, enumerated)
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    path = cache_dir() / f"optimal-{key}.npz"
    cached = _load(path, key, rules)
    if cached is not None:
        stakes, enumerated = cached
        shortfall = _evaluate_ticks(rules, stakes, _terminal_shortfall(rules))
        return _remember(key, policy(stakes, shortfall, enumerated))
    shortfall, stakes, enumerated = _solve_tables(rules, method)
    _save(path, key, stakes, enumerated)
    return _remember(key, policy(stakes, shortfall, enumerated))


# --------------------------------------------------------------------------------------------
# Exact evaluation of other policies on the same grid.


def fraction_stakes(game: Game, fraction: float) -> np.ndarray:
    """Signed stakes (ticks) per wealth that the engine places for a constant signed fraction.

    As :func:`sim.engine.settle`: |f| w rounded to the nearest tick (numpy rounds halves to even;
    the engine, working from e^(ln W), may round an exact half the other way), at most w, raised
    to the minimum bet where the bankroll covers it; tails only if the game allows it.
    """
    rules = tick_rules(game)
    if not (math.isfinite(fraction) and -1.0 <= fraction <= 1.0):
        raise ValueError(f"fraction = {fraction!r} must be a signed fraction in [-1, 1]")
    wealth = np.arange(rules.cap_ticks + 1)
    size = np.minimum(np.round(abs(fraction) * wealth), wealth).astype(np.int64)
    size = np.where((size > 0) & (size < rules.min_stake) & (wealth >= rules.min_stake),
                    rules.min_stake, size)
    size = np.where(size < rules.min_stake, 0, size)
    if fraction < 0 and not rules.allow_tails:
        size = np.zeros_like(size)
    return _absorbing_zero(np.sign(fraction).astype(np.int64) * size, rules)


def _checked_stakes(game: Game, stakes: np.ndarray) -> tuple[TickRules, np.ndarray]:
    rules = tick_rules(game)
    stakes = np.asarray(stakes)
    width = rules.cap_ticks + 1
    if stakes.shape not in ((width,), (rules.rounds + 1, width)):
        raise ValueError(
            f"stakes has shape {stakes.shape}; expected ({width},) or ({rules.rounds + 1}, {width})"
        )
    if not np.issubdtype(stakes.dtype, np.integer):
        raise ValueError("stakes must be whole numbers of ticks (an integer array)")
    if np.any(np.abs(stakes.astype(np.int64)) > np.arange(width)):
        raise ValueError("stakes exceed the bankroll somewhere: |stake| must be <= wealth")
    if not rules.allow_tails and np.any(stakes < 0):
        raise ValueError("stakes bet on tails but the game has allow_tails = False")
    return rules, stakes


def evaluate(game: Game, stakes: np.ndarray) -> np.ndarray:
    """Exact expected payout (money) V_pi[n, w] of a policy given as signed stakes in ticks.

    ``stakes`` is (C+1,) for a policy that ignores the rounds left, or (rounds+1, C+1) indexed by
    rounds left like :attr:`OptimalPolicy.stakes`. Same recursion as the solve, without the max.
    """
    rules, stakes = _checked_stakes(game, stakes)
    return _payout(rules, _evaluate_ticks(rules, stakes, _terminal_shortfall(rules)))


def cap_probability(game: Game, stakes: np.ndarray) -> np.ndarray:
    """Exact probability P_pi[n, w] that a policy (signed stakes in ticks) reaches the cap.

    The recursion of :func:`evaluate` with the payout replaced by 1 at the cap and 0 elsewhere.
    """
    rules, stakes = _checked_stakes(game, stakes)
    at_cap = np.zeros(rules.cap_ticks + 1)
    at_cap[rules.cap_ticks] = 1.0
    return _evaluate_ticks(rules, stakes, at_cap)


# --------------------------------------------------------------------------------------------
# The policy as a strategy for the engine.


@dataclass(frozen=True, repr=False)
class OptimalStrategy(Strategy):
    """Play the dynamic-programming optimum of a capped coin game (spec ``optimal``).

    The solved table lives in a module-level cache (memory, then disk), not on the strategy, so
    the strategy pickles in a few bytes for the engine's worker processes.
    """

    label: str = "optimal"

    def constant_fractions(self, game: Game) -> None:
        tick_rules(game)  # raises ValueError naming a missing cap or tick
        return None

    def prepare(self, game: Game) -> None:
        """Solve or load the table before the simulation starts."""
        solve(game)

    def fractions(self, ctx: BetContext) -> np.ndarray:
        return solve(ctx.game).fractions(ctx.wealth, ctx.rounds_left)
