"""A plain line chart on linear axes: several curves, reference lines, and curves that leave
the plot at +inf or -inf (a bust bankroll, an infinite log loss) marked where they leave.

Used by the Private wire screen (the capacity curve ln 2 - H(q)) and the Learn to bet screen
(the losses per training step, the log-bankroll race by race). It draws only numbers it is
given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pygame

from game.ui.charts import nice_step
from game.ui.style import AXIS, FAINT, GRID, MUTED, dashed_line, text


@dataclass(frozen=True)
class Curve:
    """One curve: x and y values (y may be +-inf), its colour, width and label."""

    label: str
    colour: tuple[int, int, int]
    x: np.ndarray
    y: np.ndarray
    width: int = 2


@dataclass(frozen=True)
class Level:
    """A horizontal reference line at ``value`` (dashed), labelled at the right."""

    label: str
    colour: tuple[int, int, int]
    value: float


class LinearAxes:
    """x in [x_low, x_high] and y in [y_low, y_high] mapped into the pixel rect ``plot``."""

    def __init__(self, plot: pygame.Rect, x_range: tuple[float, float],
                 y_range: tuple[float, float]) -> None:
        self.plot = plot
        self.x_low, self.x_high = x_range
        self.y_low, self.y_high = y_range
        if self.x_high <= self.x_low:
            self.x_high = self.x_low + 1.0
        if self.y_high <= self.y_low:
            self.y_high = self.y_low + 1.0

    def px(self, x) -> np.ndarray:
        share = (np.asarray(x, dtype=float) - self.x_low) / (self.x_high - self.x_low)
        return self.plot.left + share * self.plot.width

    def py(self, y) -> np.ndarray:
        """Pixel rows; values beyond the range (infinities included) sit on the edges."""
        share = (np.asarray(y, dtype=float) - self.y_low) / (self.y_high - self.y_low)
        share = np.clip(np.nan_to_num(share, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
        return self.plot.bottom - share * self.plot.height

    def x_of(self, pixel: float) -> float:
        """The x value under a pixel column (a click on the chart)."""
        share = (pixel - self.plot.left) / max(self.plot.width, 1)
        return self.x_low + min(max(share, 0.0), 1.0) * (self.x_high - self.x_low)


def _ticks(low: float, high: float, target: int) -> list[float]:
    step = nice_step(high - low, target)
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 12) for i in range(int((high - first) / step + 1e-9) + 1)]


def draw_axes(surface: pygame.Surface, axes: LinearAxes, x_label: str, y_format: str = "{:g}",
              x_format: str = "{:g}") -> None:
    plot = axes.plot
    for tick in _ticks(axes.y_low, axes.y_high, 4):
        y = float(axes.py(tick))
        pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
        text(surface, y_format.format(tick), (plot.left - 5, y), 11, MUTED, anchor="midright")
    for tick in _ticks(axes.x_low, axes.x_high, 5):
        x = float(axes.px(tick))
        pygame.draw.line(surface, GRID, (x, plot.top), (x, plot.bottom))
        text(surface, x_format.format(tick), (x, plot.bottom + 3), 11, MUTED, anchor="midtop")
    pygame.draw.rect(surface, AXIS, plot, width=1)
    text(surface, x_label, (plot.right, plot.bottom + 17), 11, FAINT, anchor="topright")


def _leave_mark(surface, colour, x: float, y: float) -> None:
    """A cross where a curve leaves the plot at an infinity."""
    for dx in (-5, 5):
        pygame.draw.line(surface, colour, (x - dx, y - 5), (x + dx, y + 5), 2)


def draw_curve(surface: pygame.Surface, axes: LinearAxes, curve: Curve) -> list[tuple]:
    """Draw the finite runs of ``curve``; returns the (x, y) pixels where it went infinite."""
    x = np.asarray(curve.x, dtype=float)
    y = np.asarray(curve.y, dtype=float)
    xs, ys = axes.px(x), axes.py(y)
    finite = np.isfinite(y)
    previous = surface.get_clip()
    surface.set_clip(axes.plot.inflate(2, 2))
    run: list[tuple[float, float]] = []
    for i in range(len(x)):
        if finite[i]:
            run.append((float(xs[i]), float(ys[i])))
            continue
        if len(run) > 1:
            pygame.draw.lines(surface, curve.colour, False, run, curve.width)
        run = []
    if len(run) > 1:
        pygame.draw.lines(surface, curve.colour, False, run, curve.width)
    elif len(run) == 1:
        pygame.draw.circle(surface, curve.colour, run[0], max(2, curve.width))
    surface.set_clip(previous)
    gone = [i for i in range(len(x)) if not finite[i]]
    for i in gone:  # an infinite run stays visible, dashed along the edge it left by
        if i + 1 < len(x) and not finite[i + 1]:
            dashed_line(surface, curve.colour, (float(xs[i]), float(ys[i])),
                        (float(xs[i + 1]), float(ys[i + 1])), 1, 3)
    leaves = [(float(xs[i]), float(ys[i])) for i in gone if i == 0 or finite[i - 1]]
    for point in leaves:
        _leave_mark(surface, curve.colour, *point)
    return leaves


def line_chart(surface: pygame.Surface, rect: pygame.Rect, curves: Sequence[Curve],
               x_range: tuple[float, float], y_range: tuple[float, float], x_label: str,
               levels: Sequence[Level] = (), y_format: str = "{:g}") -> LinearAxes:
    """Axes, reference levels and curves inside ``rect``; returns the axes (for clicks)."""
    plot = pygame.Rect(rect.left + 46, rect.top + 6, rect.width - 56, rect.height - 40)
    axes = LinearAxes(plot, x_range, y_range)
    draw_axes(surface, axes, x_label, y_format)
    for level in levels:
        y = float(axes.py(level.value))
        dashed_line(surface, level.colour, (plot.left, y), (plot.right, y), 1, 5)
        text(surface, level.label, (plot.right - 4, y - 2), 11, level.colour, anchor="bottomright")
    for curve in curves:
        draw_curve(surface, axes, curve)
    return axes


def value_range(values: Sequence[np.ndarray], extra: Sequence[float] = (),
                pad: float = 0.08) -> tuple[float, float]:
    """A y range covering the finite values and ``extra``, padded by ``pad`` of the span."""
    finite = [np.asarray(v, dtype=float).ravel() for v in values]
    finite = [v[np.isfinite(v)] for v in finite]
    pool = np.concatenate([*finite, np.asarray(extra, dtype=float)]) if finite or extra else []
    pool = np.asarray(pool, dtype=float)
    if pool.size == 0:
        return 0.0, 1.0
    low, high = float(pool.min()), float(pool.max())
    span = max(high - low, 1e-6)
    return low - pad * span, high + pad * span
