"""Figures for the command line and the handout, drawn without a display.

Figures are built on :class:`matplotlib.figure.Figure` directly (never pyplot), so no GUI
backend is ever touched and nothing global is kept between calls; save them with
:func:`sim.output.write_figure`.

* :func:`sweep_figure` — growth rate against the bet fraction: the closed form
  G(f) = p ln(1 + b f) + (1 - p) ln(1 - f) (Kelly 1956), Monte Carlo points with 95% intervals,
  the Kelly peak, and below it the same curve read as a cross-entropy:
  G = sum_i p_i ln o_i - H(p, a) with H(p, a) = H(p) + D(p||a) (Cover & Thomas 2006, §6.1).
* :func:`fan_figure` — bankroll paths on a log scale: median, 25-75% and 5-95% bands, a few
  sample paths, one panel and colour per strategy (MacLean, Thorp & Ziemba 2010: Kelly maximises
  the median, not the mean, and can draw down hard on the way).
* :func:`race_figure` — a horse race: growth per strategy against theory, and the split
  G = sum p ln o - H(p) - D(p||b).
* :func:`challenge_figure` — the Haghani & Dewey (2016) game: payouts and P(cap), P(bust).

The figures live one per module (:mod:`sim.plots.sweep`, :mod:`sim.plots.fan`,
:mod:`sim.plots.race`, :mod:`sim.plots.challenge`); this package re-exports them.
"""

from sim.plots.challenge import challenge_figure
from sim.plots.fan import fan_figure
from sim.plots.race import race_figure
from sim.plots.sweep import sweep_figure

__all__ = ["challenge_figure", "fan_figure", "race_figure", "sweep_figure"]
