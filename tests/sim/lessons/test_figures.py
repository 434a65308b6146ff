"""Handout figures: one PNG per lesson step, Chinese labels in the shipped CJK font."""

from __future__ import annotations

import warnings

import pytest
from matplotlib.figure import Figure

from sim.lessons.figures import (
    HANDOUT,
    PROJECTOR,
    lesson_font,
    lesson_font_path,
    render_lesson_figures,
    step_figure,
)
from sim.lessons.model import STEP_IDS, default_lesson
from sim.lessons.steps import compute_step

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_the_lesson_font_is_shipped_and_registered():
    path = lesson_font_path()
    assert path is not None and path.stat().st_size < 3_000_000
    assert (path.parent / "OFL.txt").is_file()
    assert lesson_font() == "Noto Sans CJK TC"


def test_render_lesson_figures_writes_one_png_per_step(tmp_path):
    """The Chinese lesson: every label must find its glyphs in the shipped font."""
    lesson = default_lesson("zh-TW").with_params(paths=200)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        written = render_lesson_figures(lesson, tmp_path / "out", dpi=40)
    assert [p.name for p in written] == [
        f"step-{i:02d}-{step_id}.png" for i, step_id in enumerate(STEP_IDS, start=1)
    ]
    for path in written:
        assert path.read_bytes()[:8] == PNG_MAGIC
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)


@pytest.mark.parametrize("style", [HANDOUT, PROJECTOR])
def test_step_figures_have_axes_and_the_heading(style):
    lesson = default_lesson("zh-TW").with_params(paths=100)
    for step in lesson.steps:
        figure = step_figure(step, compute_step(step), lesson.labels, style, size=(6, 4))
        assert isinstance(figure, Figure) and figure.axes
        assert figure.get_suptitle() == step.heading


def test_growth_curve_can_leave_the_points_to_the_screen():
    step = default_lesson("en").with_params(paths=100).steps[3]
    result = compute_step(step)
    with_points = step_figure(step, result, default_lesson("en").labels, points=True)
    without = step_figure(step, result, default_lesson("en").labels, points=False)
    assert len(with_points.axes[0].containers) == 1  # the error bars
    assert len(without.axes[0].containers) == 0


@pytest.mark.parametrize("edits", [{"p": 0.99, "odds": 100.0}, {"p": 0.01, "odds": 0.01}])
def test_extreme_odds_draw_without_overflow(edits):
    # bankrolls overflow to inf at these odds; the log axes must clip them, not warn
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    lesson = default_lesson("en").with_params(**edits)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step in lesson.steps:
            FigureCanvasAgg(step_figure(step, compute_step(step), lesson.labels)).draw()
