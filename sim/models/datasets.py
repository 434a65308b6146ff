"""Data sets as races: each row is a race, its features the form guide, its label the winner.

* ``synthetic`` — two features uniform on [0, 1] and three horses whose chances are a known
  softmax of the features, so every race carries its true distribution p(x | features) and the
  gap D(p||q) of a model q can be measured.
* ``iris`` and ``wine`` — scikit-learn's bundled data sets (read from the package, offline):
  three species (or cultivars) are three horses at 3-for-1. scikit-learn is optional; without
  it these raise ValueError saying so.

:func:`split_races` shuffles with a seed and splits into training and test races.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.information import quote

DATASETS = ("synthetic", "iris", "wine")
#: the features a frequency table uses by default (a few informative ones keep cells filled)
TABLE_FEATURES = {"synthetic": (0, 1), "iris": (2, 3), "wine": (6, 9)}
#: the synthetic race's logits: horse i scores SYNTHETIC_WEIGHTS[i] . (x1, x2) + BIAS[i]
SYNTHETIC_WEIGHTS = np.array([[4.0, 0.0], [0.0, 4.0], [-2.0, -2.0]])
SYNTHETIC_BIAS = np.array([-1.0, -1.0, 2.0])
SYNTHETIC_RACES = 300


@dataclass(frozen=True)
class Races:
    """Races with features (n, d), winners (n,) in 0..m-1 and, if known, p(x | features)."""

    name: str
    features: np.ndarray
    outcomes: np.ndarray
    outcome_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    true_probs: np.ndarray | None = None

    @property
    def size(self) -> int:
        return int(self.outcomes.size)

    @property
    def horses(self) -> int:
        return len(self.outcome_names)

    def subset(self, index) -> Races:
        """The races at ``index`` (an integer array, a slice or a mask)."""
        truth = None if self.true_probs is None else self.true_probs[index]
        return Races(self.name, self.features[index], self.outcomes[index], self.outcome_names,
                     self.feature_names, truth)


def synthetic_probabilities(features: np.ndarray) -> np.ndarray:
    """The synthetic race's true p(x | features): a softmax of known linear scores.

    Examples
    --------
    >>> synthetic_probabilities(np.array([[0.5, 0.5]])).round(3).tolist()
    [[0.422, 0.422, 0.155]]
    """
    scores = features @ SYNTHETIC_WEIGHTS.T + SYNTHETIC_BIAS
    scores -= scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    return weights / weights.sum(axis=1, keepdims=True)


def synthetic_races(size: int = SYNTHETIC_RACES, seed: int = 0) -> Races:
    """``size`` synthetic races with known chances (see :func:`synthetic_probabilities`).

    Examples
    --------
    >>> races = synthetic_races(5, seed=1)
    >>> races.features.shape, races.true_probs.shape
    ((5, 2), (5, 3))
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
        raise ValueError(f"size = {quote(size)} must be a whole number of at least 2")
    rng = np.random.default_rng(np.random.SeedSequence(_seed(seed)))
    features = rng.random((int(size), 2))
    truth = synthetic_probabilities(features)
    cumulative = np.cumsum(truth, axis=1)[:, :-1]
    outcomes = (rng.random((int(size), 1)) >= cumulative).sum(axis=1)
    return Races("synthetic", features, outcomes, ("A", "B", "C"), ("x1", "x2"), truth)


def _seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed = {quote(seed)} must be a non-negative whole number")
    return int(seed)


def _sklearn_races(name: str) -> Races:
    """A data set bundled with scikit-learn, imported only now (the dependency is optional)."""
    try:
        from sklearn import datasets
    except ImportError:
        raise ValueError(f"dataset = {name!r} needs scikit-learn, which is not installed "
                         "(pip install scikit-learn); 'synthetic' needs nothing") from None
    bunch = getattr(datasets, f"load_{name}")()
    return Races(name, np.asarray(bunch.data, dtype=float), np.asarray(bunch.target, dtype=int),
                 tuple(str(n) for n in bunch.target_names),
                 tuple(str(n) for n in bunch.feature_names))


def load_races(name: str, seed: int = 0) -> Races:
    """The data set ``name`` (one of :data:`DATASETS`) as races.

    ``seed`` draws the synthetic races (the bundled ones are fixed).

    Examples
    --------
    >>> load_races("synthetic").size
    300
    >>> load_races("cards")
    Traceback (most recent call last):
    ...
    ValueError: dataset = 'cards' is not known; choose one of synthetic, iris, wine
    """
    if name not in DATASETS:
        raise ValueError(f"dataset = {quote(name)} is not known; choose one of "
                         f"{', '.join(DATASETS)}")
    if name == "synthetic":
        return synthetic_races(seed=seed)
    return _sklearn_races(name)


def split_races(races: Races, test_fraction: float = 1 / 3, seed: int = 0) -> tuple[Races, Races]:
    """Shuffle with ``seed`` and split into (training races, test races).

    Examples
    --------
    >>> train, test = split_races(synthetic_races(30), test_fraction=0.2, seed=4)
    >>> train.size, test.size
    (24, 6)
    """
    fraction = float(test_fraction)
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"test_fraction = {quote(test_fraction)} must be between 0 and 1")
    tests = min(max(1, math.ceil(fraction * races.size)), races.size - 1)
    rng = np.random.default_rng(np.random.SeedSequence([_seed(seed), 1]))
    order = rng.permutation(races.size)
    return races.subset(order[tests:]), races.subset(order[:tests])
