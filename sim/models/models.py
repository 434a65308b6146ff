"""Models that turn a race's features into probabilities q(x | features) for each horse.

Every model is trained step by step (:meth:`Model.train_step`) so that its losses and bankrolls
can be followed as it learns:

* the counting models (:class:`BaseRate`, :class:`FrequencyTable`) fit, at step s of N, the
  first ceil(s n / N) training races: a learning curve over the amount of data;
* :class:`SoftmaxRegression` takes one gradient step on the mean cross-entropy of all
  training races per step;
* :class:`ModeBettor` wraps another model and puts probability 1 on its most likely horse: what
  a model tuned for accuracy (or absolute error) reports, and a bettor who stakes it goes bust
  on its first mistake (Gneiting & Raftery 2007: those scores are not strictly proper).

The frequency table per cell of discretised features is the maximum-likelihood estimate; with
``smoothing = k > 0`` it is the posterior mean under a symmetric Dirichlet(k) prior (add-k),
the same rule as the Unknown coin's Beta prior in :mod:`sim.learning`.
"""

from __future__ import annotations

import math

import numpy as np

from sim.information import quote
from sim.models.datasets import Races

MODELS = ("base", "table", "smoothed", "softmax", "hard")
MAX_BINS = 20
MAX_TABLE_FEATURES = 10


def _smoothing(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"smoothing = {quote(value)} is not a number") from None
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(f"smoothing = {quote(value)} must be a finite number of 0 or more")
    return number


def _add_k(counts: np.ndarray, k: float) -> np.ndarray:
    """(counts + k) / (total + m k) along the last axis; rows with no mass stay 0."""
    smoothed = counts + k
    total = smoothed.sum(axis=-1, keepdims=True)
    return smoothed / np.where(total > 0, total, 1.0)


class Model:
    """A probability model trained step by step; subclasses set ``name``."""

    name = "model"

    def train_step(self, train: Races, step: int, steps: int) -> Races:
        """Train for step ``step`` of ``steps``; return the training races it has now seen."""
        raise NotImplementedError

    def predict(self, features: np.ndarray) -> np.ndarray:
        """q(x | features) for each row: an array (races, horses) whose rows sum to 1."""
        raise NotImplementedError


class CountingModel(Model):
    """A model fit from counts on the first ceil(s n / N) training races at step s of N."""

    def train_step(self, train: Races, step: int, steps: int) -> Races:
        seen = train.subset(slice(0, max(1, math.ceil(step * train.size / steps))))
        self.fit(seen)
        return seen

    def fit(self, races: Races) -> None:
        raise NotImplementedError


class BaseRate(CountingModel):
    """Ignore the features: q = (wins per horse + k)/(races + m k) (k = 0: the frequencies).

    Examples
    --------
    >>> from sim.models.datasets import synthetic_races
    >>> model = BaseRate(smoothing=1.0)
    >>> _ = model.train_step(synthetic_races(20, seed=0), 1, 1)
    >>> model.predict(np.zeros((1, 2))).sum()
    np.float64(1.0)
    """

    name = "base"

    def __init__(self, smoothing: float = 0.0) -> None:
        self.smoothing = _smoothing(smoothing)
        self.probs: np.ndarray | None = None

    def fit(self, races: Races) -> None:
        counts = np.bincount(races.outcomes, minlength=races.horses).astype(float)
        self.probs = _add_k(counts, self.smoothing)

    def predict(self, features: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.probs, (len(features), self.probs.size)).copy()


class FrequencyTable(CountingModel):
    """A table of win frequencies per cell of the chosen features, each cut into ``bins``.

    Cut points are the training races' quantiles. A cell's q is (wins + k)/(races + m k): with
    k = 0 (the MLE) a cell seen only with some horses winning gives the others q = 0, and a
    bettor who stakes q loses everything when one of them wins. A cell never seen in training
    gets the base rate when k = 0 and the uniform prior mean when k > 0.

    Examples
    --------
    >>> from sim.models.datasets import synthetic_races
    >>> model = FrequencyTable(bins=2, smoothing=0.0)
    >>> _ = model.train_step(synthetic_races(50, seed=0), 1, 1)
    >>> q = model.predict(np.array([[0.9, 0.1], [0.1, 0.9]]))
    >>> bool(np.allclose(q.sum(axis=1), 1.0))
    True
    """

    def __init__(self, bins: int = 3, smoothing: float = 0.0, features=(0, 1)) -> None:
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)):
            raise ValueError(f"bins = {quote(bins)} is not a whole number")
        if not 1 <= bins <= MAX_BINS:
            raise ValueError(f"bins = {bins} must be between 1 and {MAX_BINS}")
        chosen = tuple(int(j) for j in features)
        if not 1 <= len(chosen) <= MAX_TABLE_FEATURES or len(set(chosen)) != len(chosen):
            raise ValueError(f"features = {quote(features)} must be 1 to {MAX_TABLE_FEATURES} "
                             "different column numbers")
        self.bins, self.smoothing, self.features = int(bins), _smoothing(smoothing), chosen
        self.name = "smoothed" if self.smoothing > 0 else "table"

    def _columns(self, features: np.ndarray) -> tuple[int, ...]:
        width = features.shape[1]
        if any(not -width <= j < width for j in self.features):
            raise ValueError(f"features = {quote(list(self.features))}: the races have "
                             f"{width} feature columns")
        return self.features

    def _cells(self, features: np.ndarray) -> np.ndarray:
        codes = np.zeros(len(features), dtype=np.int64)
        for edges, j in zip(self.edges, self._columns(features), strict=True):
            codes = codes * self.bins + np.searchsorted(edges, features[:, j], side="right")
        return codes

    def fit(self, races: Races) -> None:
        levels = np.arange(1, self.bins) / self.bins
        columns = self._columns(races.features)
        self.edges = [np.quantile(races.features[:, j], levels) for j in columns]
        codes = self._cells(races.features)
        self.cells, index = np.unique(codes, return_inverse=True)
        self.counts = np.zeros((self.cells.size, races.horses))
        np.add.at(self.counts, (index, races.outcomes), 1.0)
        self.base_rate = _add_k(self.counts.sum(axis=0), 0.0)

    def predict(self, features: np.ndarray) -> np.ndarray:
        codes = self._cells(features)
        position = np.clip(np.searchsorted(self.cells, codes), 0, self.cells.size - 1)
        seen = self.cells[position] == codes
        counts = np.where(seen[:, None], self.counts[position], 0.0)
        q = _add_k(counts, self.smoothing)
        unseen = q.sum(axis=1) == 0  # k = 0 and a cell never seen: fall back on the base rate
        q[unseen] = self.base_rate
        return q


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax exp(s_i) / sum_j exp(s_j), shifted by the row maximum for safety.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [0.0, np.log(3.0)]])).round(6).tolist()
    [[0.5, 0.5], [0.25, 0.75]]
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=1, keepdims=True)


