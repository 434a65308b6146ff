"""What each lesson step shows, computed by the engine and the closed forms (no pygame here).

One pure function per step id of :mod:`sim.lessons.model`; each takes the step's
:class:`~sim.lessons.schema.StepParams` and returns a frozen dataclass of plain numbers and arrays.
The classroom screen and the handout figures only draw these results, and the tests assert on
them. Every draw comes from :func:`sim.engine.simulate` with the step's seed, so the same seed
gives the same numbers on the projector, in the handout and in a test.

The coin pays b-to-1 on heads and 1/b-to-1 on tails, a fair two-way book with decimal odds
o = (1 + b, 1 + 1/b). Splitting the bankroll as a share a on heads and 1 - a on tails multiplies
it by a o_H or (1 - a) o_T, so (Kelly 1956; Cover & Thomas 2006, §6.1)

    G(a) = p ln(a o_H) + (1 - p) ln((1 - a) o_T) = sum_i p_i ln o_i - H(p, a)
         = sum_i p_i ln o_i - H(p) - D(p || a),

largest at a = p. At even money o = (2, 2) and G(a) = ln 2 - H(p, a).

Flips are read back from the engine with a *probe*: a strategy staking half the bankroll on
heads rides along on the same common random numbers; its log-wealth rises exactly on heads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.lessons.model import LessonStep
from sim.lessons.schema import StepParams
from sim.lessons.step_tools import (
    CURVE_GRID,
    FAN_QUANTILES,
    SAMPLE_WORLDS,
    StepResult,
    coin,
    constant_growth,
    heads_from_probe,
    share_growth,
)
from sim.lessons.steps_coin import (
    EntropyResult,
    GrowthCurveResult,
    SameFlipsResult,
    TwoOutcomesResult,
    entropy_step,
    growth_curve_step,
    same_flips_step,
    two_outcomes_step,
)
from sim.lessons.steps_growth import (
    DecompositionResult,
    ManyWorldsResult,
    OverbettingResult,
    UnknownPResult,
    expected_bayes_loss,
    many_worlds_step,
    overbetting_step,
    peak_decomposition_step,
    unknown_p_step,
)
from sim.lessons.steps_learning import LearningResult, WireResult, learning_step, wire_step

__all__ = [
    "CURVE_GRID",
    "FAN_QUANTILES",
    "SAMPLE_WORLDS",
    "STEP_FUNCTIONS",
    "DecompositionResult",
    "EntropyResult",
    "GrowthCurveResult",
    "LearningResult",
    "ManyWorldsResult",
    "OverbettingResult",
    "SameFlipsResult",
    "StepResult",
    "TwoOutcomesResult",
    "UnknownPResult",
    "WireResult",
    "coin",
    "compute_step",
    "constant_growth",
    "entropy_step",
    "expected_bayes_loss",
    "growth_curve_step",
    "heads_from_probe",
    "learning_step",
    "many_worlds_step",
    "overbetting_step",
    "peak_decomposition_step",
    "same_flips_step",
    "share_growth",
    "two_outcomes_step",
    "unknown_p_step",
    "wire_step",
]

STEP_FUNCTIONS: dict[str, Callable[[StepParams], Any]] = {
    "entropy": entropy_step,
    "two_outcomes": two_outcomes_step,
    "same_flips": same_flips_step,
    "growth_curve": growth_curve_step,
    "peak_decomposition": peak_decomposition_step,
    "overbetting": overbetting_step,
    "many_worlds": many_worlds_step,
    "unknown_p": unknown_p_step,
    "wire": wire_step,
    "learning": learning_step,
}


def compute_step(step: LessonStep) -> StepResult:
    """Run the computation behind one lesson step."""
    return STEP_FUNCTIONS[step.id](step.params)
