"""The lesson figures that show flips one by one: the strip of flips (steps 1 and 3) and the two
bettors on the same flips (step 3), drawn on axes given by :mod:`sim.lessons.figures`.

The strip's header counts exactly the flips it draws, and says so when they are fewer than the
step's flips ("first 200 of 1,000 flips"). The same-flips chart chooses its bankroll range so
that the calmer line fills a good part of the height however far the other one falls or rises:
a bankroll at 10^-47 no longer squeezes a = p into a flat line (:func:`wealth_window`). A line
that leaves the range for good is marked where it leaves, and its legend entry (above the
chart, clear of the lines) gives its final bankroll.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from sim.lessons.schema import LABEL_TEMPLATES
from sim.lessons.steps import SameFlipsResult
from sim.lessons.style import LOG_TOP, FigureStyle, _grid, _money
from sim.text_template import compile_template

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: the most flips a strip draws as tiles (more would be thinner than a pixel on a projector)
STRIP_FLIPS = 200
#: the calmest line of the same-flips chart spans at least this share of its height
LEAST_SHARE = 1 / 3
#: the smallest range of the chart in decades (a flat line at a = 1/2 on an even book)
LEAST_DECADES = 1.0


def flip_strip(axis, heads: np.ndarray, labels: Mapping[str, str], s: FigureStyle,
               limit: int = STRIP_FLIPS) -> None:
    """The first ``limit`` flips as a row of tiles, under a header that counts those tiles."""
    shown = np.asarray(heads, dtype=bool)[:limit]
    colours = [s.heads if h else s.tails for h in shown]
    axis.bar(np.arange(len(shown)), np.ones(len(shown)), width=0.86, color=colours)
    axis.set_xlim(-0.6, max(len(shown), 10) - 0.4)
    axis.set_ylim(0, 1)
    axis.set_yticks([])
    axis.set_xticks([])
    for side in axis.spines.values():
        side.set_visible(False)
    heads_count = int(shown.sum())
    parts = [(f"■ {labels['heads']} {heads_count}", s.heads),
             (f"■ {labels['tails']} {len(shown) - heads_count}", s.tails)]
    if len(shown) < len(heads):
        template = compile_template(labels["strip_counter"], LABEL_TEMPLATES["strip_counter"])
        counter = template.render({"number": len(shown), "total": len(heads)})
        parts.insert(0, (f"{counter}:", s.foreground))
    # each piece placed after the one before it, so no count can run into the next
    previous = axis.text(0.0, 1.06, parts[0][0], transform=axis.transAxes, color=parts[0][1],
                         ha="left", va="bottom", fontsize=s.font_size * 0.9)
    for text, colour in parts[1:]:
        previous = axis.annotate(text, xy=(1.0, 0.0), xycoords=previous, xytext=(s.font_size, 0),
                                 textcoords="offset points", color=colour, ha="left",
                                 va="bottom", fontsize=s.font_size * 0.9)


def _decades(path: np.ndarray) -> tuple[float, float, bool] | None:
    """(lowest, highest) log10 of a path's drawable bankrolls, and whether it also leaves
    every log axis (bust at 0, or past the largest float); None if nothing is drawable."""
    drawable = (path > 0) & (path <= LOG_TOP)
    if not drawable.any():
        return None
    logs = np.log10(path[drawable])
    return float(logs.min()), float(logs.max()), bool(not drawable.all())


def wealth_window(paths: np.ndarray, start: float) -> tuple[float, float]:
    """The bankroll range (bottom, top) of the same-flips chart's log axis.

    Every line and the start fit when the calmest line (the smallest span in decades) then
    fills at least :data:`LEAST_SHARE` of the height; otherwise the range is that many times
    the calmest line's span, holding it whole and reaching as far towards the others as it can
    (a bankroll falling to 10^-47 leaves the chart through its floor).

    Examples
    --------
    >>> import numpy as np
    >>> calm = np.array([100.0, 120, 150, 130, 200])
    >>> bottom, top = wealth_window(np.array([calm, [100.0, 1, 1e-9, 1e-30, 1e-47]]), 100.0)
    >>> bool(bottom < 100 < 200 < top), bool(bottom > 1e-5)
    (True, True)
    """
    origin = math.log10(start)
    spans = [s for s in (_decades(np.asarray(p, dtype=float)) for p in paths) if s is not None]
    spans = spans or [(origin, origin, False)]
    low_all = min(origin, *(s[0] for s in spans))
    high_all = max(origin, *(s[1] for s in spans))
    # a line that goes bust spans infinitely many decades: never the calmest while one is whole
    calm_low, calm_high, _ = min(spans, key=lambda s: (s[2], s[1] - s[0]))
    calm_low, calm_high = min(calm_low, origin), max(calm_high, origin)
    width = max((calm_high - calm_low) / LEAST_SHARE, LEAST_DECADES)
    if high_all - low_all <= width:
        low, high = low_all, max(high_all, low_all + LEAST_DECADES)
    else:
        low = max(low_all, min(calm_low, high_all - width))
        high = low + width
    pad = 0.06 * (high - low)
    top = min(high + pad, math.log10(LOG_TOP))
    return 10.0 ** (low - pad), 10.0**top


def _amount(value: float) -> str:
    """A final bankroll as the step's text writes it (1.5e-46, 0.37, 3,740), and past 10^6 as
    the axis does (1e12: never "e+")."""
    if value < 1:
        return f"{value:.2g}"
    return f"{value:,.0f}" if value < 1e6 else _money(value)


def _exit(axis, rounds: np.ndarray, path: np.ndarray, window, colour: str,
          labels: Mapping[str, str], s: FigureStyle) -> str:
    """Where a line leaves the chart for good: an arrow on the edge it leaves by, and the words
    for its legend entry (its final bankroll, or bust); "" if it ends inside."""
    bottom, top = window
    inside = (path >= bottom) & (path <= top)  # a NaN (none expected) counts as outside
    if inside[-1]:
        return ""
    leaves = min(int(np.flatnonzero(inside)[-1]) + 1 if inside.any() else 0, len(rounds) - 1)
    below = path[-1] < bottom
    axis.plot([rounds[leaves]], [bottom if below else top], "v" if below else "^",
              color=colour, markersize=s.marker_size * 1.4, clip_on=False, zorder=5)
    final = labels["bust"] if path[-1] <= 0 else (
        "∞" if np.isinf(path[-1]) else _amount(float(path[-1])))
    return f" {'▼' if below else '▲'} {final}"


def same_flips_figure(figure: Figure, r: SameFlipsResult, labels: Mapping[str, str],
                      s: FigureStyle) -> None:
    """Step 3: the bankrolls of a = p and a = share on the same flips, and those flips."""
    paths, strip = figure.subplots(2, 1, height_ratios=(4, 1))
    rounds = np.arange(r.rounds + 1)
    window = wealth_window(r.wealth_paths, r.start)
    bottom, top = window
    paths.set_yscale("log")  # the range first: a flat line (a = 1/2 on an even book) is fine
    paths.set_ylim(bottom, top)
    for row, (share, colour) in enumerate(((r.p, s.palette[0]), (r.share, s.bad))):
        # beyond the window a line runs off the axes (and is cut there), never along an edge
        path = r.wealth_paths[row]
        drawn = np.clip(np.nan_to_num(path, nan=0.0), bottom / 10.0, min(top * 10.0, LOG_TOP))
        note = _exit(paths, rounds, path, window, colour, labels, s)
        paths.plot(rounds, drawn, color=colour, linewidth=s.line_width,
                   label=f"a = {share:.2f}{note}")
    paths.axhline(r.start, color=s.muted, linewidth=s.line_width / 3)
    paths.yaxis.set_major_formatter(_money)
    paths.set_xlim(0, r.rounds)
    paths.set_xlabel(labels["round_axis"])
    paths.set_ylabel(labels["wealth_axis"])
    # above the chart, clear of every line (both start at the same bankroll on the left)
    paths.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncols=2, frameon=False,
                 borderaxespad=0.0)
    _grid(paths)
    flip_strip(strip, r.heads_flips, labels, s)
