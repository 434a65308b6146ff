"""One matplotlib figure per lesson step, for the handout and for the classroom projector.

Figures are built on :class:`matplotlib.figure.Figure` (never pyplot), so nothing touches a
display and nothing global is kept between calls except the registration of the lesson font.
Every number drawn comes from the step's result (:mod:`sim.lessons.steps`); the words come from
the lesson's labels, so a Chinese lesson gets Chinese axes. Text is set in Noto Sans CJK TC
(see :mod:`sim.lessons.style`), which covers English and Traditional Chinese.

Two styles: :data:`HANDOUT` (white paper, thin lines) and :data:`PROJECTOR` (a black background,
bright colours, thick lines and large type that read from the back of a room).

:func:`render_lesson_figures` writes every step's figure to PNG (``kelly report`` calls it).

matplotlib is imported on first use, not with this module: the game loads every screen when it
starts, and the styles and the font path (re-exported here) are all the classroom needs
until it draws.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim import files
from sim.lessons.figures_flips import flip_strip, same_flips_figure
from sim.lessons.figures_learning import learning_figure, wire_figure
from sim.lessons.model import Lesson, LessonStep
from sim.lessons.steps import (
    DecompositionResult,
    EntropyResult,
    GrowthCurveResult,
    ManyWorldsResult,
    OverbettingResult,
    StepResult,
    TwoOutcomesResult,
    UnknownPResult,
    compute_step,
)
from sim.lessons.style import (  # noqa: F401  (the classroom takes the styles from here)
    FONT_FAMILY,
    FONT_FILE,
    HANDOUT,
    LOG_TOP,
    PROJECTOR,
    SAMPLE_LINES,
    FigureStyle,
    _floor,
    _grid,
    _money,
    _rc,
    lesson_font,
    lesson_font_path,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# One drawer per step


def _entropy(figure: Figure, r: EntropyResult, labels: Mapping[str, str], s: FigureStyle):
    top, strip = figure.subplots(2, 1, height_ratios=(4, 1))
    top.plot(r.curve_p, r.curve_bits, color=s.palette[0], linewidth=s.line_width)
    top.plot([r.p], [r.H_bits], "o", color=s.heads, markersize=s.marker_size * 1.4,
             markeredgecolor=s.foreground)
    top.vlines(r.p, 0, r.H_bits, color=s.heads, linestyle="--", linewidth=s.line_width / 2)
    top.annotate(f"H({r.p:.2f}) = {r.H_bits:.3f}", (r.p, r.H_bits), xytext=(12, -28),
                 textcoords="offset points", color=s.foreground,
                 ha="left" if r.p < 0.6 else "right")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1.08)
    top.set_xlabel(labels["probability_axis"])
    top.set_ylabel(labels["entropy_axis"])
    _grid(top)
    flip_strip(strip, r.sample, labels, s)


def _two_outcomes(figure: Figure, r: TwoOutcomesResult, labels: Mapping[str, str], s: FigureStyle):
    bars, lines = figure.subplots(1, 2, width_ratios=(1, 1.3))
    values = (r.m_heads, r.m_tails)
    names = (f"{labels['heads']}\na × o_H", f"{labels['tails']}\n(1 − a) × o_T")
    bars.bar(names, values, color=(s.heads, s.tails), width=0.6)
    bars.axhline(1.0, color=s.foreground, linewidth=s.line_width / 2, linestyle="--")
    for x, value in enumerate(values):
        bars.text(x, value, f"×{value:.2f}", ha="center", va="bottom", color=s.foreground,
                  fontsize=s.font_size * 1.15)
    bars.set_ylim(0, max(max(values), 1.0) * 1.25)
    bars.set_ylabel(labels["multiplier"])
    _grid(bars)
    a = np.linspace(0, 1, 201)
    lines.plot(a, a * r.o_heads, color=s.heads, linewidth=s.line_width, label=labels["heads"])
    lines.plot(a, (1 - a) * r.o_tails, color=s.tails, linewidth=s.line_width,
               label=labels["tails"])
    lines.axvline(r.share, color=s.foreground, linewidth=s.line_width / 2, linestyle="--")
    lines.axhline(1.0, color=s.muted, linewidth=s.line_width / 3)
    lines.plot([r.share, r.share], [r.m_heads, r.m_tails], "o", color=s.foreground,
               markersize=s.marker_size)
    lines.set_xlim(0, 1)
    lines.set_xlabel(labels["share_axis"])
    lines.set_ylabel(labels["multiplier"])
    lines.legend(loc="upper center")
    _grid(lines)


def growth_window(r: GrowthCurveResult) -> tuple[float, float]:
    """The y range of the growth chart: the peak and every finite Monte Carlo point."""
    finite = r.mc_growth[np.isfinite(r.mc_growth)]
    low = min([r.peak_growth - 0.05, *finite.tolist()])
    high = max([r.peak_growth, *finite.tolist()])
    span = high - low
    return low - 0.12 * span, high + 0.2 * span


def _growth_curve(figure: Figure, r: GrowthCurveResult, labels: Mapping[str, str], s: FigureStyle,
                  points: bool = True):
    axis = figure.subplots()
    low, high = growth_window(r)
    axis.plot(r.grid, r.curve, color=s.palette[0], linewidth=s.line_width,
              label=f"{labels['theory']}: G(a)")
    axis.axhline(0, color=s.muted, linewidth=s.line_width / 3)
    axis.axvline(r.p, color=s.heads, linestyle="--", linewidth=s.line_width / 2,
                 label=labels["kelly_peak"])
    axis.plot([r.peak_share], [r.peak_growth], "*", color=s.heads,
              markersize=s.marker_size * 2, markeredgecolor=s.foreground)
    if not points:  # the classroom screen drops them in itself; keep their legend entry
        axis.plot([], [], "o", color=s.bad, markersize=s.marker_size,
                  label=labels["monte_carlo"])
    else:
        finite = np.isfinite(r.mc_growth)
        axis.errorbar(r.mc_shares[finite], r.mc_growth[finite], yerr=2 * r.mc_se[finite],
                      fmt="o", color=s.bad, markersize=s.marker_size, capsize=s.marker_size / 2,
                      elinewidth=s.line_width / 2, label=labels["monte_carlo"])
    axis.set_xlim(0, 1)
    axis.set_ylim(low, high)
    axis.set_xlabel(labels["share_axis"])
    axis.set_ylabel(labels["growth_axis"])
    axis.legend(loc="lower left")
    _grid(axis)


def _decomposition(figure: Figure, r: DecompositionResult, labels: Mapping[str, str],
                   s: FigureStyle):
    axis = figure.subplots()
    cases = ((f"a = {r.share:.2f}", r.divergence, r.growth),
             (f"a = p = {r.p:.2f}", 0.0, r.best_growth))
    top = max(r.log_odds, r.cross_entropy) + 0.25 * max(r.divergence, abs(r.growth), 0.02)
    bottom = r.entropy - 0.35 * (top - r.entropy)
    width = 0.5
    for x, (_, divergence, growth) in enumerate(cases):
        axis.bar(x, r.entropy - bottom, bottom=bottom, width=width, color=s.entropy,
                 label=labels["entropy"] if x == 0 else None)
        if divergence > 0:
            axis.bar(x, divergence, bottom=r.entropy, width=width, color=s.bad,
                     label=labels["divergence"])
            axis.text(x, r.entropy + divergence / 2, f"D = {divergence:.3f}", ha="center",
                      va="center", color=s.foreground)
        colour = s.good if growth >= 0 else s.bad
        end = r.entropy + divergence
        axis.annotate("", xy=(x + width * 0.62, r.log_odds), xytext=(x + width * 0.62, end),
                      arrowprops={"arrowstyle": "<->", "color": colour,
                                  "linewidth": s.line_width / 2})
        axis.text(x + width * 0.7, (r.log_odds + end) / 2, f"G = {growth:+.4f}", va="center",
                  ha="left", color=colour)
        axis.text(x, bottom + (r.entropy - bottom) / 2, f"H(p)\n{r.entropy:.3f}", ha="center",
                  va="center", color=s.background if s.background != "#ffffff" else "white")
    axis.axhline(r.log_odds, color=s.heads, linewidth=s.line_width / 2, linestyle="--",
                 label=f"{labels['log_odds']} = {r.log_odds:.4f}")
    axis.set_xticks(range(len(cases)), [c[0] for c in cases])
    axis.set_xlim(-0.6, len(cases) - 0.1)
    axis.set_ylim(bottom, top)
    axis.set_ylabel("nats")
    axis.legend(loc="upper right")
    _grid(axis)


def _overbetting(figure: Figure, r: OverbettingResult, labels: Mapping[str, str], s: FigureStyle):
    paths, bars = figure.subplots(1, 2, width_ratios=(1.5, 1))
    rounds = np.arange(r.rounds + 1)
    positive = r.typical_paths[r.typical_paths > 0]
    bottom = max(float(positive.min()) / 3, 1e-6) if positive.size else 1e-6
    for i, label in enumerate(r.labels):
        colour = s.palette[i % len(s.palette)]
        path = r.typical_paths[i]
        paths.plot(rounds, _floor(path, bottom), color=colour, linewidth=s.line_width,
                   label=label)
        if np.any(path <= 0):
            end = int(np.argmax(path <= 0))
            paths.plot([end], [bottom], "X", color=colour, markersize=s.marker_size * 1.6,
                       clip_on=False)
            paths.annotate(labels["bust"], (end, bottom), xytext=(8, 10),
                           textcoords="offset points", color=colour)
    paths.set_yscale("log")
    paths.yaxis.set_major_formatter(_money)
    paths.set_xlim(0, r.rounds)
    paths.set_xlabel(labels["round_axis"])
    paths.set_ylabel(labels["typical"])
    paths.legend(loc="upper left")
    _grid(paths)

    x = np.arange(len(r.labels))
    finite = np.isfinite(r.mc_growth)
    colours = [s.palette[i % len(s.palette)] for i in x]
    heights = np.where(finite, r.mc_growth, 0.0)
    bars.bar(x, heights, color=colours, width=0.6)
    bars.errorbar(x[finite], r.mc_growth[finite], yerr=2 * r.mc_se[finite], fmt="none",
                  ecolor=s.foreground, elinewidth=s.line_width / 3, capsize=s.marker_size / 2)
    theory = np.isfinite(r.theory)
    bars.plot(x[theory], r.theory[theory], "D", color=s.foreground,
              markeredgecolor=s.background, markersize=s.marker_size * 1.2,
              label=labels["theory"], zorder=5)
    # g* underflows to a non-finite value for p ~ 1e-50: scale by what is finite
    scale = max((v for v in (abs(r.g_star), float(np.max(np.abs(heights)))) if np.isfinite(v)),
                default=1e-3)
    scale = max(scale, 1e-3)
    for i in x[~finite]:
        bars.text(i, -0.5 * scale, f"−∞\n{labels['bust']}", ha="center", va="center",
                  color=colours[i])
    bars.axhline(0, color=s.muted, linewidth=s.line_width / 3)
    bars.set_xticks(x, r.labels, rotation=20)
    bars.set_ylim(-1.0 * scale, 1.3 * scale)
    bars.set_ylabel(labels["growth_axis"])
    bars.legend(loc="upper right")
    _grid(bars)


def _many_worlds(figure: Figure, r: ManyWorldsResult, labels: Mapping[str, str], s: FigureStyle):
    axis = figure.subplots()
    rounds = np.arange(r.rounds + 1)
    theory_median, theory_mean = r.theory_paths()
    values = np.concatenate([r.quantile_paths.ravel(), r.mean_path, theory_mean,
                             theory_median, [r.start]])
    positive = values[(values > 0) & np.isfinite(values)]
    bottom = max(float(positive.min()) / 2, r.start * 1e-8)
    top = min(float(positive.max()) * 3, LOG_TOP)
    for path in r.sample_paths[:SAMPLE_LINES]:
        axis.plot(rounds, _floor(path, bottom), color=s.muted, linewidth=s.line_width / 5,
                  alpha=0.35)
    axis.fill_between(rounds, _floor(r.quantile_paths[0], bottom),
                      _floor(r.quantile_paths[-1], bottom), color=s.palette[0], alpha=0.18,
                      linewidth=0)
    axis.plot(rounds, _floor(r.median_path, bottom), color=s.palette[0], linewidth=s.line_width,
              label=labels["median"])
    axis.plot(rounds, _floor(r.mean_path, bottom), color=s.heads, linewidth=s.line_width,
              label=labels["mean"])
    axis.plot(rounds, np.clip(theory_median, bottom, top), color=s.palette[0],
              linewidth=s.line_width / 2, linestyle=":", label=labels["theory_median"])
    axis.plot(rounds, np.clip(theory_mean, bottom, top), color=s.heads,
              linewidth=s.line_width / 2, linestyle=":", label=labels["theory_mean"])
    axis.axhline(r.start, color=s.foreground, linewidth=s.line_width / 4)
    axis.set_yscale("log")
    axis.set_ylim(bottom, top)
    axis.yaxis.set_major_formatter(_money)
    axis.set_xlim(0, r.rounds)
    axis.set_xlabel(labels["round_axis"])
    axis.set_ylabel(labels["wealth_axis"])
    axis.legend(loc="upper left")
    _grid(axis)


def _unknown_p(figure: Figure, r: UnknownPResult, labels: Mapping[str, str], s: FigureStyle):
    belief, loss, regret = figure.subplots(1, 3)
    rounds = np.arange(r.rounds + 1)
    belief.fill_between(rounds, r.belief_band[0], r.belief_band[1], color=s.palette[0],
                        alpha=0.25, linewidth=0)
    belief.plot(rounds, r.belief_path, color=s.palette[0], linewidth=s.line_width,
                label=labels["belief"])
    belief.axhline(r.p, color=s.heads, linestyle="--", linewidth=s.line_width / 2,
                   label=f"p = {r.p:.2f}")
    belief.set_ylim(0, 1)
    belief.set_xlim(0, r.rounds)
    belief.set_xlabel(labels["round_axis"])
    belief.set_title(labels["belief"])
    belief.legend(loc="lower right")
    _grid(belief)

    t = np.arange(1, r.rounds + 1)
    loss.plot(t, np.maximum(r.loss_mean, 1e-12), color=s.bad, linewidth=s.line_width / 2,
              label=labels["monte_carlo"])
    loss.plot(t, np.maximum(r.loss_exact, 1e-12), color=s.foreground,
              linewidth=s.line_width / 2, linestyle="--", label=labels["exact"])
    loss.set_xscale("log")
    loss.set_yscale("log")
    loss.set_xlabel(labels["round_axis"])
    loss.set_title(labels["loss"])
    loss.legend(loc="lower left")
    _grid(loss)

    regret.plot(rounds, r.regret_paths, color=s.bad, linewidth=s.line_width,
                label=labels["monte_carlo"])
    regret.plot(rounds, r.regret_exact_path, color=s.foreground, linewidth=s.line_width / 2,
                linestyle="--", label=labels["exact"])
    regret.set_xlim(0, r.rounds)
    regret.set_xlabel(labels["round_axis"])
    regret.set_title(labels["regret"])
    regret.legend(loc="lower right")
    _grid(regret)


DRAWERS: dict[str, Callable[..., None]] = {
    "entropy": _entropy,
    "two_outcomes": _two_outcomes,
    "same_flips": same_flips_figure,
    "growth_curve": _growth_curve,
    "peak_decomposition": _decomposition,
    "overbetting": _overbetting,
    "many_worlds": _many_worlds,
    "unknown_p": _unknown_p,
    "wire": wire_figure,
    "learning": learning_figure,
}


def step_figure(
    step: LessonStep,
    result: StepResult,
    labels: Mapping[str, str],
    style: FigureStyle = HANDOUT,
    size: tuple[float, float] = (9.0, 5.0),
    dpi: float = 100.0,
    title: bool = True,
    **options,
) -> Figure:
    """The figure of one step. ``options`` go to the step's drawer (``points=False`` leaves the
    Monte Carlo points off the growth curve so the classroom screen can animate them)."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc(style)):
        figure = Figure(figsize=size, dpi=dpi, layout="constrained")
        DRAWERS[step.id](figure, result, labels, style, **options)
        if title:
            figure.suptitle(step.heading, color=style.foreground, fontsize=style.font_size * 1.2)
    return figure


