"""The class race's board: the leaderboard's columns and gain bars during the race, and at the
end the summary: every student's fraction on the curve G(f), who bet closest to Kelly, and the
spread of final bankrolls (numbers from :func:`game.sessions.class_race.summarise`; this module
only draws them, in the projector style).
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.scenes.classroom_ui import (
    ACCENT,
    BAD,
    EDGE,
    GOOD,
    INFO,
    MUTED,
    TEXT,
    Fonts,
    draw_line,
    wrap,
)
from game.sessions.class_race import RaceSummary
from game.sessions.maths import growth_curve
from game.ui.layout import draw_bar
from game.ui.style import money
from sim.games import CoinGame
from sim.i18n import gettext as _

CURVE_POINTS = 201


def draw_summary(surface: pygame.Surface, rect: pygame.Rect, summary: RaceSummary,
                 game: CoinGame, fonts: Fonts, unit: float) -> None:
    """The curve on the left of ``rect``, the verdicts on the right."""
    chart = pygame.Rect(rect.left, rect.top, int(rect.width * 0.55), rect.height)
    facts = pygame.Rect(chart.right + unit * 1.5, rect.top, rect.right - chart.right - unit * 1.5,
                        rect.height)
    _curve(surface, chart, summary, game, fonts, unit)
    face = fonts.get(unit * 0.95)
    bold = fonts.get(unit * 0.95, bold=True)
    closest = ", ".join(summary.closest)
    lines = (
        (_("Kelly f* = {f}: G = {g} a flip").format(f=f"{summary.kelly:.2f}",
                                                   g=f"{summary.kelly_growth:+.4f}"), ACCENT, bold),
        (_("Closest to Kelly: {names}").format(names=closest), TEXT, face),
        (_("Final bankrolls: lowest {lowest}, median {median}, highest {highest}").format(
            lowest=money(summary.lowest), median=money(summary.median),
            highest=money(summary.highest)), TEXT, face),
        (_("Ahead of {start}: {ahead} of {total}   ·   bust: {bust}").format(
            start=money(game.start, cents=False), ahead=summary.ahead,
            total=len(summary.names), bust=summary.bust), TEXT, face),
        (_("Dots on the curve: each student's long-run growth G(f). Left of the peak is timid, "
           "right of it is reckless; past the zero crossing the class loses for sure in the long "
           "run."), MUTED, fonts.get(unit * 0.8)),
    )
    y = facts.top
    for message, colour, line_face in lines:
        for piece in wrap(message, line_face, round(facts.width)):
            if y + line_face.get_linesize() > facts.bottom:
                return
            draw_line(surface, piece, (facts.left, y), line_face, colour)
            y += line_face.get_linesize()
        y += unit * 0.5


def _curve(surface, chart: pygame.Rect, summary: RaceSummary, game: CoinGame, fonts: Fonts,
           unit: float) -> None:
    fractions, growth = growth_curve(game, CURVE_POINTS)
    keep = fractions >= 0
    fractions, growth = fractions[keep], growth[keep]
    finite = np.isfinite(growth)
    scale = max(abs(summary.kelly_growth), 0.01)
    high = summary.kelly_growth + 0.5 * scale
    lowest = float(np.nanmin(np.where(np.isfinite(summary.growth), summary.growth, -np.inf)))
    low = max(min(-1.5 * scale, lowest), -8 * scale)  # far-off bettors sit on the bottom edge
    plot = chart.inflate(-unit * 2, -unit * 2)

    def at(f: float, g: float) -> tuple[float, float]:
        share = (min(max(g, low), high) - low) / (high - low)
        return plot.left + f * plot.width, plot.bottom - share * plot.height

    pygame.draw.rect(surface, EDGE, plot, width=max(1, round(unit / 12)))
    zero = at(0.0, 0.0)[1]
    pygame.draw.line(surface, MUTED, (plot.left, zero), (plot.right, zero), 1)
    small = fonts.get(unit * 0.7)
    draw_line(surface, "G(f)", (plot.left + 4, zero + 4), small, INFO)
    draw_line(surface, "0", (plot.left - 4, zero), small, MUTED, "midright")
    draw_line(surface, "f = 0", (plot.left, plot.bottom + 4), small, MUTED)
    draw_line(surface, "1", (plot.right, plot.bottom + 4), small, MUTED, "topright")
    points = [at(f, g) for f, g in zip(fractions[finite], growth[finite], strict=True)]
    if len(points) > 1:
        pygame.draw.lines(surface, INFO, False, points, max(2, round(unit / 8)))
    peak = at(summary.kelly, summary.kelly_growth)
    pygame.draw.line(surface, ACCENT, (peak[0], plot.top), (peak[0], plot.bottom), 1)
    radius = max(4, round(unit * 0.28))
    for f, g in zip(summary.fractions, summary.growth, strict=True):
        x, y = at(f, g if math.isfinite(g) else low)
        pygame.draw.circle(surface, GOOD if g > 0 else BAD, (round(x), round(y)), radius)
    pygame.draw.circle(surface, ACCENT, (round(peak[0]), round(peak[1])), radius + 2, 2)



def leaderboard_columns(left: float, width: float, unit: float) -> dict[str, float]:
    """x of each leaderboard column: rank, name, fraction, the bar, wealth, growth."""
    shares = {"rank": 0.0, "name": 0.08, "fraction": 0.34, "bar": 0.45, "final_wealth": 0.64,
              "growth": 0.83}
    return {name: left + share * width for name, share in shares.items()}


def fit_line(text: str, face: pygame.font.Font, width: float) -> str:
    """Shorten ``text`` with an ellipsis until it fits ``width`` pixels."""
    while face.size(text)[0] > width and len(text) > 2:
        text = text[:-2] + "…"
    return text


def gain_bar(surface: pygame.Surface, rect: pygame.Rect, wealth: float, start: float,
             spread: float) -> None:
    """Gain or loss on a log scale: right of the centre line if ahead, left if behind; a bust
    or a change past ``spread`` (in |ln(W / W_0)|) fills its half."""
    centre = rect.centerx
    pygame.draw.line(surface, EDGE, (centre, rect.top - 2), (centre, rect.bottom + 2), 2)
    change = math.log(wealth / start) if wealth > 0 else -spread
    length = round(rect.width / 2 * min(1.0, abs(change) / spread))
    if change >= 0:
        draw_bar(surface, GOOD, (centre, rect.top, length, rect.height), within=rect)
    else:
        draw_bar(surface, BAD, (centre - length, rect.top, length, rect.height), within=rect)
