"""What a betting policy is: the :class:`Strategy` interface and the :class:`BetContext` it sees.

The base layer under :mod:`sim.strategies` (the policies and their spec parser) and
:mod:`sim.optimal` (optimal play), so that neither has to import the other's module to name the
interface. A policy returns, for a whole vector of paths at once, the *fractions of the current
bankroll* to stake this round: one signed fraction per path in a coin game (f > 0 on heads,
f < 0 on tails), an (paths, K) array of shares in a race.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.games import CoinGame, Game, RaceGame


@dataclass(frozen=True)
class BetContext:
    """What a policy may look at before a round: the state of every path, never the future."""

    game: Game
    round: int  # rounds already played (0 before the first flip)
    log_wealth: np.ndarray  # (paths,) natural log of the bankroll
    counts: np.ndarray | None  # (paths, K) how often each outcome has come up, if requested
    last_stake: np.ndarray  # (paths,) money staked in the previous round (0 before the first)
    last_won: np.ndarray  # (paths,) True where the previous round raised the bankroll

    @property
    def wealth(self) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(self.log_wealth)

    @property
    def rounds_left(self) -> int:
        return self.game.rounds - self.round

    @property
    def paths(self) -> int:
        return self.log_wealth.shape[0]


def coin_multipliers(game: CoinGame, fraction: float) -> np.ndarray:
    """Wealth multipliers (heads, tails) of staking a signed fraction on a coin.

    f >= 0 on heads at b-to-1: (1 + b f, 1 - f); f < 0 on tails at 1/b-to-1: (1 - |f|, 1 + |f|/b).
    """
    b = game.odds
    if fraction >= 0:
        return np.array([1.0 + b * fraction, 1.0 - fraction])
    return np.array([1.0 + fraction, 1.0 - fraction / b])


def race_multipliers(game: RaceGame, shares: np.ndarray) -> np.ndarray:
    """Wealth multipliers b_0 + b_i o_i for shares b and cash b_0 = 1 - sum b."""
    return 1.0 - shares.sum() + shares * game.decimal_odds


class Strategy:
    """Base class: subclasses set ``label`` and implement :meth:`fractions`."""

    label: str = "strategy"
    #: whether :attr:`BetContext.counts` must be filled for this policy
    needs_counts: bool = False

    def fractions(self, ctx: BetContext) -> np.ndarray:
        """Signed coin fractions (paths,) or race shares (paths, K) for this round."""
        raise NotImplementedError

    def constant_fractions(self, game: Game) -> np.ndarray | float | None:
        """The fraction (coin) or shares (race) if they never change, else None."""
        return None

    def multipliers(self, game: Game) -> np.ndarray | None:
        """Constant per-outcome wealth multipliers, or None for an adaptive policy."""
        constant = self.constant_fractions(game)
        if constant is None:
            return None
        if isinstance(game, CoinGame):
            return coin_multipliers(game, float(constant))
        return race_multipliers(game, np.asarray(constant, dtype=float))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label}>"