class SoftmaxRegression(Model):
    """Multinomial logistic regression trained by full-batch gradient descent on cross-entropy.

    Features are standardised with the training races' mean and spread; weights start at 0
    (every horse 1/m). Each step moves the weights by ``learning_rate`` times the gradient of
    the mean cross-entropy, (1/n) X^T (Q - Y), plus ``l2`` times the weights (a Gaussian prior,
    the smoothing of a regression).

    Examples
    --------
    >>> from sim.models.datasets import synthetic_races
    >>> races, model = synthetic_races(100, seed=2), SoftmaxRegression()
    >>> before = model.train_step(races, 1, 2) and model.predict(races.features)
    >>> after = model.train_step(races, 2, 2) and model.predict(races.features)
    >>> bool(-np.log(after[np.arange(100), races.outcomes]).mean()
    ...      < -np.log(before[np.arange(100), races.outcomes]).mean())
    True
    """

    name = "softmax"

    def __init__(self, learning_rate: float = 0.5, l2: float = 0.0) -> None:
        rate, penalty = float(learning_rate), float(l2)
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"learning_rate = {quote(learning_rate)} must be greater than 0")
        if not (math.isfinite(penalty) and penalty >= 0):
            raise ValueError(f"l2 = {quote(l2)} must be 0 or more")
        self.learning_rate, self.l2 = rate, penalty
        self.weights: np.ndarray | None = None

    def _design(self, features: np.ndarray) -> np.ndarray:
        scaled = (features - self.mean) / self.scale
        return np.hstack([scaled, np.ones((len(features), 1))])

    def train_step(self, train: Races, step: int, steps: int) -> Races:
        if self.weights is None or step == 1:
            self.mean = train.features.mean(axis=0)
            spread = train.features.std(axis=0)
            self.scale = np.where(spread > 0, spread, 1.0)
            self.weights = np.zeros((train.features.shape[1] + 1, train.horses))
        design = self._design(train.features)
        target = np.eye(train.horses)[train.outcomes]
        gradient = design.T @ (softmax(design @ self.weights) - target) / train.size
        gradient[:-1] += self.l2 * self.weights[:-1]
        self.weights = self.weights - self.learning_rate * gradient
        return train

    def predict(self, features: np.ndarray) -> np.ndarray:
        return softmax(self._design(features) @ self.weights)


class ModeBettor(Model):
    """Probability 1 on the inner model's most likely horse: the accuracy-tuned forecast.

    Examples
    --------
    >>> from sim.models.datasets import synthetic_races
    >>> model = ModeBettor(BaseRate())
    >>> _ = model.train_step(synthetic_races(20, seed=0), 1, 1)
    >>> sorted(set(model.predict(np.zeros((3, 2))).ravel().tolist()))
    [0.0, 1.0]
    """

    name = "hard"

    def __init__(self, inner: Model) -> None:
        self.inner = inner

    def train_step(self, train: Races, step: int, steps: int) -> Races:
        return self.inner.train_step(train, step, steps)

    def predict(self, features: np.ndarray) -> np.ndarray:
        q = self.inner.predict(features)
        return np.eye(q.shape[1])[np.argmax(q, axis=1)]


def make_model(name: str, *, smoothing: float = 1.0, bins: int = 3, features=(0, 1),
               learning_rate: float = 0.5, l2: float = 0.0) -> Model:
    """The model called ``name`` (one of :data:`MODELS`).

    ``smoothing`` is k of the ``smoothed`` table and of the base rate; ``table`` is always the
    unsmoothed MLE; ``hard`` is the accuracy-tuned mode of a softmax regression.

    Examples
    --------
    >>> make_model("smoothed", smoothing=0.5).smoothing
    0.5
    >>> make_model("forest")
    Traceback (most recent call last):
    ...
    ValueError: model = 'forest' is not known; choose one of base, table, smoothed, softmax, hard
    """
    if name not in MODELS:
        raise ValueError(f"model = {quote(name)} is not known; choose one of {', '.join(MODELS)}")
    k = _smoothing(smoothing)
    if name == "base":
        return BaseRate(k)
    if name in ("table", "smoothed"):
        return FrequencyTable(bins, k if name == "smoothed" else 0.0, features)
    regression = SoftmaxRegression(learning_rate, l2)
    return regression if name == "softmax" else ModeBettor(regression)
