"""Many coin episodes at once: a Gymnasium :class:`~gymnasium.vector.VectorEnv` over numpy arrays.

One ``step`` settles every episode with one call of :func:`sim.engine.settle` (which works on
arrays) and one 32-bit draw per episode, so 10^5 episodes of 300 flips take seconds, not the
hours a loop over single environments would. The rules, the flips and the end of an episode
are those of :class:`kelly_gym.envs.CoinflipEnv`; finished episodes restart on the next step
(Gymnasium's next-step autoreset: that step's action is ignored, its reward is 0 and it returns
the new episode's first observation).

The unknown coin draws each episode's p from its Beta prior with a generator of its own, spawned
from the seeded one, so the flips of every episode are the same numbers whatever the agents do
(common random numbers: two agents differ by their bets, never by their luck).

Examples
--------
>>> envs = CoinflipVectorEnv(num_envs=4)
>>> obs, _ = envs.reset(seed=0)
>>> obs.shape
(4, 2)
>>> obs, rewards, terminated, truncated, _ = envs.step(np.full((4, 1), 0.1))
>>> sorted(set(np.abs(rewards).tolist()))
[2.5]
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from kelly_gym.rules import (
    DEFAULT_PRIOR,
    beta_prior,
    coin_action_space,
    coin_fractions,
    coin_game,
    draw_outcomes,
    heads_threshold,
    observation_space,
    refuse_known_p,
    reward_mode,
    rewards,
    shown,
)
from sim.engine import outcome_thresholds, settle
from sim.games import CoinGame, is_whole_number

#: the most episodes one vector env holds (about 50 bytes of state each)
MAX_ENVS = 10_000_000


def env_count(name: str, value: object) -> int:
    """``value`` as an int if it is a whole number in [1, :data:`MAX_ENVS`] (episodes held at
    once), else a ValueError naming ``name``.

    Examples
    --------
    >>> env_count("num_envs", 8)
    8
    >>> env_count("episodes", 0)
    Traceback (most recent call last):
    ...
    ValueError: episodes = 0 must be a whole number in [1, 10,000,000]
    """
    if not is_whole_number(value) or not 1 <= value <= MAX_ENVS:
        raise ValueError(f"{name} = {shown(value)} must be a whole number in [1, {MAX_ENVS:,}]")
    return int(value)


class CoinflipVectorEnv(VectorEnv):
    """``num_envs`` episodes of a coin game, stepped together.

    Parameters
    ----------
    num_envs : int
        Episodes held at once.
    game : CoinGame, optional
        The rules (default :data:`sim.games.HAGHANI_DEWEY`); ``**rules`` replace single rules.
    reward : {"wealth", "log", "payout"}
        As :class:`kelly_gym.envs.CoinflipEnv`.
    prior : (alpha, beta), optional
        Draw each episode's p from Beta(alpha, beta) instead of using ``game.p``.
    observe_counts : bool, optional
        Observe [wealth, rounds left, heads, tails] instead of [wealth, rounds left]; default
        True with a prior, else False (a Bayes-Kelly agent needs them on a known coin too).

    Raises
    ------
    ValueError
        For a bad rule, reward, prior or ``num_envs``, and in ``step`` for actions of the wrong
        shape, NaN, or outside [-1, 1] ([0, 1] without tails).
    """

    metadata: ClassVar[dict[str, Any]] = {
        "render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP
    }

    def __init__(self, num_envs: int = 1, game: CoinGame | None = None, *,
                 reward: str = "wealth", prior: tuple[float, float] | None = None,
                 observe_counts: bool | None = None, render_mode: str | None = None,
                 **rules) -> None:
        if render_mode is not None:
            raise ValueError(f"render_mode = {shown(render_mode)}: the vector env does not "
                             "render; render a single kelly/Coinflip-v1 env")
        self.num_envs = env_count("num_envs", num_envs)
        self.game = coin_game(game, **rules)
        self.reward = reward_mode(reward)
        self.prior = None if prior is None else beta_prior(*prior)
        self.observe_counts = self.prior is not None if observe_counts is None else bool(
            observe_counts)
        self.render_mode = None
        self.single_action_space = coin_action_space(self.game)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.single_observation_space = observation_space(self.game, self.observe_counts)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        n = self.num_envs
        self.wealth = np.full(n, self.game.start)
        self.rounds_left = np.full(n, self.game.rounds, dtype=np.int64)
        self.heads = np.zeros(n, dtype=np.int64)
        self.tails = np.zeros(n, dtype=np.int64)
        self.p = np.full(n, self.game.p)
        self._thresholds = np.array(outcome_thresholds(self.game), dtype=np.uint64)
        self._done = np.zeros(n, dtype=bool)
        self._prior_rng: np.random.Generator | None = None
        self._started = False

    def _restart(self, rows: np.ndarray) -> None:
        """New episodes in ``rows`` (a boolean mask)."""
        self.wealth[rows] = self.game.start
        self.rounds_left[rows] = self.game.rounds
        self.heads[rows] = 0
        self.tails[rows] = 0
        if self.prior is not None:
            self.p[rows] = self._prior_rng.beta(*self.prior, size=int(rows.sum()))
            self._thresholds = heads_threshold(self.p)[:, None]

    def _observe(self) -> np.ndarray:
        columns = [self.wealth, self.rounds_left]
        if self.observe_counts:
            columns += [self.heads, self.tails]
        return np.stack(columns, axis=1).astype(np.float64)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Start a fresh episode in every slot (``seed`` fixes every flip and prior draw)."""
        super().reset(seed=seed)
        self._prior_rng = self.np_random.spawn(1)[0]
        self._restart(np.ones(self.num_envs, dtype=bool))
        self._done[:] = False
        self._started = True
        return self._observe(), {}

    def step(self, actions):
        """One round for every episode; episodes that ended last step restart instead."""
        if not self._started:
            raise RuntimeError("call reset() before step()")
        fractions = coin_fractions(actions, self.game.allow_tails, rows=self.num_envs)
        restart = self._done
        live = ~restart
        outcome = draw_outcomes(self.np_random, self._thresholds, self.num_envs)
        before = self.wealth
        settled = settle(self.game, before, fractions, outcome, active=live)
        self.wealth = settled.wealth
        self.rounds_left -= live
        self.heads += live & (outcome == 0)
        self.tails += live & (outcome == 1)
        terminated = live & (settled.capped | settled.ruined | (self.rounds_left == 0))
        reward = rewards(self.reward, self.game, before, self.wealth, terminated)
        reward[restart] = 0.0
        if restart.any():
            self._restart(restart)
        self._done = terminated
        every = np.ones(self.num_envs, dtype=bool)
        info = {"capped": settled.capped, "_capped": every, "bust": settled.ruined,
                "_bust": every}
        truncated = np.zeros(self.num_envs, dtype=bool)
        return self._observe(), reward, terminated, truncated, info


class CoinflipUnknownVectorEnv(CoinflipVectorEnv):
    """The vector form of ``kelly/CoinflipUnknown-v1``: p ~ Beta(prior_alpha, prior_beta) per
    episode, observation [wealth, rounds left, heads, tails]."""

    def __init__(self, num_envs: int = 1, game: CoinGame | None = None, *,
                 prior_alpha: float = DEFAULT_PRIOR[0], prior_beta: float = DEFAULT_PRIOR[1],
                 reward: str = "wealth", render_mode: str | None = None, **rules) -> None:
        refuse_known_p(rules)
        super().__init__(num_envs, game, reward=reward, prior=(prior_alpha, prior_beta),
                         render_mode=render_mode, **rules)
