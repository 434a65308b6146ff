"""Agents played in the vector env over many episodes, beside their exact values.

:func:`play_episodes` runs one agent for ``episodes`` episodes of a coin game at once
(:class:`kelly_gym.vector.CoinflipVectorEnv`); :func:`baseline_table` does it for several agents
on the same flips (the same seed gives every agent the same coin) and puts the exact expected
payout and P(cap) beside each mean, from exact policy evaluation
(:func:`sim.challenge.exact_outcome`) where the agent is optimal play or a constant fraction of a
capped game with a tick.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kelly_gym.agents import DEFAULT_AGENTS, Agent, make_agent
from kelly_gym.rules import beta_prior, coin_game, shown
from kelly_gym.vector import CoinflipVectorEnv, env_count
from sim.challenge import exact_outcome
from sim.engine import resolve_seed
from sim.games import CoinGame
from sim.strategies import Strategy

BASELINE_COLUMNS = [
    "agent", "episodes", "mean_payout", "mean_payout_se", "mean_payout_exact", "z",
    "p_cap", "p_cap_exact", "p_bust", "mean_rounds",
]


@dataclass(frozen=True)
class Episodes:
    """The first episode of every slot: final bankroll, how it ended, rounds played."""

    payout: np.ndarray
    capped: np.ndarray
    bust: np.ndarray
    rounds: np.ndarray

    def mean_and_se(self) -> tuple[float, float]:
        """Mean payout and its standard error (NaN for one episode)."""
        n = self.payout.size
        se = float(self.payout.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        return float(self.payout.mean()), se


def play_episodes(agent: Agent, game: CoinGame | None = None, episodes: int = 100_000,
                  seed: int = 0, *, prior: tuple[float, float] | None = None) -> Episodes:
    """Play ``episodes`` episodes of ``game`` (default Haghani-Dewey) with ``agent``, all at once.

    Parameters
    ----------
    agent : Agent
        From :func:`kelly_gym.agents.make_agent`.
    game : CoinGame, optional
    episodes : int
    seed : int
        Fixes every flip (and every p drawn from ``prior``).
    prior : (alpha, beta), optional
        Draw each episode's p from Beta(alpha, beta) (the unknown coin).

    Returns
    -------
    Episodes

    Raises
    ------
    ValueError
        For a bad episode count, seed or prior.

    Examples
    --------
    >>> from sim.games import HAGHANI_DEWEY
    >>> played = play_episodes(make_agent("fixed:0.1", HAGHANI_DEWEY), episodes=2_000, seed=1)
    >>> bool(200 < played.payout.mean() < 250)
    True
    """
    game = coin_game(game)
    episodes = env_count("episodes", episodes)
    seed = resolve_seed(seed)
    envs = CoinflipVectorEnv(episodes, game, prior=prior,
                             observe_counts=agent.needs_counts or prior is not None)
    observation, _ = envs.reset(seed=seed)
    finished = np.zeros(episodes, dtype=bool)
    payout = np.zeros(episodes)
    capped = np.zeros(episodes, dtype=bool)
    bust = np.zeros(episodes, dtype=bool)
    rounds = np.zeros(episodes, dtype=np.int64)
    step = 0
    while not finished.all():  # every episode ends within game.rounds steps
        observation, _, terminated, _, info = envs.step(agent(observation))
        step += 1
        new = terminated & ~finished
        payout[new] = observation[new, 0]
        capped[new] = info["capped"][new]
        bust[new] = info["bust"][new]
        rounds[new] = step
        finished |= terminated
    return Episodes(payout, capped, bust, rounds)


def _exact(strategy: Strategy, game: CoinGame) -> tuple[float, float]:
    """Exact (E[payout], P(cap)), NaN where exact evaluation does not apply."""
    try:
        return exact_outcome(strategy, game)
    except ValueError:  # no cap or no tick: no dynamic-programming grid
        return math.nan, math.nan


def baseline_table(game: CoinGame | None = None, episodes: int = 100_000, seed: int = 0,
                   agents: Sequence[str | Strategy] = DEFAULT_AGENTS, *,
                   prior: tuple[float, float] | None = None) -> pd.DataFrame:
    """Mean payout ± standard error of each agent over ``episodes`` episodes, beside exact values.

    Parameters
    ----------
    game : CoinGame, optional
        Default :data:`sim.games.HAGHANI_DEWEY`.
    episodes : int
    seed : int
        The same seed for every agent: they bet on the same flips.
    agents : sequence of str or Strategy
        Specs for :func:`kelly_gym.agents.make_agent`; default :data:`DEFAULT_AGENTS`.
    prior : (alpha, beta), optional
        The unknown coin: each episode's p is drawn from Beta(alpha, beta); the agents other than
        ``bayes`` assume the prior mean, and the exact columns are NaN.

    Returns
    -------
    pandas.DataFrame
        One row per agent, columns :data:`BASELINE_COLUMNS`; ``z`` is (mean - exact) / se.

    Raises
    ------
    ValueError
        For a bad game, episode count, seed, prior or agent spec.

    Examples
    --------
    >>> table = baseline_table(episodes=2_000, agents=["fixed:0.2"])
    >>> round(float(table.loc[0, "mean_payout_exact"]), 2)
    237.36
    """
    game = coin_game(game)
    if isinstance(agents, (str, Strategy)) or not agents:
        raise ValueError(f"agents = {shown(agents)} must be a non-empty list of specs")
    believed = game
    if prior is not None:
        alpha, beta = beta_prior(*prior)
        believed = dataclasses.replace(game, p=alpha / (alpha + beta))
    rows = []
    for spec in agents:
        agent = make_agent(spec, believed)
        played = play_episodes(agent, game, episodes, seed, prior=prior)
        mean, se = played.mean_and_se()
        exact, cap_exact = (math.nan, math.nan) if prior is not None else _exact(
            agent.strategy, game)
        rows.append({
            "agent": agent.label,
            "episodes": played.payout.size,
            "mean_payout": mean,
            "mean_payout_se": se,
            "mean_payout_exact": exact,
            "z": (mean - exact) / se if se > 0 else math.nan,
            "p_cap": float(played.capped.mean()),
            "p_cap_exact": cap_exact,
            "p_bust": float(played.bust.mean()),
            "mean_rounds": float(played.rounds.mean()),
        })
    return pd.DataFrame(rows, columns=BASELINE_COLUMNS)