@dataclass(frozen=True)
class StepFailure:
    """A step that could not be computed or drawn: the message its panel shows instead (the
    classroom never ends a lesson on one step's error)."""

    message: str

    def facts(self) -> dict[str, float]:
        return {}


def failure_figure(message: str, style: FigureStyle = HANDOUT,
                   size: tuple[float, float] = (9.0, 5.0), dpi: float = 100.0) -> Figure:
    """A figure that says, in the step's panel, why the step cannot be shown."""
    import textwrap

    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc(style)):
        figure = Figure(figsize=size, dpi=dpi)
        figure.text(0.5, 0.5, textwrap.fill(message, 60), ha="center", va="center",
                    color=style.foreground, fontsize=style.font_size, wrap=True)
    return figure


def render_lesson_figures(
    lesson: Lesson,
    out_dir: str | os.PathLike,
    *,
    style: FigureStyle = HANDOUT,
    dpi: float = 150.0,
) -> list[Path]:
    """Compute every step of ``lesson`` and save its figure as PNG in ``out_dir``.

    Files are named ``step-01-entropy.png`` and so on, each written atomically
    (:func:`sim.files.atomic_path`). Returns the paths in step order.
    """
    import matplotlib

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, step in enumerate(lesson.steps, start=1):
        figure = step_figure(step, compute_step(step), lesson.labels, style)
        path = folder / f"step-{number:02d}-{step.id}.png"
        with files.atomic_path(path, suffix=".png") as temporary:
            with matplotlib.rc_context(_rc(style)):
                figure.savefig(temporary, dpi=dpi, format="png")
        written.append(path)
    return written
