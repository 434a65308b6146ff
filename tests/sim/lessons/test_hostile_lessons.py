"""Hostile lesson files (issues 17, 18): special files, depth, format specs, parameter edges."""

from __future__ import annotations

import io
import os

import pytest

from sim.lessons.figures import StepFailure, failure_figure, step_figure
from sim.lessons.model import default_lesson, load_lesson
from sim.lessons.steps import compute_step

LESSON = '''title = "t"
language = "en"
{labels}
[[steps]]
id = "{step}"
heading = "h"
body = {body}
[steps.params]
{params}
'''


def write(tmp_path, body='"p is {p:.2f}"', step="entropy", params="", labels=""):
    path = tmp_path / "lesson.toml"
    path.write_text(LESSON.format(body=body, step=step, params=params, labels=labels))
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_or_a_device_is_refused_without_reading(tmp_path):
    fifo = tmp_path / "lesson.toml"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"lesson\.toml.*FIFO"):
        load_lesson(fifo)
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match=r"zero\.toml.*device"):
        load_lesson(link)


def test_deep_nesting_and_a_bom(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ValueError, match=r"deep\.toml.*nested more than 16 deep"):
        load_lesson(deep)
    path = write(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_lesson(path).steps[0].render_body({"p": 0.6, **dict.fromkeys(
        ["H_bits", "H_nats", "surprise_heads_bits", "surprise_tails_bits", "flips", "heads",
         "heads_share"], 1.0)}) == "p is 0.60"


@pytest.mark.parametrize("body", ['"{p:>99999999}"', '"{p:.99999999f}"', '"{p.__class__}"',
                                  '"{p!r}"', '"{0}"', '"{p:{p}}"'])
def test_a_hostile_body_is_refused_on_load_naming_the_file_and_step(tmp_path, body):
    with pytest.raises(ValueError, match=r"lesson.toml: step 1 \(entropy\): body"):
        load_lesson(write(tmp_path, body=body))


@pytest.mark.parametrize("label", ["Step {number:>99999999} of {total}",
                                   "{number:.99999999f} {total}", "{number.real} {total}"])
@pytest.mark.parametrize("key", ["step_counter", "round_counter"])
def test_a_hostile_counter_label_is_refused_on_load(tmp_path, key, label):
    labels = f'[labels]\n{key} = "{label}"\n'
    with pytest.raises(ValueError, match=f"lesson.toml: labels.{key}"):
        load_lesson(write(tmp_path, labels=labels))


def test_counters_render_through_the_compiled_template(tmp_path):
    labels = '[labels]\nround_counter = "{number:>3}/{total}"\n'
    lesson = load_lesson(write(tmp_path, labels=labels))
    assert lesson.counter("round_counter", 7, 100) == "  7/100"
    assert set(lesson.templates) == {"step_counter", "round_counter", "strip_counter"}


@pytest.mark.parametrize(("step", "params", "named"), [
    ("peak_decomposition", "share = 0.0", "share = 0.0 must be strictly between 0 and 1"),
    ("peak_decomposition", "share = 1.0", "share = 1.0 must be strictly between 0 and 1"),
    ("two_outcomes", "odds = 5e-324", "odds = 5e-324 is too small"),
    ("many_worlds", "odds = 5e-324", "odds = 5e-324 is too small"),
])
def test_a_parameter_its_figure_cannot_draw_is_refused_with_step_and_file(tmp_path, step,
                                                                          params, named):
    with pytest.raises(ValueError, match=rf"lesson.toml: step 1 \({step}\): .*{named}"):
        load_lesson(write(tmp_path, body='""', step=step, params=params))


@pytest.mark.slow
@pytest.mark.parametrize(("step", "changes"), [
    ("overbetting", {"p": 1e-300}), ("overbetting", {"p": 1e-50}),
    ("peak_decomposition", {"share": 1e-9}), ("peak_decomposition", {"share": 1 - 1e-9}),
    ("growth_curve", {"p": 0.0}), ("many_worlds", {"p": 1e-300}),
])
def test_parameter_edges_that_load_also_draw(step, changes):
    lesson = default_lesson()
    chosen = next(s for s in lesson.steps if s.id == step).with_params(**changes)
    figure = step_figure(chosen, compute_step(chosen), lesson.labels)
    figure.savefig(io.BytesIO(), format="png")


def test_a_failure_draws_as_a_message_figure():
    failure = StepFailure("lesson.toml: step 5 (overbetting): something went wrong")
    assert failure.facts() == {}
    figure = failure_figure(failure.message)
    figure.savefig(io.BytesIO(), format="png")
    assert "step 5" in figure.texts[0].get_text()
