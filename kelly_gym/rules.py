"""What every Kelly environment shares: the game from keywords, checked actions, the flips, rewards.

The rules themselves live in :mod:`sim.games` and :func:`sim.engine.settle`; this module only turns
Gymnasium's vocabulary (keywords, Box actions, a seeded ``np_random``) into the engine's.

* **Games.** :func:`coin_game` starts from the Haghani-Dewey preset
  (:data:`sim.games.HAGHANI_DEWEY`) and replaces the rules given by keyword;
  :class:`~sim.games.CoinGame` validates them, so a bad value raises ``ValueError`` naming it.
* **Flips.** One 32-bit draw per round against the engine's integer threshold
  round(2^32 p) (:func:`sim.engine.outcome_thresholds`): heads comes up with probability p to
  within 2^-32, the same outcome model as the Monte Carlo engine.
* **Rewards.** ``"wealth"`` (default): W_{t+1} - W_t, so an episode's return is the money won;
  ``"log"``: ln W_{t+1} - ln W_t (the Kelly objective), with W held at :func:`log_floor` so that a
  bust gives a large finite penalty instead of -inf; ``"payout"``: 0 until the last step, which
  pays the final bankroll (the Haghani-Dewey payout, the sparse reward of gym's original
  KellyCoinflip-v0).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from gymnasium import spaces

from sim.engine import DRAW_SCALE, smallest_bet
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame, is_number

#: keywords that replace a rule of the base game (fields of :class:`sim.games.CoinGame`)
COIN_RULES = ("p", "odds", "start", "cap", "tick", "rounds", "floor", "min_bet", "allow_tails")
RACE_RULES = ("probs", "odds", "names", "start", "cap", "tick", "rounds", "floor", "min_bet")
REWARDS = ("wealth", "log", "payout")
#: the race of the Kelly-Race env unless told otherwise: three horses at fair-ish odds, in cents
DEFAULT_RACE = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 4.0, 6.0), start=100.0, cap=1000.0,
                        tick=0.01, rounds=100)
#: the prior of the unknown coin unless told otherwise: Beta(7, 3), as gym's generalised
#: KellyCoinflipGeneralized-v0 had (mean 0.7)
DEFAULT_PRIOR = (7.0, 3.0)
_SHOWN = 80


def shown(value: object) -> str:
    """``repr(value)``, cut to about 80 characters for an error message.

    Examples
    --------
    >>> len(shown("x" * 500))
    80
    """
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _replace(base, allowed: tuple[str, ...], rules: dict):
    unknown = sorted(set(rules) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown rule keyword {unknown[0]!r}; expected one of {', '.join(allowed)}"
        )
    return dataclasses.replace(base, **rules) if rules else base


def coin_game(game: CoinGame | None = None, **rules) -> CoinGame:
    """The coin game of an environment: ``game`` (default Haghani-Dewey) with ``rules`` replaced.

    Parameters
    ----------
    game : CoinGame, optional
        The base rules; :data:`sim.games.HAGHANI_DEWEY` when omitted.
    **rules
        Any of :data:`COIN_RULES` (p, odds, start, cap, tick, rounds, floor, min_bet,
        allow_tails).

    Returns
    -------
    CoinGame
        The validated game.

    Raises
    ------
    ValueError
        For an unknown keyword or a bad value (p outside [0, 1], cap below start, NaN, ...).

    Examples
    --------
    >>> coin_game(p=0.55, rounds=100).rounds
    100
    >>> coin_game(cap=10.0)
    Traceback (most recent call last):
    ...
    ValueError: cap = 10 must be greater than start = 25
    """
    base = HAGHANI_DEWEY if game is None else game
    if not isinstance(base, CoinGame):
        raise ValueError(f"game = {shown(base)} is not a sim.games.CoinGame")
    return _replace(base, COIN_RULES, rules)


def race_game(game: RaceGame | None = None, **rules) -> RaceGame:
    """The race of an environment: ``game`` (default :data:`DEFAULT_RACE`) with ``rules`` replaced.

    Raises ``ValueError`` for an unknown keyword or a bad value, as :func:`coin_game`.

    Examples
    --------
    >>> race_game(probs=(0.6, 0.4), odds=(2.0, 2.0)).names
    ('#1', '#2')
    """
    base = DEFAULT_RACE if game is None else game
    if not isinstance(base, RaceGame):
        raise ValueError(f"game = {shown(base)} is not a sim.games.RaceGame")
    if "probs" in rules and "names" not in rules and len(rules["probs"]) != len(base.probs):
        rules = {**rules, "names": None}  # the default names do not fit another field size
    return _replace(base, RACE_RULES, rules)


def refuse_known_p(rules: dict) -> None:
    """The unknown coin draws its p from a prior: a ``p`` among its rule keywords is refused.

    Examples
    --------
    >>> refuse_known_p({"p": 0.6})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: p = 0.6: the unknown coin draws p from its prior; set prior_alpha and ...
    """
    if "p" in rules:
        raise ValueError(f"p = {shown(rules['p'])}: the unknown coin draws p from its "
                         "prior; set prior_alpha and prior_beta instead")


def reward_mode(reward: object) -> str:
    """``reward`` checked against :data:`REWARDS`; ValueError naming it otherwise.

    Examples
    --------
    >>> reward_mode("log")
    'log'
    >>> reward_mode("money")
    Traceback (most recent call last):
    ...
    ValueError: reward = 'money'; expected one of wealth, log, payout
    """
    if reward not in REWARDS:
        raise ValueError(f"reward = {shown(reward)}; expected one of {', '.join(REWARDS)}")
    return str(reward)


def beta_prior(alpha: object, beta: object) -> tuple[float, float]:
    """A Beta(alpha, beta) prior: both finite and > 0, else ValueError naming the value.

    Examples
    --------
    >>> beta_prior(7, 3)
    (7.0, 3.0)
    >>> beta_prior(0, 3)
    Traceback (most recent call last):
    ...
    ValueError: prior_alpha = 0 must be a finite number greater than 0
    """
    checked = []
    for name, value in (("prior_alpha", alpha), ("prior_beta", beta)):
        if not is_number(value):
            raise ValueError(f"{name} = {shown(value)} is not a number")
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} = {value!r} must be a finite number greater than 0")
        checked.append(float(value))
    return checked[0], checked[1]


def wealth_high(game) -> float:
    """The largest bankroll an observation can hold: the cap, or +inf without one.

    Examples
    --------
    >>> wealth_high(HAGHANI_DEWEY), wealth_high(CoinGame())
    (250.0, inf)
    """
    return math.inf if game.cap is None else float(game.cap)


def log_floor(game) -> float:
    """The bankroll that stands for 0 in a log reward: half the smallest stake, or, for rules
    that accept any stake, 2^-52 of the start (a bust then costs about 36 nats, finite).

    Examples
    --------
    >>> log_floor(HAGHANI_DEWEY)
    0.005
    """
    least = smallest_bet(game)
    return least / 2 if least > 0 else game.start * 2.0**-52


def observation_space(game, counts: bool) -> spaces.Box:
    """Box of [wealth, rounds left], and the heads and tails seen with ``counts``: from 0 to
    :func:`wealth_high` and the game's rounds.

    Examples
    --------
    >>> observation_space(HAGHANI_DEWEY, counts=True).high.tolist()
    [250.0, 300.0, 300.0, 300.0]
    """
    rounds = game.rounds
    high = [wealth_high(game), rounds] + ([rounds, rounds] if counts else [])
    return spaces.Box(low=np.zeros(len(high)), high=np.array(high, dtype=np.float64),
                      dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Actions


def coin_action_space(game: CoinGame) -> spaces.Box:
    """Box of one signed fraction of wealth: [-1, 1], or [0, 1] when tails bets are not allowed.

    Examples
    --------
    >>> coin_action_space(CoinGame(allow_tails=False)).low.tolist()
    [0.0]
    """
    return spaces.Box(-1.0 if game.allow_tails else 0.0, 1.0, shape=(1,), dtype=np.float64)


def _as_array(action: object, width: int) -> np.ndarray:
    """The action as a float array of shape (..., width), or a ValueError quoting it."""
    try:
        array = np.asarray(action, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"action = {shown(action)} is not an array of numbers") from None
    if array.shape[-1:] != (width,):
        raise ValueError(
            f"action = {shown(action)} has shape {array.shape}; expected (..., {width})"
        )
    return array


def _action_in_box(action: object, width: int, rows: int | None, low: float,
                   meaning: str) -> np.ndarray:
    """The action as floats of shape (width,) (``rows`` None) or (rows, width), every value in
    [low, 1]; otherwise a ValueError quoting the action or its first value outside the Box."""
    array = _as_array(action, width)
    if array.shape != ((width,) if rows is None else (rows, width)):
        expected = f"({width},)" if rows is None else f"({rows}, {width})"
        raise ValueError(f"action = {shown(action)} has shape {array.shape}; expected {expected}")
    outside = ~((array >= low) & (array <= 1.0))  # NaN fails both comparisons
    if np.any(outside):
        value = float(array[outside][0])
        raise ValueError(f"action = {value!r} is outside the action space [{low:g}, 1] ({meaning})")
    return array


def coin_fractions(action: object, allow_tails: bool, rows: int | None = None) -> np.ndarray:
    """Signed fractions of wealth from coin actions: +f stakes f on heads, -f stakes f on tails.

    ``action`` is one action of shape (1,) (``rows`` None) or a batch (rows, 1).

    Raises
    ------
    ValueError
        For a wrong shape, NaN or a value outside the Box ([-1, 1], or [0, 1] without tails),
        naming the value.

    Examples
    --------
    >>> coin_fractions([-0.25], allow_tails=True)
    array([-0.25])
    >>> coin_fractions([1.5], allow_tails=True)
    Traceback (most recent call last):
    ...
    ValueError: action = 1.5 is outside the action space [-1, 1] (a signed fraction of wealth)
    """
    low = -1.0 if allow_tails else 0.0
    array = _action_in_box(action, 1, rows, low, "a signed fraction of wealth")
    return array[..., 0].reshape(-1)


def race_shares(action: object, outcomes: int, rows: int | None = None) -> np.ndarray:
    """Shares of wealth on each outcome from race actions (the split, cash last).

    The action holds K + 1 weights in [0, 1]: one per outcome, then cash. The split is the weights
    over their sum, so every point of the Box is a valid split (and an all-zero action keeps
    everything as cash); the shares returned are the K outcome parts, shape (rows or 1, K).

    Examples
    --------
    >>> race_shares([0.5, 0.25, 0.25], outcomes=2)
    array([[0.5 , 0.25]])
    >>> race_shares([2.0, 0.0, 0.0], outcomes=2)
    Traceback (most recent call last):
    ...
    ValueError: action = 2.0 is outside the action space [0, 1] (split weights, cash last)
    """
    width = outcomes + 1
    array = _action_in_box(action, width, rows, 0.0, "split weights, cash last")
    array = array.reshape(-1, width)
    total = array.sum(axis=1, keepdims=True)
    split = np.divide(array, total, out=np.zeros_like(array), where=total > 0)
    split[total[:, 0] == 0, outcomes] = 1.0
    return split[:, :outcomes]


# --------------------------------------------------------------------------------------------
# Flips and rewards


def heads_threshold(p) -> np.ndarray:
    """The engine's integer threshold round(2^32 p): a 32-bit draw below it is heads.

    Examples
    --------
    >>> heads_threshold([0.0, 0.5, 1.0]).tolist()
    [0, 2147483648, 4294967296]
    """
    return np.minimum(np.rint(np.asarray(p, dtype=float) * DRAW_SCALE), DRAW_SCALE).astype(
        np.uint64
    )


def draw_outcomes(rng: np.random.Generator, thresholds: np.ndarray, rows: int) -> np.ndarray:
    """Outcome index per row (0 = heads / the first horse): the count of thresholds at or below
    one 32-bit draw. ``thresholds`` is (K - 1,) for all rows or (rows, K - 1).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> draw_outcomes(rng, heads_threshold([1.0]), 3).tolist()  # a two-headed coin
    [0, 0, 0]
    """
    draws = rng.integers(0, DRAW_SCALE, size=rows, dtype=np.uint64)
    return (draws[:, None] >= np.atleast_2d(thresholds)).sum(axis=1)


def rewards(mode: str, game, before: np.ndarray, after: np.ndarray, done: np.ndarray) -> np.ndarray:
    """Per-row reward of one round (see the module docstring for the three modes).

    Examples
    --------
    >>> before, after, done = np.array([25.0]), np.array([30.0]), np.array([True])
    >>> [round(float(rewards(m, HAGHANI_DEWEY, before, after, done)[0]), 6) for m in REWARDS]
    [5.0, 0.182322, 30.0]
    """
    if mode == "wealth":
        return after - before
    if mode == "payout":
        return np.where(done, after, 0.0)
    floor = log_floor(game)
    return np.log(np.maximum(after, floor)) - np.log(np.maximum(before, floor))
