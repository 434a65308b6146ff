"""Learning is betting: a model's forecasts staked on races, scored by what they earn.

A bettor who stakes the shares q(x | features) of the bankroll on each horse at decimal odds o
(all money bet, no cash) multiplies the bankroll by q_X o_X when X wins. Over n races its growth
per race is

    (1/n) sum_i ln(q_i(x_i) o(x_i)) = (1/n) sum_i ln o(x_i) - (1/n) sum_i -ln q_i(x_i)
                                    = sum p ln o - cross-entropy,

with p the races' empirical distribution: the model's log loss (its cross-entropy on those
races) is exactly what it gives up against the odds (Kelly 1956; Cover & Thomas 2006, ch. 6).
At fair m-for-1 odds the growth is ln m - cross-entropy: the training loss is what it would lose
betting on the training races, the test loss what it loses on new ones. A single q = 0 on a
horse that wins makes both infinite: the bettor is bust.

Only the log score is the growth rate. The Brier score (quadratic) is also strictly proper, so
an honest forecast minimises it in expectation, but its value is not what a bettor earns and it
stays finite where the bankroll is wiped out; accuracy and absolute error are not strictly
proper and are optimised by all-or-nothing forecasts (Gneiting & Raftery 2007).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from sim.information import check_odds, fair_odds, quote
from sim.models.datasets import Races
from sim.models.models import Model

#: the identity growth = log_odds - cross_entropy must hold to this relative precision
IDENTITY_TOLERANCE = 1e-9
MAX_STEPS = 100_000
SCORES = ("cross_entropy", "growth", "log_odds", "log_wealth", "identity_gap", "bust", "brier",
          "accuracy", "absolute_error")


def beliefs(q: ArrayLike, horses: int) -> np.ndarray:
    """Validate forecasts: an array (races, horses) of probabilities whose rows sum to 1.

    Examples
    --------
    >>> beliefs([[0.5, 0.6]], 2)
    Traceback (most recent call last):
    ...
    ValueError: q = [[0.5, 0.6]] has a row that does not sum to 1
    """
    array = np.asarray(q, dtype=float)
    if array.ndim != 2 or array.shape[1] != horses:
        raise ValueError(f"q = {quote(q)} must be a table with one column per horse ({horses})")
    if not np.all(np.isfinite(array) & (array >= 0)):
        raise ValueError(f"q = {quote(q)} must hold probabilities (finite, 0 or more)")
    if np.any(np.abs(array.sum(axis=1) - 1.0) > 1e-6):
        raise ValueError(f"q = {quote(q)} has a row that does not sum to 1")
    return array


def _winners(q: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    return q[np.arange(len(outcomes)), outcomes]


def log_loss(q: ArrayLike, outcomes: ArrayLike) -> float:
    """Cross-entropy of forecasts q on the races won by ``outcomes``: mean of -ln q_i(x_i).

    Examples
    --------
    >>> round(log_loss([[0.5, 0.5], [0.2, 0.8]], [0, 1]), 6)  # (ln 2 + ln 1.25) / 2
    0.458145
    >>> log_loss([[1.0, 0.0]], [1])
    inf
    """
    outcomes = np.asarray(outcomes, dtype=int)
    q = beliefs(q, np.shape(q)[1])
    with np.errstate(divide="ignore"):
        return float(-np.log(_winners(q, outcomes)).mean())


def bet_races(q: ArrayLike, outcomes: ArrayLike, odds: ArrayLike) -> np.ndarray:
    """ln of the bankroll's multiplier in each race: stake q, get q_X o_X back when X wins.

    Examples
    --------
    >>> bet_races([[0.5, 0.5], [0.2, 0.8]], [0, 1], [2, 2]).round(6).tolist()
    [0.0, 0.470004]
    """
    q = beliefs(q, np.shape(q)[1])
    outcomes = np.asarray(outcomes, dtype=int)
    o = check_odds(odds, q.shape[1])
    # every dollar is bet (no cash: 1 - sum q would be a rounding residue that keeps a bettor
    # with q = 0 on the winner alive)
    multiplier = _winners(q, outcomes) * o[outcomes]
    with np.errstate(divide="ignore"):
        return np.log(multiplier)


def brier_score(q: ArrayLike, outcomes: ArrayLike) -> float:
    """Mean squared distance sum_j (q_j - [j = x])^2 between forecast and result.

    Strictly proper, yet not the growth rate: the forecast that is sure of the favourite scores
    better here than the uniform one while it goes bust betting (Gneiting & Raftery 2007).

    Examples
    --------
    >>> truth = [0] * 9 + [1]  # the favourite wins 9 races in 10
    >>> sure, unsure = [[1.0, 0.0]] * 10, [[0.5, 0.5]] * 10
    >>> round(brier_score(sure, truth), 6), round(brier_score(unsure, truth), 6)
    (0.2, 0.5)
    >>> log_loss(sure, truth), round(log_loss(unsure, truth), 6)
    (inf, 0.693147)
    """
    q = beliefs(q, np.shape(q)[1])
    target = np.eye(q.shape[1])[np.asarray(outcomes, dtype=int)]
    return float(((q - target) ** 2).sum(axis=1).mean())


def check_identity(growth: float, log_odds: float, cross_entropy: float) -> float:
    """growth - (log_odds - cross_entropy), raising ArithmeticError unless it is ~0.

    Both sides are -inf for a bettor who went bust; that counts as agreement (gap 0).

    Examples
    --------
    >>> check_identity(math.log(3) - 1.0, math.log(3), 1.0)
    0.0
    """
    expected = log_odds - cross_entropy
    if math.isinf(growth) or math.isinf(expected):
        if growth == expected:
            return 0.0
        raise ArithmeticError(f"growth {growth} != log odds {log_odds} - cross-entropy "
                              f"{cross_entropy}")
    gap = growth - expected
    if abs(gap) > IDENTITY_TOLERANCE * (1.0 + abs(growth)):
        raise ArithmeticError(f"growth {growth} != log odds {log_odds} - cross-entropy "
                              f"{cross_entropy} (gap {gap:.3g})")
    return gap


def score_races(q: ArrayLike, races: Races, odds: ArrayLike) -> dict:
    """Every score of forecasts ``q`` on ``races``, the bankroll's growth, and the identity.

    Keys: cross_entropy (log loss), growth (per race, from the bankroll), log_odds (mean ln o
    of the winners), log_wealth (ln W_n / W_0), identity_gap, bust, brier, accuracy,
    absolute_error (mean L1 distance to the result); with known chances also entropy (mean
    H(p)) and divergence (mean D(p||q)), whose sum is the expected cross-entropy.

    Examples
    --------
    >>> from sim.models.datasets import synthetic_races
    >>> races = synthetic_races(50)
    >>> scores = score_races(np.full((50, 3), 1 / 3), races, [3, 3, 3])
    >>> round(scores["growth"], 12), round(scores["cross_entropy"] - math.log(3), 12)
    (0.0, 0.0)
    """
    q = beliefs(q, races.horses)
    o = check_odds(odds, races.horses)
    steps = bet_races(q, races.outcomes, o)
    growth = float(steps.mean())
    cross = log_loss(q, races.outcomes)
    log_odds = float(np.log(o[races.outcomes]).mean())
    scores = {
        "cross_entropy": cross, "growth": growth, "log_odds": log_odds,
        "log_wealth": float(steps.sum()),
        "identity_gap": check_identity(growth, log_odds, cross),
        "bust": bool(np.isneginf(growth)), "brier": brier_score(q, races.outcomes),
        "accuracy": float((np.argmax(q, axis=1) == races.outcomes).mean()),
        "absolute_error": float(2.0 - 2.0 * _winners(q, races.outcomes).mean()),
    }
    if races.true_probs is not None:
        scores |= _truth_terms(races.true_probs, q)
    return scores


def _truth_terms(p: np.ndarray, q: np.ndarray) -> dict:
    """Mean H(p) and mean D(p||q) over races with known chances p."""
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
        cross = np.where(p > 0, p * np.log(q), 0.0).sum(axis=1)
    return {"entropy": float(-own.mean()), "divergence": float(np.maximum(own - cross, 0).mean())}


def learning_curve(model: Model, train: Races, test: Races, steps: int,
                   odds: ArrayLike | None = None) -> pd.DataFrame:
    """Train ``model`` for ``steps`` steps; after each, score it on train and test races.

    Columns: step, train_races (races the model has seen), then every score of
    :func:`score_races` prefixed ``train_`` and ``test_``. The identity
    growth = log_odds - cross_entropy is checked on both every step (ArithmeticError if not).

    Examples
    --------
    >>> from sim.models.datasets import split_races, synthetic_races
    >>> from sim.models.models import SoftmaxRegression
    >>> train, test = split_races(synthetic_races(200), seed=0)
    >>> curve = learning_curve(SoftmaxRegression(), train, test, steps=20)
    >>> bool(curve["train_cross_entropy"].iloc[-1] < curve["train_cross_entropy"].iloc[0])
    True
    >>> bool(np.allclose(curve["test_growth"], np.log(3) - curve["test_cross_entropy"]))
    True
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise ValueError(f"steps = {quote(steps)} is not a whole number")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps = {steps} must be at least 1 and at most {MAX_STEPS:,}")
    if train.horses != test.horses:
        raise ValueError(f"train has {train.horses} horses but test has {test.horses}")
    o = fair_odds(train.horses) if odds is None else check_odds(odds, train.horses)
    rows = []
    for step in range(1, int(steps) + 1):
        seen = model.train_step(train, step, int(steps))
        row = {"step": step, "train_races": seen.size}
        for split, races in (("train", seen), ("test", test)):
            scores = score_races(model.predict(races.features), races, o)
            row |= {f"{split}_{name}": value for name, value in scores.items()}
        rows.append(row)
    return pd.DataFrame(rows)
