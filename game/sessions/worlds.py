"""Many worlds: one betting fraction played in a thousand parallel bankrolls (no pygame here).

The engine (:func:`sim.engine.simulate` with ``record_paths=True``, floor applied) plays every
world on its own flips; the screen reveals them round by round, with the bands and paths of
:meth:`ManyWorlds.log_quantiles`, :meth:`ManyWorlds.median_log_path` and
:meth:`ManyWorlds.mean_log_path`. Two growth rates compete (Peters 2019):

* the **time average** g = sum_i p_i ln m_i, the rate at which almost every single bankroll
  grows (Kelly 1956): the median follows W_0 e^(g t);
* the **ensemble average** ln E[m] = ln sum_i p_i m_i >= g (Jensen), the rate of the mean over
  infinitely many worlds: W_0 e^(t ln E[m]).

With the +50% / -40% fair coin, ln E[m] = ln 1.05 > 0 while g = (1/2) ln 0.9 < 0: the mean grows
5% a round while almost every world shrinks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from game.sessions.maths import bet_growth, ensemble_rate
from sim.engine import resolve_seed, simulate
from sim.games import CoinGame
from sim.strategies import FixedFraction

#: +50% on heads, -40% on tails with a fair coin: stake 0.4 at 1.25-to-1 (Peters 2019).
PETERS_COIN = CoinGame(p=0.5, odds=1.25, start=100.0, floor=1.0, rounds=100)
PETERS_FRACTION = 0.4
#: a world "is ruined" once it falls to 1% of its start and stops betting
RUIN_SHARE = 0.01


@dataclass(frozen=True)
class WorldsSnapshot:
    """The cross-section of all worlds after ``round`` rounds."""

    round: int
    median: float
    mean: float
    share_ahead: float  # worlds above their starting bankroll
    share_ruined: float  # worlds at or below the ruin line (stopped)
    quantiles: tuple[float, ...]  # wealth at QUANTILES


QUANTILES = (0.05, 0.25, 0.75, 0.95)
#: a bust world (W = 0) counts this far under the floor's log in the quantiles (off a chart)
BUST_BELOW = 5.0


class ManyWorlds:
    """``paths`` bankrolls staking ``fraction`` on heads every round of ``game``."""

    def __init__(self, game: CoinGame, fraction: float, paths: int = 1000, seed: int | None = None):
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"fraction = {fraction!r} must be a share of the bankroll in [0, 1]")
        if game.floor <= 0:
            game = CoinGame(
                p=game.p, odds=game.odds, start=game.start, floor=RUIN_SHARE * game.start,
                rounds=game.rounds, allow_tails=game.allow_tails,
            )
        self.game = game
        self.fraction = float(fraction)
        self.seed = resolve_seed(seed)
        # The path engine applies the floor itself: a world that falls to it stops betting and
        # stays there (its trajectory is recorded with the floor applied).
        result = simulate(game, [FixedFraction(self.fraction)], paths, self.seed,
                          method="paths", record_paths=True)
        self.log_wealth = result.trajectories[0]  # (paths, rounds + 1)
        #: the round at which each world fell to the floor (rounds + 1 if it never did)
        self.ruined_at = np.where(result.ruined[0], result.rounds_played[0], game.rounds + 1)
        with np.errstate(over="ignore"):
            self.wealth = np.exp(self.log_wealth)
        self.time_growth = float(bet_growth(game, self.fraction))
        self.ensemble_growth = ensemble_rate(game, self.fraction)

    @property
    def paths(self) -> int:
        return self.wealth.shape[0]

    @property
    def rounds(self) -> int:
        return self.game.rounds

    def _finite_log_wealth(self) -> np.ndarray:
        """ln W with bust worlds (W = 0) put BUST_BELOW under the floor's log (off a chart)."""
        bust = math.log(self.game.floor) - BUST_BELOW
        return np.where(np.isfinite(self.log_wealth), self.log_wealth, bust)

    def log_quantiles(self, quantiles) -> np.ndarray:
        """(len(quantiles), rounds + 1) quantiles of ln W across the worlds, every round (bust
        worlds count as BUST_BELOW under the floor's log)."""
        return np.quantile(self._finite_log_wealth(), quantiles, axis=0)

    def median_log_path(self) -> np.ndarray:
        """ln of the median bankroll after every round (the typical world)."""
        return np.median(self.log_wealth, axis=0)

    def mean_log_path(self) -> np.ndarray:
        """ln of the mean bankroll after every round (-inf once every world is bust)."""
        with np.errstate(over="ignore", divide="ignore"):
            return np.log(self.wealth.mean(axis=0))

    def snapshot(self, t: int) -> WorldsSnapshot:
        """Median, mean, share ahead and share ruined after ``t`` rounds."""
        if not 0 <= t <= self.rounds:
            raise ValueError(f"round = {t!r} is outside 0..{self.rounds}")
        column = self.wealth[:, t]
        return WorldsSnapshot(
            round=t,
            median=float(np.median(column)),
            mean=float(column.mean()),
            share_ahead=float(np.mean(self.log_wealth[:, t] > self.log_wealth[:, 0])),
            share_ruined=float(np.mean(self.ruined_at <= t)),
            quantiles=tuple(float(q) for q in np.quantile(column, QUANTILES)),
        )

    def theory_median(self, t) -> np.ndarray:
        """W_0 e^(g t): where the typical world is after t rounds (time-average growth)."""
        return _compound(self.game.start, self.time_growth, t)

    def theory_mean(self, t) -> np.ndarray:
        """W_0 e^(t ln E[m]): the expected bankroll after t rounds (ensemble growth)."""
        return _compound(self.game.start, self.ensemble_growth, t)


def _compound(start: float, rate: float, t) -> np.ndarray:
    """start * e^(rate t), with e^(-inf * 0) read as 1 (an all-in bet before any flip)."""
    t = np.asarray(t, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(t == 0, start, start * np.exp(rate * t))
