"""Learn to bet: a model trained step by step is a gambler who bets its probabilities.

No pygame here. The player picks a data set, a model and a smoothing k and presses train; each
step trains the model a little more (:func:`sim.models.learning_steps`) and bets it at fair
m-for-1 odds on the training races it has seen and on the test races it has not. The screen
shows the two cross-entropies (the losses) beside the two bankrolls, race by race:

    growth per race = ln m - cross-entropy   (checked by sim on every step)

so the training loss is what the model would lose betting on the races it studied, and the test
loss what it loses on new ones. The unsmoothed frequency table (``table``, the MLE) fits its
training races and goes bust on the test races the first time a horse wins in a cell where it
never won before; add-k smoothing (``smoothed``) bets a little on everything and survives
(Kelly 1956; Cover & Thomas 2006, ch. 6; Gneiting & Raftery 2007 for why only the log score is
the growth rate).
"""

from __future__ import annotations

import importlib
import math
import threading
from collections.abc import Iterator

import numpy as np
import pandas as pd

from sim.models import (
    DATASETS,
    learning_steps,
    load_races,
    make_model,
    split_races,
)
from sim.models.datasets import TABLE_FEATURES

#: training steps per model: a counting model's step is more data, the regression's a gradient
#: step
STEPS = {"base": 20, "table": 20, "smoothed": 20, "softmax": 150, "hard": 150}
#: cuts per feature of the frequency table (small cells: the MLE overfits)
BINS = 4
SMOOTHING_RANGE = (0.0, 5.0)


_preloading: list[threading.Thread] = []


def preload_datasets() -> threading.Thread:
    """Import scikit-learn's data sets on a background thread, once per process.

    The import takes about 0.7 s (longer on a loaded machine); done on the frame that picks
    iris or wine it froze the screen for that long. Started when the screen opens, it is
    usually over before the player picks one (who then waits only for what is left of it).
    Without scikit-learn installed it does nothing: picking iris then says what to install.
    """
    if not _preloading:
        thread = threading.Thread(target=_import_datasets, name="kelly-learn-datasets",
                                  daemon=True)
        _preloading.append(thread)
        thread.start()
    return _preloading[0]


def _import_datasets() -> None:
    try:
        importlib.import_module("sklearn.datasets")
    except ImportError:
        pass


class LearnSession:
    """One training run, advanced a step at a time."""

    def __init__(self, dataset: str = "synthetic", model: str = "table", smoothing: float = 0.0,
                 seed: int = 0, start: float = 100.0) -> None:
        self.seed = int(seed)
        self.start = float(start)
        self.dataset = dataset
        self.model = model
        self.smoothing = float(smoothing)
        self.rows: list[dict] = []
        self.paths: dict[str, np.ndarray] | None = None
        self._steps: Iterator | None = None
        self.choose(dataset=dataset, model=model, smoothing=smoothing)

    def choose(self, dataset: str | None = None, model: str | None = None,
               smoothing: float | None = None) -> None:
        """Change the data set, the model or k (ValueError naming a bad one); clears the run."""
        dataset = self.dataset if dataset is None else dataset
        model = self.model if model is None else model
        smoothing = self.smoothing if smoothing is None else smoothing
        if dataset not in DATASETS:
            raise ValueError(f"dataset = {dataset!r} is not known; choose one of "
                             f"{', '.join(DATASETS)}")
        make_model(model, smoothing=smoothing)  # names a bad model or k
        self.dataset, self.model, self.smoothing = dataset, model, float(smoothing)
        self.train_races, self.test_races = split_races(load_races(dataset, self.seed),
                                                        seed=self.seed)
        self.reset()

    def reset(self) -> None:
        self.rows, self.paths, self._steps = [], None, None

    @property
    def steps(self) -> int:
        return STEPS[self.model]

    @property
    def horses(self) -> int:
        return self.train_races.horses

    @property
    def break_even(self) -> float:
        """ln m: the cross-entropy at which a bettor at fair m-for-1 odds neither grows nor
        shrinks (the log odds of every winner)."""
        return math.log(self.horses)

    def train(self) -> None:
        """Start training from scratch (the screen then calls :meth:`advance`)."""
        learner = make_model(self.model, smoothing=self.smoothing, bins=BINS,
                             features=TABLE_FEATURES[self.dataset])
        self.rows, self.paths = [], None
        self._steps = learning_steps(learner, self.train_races, self.test_races, self.steps)

    @property
    def training(self) -> bool:
        return self._steps is not None and len(self.rows) < self.steps

    @property
    def finished(self) -> bool:
        return len(self.rows) >= self.steps

    def advance(self, count: int = 1) -> int:
        """Train ``count`` more steps (fewer at the end); returns the steps taken."""
        taken = 0
        while taken < count and self.training:
            row, paths = next(self._steps)
            self.rows.append(row)
            self.paths = paths
            taken += 1
        return taken

    def run_to_end(self) -> None:
        if self._steps is None:
            self.train()
        self.advance(self.steps)

    @property
    def step(self) -> int:
        return len(self.rows)

    def curve(self) -> pd.DataFrame:
        """The rows so far (the columns of :func:`sim.models.learning_curve`)."""
        return pd.DataFrame(self.rows)

    def latest(self) -> dict | None:
        return self.rows[-1] if self.rows else None

    def bankroll(self, split: str) -> np.ndarray:
        """The current model's bankroll race by race on the ``train`` or ``test`` races,
        from :attr:`start` (0 once bust)."""
        if self.paths is None:
            return np.array([self.start])
        steps = np.concatenate([[0.0], np.cumsum(self.paths[split])])
        with np.errstate(over="ignore"):
            return self.start * np.exp(steps)

    def log_bankroll(self, split: str) -> np.ndarray:
        """ln(W_n / W_0) race by race (-inf once bust): what the chart draws."""
        if self.paths is None:
            return np.array([0.0])
        return np.concatenate([[0.0], np.cumsum(self.paths[split])])

    def bust_race(self, split: str) -> int | None:
        """The race (1-based) on which the current model went bust, or None."""
        if self.paths is None:
            return None
        lost = np.flatnonzero(np.isneginf(self.paths[split]))
        return int(lost[0]) + 1 if lost.size else None
