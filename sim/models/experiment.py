"""One learning run from names: a data set, a model, its settings -> curves and bankroll paths.

This is what ``kelly learn`` (and a game screen) calls; every bad value raises ValueError
naming it, before any data set is loaded or model trained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from sim.information import check_odds, fair_odds, quote
from sim.models.betting import MAX_STEPS, bet_races, learning_curve
from sim.models.datasets import DATASETS, TABLE_FEATURES, Races, load_races, split_races
from sim.models.models import MODELS, Model, make_model


@dataclass(frozen=True)
class LearningRun:
    """The curve per step, the final model's per-race log multipliers, and the races."""

    curve: pd.DataFrame
    paths: dict[str, np.ndarray]
    train: Races
    test: Races
    model: Model
    odds: np.ndarray


def _check_names(dataset: str, model: str, steps: object) -> None:
    if dataset not in DATASETS:
        raise ValueError(f"dataset = {quote(dataset)} is not known; choose one of "
                         f"{', '.join(DATASETS)}")
    if model not in MODELS:
        raise ValueError(f"model = {quote(model)} is not known; choose one of {', '.join(MODELS)}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not (
        1 <= steps <= MAX_STEPS
    ):
        raise ValueError(f"steps = {quote(steps)} must be a whole number from 1 to {MAX_STEPS:,}")


def learning_run(
    dataset: str = "synthetic",
    model: str = "softmax",
    *,
    smoothing: float = 1.0,
    steps: int = 100,
    seed: int = 0,
    test_fraction: float = 1 / 3,
    bins: int = 4,
    features: ArrayLike | None = None,
    learning_rate: float = 0.5,
    l2: float = 0.0,
    odds: ArrayLike | None = None,
) -> LearningRun:
    """Load ``dataset``, split it with ``seed``, train ``model`` for ``steps`` and bet with it.

    Parameters
    ----------
    dataset, model : str
        One of :data:`sim.models.datasets.DATASETS` and :data:`sim.models.models.MODELS`.
    smoothing : float
        k of the add-k (Dirichlet) prior of ``smoothed`` and ``base`` (0 or more).
    steps : int
        Training steps (1 to :data:`sim.models.betting.MAX_STEPS`).
    seed : int
        Draws the synthetic races and the train/test split.
    test_fraction : float
        Share of races kept for testing.
    bins, features : int, list of int
        The frequency table's cuts per feature and the feature columns it uses (default: two
        informative ones per data set, :data:`sim.models.datasets.TABLE_FEATURES`).
    learning_rate, l2 : float
        The softmax regression's step size and weight penalty.
    odds : array_like, optional
        The bookmaker's decimal odds per horse; default fair m-for-1.

    Returns
    -------
    LearningRun

    Raises
    ------
    ValueError
        Naming the bad value (unknown data set or model, negative smoothing, zero steps, ...).

    Examples
    --------
    >>> run = learning_run("synthetic", "table", smoothing=0, steps=5, seed=0)
    >>> bool(run.curve["test_bust"].iloc[-1])  # the unsmoothed table goes bust on new races
    True
    >>> run = learning_run("synthetic", "smoothed", smoothing=1, steps=5, seed=0)
    >>> bool(run.curve["test_bust"].any())
    False
    >>> learning_run(steps=0)
    Traceback (most recent call last):
    ...
    ValueError: steps = 0 must be a whole number from 1 to 100,000
    """
    _check_names(dataset, model, steps)
    chosen = TABLE_FEATURES[dataset] if features is None else tuple(features)
    learner = make_model(model, smoothing=smoothing, bins=bins, features=chosen,
                         learning_rate=learning_rate, l2=l2)
    train, test = split_races(load_races(dataset, seed), test_fraction, seed)
    o = fair_odds(train.horses) if odds is None else check_odds(odds, train.horses)
    curve = learning_curve(learner, train, test, int(steps), o)
    seen = train.subset(slice(0, int(curve["train_races"].iloc[-1])))
    paths = {split: bet_races(learner.predict(races.features), races.outcomes, o)
             for split, races in (("train", seen), ("test", test))}
    return LearningRun(curve, paths, train, test, learner, o)
