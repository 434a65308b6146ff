"""The last two lesson steps: Kelly's private wire and learning is betting (numbers, figures,
parameters)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from sim.lessons.figures import HANDOUT, PROJECTOR, step_figure
from sim.lessons.model import STEP_IDS, default_lesson, loads_lesson
from sim.lessons.schema import StepParams
from sim.lessons.steps_learning import learning_step, wire_step
from sim.models import learning_run
from sim.theory import entropy, tip_joint
from sim.wire import simulate_wire


def test_the_two_steps_end_both_lessons():
    assert STEP_IDS[-2:] == ("wire", "learning")
    for language in ("en", "zh-TW"):
        assert [s.id for s in default_lesson(language).steps][-2:] == ["wire", "learning"]


@pytest.mark.parametrize("accuracy", [0.55, 0.6, 0.8])
def test_wire_step_capacity_and_its_monte_carlo(accuracy):
    result = wire_step(StepParams(accuracy=accuracy, paths=2000, rounds=100, seed=4))
    assert result.capacity == pytest.approx(math.log(2) - entropy([accuracy, 1 - accuracy]))
    assert result.stake == pytest.approx(abs(2 * accuracy - 1))
    assert abs(result.mc_growth - result.capacity) < 4 * result.mc_se
    expected = [math.log(2) - entropy([q, 1 - q]) for q in result.points_q]
    assert np.all(np.abs(result.points_mc - expected) <= 4 * result.points_se + 1e-12)
    assert np.allclose(result.curve_growth[[0, 100, 200]], [math.log(2), 0.0, math.log(2)])
    run = simulate_wire(tip_joint(accuracy), paths=20, rounds=100, seed=4, samples=20)
    assert np.allclose(result.sample_with, run.sample_with)
    assert np.allclose(result.sample_without, 0.0)  # a fair coin and no tip: no bet


def test_learning_step_the_table_goes_bust_and_smoothing_survives():
    result = learning_step(StepParams(smoothing=1.0, seed=4))
    assert result.bust_race >= 1 and np.isneginf(result.table_paths["test"][result.bust_race - 1])
    assert np.all(np.isfinite(result.smoothed_paths["test"]))
    assert result.smoothed_growth == pytest.approx(result.log_odds - result.smoothed_test_loss)
    assert result.log_odds == pytest.approx(math.log(3))
    assert result.table_train_loss < result.smoothed_train_loss  # the table fits its races
    run = learning_run("synthetic", "smoothed", smoothing=1.0, steps=20, seed=4, bins=4)
    assert np.allclose(result.smoothed_test, run.curve["test_cross_entropy"])
    assert result.divergence == pytest.approx(result.smoothed_test_loss - result.entropy,
                                              abs=0.05)  # E[CE] = H + D; one sample of races


def test_zero_smoothing_is_the_bust_table_too():
    result = learning_step(StepParams(smoothing=0.0, seed=4))
    assert not np.all(np.isfinite(result.smoothed_paths["test"]))


@pytest.mark.parametrize("step_id", ["wire", "learning"])
@pytest.mark.parametrize("style", [HANDOUT, PROJECTOR])
@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_figures_draw(step_id, style, language):
    lesson = default_lesson(language)
    step = lesson.steps[STEP_IDS.index(step_id)]
    result = wire_step(step.params) if step_id == "wire" else learning_step(step.params)
    figure = step_figure(step, result, lesson.labels, style, dpi=40)
    assert isinstance(figure, Figure) and len(figure.axes) == 2


LESSON = """
title = "t"
language = "en"
[[steps]]
id = "{step}"
heading = "h"
body = "{body}"
[steps.params]
{param}
"""


@pytest.mark.parametrize(
    ("step", "param", "named"),
    [("wire", "accuracy = 1.5", "accuracy = 1.5"), ("wire", "smoothing = 1", "smoothing"),
     ("learning", "smoothing = -1", "smoothing = -1"),
     ("learning", "smoothing = 1000", "smoothing = 1000")],
)
def test_bad_parameters_are_named(step, param, named):
    with pytest.raises(ValueError, match=named):
        loads_lesson(LESSON.format(step=step, body="", param=param))


def test_bodies_may_quote_the_new_facts():
    lesson = loads_lesson(LESSON.format(step="wire", body="{capacity:.4f} {stake:.0%}",
                                        param="accuracy = 0.75"))
    step = lesson.steps[0]
    assert step.render_body(wire_step(step.params).facts()) == "0.1308 50%"
