"""The single-episode environments: a known coin, a coin of unknown bias, and a horse race.

Every round is settled by :func:`sim.engine.settle`, the engine's own rules: stakes rounded to
the game's tick (to the nearest tick for a coin bet, down for race bets), payouts floored to a
tick, a win past the cap paying only up to the cap, bust once the bankroll cannot cover the
smallest stake. ``step`` only reads ``self.np_random`` (seeded by ``reset``) and the action, so the
same seed and actions give the same episode.

**Episode end.** An episode *terminates* at the cap, at bust, and when the rounds run out. The
rounds left are part of the observation and of the game (Haghani & Dewey's 300 flips), so the
state with no round left is a true terminal state of a finite-horizon MDP: its value is 0 and a
learner must not bootstrap past it. ``truncated`` is therefore always False here; it is left to a
:class:`gymnasium.wrappers.TimeLimit` a user adds for a limit that is not part of the game.

Defects of gym's old KellyCoinflip envs, fixed and tested: the cap ends the episode (gym issue
1266); the ``"payout"`` reward is the final bankroll, not the cap (gym issue 1434); each flip is
heads with probability p, so losses happen at rate 1 - p (the gym-toytext fork's flip returned
+1/-1, always true).
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from kelly_gym import render as drawing
from kelly_gym.rules import (
    DEFAULT_PRIOR,
    beta_prior,
    coin_action_space,
    coin_fractions,
    coin_game,
    draw_outcomes,
    heads_threshold,
    observation_space,
    race_game,
    race_shares,
    refuse_known_p,
    reward_mode,
    rewards,
    shown,
)
from sim.engine import outcome_thresholds, settle
from sim.games import CoinGame, RaceGame

RENDER_MODES = ("ansi", "rgb_array")
#: observation columns (every env); the unknown coin adds HEADS and TAILS
WEALTH, ROUNDS_LEFT, HEADS, TAILS = 0, 1, 2, 3


def _render_mode(mode: object) -> str | None:
    if mode is not None and mode not in RENDER_MODES:
        raise ValueError(f"render_mode = {shown(mode)}; expected None or one of "
                         f"{', '.join(RENDER_MODES)}")
    return mode  # type: ignore[return-value]


class _BankrollEnv(gym.Env):
    """What the three environments share: the bankroll, the rounds, the end of an episode."""

    metadata: ClassVar[dict[str, Any]] = {"render_modes": list(RENDER_MODES), "render_fps": 4}
    game: CoinGame | RaceGame

    def __init__(self, reward: str, render_mode: str | None) -> None:
        self.reward = reward_mode(reward)
        self.render_mode = _render_mode(render_mode)
        self.wealth: float | None = None
        self.rounds_left = 0
        self.counts = np.zeros(len(self.game.outcome_probs), dtype=np.int64)
        self.history: list[float] = []
        self.last: drawing.LastRound | None = None
        self.over = False

    # the parts that differ ----------------------------------------------------------------
    def _shares(self, action: object) -> np.ndarray:
        raise NotImplementedError

    def _thresholds(self) -> np.ndarray:
        return np.array(outcome_thresholds(self.game), dtype=np.uint64)

    def _observation(self) -> np.ndarray:
        return np.array([self.wealth, self.rounds_left], dtype=np.float64)

    def _new_episode(self) -> None:
        """Per-episode draws (the unknown coin's p); called right after seeding."""

    # the shared loop -----------------------------------------------------------------------
    def _info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"wealth": float(self.wealth), "rounds_left": self.rounds_left}
        if self.last is not None:
            info.update(outcome=self.last.outcome, stake=self.last.stake,
                        capped=self.last.capped, bust=self.last.bust)
        return info

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self._new_episode()
        self.wealth = float(self.game.start)
        self.rounds_left = self.game.rounds
        self.counts[:] = 0
        self.history = [self.wealth]
        self.last = None
        self.over = False
        return self._observation(), self._info()

    def step(self, action):
        if self.wealth is None:
            raise RuntimeError("call reset() before step()")
        if self.over:
            raise RuntimeError("the episode has ended (cap, bust or no rounds left); call reset()")
        shares = self._shares(action)
        outcome = draw_outcomes(self.np_random, self._thresholds(), 1)
        before = np.array([self.wealth])
        done = settle(self.game, before, shares, outcome)
        self.wealth = float(done.wealth[0])
        self.rounds_left -= 1
        self.counts[int(outcome[0])] += 1
        capped, bust = bool(done.capped[0]), bool(done.ruined[0])
        self.over = capped or bust or self.rounds_left == 0
        reward = rewards(self.reward, self.game, before, done.wealth, np.array([self.over]))
        self.last = drawing.LastRound(
            outcome=self.game.outcome_names[int(outcome[0])],
            stake=self._signed_stake(shares, float(done.stake[0])),
            capped=capped,
            bust=bust,
        )
        if self.render_mode is not None:
            self.history.append(self.wealth)
        return self._observation(), float(reward[0]), self.over, False, self._info()

    def _signed_stake(self, shares: np.ndarray, stake: float) -> float:
        return stake

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode='ansi' "
                            "or 'rgb_array' when making the env")
            return None
        if self.wealth is None:
            raise RuntimeError("call reset() before render()")
        frame = drawing.Frame(self.game, self.history, self.rounds_left, self.counts.copy(),
                              self.last, self._hidden_note())
        return drawing.ansi(frame) if self.render_mode == "ansi" else drawing.rgb_array(frame)

    def _hidden_note(self) -> str:
        return ""


