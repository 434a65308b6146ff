"""The classroom's figures: a lesson step drawn by matplotlib off the screen's thread, the Monte
Carlo points that drop onto the growth curve, the spinner shown meanwhile, and the lesson to open.

Split from :mod:`game.scenes.classroom` (the screen itself: steps, editors, keys).
"""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pygame

from game.scenes.classroom_ui import ACCENT, BAD, EDGE, TEXT, figure_pixels, projector_style
from sim.lessons.figures import StepFailure, failure_figure, growth_window, step_figure
from sim.lessons.model import (
    Lesson,
    LessonStep,
    available_languages,
    default_lesson,
    load_lesson,
)
from sim.lessons.steps import GrowthCurveResult, StepResult, compute_step

#: one matplotlib figure at a time in this process: rc_context changes matplotlib's global
#: settings, and a screen further down the stack may still be finishing a figure
DRAWING = threading.Lock()
_settled = False  # has the first figure frozen matplotlib's objects (see draw_step)?


@dataclass(frozen=True)
class DroppingPoint:
    """A Monte Carlo point of the growth curve in screen pixels (relative to the figure)."""

    x: float
    y: float  # where it lands: G estimated by the engine
    low: float  # the ends of its 95% interval (y +- 2 standard errors)
    high: float
    top: float  # where it starts: the top of the axes


@dataclass(frozen=True)
class DrawnStep:
    """A step's figure as the background thread hands it over: RGBA pixels and drop targets."""

    pixels: bytes
    size: tuple[int, int]
    points: tuple[DroppingPoint, ...]


def draw_step(step: LessonStep, result: StepResult, labels, size: tuple[int, int],
              window_height: int) -> DrawnStep:
    """Draw ``step``'s figure in the projector style at ``size`` pixels (100 dpi); on the
    growth-curve step without its Monte Carlo points, which the screen drops on by itself.
    Runs on the background thread: matplotlib only, no pygame.

    The first figure imports matplotlib (about 100,000 objects that live as long as the game).
    Python's full garbage collection walks every live object while holding the GIL, which
    would stop the screen's frames for 50 to 100 ms; so the objects that exist before and after
    the first figure are frozen (``gc.freeze``: never collected, never walked again).
    """
    global _settled
    animate = isinstance(result, GrowthCurveResult)
    options = {"points": False} if animate else {}
    with DRAWING:
        if not _settled:
            gc.freeze()
        figure = failure_figure(result.message, projector_style(window_height),
                                size=(size[0] / 100, size[1] / 100)) if isinstance(
            result, StepFailure) else step_figure(
            step, result, labels, projector_style(window_height),
            size=(size[0] / 100, size[1] / 100), dpi=100, title=False, **options)
        pixels, drawn = figure_pixels(figure)  # draws it: the layout is final only now
        points = drop_targets(figure, result, drawn[1]) if animate else ()
        if not _settled:
            gc.freeze()
            _settled = True
    return DrawnStep(pixels, drawn, points)


def step_job(lesson: Lesson, index: int, known: StepResult | None, result_key,
             size: tuple[int, int], window_height: int):
    """The background work for step ``index``: compute it (unless ``known``), post the numbers
    under ``result_key``, then draw the figure; an error becomes the step's failure panel, so
    the lesson goes on."""
    step = lesson.steps[index]

    def job(post) -> DrawnStep:
        try:
            result = known if known is not None else compute_step(step)
            post(result_key, result)
            return draw_step(step, result, lesson.labels, size, window_height)
        except Exception as error:  # one step's error shows in its panel; the lesson goes on
            failure = StepFailure(f"{lesson.source}: step {index + 1} ({step.id}): {error}")
            post(result_key, failure)
            return draw_step(step, failure, lesson.labels, size, window_height)

    return job


def drop_targets(figure, result: GrowthCurveResult, height: int) -> tuple[DroppingPoint, ...]:
    """Pixel positions of the Monte Carlo points on the drawn growth chart (y down)."""
    axis = figure.axes[0]
    low_limit, high_limit = growth_window(result)
    top = height - axis.bbox.y1
    points = []
    for a, g, se in zip(result.mc_shares, result.mc_growth, result.mc_se, strict=True):
        if not np.isfinite(g):
            continue
        ends = np.clip([g - 2 * se, g + 2 * se], low_limit, high_limit)
        (x, y), (_, y_low), (_, y_high) = axis.transData.transform(
            [(a, g), (a, ends[0]), (a, ends[1])])
        points.append(DroppingPoint(x, height - y, height - y_low, height - y_high, top))
    return tuple(points)


def open_lesson(lesson: Lesson | str | Path | None, language: str = "en") -> Lesson:
    """The lesson to teach: a Lesson as given, a shipped one by its language tag ("zh-TW"), a
    lesson file (TOML) by its path, or else the shipped one in ``language``. A bad file raises
    ValueError naming the problem."""
    if isinstance(lesson, Lesson):
        return lesson
    if lesson is not None:
        if str(lesson) in available_languages():
            return default_lesson(str(lesson))
        if not Path(lesson).suffix and not Path(lesson).exists():
            raise ValueError(f"lesson {str(lesson)!r} is neither a lesson file (.toml) nor a "
                             f"shipped language ({', '.join(available_languages())})")
        return load_lesson(lesson)
    return default_lesson(language)




def draw_spinner(surface: pygame.Surface, panel: pygame.Rect, unit: float, spin: float) -> None:
    """While the figure is drawn: a large turning arc in the middle of its panel, visible
    from the back of the room (no words, so it suits every lesson language)."""
    radius = round(unit * 2.4)
    thick = max(4, round(unit * 0.4))
    ring = pygame.Rect(0, 0, 2 * radius, 2 * radius)
    ring.center = panel.center
    pygame.draw.circle(surface, EDGE, ring.center, radius, max(2, thick // 3))
    start = -spin * 2 * math.pi * 0.8  # 0.8 turns a second
    pygame.draw.arc(surface, ACCENT, ring, start, start + 1.6 * math.pi / 2, thick)


def draw_points(surface: pygame.Surface, panel: pygame.Rect, unit: float,
                points: Sequence[DroppingPoint], progress: Callable[[int], float]) -> None:
    """The Monte Carlo points falling onto the curve; ``progress(i)`` is point i's fall, 0..1
    (at 1 its 95% interval is drawn as well)."""
    radius = max(5, round(unit * 0.33))
    thick = max(2, round(unit / 8))
    for i, point in enumerate(points):
        done = progress(i)
        if done <= 0:
            continue
        eased = 1 - (1 - done) ** 3
        y = point.top + (point.y - point.top) * eased
        x = panel.left + point.x
        if done >= 1:
            pygame.draw.line(surface, BAD, (x, panel.top + point.low),
                             (x, panel.top + point.high), thick)
        pygame.draw.circle(surface, BAD, (round(x), round(panel.top + y)), radius)
        pygame.draw.circle(surface, TEXT, (round(x), round(panel.top + y)), radius,
                           max(1, thick // 2))
