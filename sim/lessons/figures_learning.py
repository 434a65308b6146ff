"""The figures of the last two lesson steps: the private wire, and learning is betting.

Drawn on a :class:`matplotlib.figure.Figure` given by :func:`sim.lessons.figures.step_figure`
(which registers these drawers); every number comes from the step's result
(:mod:`sim.lessons.steps_learning`) and every word from the lesson's labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from sim.lessons.steps_learning import LearningResult, WireResult
from sim.lessons.style import FigureStyle, _grid

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def wire_figure(figure: Figure, r: WireResult, labels: Mapping[str, str], s: FigureStyle):
    """Left: ln 2 - H(q) over q, the flat line without the tip, Monte Carlo points with 2 s.e.
    Right: bankrolls with and without the tip on the same flips, beside the theory slopes."""
    curve, paths = figure.subplots(1, 2, width_ratios=(1, 1.2))
    curve.plot(r.curve_q, r.curve_growth, color=s.heads, linewidth=s.line_width,
               label=f"{labels['with_tip']}: {labels['capacity']}")
    curve.axhline(0, color=s.muted, linewidth=s.line_width / 2, label=labels["without_tip"])
    curve.errorbar(r.points_q, r.points_mc, yerr=2 * r.points_se, fmt="o", color=s.foreground,
                   markersize=s.marker_size * 0.8, capsize=s.marker_size / 2,
                   label=labels["monte_carlo"])
    curve.axvline(r.accuracy, color=s.muted, linestyle=":", linewidth=s.line_width / 2)
    curve.set_xlim(0, 1)
    curve.set_xlabel(labels["accuracy_axis"])
    curve.set_ylabel(labels["growth_axis"])
    curve.legend(loc="upper center")
    _grid(curve)

    rounds = np.arange(r.rounds + 1)
    for i, (tipped, plain) in enumerate(zip(r.sample_with, r.sample_without, strict=True)):
        paths.plot(rounds, tipped, color=s.heads, linewidth=s.line_width / 3, alpha=0.45,
                   label=labels["with_tip"] if i == 0 else None)
        paths.plot(rounds, plain, color=s.tails, linewidth=s.line_width / 2,
                   label=labels["without_tip"] if i == 0 else None)
    paths.plot(rounds, r.capacity * rounds, color=s.foreground, linestyle="--",
               linewidth=s.line_width / 2, label=f"{labels['theory']}: {r.capacity:.4f} × t")
    paths.set_xlim(0, r.rounds)
    paths.set_xlabel(labels["round_axis"])
    paths.set_ylabel(labels["log_wealth_axis"])
    paths.legend(loc="upper left")
    _grid(paths)


def _losses(axis, r: LearningResult, labels: Mapping[str, str], s: FigureStyle) -> None:
    finite = np.concatenate([r.table_train, r.smoothed_train, r.smoothed_test,
                             r.table_test[np.isfinite(r.table_test)]])
    top = max(float(finite.max()), r.log_odds) * 1.25
    runs = (("table_model", r.table_train, r.table_test, s.bad),
            ("smoothed_model", r.smoothed_train, r.smoothed_test, s.good))
    for key, train, test, colour in runs:
        axis.plot(r.steps, train, color=colour, linestyle="--", linewidth=s.line_width / 2,
                  label=f"{labels[key]}: {labels['train']}")
        shown = np.where(np.isfinite(test), test, np.nan)
        axis.plot(r.steps, shown, color=colour, linewidth=s.line_width,
                  label=f"{labels[key]}: {labels['test']}")
        lost = ~np.isfinite(test)
        axis.plot(r.steps[lost], np.full(lost.sum(), top * 0.97), "X", color=colour,
                  markersize=s.marker_size * 1.2, clip_on=False)
    axis.axhline(r.log_odds, color=s.muted, linestyle=":", linewidth=s.line_width / 2,
                 label=labels["break_even"])
    axis.axhline(r.entropy, color=s.entropy, linestyle="-.", linewidth=s.line_width / 2,
                 label=labels["entropy"])
    axis.set_ylim(0, top)
    axis.set_xlabel(labels["step_axis"])
    axis.set_ylabel(labels["loss_axis"])
    axis.legend(loc="lower right", fontsize=s.font_size * 0.55, ncols=2)
    _grid(axis)


def learning_figure(figure: Figure, r: LearningResult, labels: Mapping[str, str],
                    s: FigureStyle):
    """Left: training and test cross-entropy per step of both tables, an X where the test loss
    is infinite, ln 3 and H(p). Right: the final tables' ln bankroll race by race on the test
    races, an X where the unsmoothed one goes bust."""
    losses, bankroll = figure.subplots(1, 2)
    _losses(losses, r, labels, s)
    for key, paths, colour in (("table_model", r.table_paths, s.bad),
                               ("smoothed_model", r.smoothed_paths, s.good)):
        log_wealth = np.concatenate([[0.0], np.cumsum(paths["test"])])
        races = np.arange(log_wealth.size)
        bankroll.plot(races, np.where(np.isfinite(log_wealth), log_wealth, np.nan), color=colour,
                      linewidth=s.line_width, label=f"{labels[key]}: {labels['test']}")
        if not np.all(np.isfinite(log_wealth)):
            end = int(np.argmax(~np.isfinite(log_wealth)))
            bankroll.plot([end], [log_wealth[end - 1]], "X", color=colour,
                          markersize=s.marker_size * 1.6)
            bankroll.annotate(labels["bust"], (end, log_wealth[end - 1]), xytext=(8, -16),
                              textcoords="offset points", color=colour)
    bankroll.axhline(0, color=s.muted, linewidth=s.line_width / 3)
    bankroll.set_xlim(0, r.test_races)
    bankroll.set_xlabel(labels["race_axis"])
    bankroll.set_ylabel(labels["log_wealth_axis"])
    bankroll.legend(loc="upper left")
    _grid(bankroll)