class CoinflipEnv(_BankrollEnv):
    """``kelly/Coinflip-v1``: bet on a biased coin, Haghani-Dewey rules unless told otherwise.

    Parameters
    ----------
    game : CoinGame, optional
        The rules; :data:`sim.games.HAGHANI_DEWEY` (p 0.6, even odds, $25, cap $250, cents,
        300 rounds) when omitted.
    reward : {"wealth", "log", "payout"}
        Change in wealth (default), change in log-wealth, or the final bankroll on the last step.
    render_mode : {None, "ansi", "rgb_array"}
    **rules
        Rules replacing the game's: p, odds, start, cap, tick, rounds, floor, min_bet,
        allow_tails.

    Notes
    -----
    Action: Box([-1, 1], shape (1,)), the stake as a signed fraction of wealth: +f bets f of the
    bankroll on heads (paid ``odds``-to-1), -f bets f on tails (paid 1/odds-to-1); the stake is
    rounded to the nearest tick. Without tails (``allow_tails=False``) the Box is [0, 1].
    Observation: [wealth, rounds left] (float64). An action outside the Box, or NaN, raises
    ValueError.

    Examples
    --------
    >>> env = CoinflipEnv()
    >>> obs, info = env.reset(seed=1)
    >>> obs.tolist()
    [25.0, 300.0]
    >>> obs, reward, terminated, truncated, info = env.step(np.array([0.2]))
    >>> info["stake"], abs(reward)
    (5.0, 5.0)
    """

    #: the observation carries the heads and tails seen (the unknown coin's)
    observes_counts = False

    def __init__(self, game: CoinGame | None = None, *, reward: str = "wealth",
                 render_mode: str | None = None, **rules) -> None:
        self.game = coin_game(game, **rules)
        super().__init__(reward, render_mode)
        self.action_space = coin_action_space(self.game)
        self.observation_space = observation_space(self.game, counts=self.observes_counts)

    def _shares(self, action: object) -> np.ndarray:
        return coin_fractions(action, self.game.allow_tails)

    def _signed_stake(self, shares: np.ndarray, stake: float) -> float:
        return -stake if shares[0] < 0 else stake


class CoinflipUnknownEnv(CoinflipEnv):
    """``kelly/CoinflipUnknown-v1``: the coin's p is drawn from Beta(prior_alpha, prior_beta) at
    every reset and never shown; the observation carries the heads and tails seen.

    Parameters are those of :class:`CoinflipEnv` (``p`` is not one: it is drawn) plus
    ``prior_alpha`` and ``prior_beta`` (default Beta(7, 3), the prior of gym's generalised
    KellyCoinflipGeneralized-v0). Observation: [wealth, rounds left, heads, tails].

    Examples
    --------
    >>> env = CoinflipUnknownEnv(prior_alpha=2, prior_beta=2)
    >>> obs, _ = env.reset(seed=3)
    >>> obs.tolist()
    [25.0, 300.0, 0.0, 0.0]
    """

    observes_counts = True

    def __init__(self, game: CoinGame | None = None, *, prior_alpha: float = DEFAULT_PRIOR[0],
                 prior_beta: float = DEFAULT_PRIOR[1], reward: str = "wealth",
                 render_mode: str | None = None, **rules) -> None:
        refuse_known_p(rules)
        self.prior = beta_prior(prior_alpha, prior_beta)
        self.p: float | None = None
        super().__init__(game, reward=reward, render_mode=render_mode, **rules)

    def _new_episode(self) -> None:
        self.p = float(self.np_random.beta(*self.prior))

    def _thresholds(self) -> np.ndarray:
        return heads_threshold([self.p])

    def _observation(self) -> np.ndarray:
        return np.array([self.wealth, self.rounds_left, *self.counts], dtype=np.float64)

    def _hidden_note(self) -> str:
        return f"p hidden (prior Beta({self.prior[0]:g}, {self.prior[1]:g}))"


class RaceEnv(_BankrollEnv):
    """``kelly/Race-v1``: split the bankroll over K horses and cash, every race.

    Parameters
    ----------
    game : RaceGame, optional
        The race; :data:`kelly_gym.rules.DEFAULT_RACE` (p = 0.5/0.3/0.2 at decimal odds 2/4/6,
        $100, cap $1000, cents, 100 races) when omitted.
    reward, render_mode
        As :class:`CoinflipEnv`.
    **rules
        probs, odds, names, start, cap, tick, rounds, floor, min_bet.

    Notes
    -----
    Action: Box([0, 1], shape (K + 1,)): weights for each horse, then cash; the split is the
    weights over their sum (all zero: all cash). Stakes are rounded down to the tick.
    Observation: [wealth, rounds left].

    Examples
    --------
    >>> env = RaceEnv()
    >>> _ = env.reset(seed=0)
    >>> _, reward, *_ = env.step(np.array([0.5, 0.3, 0.2, 0.0]))  # Kelly: b = p
    >>> reward in (0.0, 20.0)
    True
    """

    def __init__(self, game: RaceGame | None = None, *, reward: str = "wealth",
                 render_mode: str | None = None, **rules) -> None:
        self.game = race_game(game, **rules)
        super().__init__(reward, render_mode)
        k = len(self.game.probs)
        self.action_space = spaces.Box(0.0, 1.0, shape=(k + 1,), dtype=np.float64)
        self.observation_space = observation_space(self.game, counts=False)

    def _shares(self, action: object) -> np.ndarray:
        return race_shares(action, len(self.game.probs))
