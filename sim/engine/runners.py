"""The per-strategy runners of a chunk of paths (see :mod:`sim.engine` for the design).

A :class:`ConstantRunner` advances a constant bet under frictionless rules by table look-ups
(a byte of 8 coin flips at a time); an :class:`AdaptiveRunner` plays any policy one round at a
time under the money rules of :mod:`sim.engine.rules`. :mod:`sim.engine.kernels` drives them.
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine.draws import GROUP_ROUNDS
from sim.engine.rules import coin_settle_multiplier, race_settle_multiplier, settle_with_friction
from sim.games import CoinGame, Game
from sim.policy import BetContext, Strategy


def log_multipliers(strategy: Strategy, game: Game) -> np.ndarray | None:
    """ln m_i of a constant strategy's per-outcome multipliers, or None for an adaptive one."""
    multipliers = strategy.multipliers(game)
    if multipliers is None:
        return None
    with np.errstate(divide="ignore"):
        return np.log(multipliers)


def terminal_log_wealth(log_start: float, log_mult: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """ln W_0 + sum_i N_i ln m_i for counts (K, ...) with 0 ln 0 = 0, summed in outcome order.

    The one formula behind both methods, so equal counts give bit-identical wealth.
    """
    total = None
    for count, log_m in zip(counts, log_mult, strict=True):
        if log_m == -math.inf:  # a multiplier of 0: ruin once it comes up
            term = np.where(count > 0, -math.inf, 0.0)
        else:
            term = count * log_m
        total = term if total is None else total + term
    return log_start + total


def counts_log_wealth(game: Game, strategy: Strategy, counts: np.ndarray) -> np.ndarray:
    """ln W_T = ln W_0 + sum_i N_i ln m_i for outcome counts N (paths, K); 0 ln 0 counts as 0.

    Parameters
    ----------
    game : CoinGame or RaceGame
        The rules (frictionless) and the starting bankroll.
    strategy : Strategy
        A constant strategy (one with :meth:`~sim.policy.Strategy.multipliers`).
    counts : numpy.ndarray
        (paths, K) how often each outcome came up.

    Returns
    -------
    numpy.ndarray
        ln W_T per path (-inf where a multiplier of 0 came up).

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> from sim.strategies import FixedFraction
    >>> w = counts_log_wealth(CoinGame(p=0.6, start=1.0), FixedFraction(0.5), [[1, 1]])
    >>> round(float(w[0]), 6)  # ln(1.5 * 0.5)
    -0.287682
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return terminal_log_wealth(
            math.log(game.start), np.log(strategy.multipliers(game)), np.asarray(counts).T
        )


def pattern_table(log_mult: np.ndarray, length: int) -> np.ndarray:
    """Per sequence of ``length`` outcomes (code sum_j o_j K^j): net change of ln W, highest
    partial sum, minus the lowest partial sum, and largest fall from a peak inside it.

    Partial sums start at 0 before the first round, so the last three columns are >= 0.
    """
    k = len(log_mult)
    codes = np.arange(k**length)
    digits = (codes[:, None] // k ** np.arange(length)) % k
    partial = np.zeros((codes.size, length + 1))
    np.cumsum(log_mult[digits], axis=1, out=partial[:, 1:])
    peak = np.maximum.accumulate(partial, axis=1)
    return np.stack(
        [partial[:, -1], peak[:, -1], -partial.min(axis=1), (peak - partial).max(axis=1)], axis=1
    )


class ConstantRunner:
    """A constant bet under frictionless rules (see the :mod:`sim.engine` docstring)."""

    def __init__(self, log_mult: np.ndarray, paths: int, log_start: float,
                 trajectory: np.ndarray | None, rows: np.ndarray, scratch: np.ndarray) -> None:
        self.log_mult = log_mult
        self.log_start = log_start
        self.group_table = pattern_table(log_mult, GROUP_ROUNDS) if len(log_mult) == 2 else None
        self.round_table = pattern_table(log_mult, 1)
        self.gap = np.zeros(paths)  # ln(peak / W) now
        self.drop = np.zeros(paths)  # largest gap so far
        self._rows = rows  # (TILE_GROUPS, paths, 4) and (paths,) scratch, shared by the chunk's
        self._scratch = scratch  # constant runners (they run one after the other)
        self.trajectory = trajectory  # (kept paths, T + 1) ln W_t to fill, or None

    def groups(self, codes: np.ndarray) -> None:
        """Advance by whole coin groups; ``codes`` (groups, paths) are the group bytes."""
        rows = self._rows[: len(codes)]
        np.take(self.group_table, codes, axis=0, out=rows, mode="clip")
        for row in rows:
            self._advance(row)

    def round(self, outcome: np.ndarray, t: int, counts: np.ndarray) -> None:
        """Advance by one round; ``counts`` already include it."""
        np.take(self.round_table, outcome, axis=0, out=self._rows[0], mode="clip")
        self._advance(self._rows[0])
        if self.trajectory is not None:  # the kept paths come first
            kept = counts[:, : len(self.trajectory)]
            self.trajectory[:, t + 1] = terminal_log_wealth(self.log_start, self.log_mult, kept)

    def _advance(self, row: np.ndarray) -> None:
        net, high, low, fall = row.T
        np.add(self.gap, low, out=self._scratch)
        np.maximum(self.drop, self._scratch, out=self.drop)
        np.maximum(self.drop, fall, out=self.drop)
        np.maximum(self.gap, high, out=self.gap)
        np.subtract(self.gap, net, out=self.gap)

    def finish(self, counts: np.ndarray, rounds: int) -> dict[str, np.ndarray]:
        log_wealth = terminal_log_wealth(self.log_start, self.log_mult, counts)
        return {
            "log_wealth": log_wealth,
            "max_drawdown": -np.expm1(-self.drop),
            "capped": np.zeros(log_wealth.shape, dtype=bool),
            "ruined": log_wealth == -np.inf,
            "rounds_played": np.full(log_wealth.shape, rounds, dtype=np.int64),
        }


def _frictionless_round(game: Game, log_wealth, wealth, fractions, outcome, active):
    """One frictionless round in log space: new ln W, won, staked, capped (None), ruined."""
    if isinstance(game, CoinGame):
        multiplier = coin_settle_multiplier(game, fractions, outcome == 0)
        staked = np.abs(fractions) * wealth
    else:
        multiplier = race_settle_multiplier(game, fractions, outcome)
        staked = fractions.sum(axis=1) * wealth
    multiplier = np.where(active, multiplier, 1.0)
    with np.errstate(divide="ignore"):
        log_wealth = log_wealth + np.log(multiplier)
    won, staked = multiplier > 1.0, np.where(active, staked, 0.0)
    return log_wealth, won, staked, None, log_wealth == -np.inf


class AdaptiveRunner:
    """A policy that needs money rules or decides from the history: one round at a time.

    Capped and ruined paths never bet again, so once a quarter of the paths in play have
    stopped, the rest are gathered by index and only they are played (policies decide path by
    path, so a subset of paths gets the same fractions it would get among all of them).
    """

    def __init__(self, game: Game, strategy: Strategy, paths: int, log_start: float,
                 trajectory: np.ndarray | None) -> None:
        self.game = game
        self.strategy = strategy
        self.log_wealth = np.full(paths, log_start)
        self.peak = np.full(paths, log_start)
        self.drop = np.zeros(paths)
        self.rounds_played = np.zeros(paths, dtype=np.int64)
        self.capped = np.zeros(paths, dtype=bool)
        self.ruined = np.zeros(paths, dtype=bool)
        self.last_stake = np.zeros(paths)
        self.last_won = np.zeros(paths, dtype=bool)
        self.live: slice | np.ndarray = slice(None)  # the paths still in play (a superset)
        self.trajectory = trajectory  # (kept paths, T + 1) ln W_t to fill, or None
        self._settle = _frictionless_round if game.is_frictionless else settle_with_friction

    def round(self, t: int, outcome: np.ndarray, counts: np.ndarray | None) -> None:
        live = self.live
        if not isinstance(live, np.ndarray) or live.size:
            self._play(t, live, outcome[live], None if counts is None else counts[live])
        if self.trajectory is not None:  # the kept paths come first
            self.trajectory[:, t + 1] = self.log_wealth[: len(self.trajectory)]

    def _play(self, t: int, live, outcome: np.ndarray, counts: np.ndarray | None) -> None:
        """One round for the paths ``live`` (a slice or indices) given their outcomes."""
        log_wealth = self.log_wealth[live]
        active = ~(self.capped[live] | self.ruined[live])
        context = BetContext(
            game=self.game,
            round=t,
            log_wealth=log_wealth,
            counts=counts,
            last_stake=self.last_stake[live],
            last_won=self.last_won[live],
        )
        fractions = np.asarray(self.strategy.fractions(context), dtype=float)
        with np.errstate(over="ignore"):
            wealth = np.exp(log_wealth)
        log_wealth, won, staked, capped, ruined = self._settle(
            self.game, log_wealth, wealth, fractions, outcome, active
        )
        self._record(live, active, log_wealth, won, staked, capped, ruined)

    def _record(self, live, active, log_wealth, won, staked, capped, ruined) -> None:
        """Store one round's results for the paths ``live``; drop stopped paths from play."""
        self.log_wealth[live] = log_wealth
        self.last_won[live] = won
        self.last_stake[live] = staked
        self.rounds_played[live] += active
        stopped = ruined if capped is None else capped | ruined
        if capped is not None:
            self.capped[live] |= capped
        self.ruined[live] |= ruined
        peak = np.maximum(self.peak[live], log_wealth)
        self.peak[live] = peak
        self.drop[live] = np.maximum(self.drop[live], peak - log_wealth)
        playing = active & ~stopped
        if 4 * np.count_nonzero(~playing) >= playing.size:
            self.live = np.flatnonzero(playing) if isinstance(live, slice) else live[playing]

    def finish(self, counts: np.ndarray, rounds: int) -> dict[str, np.ndarray]:
        return {
            "log_wealth": self.log_wealth,
            "max_drawdown": -np.expm1(-self.drop),
            "capped": self.capped,
            "ruined": self.ruined | (self.log_wealth == -np.inf),
            "rounds_played": self.rounds_played,
        }
