"""The strip of flips and the same-flips chart (issue 15): the strip counts what it draws, the
chart's range keeps every line readable, and its legend stays clear of the lines."""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.lessons.figures import HANDOUT, PROJECTOR, step_figure
from sim.lessons.figures_flips import LEAST_SHARE, STRIP_FLIPS, wealth_window
from sim.lessons.model import default_lesson
from sim.lessons.steps import compute_step


def same_flips(language: str = "en", **params):
    lesson = default_lesson(language)
    step = next(s for s in lesson.steps if s.id == "same_flips")
    step = dataclasses.replace(step, params=dataclasses.replace(step.params, **params))
    return lesson, step, compute_step(step)


def drawn(language: str = "en", style=HANDOUT, **params):
    lesson, step, result = same_flips(language, **params)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        warnings.simplefilter("error", UserWarning)  # e.g. a singular (flat) axis range
        figure = step_figure(step, result, lesson.labels, style, size=(9, 5), dpi=60)
        FigureCanvasAgg(figure).draw()
    return lesson, step, result, figure


def strip_header(figure) -> str:
    strip = figure.axes[1]
    return " ".join(t.get_text() for t in strip.texts)


def test_the_strip_counts_the_flips_the_text_quotes():
    _, step, result, figure = drawn()
    assert result.rounds == 200 <= STRIP_FLIPS
    header = strip_header(figure)
    assert f"heads {result.heads}" in header
    assert f"tails {result.rounds - result.heads}" in header
    assert f"({result.heads} heads)" in step.render_body(result.facts())
    assert len(figure.axes[1].patches) == result.rounds  # one tile per flip


@pytest.mark.parametrize(("language", "counter"), [
    ("en", "first 200 of 1000 flips:"), ("zh-TW", "前 200 次投擲（共 1000 次）:")])
def test_a_long_strip_says_it_shows_the_first_flips(language, counter):
    _, _, result, figure = drawn(language, rounds=1000)
    header = strip_header(figure)
    assert header.startswith(counter)
    assert f" {int(result.heads_flips[:200].sum())}" in header
    assert len(figure.axes[1].patches) == STRIP_FLIPS


def test_the_strip_header_pieces_do_not_overlap():
    _, _, _, figure = drawn(style=PROJECTOR, rounds=1000)
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in figure.axes[1].texts]
    for left, right in itertools.pairwise(boxes):
        assert left.x1 <= right.x0


def decades(values, bottom, top):
    logs = np.log10(values)
    return (logs.max() - logs.min()) / (math.log10(top) - math.log10(bottom))


@pytest.mark.parametrize("params", [{}, {"rounds": 1000}, {"share": 1.0}, {"share": 0.3},
                                    {"p": 0.5, "share": 0.5}])
def test_the_range_keeps_the_bettor_at_a_p_whole_and_readable(params):
    _, _, result, figure = drawn(**params)
    bottom, top = figure.axes[0].get_ylim()
    assert (bottom, top) == pytest.approx(wealth_window(result.wealth_paths, result.start))
    kelly, other = result.wealth_paths
    assert bottom < kelly.min() and kelly.max() < top
    if other.min() < bottom or other.max() > top:  # the other line was let off the chart
        # a = p then fills a third of the height (less the 6% margins at each end)
        assert decades(kelly, bottom, top) >= 0.95 * LEAST_SHARE / 1.12
    else:
        assert bottom < other.min() and other.max() < top


def test_the_default_chart_no_longer_reaches_down_to_1e_47():
    _, _, result, figure = drawn()
    assert result.wealth_share < 1e-40  # the bold bettor does fall that far ...
    bottom, _ = figure.axes[0].get_ylim()
    assert bottom > 1e-6  # ... but the chart stays where a = p can be read
    legend = figure.axes[0].get_legend()
    entries = [t.get_text() for t in legend.get_texts()]
    assert entries == ["a = 0.60", f"a = 0.95 ▼ {result.wealth_share:.2g}"]  # as the text says


@pytest.mark.parametrize("style", [HANDOUT, PROJECTOR])
def test_the_legend_sits_above_the_chart_clear_of_the_lines(style):
    _, _, _, figure = drawn(style=style)
    renderer = figure.canvas.get_renderer()
    chart = figure.axes[0]
    legend = chart.get_legend().get_window_extent(renderer)
    assert legend.y0 >= chart.get_window_extent(renderer).y1 - 1
    assert legend.y1 <= figure.bbox.y1 + 1  # and inside the figure


def test_the_window_of_a_line_past_the_largest_float_stays_finite():
    paths = np.array([[100.0, 1e200, np.inf], [100.0, 50.0, 0.0]])
    bottom, top = wealth_window(paths, 100.0)
    assert 0 < bottom < 50 and math.isfinite(top)
