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
win past the cap pays only up to it). V(w, n) is the exact expected payout of optimal play;
:mod:`sim.optimal_solver` holds the dynamic program (and why its fast step is exact).

Solved tables are cached in the user's cache folder (``KELLY_CACHE_DIR`` overrides it), keyed by
a hash of the rules (:mod:`sim.optimal_cache`): the stakes, the start values and a checksum are
stored, and a file is trusted only once the values recomputed from its stakes by exact policy
evaluation (:func:`evaluate`, the solve's own arithmetic) match; a bad file is moved aside and the
game solved again.
"""

from __future__ import annotations

import math
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim import files, optimal_cache
from sim.games import Game
from sim.optimal_cache import CACHE_ENV, CACHE_VERSION, cache_dir, rules_key  # noqa: F401
from sim.optimal_solver import (
    Method,
    TickRules,
    absorbing_zero,
    evaluate_ticks,
    payout,
    solve_tables,
    terminal_shortfall,
    tick_rules,
)
from sim.policy import BetContext, Strategy

_MEMORY_SLOTS = 4

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


def cache_path(game: Game) -> Path:
    """Where the solved table of ``game`` is (or would be) cached."""
    return cache_dir() / f"optimal-{rules_key(tick_rules(game))}.npz"


def _load(path: Path, key: str, rules: TickRules) -> tuple[np.ndarray, int] | None:
    """Cached stakes and enumerated-round count, verified (:mod:`sim.optimal_cache`); None if
    missing; a damaged, foreign or tampered file is moved aside with a warning ("cache
    ignored, solving again") and None returned."""
    try:
        return optimal_cache.load(path, key, rules)
    except files.UnreadableFile as error:
        aside = files.move_aside(path)
        kept = f"kept as {aside.name}" if aside is not None else "it could not be moved aside"
        warnings.warn(f"{error}; cache ignored, solving again ({kept})", UserWarning,
                      stacklevel=3)
        return None


def _save(path: Path, key: str, rules: TickRules, stakes: np.ndarray, shortfall: np.ndarray,
          enumerated: int) -> None:
    """Write the stakes and their start values atomically; an unwritable folder warns."""
    try:
        optimal_cache.save(path, key, rules, stakes, shortfall[rules.rounds], enumerated)
    except (OSError, files.UnwritableFile) as error:
        warnings.warn(f"could not cache the optimal policy in {path}: {error}", stacklevel=3)


def _remember(key: str, policy: OptimalPolicy) -> OptimalPolicy:
    _MEMORY[key] = policy
    _MEMORY.move_to_end(key)
    while len(_MEMORY) > _MEMORY_SLOTS:
        _MEMORY.popitem(last=False)
    return policy


def solve(game: Game, *, use_cache: bool = True, method: Method = "auto") -> OptimalPolicy:
    """Solve (or load) the optimal policy of a capped coin game with a tick.

    A missing, foreign or corrupt cache file is recomputed and rewritten; an unwritable cache
    folder only gives a warning.

    Parameters
    ----------
    game : CoinGame
        A coin game with a cap and a tick (cap and start in whole ticks).
    use_cache : bool, default True
        Look in (and write to) the memory and disk caches.
    method : {"auto", "enumerate"}
        ``"enumerate"`` tries every stake in every round (the O(C^2) reference; never cached).

    Returns
    -------
    OptimalPolicy
        ``values[n, w]`` (expected payout) and ``stakes[n, w]`` (signed ticks) for n rounds left.

    Raises
    ------
    ValueError
        If the game is not a coin game, has no cap or tick, or its table would be too large.

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> policy = solve(CoinGame(p=0.6, start=10, cap=20, tick=1, rounds=5), use_cache=False)
    >>> round(policy.value(10, 5), 4), policy.bet(10, 5)
    (13.6051, 4.0)
    """
    rules = tick_rules(game)
    key = rules_key(rules)

    def policy(stakes: np.ndarray, shortfall: np.ndarray, enumerated: int) -> OptimalPolicy:
        return OptimalPolicy(
            rules.tick, rules.cap_ticks, payout(rules, shortfall), stakes, enumerated
        )

    if method != "auto" or not use_cache:
        shortfall, stakes, enumerated = solve_tables(rules, method)
        return policy(stakes, shortfall, enumerated)
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    path = cache_dir() / f"optimal-{key}.npz"
    cached = _load(path, key, rules)
    if cached is not None:
        stakes, enumerated = cached
        shortfall = evaluate_ticks(rules, stakes, terminal_shortfall(rules))
        return _remember(key, policy(stakes, shortfall, enumerated))
    shortfall, stakes, enumerated = solve_tables(rules, method)
    _save(path, key, rules, stakes, shortfall, enumerated)
    return _remember(key, policy(stakes, shortfall, enumerated))


# --------------------------------------------------------------------------------------------
# Exact evaluation of other policies on the same grid.


def fraction_stakes(game: Game, fraction: float) -> np.ndarray:
    """Signed stakes (ticks) per wealth that the engine places for a constant signed fraction.

    As :func:`sim.engine.settle`: |f| w rounded to the nearest tick (numpy rounds halves to even;
    the engine, working from e^(ln W), may round an exact half the other way), at most w, raised
    to the minimum bet where the bankroll covers it; tails only if the game allows it.

    Parameters
    ----------
    game : CoinGame
        A coin game with a cap and a tick.
    fraction : float
        Signed fraction in [-1, 1] (negative: tails).

    Returns
    -------
    numpy.ndarray
        Stake in ticks for each wealth 0..cap/tick (0 where the game is over).

    Raises
    ------
    ValueError
        If the game cannot be solved in ticks or the fraction is outside [-1, 1].

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> fraction_stakes(CoinGame(p=0.6, start=4, cap=8, tick=1, rounds=3), 0.5).tolist()
    [0, 0, 1, 2, 2, 2, 3, 4, 0]
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
    return absorbing_zero(np.sign(fraction).astype(np.int64) * size, rules)


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

    Same recursion as the solve, without the max.

    Parameters
    ----------
    game : CoinGame
        A coin game with a cap and a tick.
    stakes : numpy.ndarray
        Integer stakes, (C+1,) for a policy that ignores the rounds left, or (rounds+1, C+1)
        indexed by rounds left like :attr:`OptimalPolicy.stakes`.

    Returns
    -------
    numpy.ndarray
        (rounds+1, C+1) expected final payout in money.

    Raises
    ------
    ValueError
        If the stakes have the wrong shape or type, exceed the bankroll, or bet on a side the
        game does not allow.

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> game = CoinGame(p=0.6, start=4, cap=8, tick=1, rounds=3)
    >>> round(float(evaluate(game, fraction_stakes(game, 0.5))[3, 4]), 4)
    4.672
    """
    rules, stakes = _checked_stakes(game, stakes)
    return payout(rules, evaluate_ticks(rules, stakes, terminal_shortfall(rules)))


def cap_probability(game: Game, stakes: np.ndarray) -> np.ndarray:
    """Exact probability P_pi[n, w] that a policy (signed stakes in ticks) reaches the cap.

    The recursion of :func:`evaluate` with the payout replaced by 1 at the cap and 0 elsewhere.

    Parameters
    ----------
    game : CoinGame
        A coin game with a cap and a tick.
    stakes : numpy.ndarray
        Integer stakes, as for :func:`evaluate`.

    Returns
    -------
    numpy.ndarray
        (rounds+1, C+1) probabilities.

    Raises
    ------
    ValueError
        As :func:`evaluate`.

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> game = CoinGame(p=0.6, start=4, cap=8, tick=1, rounds=1)
    >>> round(float(cap_probability(game, fraction_stakes(game, 1.0))[1, 4]), 12)  # all-in
    0.6
    """
    rules, stakes = _checked_stakes(game, stakes)
    at_cap = np.zeros(rules.cap_ticks + 1)
    at_cap[rules.cap_ticks] = 1.0
    return evaluate_ticks(rules, stakes, at_cap)


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
