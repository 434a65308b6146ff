"""The last two lesson steps: Kelly's private wire, and learning is betting (no pygame here).

* ``wire``: a tip on an even-money fair coin, right with probability q, lets the gambler grow at
  ln 2 - H(q) a flip, the capacity of the wire (Kelly 1956; Cover & Thomas 2006, §6.2). The
  theory curve comes from :func:`sim.wire.tip_curve`; the Monte Carlo points and the sample
  bankrolls from :func:`sim.wire.tip_table`, on the engine's draws with the step's seed.
* ``learning``: a model is a gambler who bets its probabilities; at fair 3-for-1 odds its growth
  per race is ln 3 minus its cross-entropy (:func:`sim.models.learning_run`, which checks the
  identity every step). The unsmoothed frequency table overfits and goes bust on the test races,
  the smoothed one survives; accuracy and the Brier score do not see the difference, the log
  score does (Gneiting & Raftery 2007).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.lessons.schema import StepParams
from sim.lessons.step_tools import StepResult
from sim.models import learning_run
from sim.wire import tip_curve, tip_table

#: accuracies at which the wire step checks the capacity by Monte Carlo
WIRE_POINTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
#: bankrolls with and without the tip drawn in the wire figure
WIRE_SAMPLES = 20
#: the learning step's races (synthetic: the true chances are known), table cuts and steps
LEARNING_DATA = "synthetic"
LEARNING_BINS = 4
COUNTING_STEPS = 20
REGRESSION_STEPS = 150


@dataclass(frozen=True)
class WireResult(StepResult):
    """Growth per flip with a tip of accuracy q: theory ln 2 - H(q) beside Monte Carlo."""

    accuracy: float
    capacity: float  # ln 2 - H(q), nats per flip
    mc_growth: float  # Monte Carlo growth per flip with the tip
    mc_se: float
    paths: int
    rounds: int
    curve_q: np.ndarray  # accuracies 0..1
    curve_growth: np.ndarray  # ln 2 - H(q) along curve_q
    points_q: np.ndarray  # the Monte Carlo accuracies
    points_mc: np.ndarray
    points_se: np.ndarray
    sample_with: np.ndarray  # (samples, rounds + 1) ln W_t / W_0 with the tip
    sample_without: np.ndarray  # the same flips without it (no edge: no bet)
    step_id: str = "wire"

    @property
    def stake(self) -> float:
        """|2q - 1|: the share of the bankroll Kelly stakes on (or against) the tip."""
        return abs(2 * self.accuracy - 1)

    @property
    def capacity_bits(self) -> float:
        return self.capacity / math.log(2)

    @property
    def perfect(self) -> float:
        """ln 2: the growth a perfect tip gives (every bet doubled)."""
        return math.log(2)


def wire_step(params: StepParams) -> WireResult:
    accuracies = [params.accuracy, *WIRE_POINTS]
    table, runs = tip_table(accuracies, paths=params.paths, rounds=params.rounds,
                            seed=params.seed, samples=min(WIRE_SAMPLES, params.paths))
    curve = tip_curve(points=201)
    return WireResult(
        accuracy=params.accuracy,
        capacity=float(table["with_theory"].iloc[0]),
        mc_growth=float(table["with_mc"].iloc[0]),
        mc_se=float(table["with_se"].iloc[0]),
        paths=params.paths,
        rounds=params.rounds,
        curve_q=curve["accuracy"].to_numpy(),
        curve_growth=curve["with_wire"].to_numpy(),
        points_q=table["accuracy"].to_numpy()[1:],
        points_mc=table["with_mc"].to_numpy()[1:],
        points_se=table["with_se"].to_numpy()[1:],
        sample_with=runs[0].sample_with,
        sample_without=runs[0].sample_without,
    )


@dataclass(frozen=True)
class LearningResult(StepResult):
    """The unsmoothed and the smoothed frequency table trained on the same races, and the
    accuracy-tuned "hard" bettor: their losses per step and their bankrolls race by race."""

    smoothing: float
    log_odds: float  # ln 3: the cross-entropy of break-even at fair 3-for-1
    train_races: int
    test_races: int
    steps: np.ndarray  # 1..N
    table_train: np.ndarray  # cross-entropy per step of the unsmoothed table
    table_test: np.ndarray  # (+inf once it stakes nothing on a winner)
    smoothed_train: np.ndarray
    smoothed_test: np.ndarray
    table_paths: dict  # per-race log multipliers of the final table: "train", "test"
    smoothed_paths: dict
    entropy: float  # mean H(p) of the test races (the true chances)
    divergence: float  # mean D(p||q) of the final smoothed table on them
    table_brier: float
    smoothed_brier: float
    hard_accuracy: float
    smoothed_accuracy: float
    step_id: str = "learning"

    @property
    def table_train_loss(self) -> float:
        return float(self.table_train[-1])

    @property
    def smoothed_train_loss(self) -> float:
        return float(self.smoothed_train[-1])

    @property
    def smoothed_test_loss(self) -> float:
        return float(self.smoothed_test[-1])

    @property
    def smoothed_growth(self) -> float:
        """Growth per test race of the smoothed table: ln 3 - its test cross-entropy."""
        return float(self.smoothed_paths["test"].mean())

    @property
    def bust_race(self) -> int:
        """The test race (1-based) on which the final unsmoothed table went bust; 0 if never."""
        lost = np.flatnonzero(np.isneginf(self.table_paths["test"]))
        return int(lost[0]) + 1 if lost.size else 0


def learning_step(params: StepParams) -> LearningResult:
    common = {"steps": COUNTING_STEPS, "seed": params.seed, "bins": LEARNING_BINS}
    table = learning_run(LEARNING_DATA, "table", smoothing=0.0, **common)
    smoothed = learning_run(LEARNING_DATA, "smoothed", smoothing=params.smoothing, **common)
    hard = learning_run(LEARNING_DATA, "hard", steps=REGRESSION_STEPS, seed=params.seed)
    last_table, last_smoothed = table.curve.iloc[-1], smoothed.curve.iloc[-1]
    return LearningResult(
        smoothing=params.smoothing,
        log_odds=float(np.log(smoothed.odds).mean()),
        train_races=smoothed.train.size,
        test_races=smoothed.test.size,
        steps=smoothed.curve["step"].to_numpy(),
        table_train=table.curve["train_cross_entropy"].to_numpy(),
        table_test=table.curve["test_cross_entropy"].to_numpy(),
        smoothed_train=smoothed.curve["train_cross_entropy"].to_numpy(),
        smoothed_test=smoothed.curve["test_cross_entropy"].to_numpy(),
        table_paths=table.paths,
        smoothed_paths=smoothed.paths,
        entropy=float(last_smoothed["test_entropy"]),
        divergence=float(last_smoothed["test_divergence"]),
        table_brier=float(last_table["test_brier"]),
        smoothed_brier=float(last_smoothed["test_brier"]),
        hard_accuracy=float(hard.curve["test_accuracy"].iloc[-1]),
        smoothed_accuracy=float(last_smoothed["test_accuracy"]),
    )
