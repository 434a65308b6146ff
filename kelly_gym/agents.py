"""Baseline agents for the coin environments: observation in, action out, for one env or a batch.

Every agent is Markov in the observation (wealth, rounds left, and the heads and tails seen
where it needs them), so one agent object serves any number of episodes at once, single or
vector env alike. Each one plays a policy of :mod:`sim.strategies` / :mod:`sim.optimal` and says
which (:attr:`Agent.strategy`), so its exact value can be looked up (:mod:`sim.challenge`) and
its play checked against the engine:

* ``kelly``, ``kelly:0.5`` (fractional Kelly), ``fixed:0.2``, ``allin``: a constant signed
  fraction, as :class:`sim.strategies.Kelly` / :class:`~sim.strategies.FixedFraction` give it;
* ``bayes``, ``bayes:2,2``: Kelly for the posterior mean of a Beta prior
  (:class:`sim.strategies.BayesKelly`); needs the heads and tails in the observation;
* ``optimal``: the exact dynamic-programming policy of :func:`sim.optimal.solve` (capped games
  with a tick), the stake of its table at the observed wealth and rounds left.
"""

from __future__ import annotations

import numpy as np

from kelly_gym.rules import shown
from sim.games import CoinGame
from sim.optimal import OptimalStrategy, solve
from sim.strategies import BayesKelly, BetContext, Strategy, parse_strategy

#: agents of the default baseline table
DEFAULT_AGENTS = ("kelly", "kelly:0.5", "fixed:0.1", "fixed:0.2", "fixed:0.4", "bayes", "optimal")


def _rows(observation: object, width: int) -> tuple[np.ndarray, bool]:
    """The observations as (rows, columns) and whether a single one was given."""
    array = np.asarray(observation, dtype=float)
    single = array.ndim == 1
    array = np.atleast_2d(array)
    if array.ndim != 2 or array.shape[1] < width:
        raise ValueError(
            f"observation of shape {np.shape(observation)} has fewer than {width} columns"
        )
    return array, single


class Agent:
    """A policy over observations; call it with one observation or a batch (rows, columns)."""

    #: observation columns the agent reads: wealth and rounds left (2), or also the counts (4)
    width = 2

    def __init__(self, game: CoinGame, strategy: Strategy) -> None:
        if not isinstance(game, CoinGame):
            raise ValueError(f"game = {shown(game)} is not a sim.games.CoinGame")
        self.game = game
        self.strategy = strategy

    @property
    def label(self) -> str:
        return self.strategy.label

    @property
    def needs_counts(self) -> bool:
        return self.width > 2

    def fractions(self, rows: np.ndarray) -> np.ndarray:
        """Signed fractions of wealth (rows,) for observations (rows, columns)."""
        raise NotImplementedError

    def __call__(self, observation) -> np.ndarray:
        rows, single = _rows(observation, self.width)
        action = np.clip(self.fractions(rows), -1.0, 1.0)[:, None]
        return action[0] if single else action

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label}>"


class ConstantAgent(Agent):
    """Stake the same signed fraction every round (Kelly, fractional Kelly, fixed, all-in)."""

    def __init__(self, game: CoinGame, strategy: Strategy) -> None:
        super().__init__(game, strategy)
        self.fraction = float(strategy.constant_fractions(game))

    def fractions(self, rows: np.ndarray) -> np.ndarray:
        return np.full(rows.shape[0], self.fraction)


class BayesKellyAgent(Agent):
    """Kelly for the posterior mean (alpha + heads)/(alpha + beta + flips) of a Beta prior."""

    width = 4

    def fractions(self, rows: np.ndarray) -> np.ndarray:
        counts = rows[:, 2:4]
        # BayesKelly reads only the counts and the game; the round and the last bet are unused
        context = BetContext(
            game=self.game, round=0, log_wealth=np.zeros(rows.shape[0]), counts=counts,
            last_stake=np.zeros(rows.shape[0]), last_won=np.zeros(rows.shape[0], dtype=bool),
        )
        return np.asarray(self.strategy.fractions(context), dtype=float)


class OptimalAgent(Agent):
    """The exact optimum of a capped coin game with a tick: the stake of the solved table."""

    def __init__(self, game: CoinGame, strategy: Strategy | None = None) -> None:
        super().__init__(game, strategy or OptimalStrategy())
        self.policy = solve(game)  # raises ValueError without a cap or a tick

    def fractions(self, rows: np.ndarray) -> np.ndarray:
        wealth = rows[:, 0]
        ticks = np.clip(np.rint(wealth / self.policy.tick), 0, self.policy.cap_ticks)
        left = np.clip(rows[:, 1], 0, self.policy.rounds).astype(np.int64)
        stake = self.policy.stakes[left, ticks.astype(np.int64)] * self.policy.tick
        return np.divide(stake, wealth, out=np.zeros_like(wealth), where=wealth > 0)


def make_agent(spec: str | Strategy, game: CoinGame) -> Agent:
    """The agent playing a strategy spec (``kelly``, ``kelly:0.5``, ``fixed:0.2``, ``allin``,
    ``bayes``, ``bayes:2,2``, ``optimal``) or a :class:`sim.strategies.Strategy` in ``game``.

    Parameters
    ----------
    spec : str or Strategy
        As ``kelly challenge --strategy`` takes them.
    game : CoinGame
        The rules the agent bets under (its p for Kelly, its table for optimal play).

    Returns
    -------
    Agent

    Raises
    ------
    ValueError
        For an unknown or bad spec, a policy that needs its own history (``amount``,
        ``martingale``), or optimal play of a game without a cap or a tick.

    Examples
    --------
    >>> from sim.games import HAGHANI_DEWEY
    >>> agent = make_agent("kelly:0.5", HAGHANI_DEWEY)
    >>> agent([25.0, 300.0]).round(6).tolist()
    [0.1]
    """
    strategy = parse_strategy(spec) if isinstance(spec, str) else spec
    if isinstance(strategy, OptimalStrategy):
        return OptimalAgent(game, strategy)
    if isinstance(strategy, BayesKelly):
        return BayesKellyAgent(game, strategy)
    if isinstance(strategy, Strategy) and strategy.constant_fractions(game) is not None:
        return ConstantAgent(game, strategy)
    raise ValueError(
        f"strategy {shown(spec)} has no agent: it depends on its own past bets; "
        "use kelly, kelly:C, fixed:F, allin, bayes or optimal"
    )
