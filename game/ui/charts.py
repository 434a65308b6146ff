"""Charts drawn with pygame: bankroll paths on a log scale, the growth curve G(f), and the
decomposition growth = sum p ln o - H(p) - D(p||a) as bars.

The charts only draw numbers they are given; the scenes take those numbers from the session and
from :mod:`sim.theory` (through :mod:`game.sessions.maths`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pygame

from game.ui import layout
from game.ui.layout import draw_bar, free_spot
from game.ui.style import (
    AXIS,
    BAD,
    ENTROPY,
    FAINT,
    GOOD,
    GRID,
    INFO,
    MUTED,
    PANEL,
    TEXT,
    dashed_line,
    elide,
    font,
    money,
    text,
)
from sim.i18n import N_
from sim.i18n import gettext as _


def nice_step(span: float, target: int) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``target`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return multiple * power
    return 10 * power


def log_ticks(low: float, high: float, most: int = 7) -> list[float]:
    """Ticks 1-2-5 x 10^k inside [low, high]; fewer (1 x 10^k, then sparser) if crowded."""
    if low <= 0 or high <= low or not math.isfinite(low):
        return []
    high = min(high, 1e308)  # a bankroll past the largest float is drawn at the top
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    for mantissas in ((1, 2, 5), (1, 3), (1,)):
        ticks = [m * 10.0**k for k in range(first, last + 1) for m in mantissas]
        ticks = [t for t in ticks if low <= t <= high]
        if len(ticks) <= most:
            return ticks
    decades = [10.0**k for k in range(first, last + 1) if low <= 10.0**k <= high]
    stride = math.ceil(len(decades) / most)
    return decades[::stride]


class LogAxes:
    """Rounds on x (linear), bankroll on y (log scale) inside ``rect``."""

    def __init__(self, rect: pygame.Rect, x_max: float, y_low: float, y_high: float):
        self.rect = rect
        self.x_max = max(float(x_max), 1.0)
        self.log_low = math.log(y_low)
        self.log_high = math.log(max(y_high, y_low * 1.0001))

    def x(self, rounds) -> np.ndarray:
        return self.rect.left + np.asarray(rounds, dtype=float) / self.x_max * self.rect.width

    def y_log(self, log_wealth) -> np.ndarray:
        """Pixel row of ln W, clamped to the plot (ruined paths sit on the bottom edge)."""
        share = (np.asarray(log_wealth, dtype=float) - self.log_low) / (
            self.log_high - self.log_low
        )
        share = np.clip(np.nan_to_num(share, nan=0.0, neginf=0.0, posinf=1.0), 0.0, 1.0)
        return self.rect.bottom - share * self.rect.height

    def y(self, wealth) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return self.y_log(np.log(np.asarray(wealth, dtype=float)))

    def draw_grid(self, surface: pygame.Surface, x_label: str = N_("round")) -> None:
        rect = self.rect
        low, high = math.exp(self.log_low), math.exp(self.log_high)
        for tick in log_ticks(low, high):
            y = float(self.y(tick))
            pygame.draw.line(surface, GRID, (rect.left, y), (rect.right, y))
            text(surface, money(tick, cents=False), (rect.left - 6, y), 12, MUTED,
                 anchor="midright")
        step = nice_step(self.x_max, 6)
        tick = 0.0
        last = pygame.Rect(rect.left, rect.bottom + 4, 0, 0)
        while tick <= self.x_max + 1e-9:
            x = float(self.x(tick))
            pygame.draw.line(surface, GRID, (x, rect.top), (x, rect.bottom))
            last = text(surface, f"{tick:g}", (x, rect.bottom + 4), 12, MUTED, anchor="midtop")
            tick += step
        pygame.draw.rect(surface, AXIS, rect, width=1)
        # the axis name under the last tick when there is room, else beside it
        panel = layout.bounds_for(surface, rect.bottomright)
        below = last.bottom + 1
        if below + font(12).get_linesize() <= panel.bottom:
            text(surface, _(x_label), (rect.right, below), 12, FAINT, anchor="topright")
        else:
            text(surface, _(x_label), (last.right + 6, last.top), 12, FAINT)


def wealth_range(
    paths: np.ndarray, start: float, extra: Sequence[float] = ()
) -> tuple[float, float]:
    """A y range covering every positive bankroll, the start, and ``extra`` values, padded."""
    values = np.asarray(paths, dtype=float).ravel()
    values = values[np.isfinite(values) & (values > 0)]
    candidates = np.concatenate([values, [start], np.asarray(extra, dtype=float)])
    candidates = candidates[np.isfinite(candidates) & (candidates > 0)]
    low, high = float(candidates.min()), float(candidates.max())
    low, high = min(low, start / 2), max(high, start * 2)
    return low / 1.25, min(high * 1.25, 1e308)


def spread_labels(positions: list[float], gap: float, top: float, bottom: float) -> list[float]:
    """Move label rows apart so none overlap (at least ``gap`` apart), keeping order and bounds."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [0.0] * len(positions)
    previous = top - gap
    for i in order:
        placed[i] = max(positions[i], previous + gap)
        previous = placed[i]
    overflow = previous - bottom
    if overflow > 0:
        for i in order:
            placed[i] -= overflow
        previous = bottom + gap
        for i in reversed(order):
            placed[i] = min(placed[i], previous - gap)
            previous = placed[i]
    return placed


@dataclass(frozen=True)
class Series:
    """One bettor's bankroll path."""

    name: str
    colour: tuple[int, int, int]
    wealth: np.ndarray  # bankroll at rounds 0..t
    width: int = 2


def bankroll_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    series: Sequence[Series],
    x_max: int,
    start: float,
) -> LogAxes:
    """Every bettor's bankroll on a log scale, labelled at the right end; the last series (the
    player) is drawn on top. A bust path drops to the bottom edge and is marked 'bust'."""
    notes = [_("bust") if float(s.wealth[-1]) <= 0 else money(float(s.wealth[-1])) for s in series]
    widest = max((font(13, s.width > 2).size(s.name)[0] + 6 + font(13).size(note)[0]
                  for s, note in zip(series, notes, strict=True)), default=120)
    label_width = min(widest + 16, int(rect.width * 0.42))
    everything = np.concatenate([s.wealth for s in series]) if series else np.array([start])
    low, high = wealth_range(everything, start)
    axis_width = max((font(12).size(money(t, cents=False))[0] for t in log_ticks(low, high)),
                     default=30) + 10
    plot = pygame.Rect(rect.left + axis_width, rect.top + 6,
                       rect.width - axis_width - label_width, rect.height - 40)
    axes = LogAxes(plot, x_max, low, high)
    axes.draw_grid(surface)
    y_start = float(axes.y(start))
    dashed_line(surface, AXIS, (plot.left, y_start), (plot.right, y_start))
    ends = []
    for item in series:
        xs = axes.x(np.arange(len(item.wealth)))
        ys = axes.y(item.wealth)
        if len(xs) > 1:
            points = np.column_stack([xs, ys]).tolist()
            pygame.draw.lines(surface, item.colour, False, points, item.width)
        ends.append((item, float(xs[-1]), float(ys[-1])))
    rows = spread_labels([e[2] for e in ends], 17, plot.top + 8, plot.bottom - 8)
    for (item, x, y), row in zip(ends, rows, strict=True):
        pygame.draw.circle(surface, item.colour, (x, y), 4 if item.width > 2 else 3)
        final = float(item.wealth[-1])
        note = _("bust") if final <= 0 else money(final)
        label_x = plot.right + 10
        if x < plot.right - 6:  # a faint level line from the latest value to the edge
            dashed_line(surface, _dim(item.colour), (x + 6, y), (plot.right, y), 1, 3)
        pygame.draw.line(surface, item.colour, (plot.right, y), (label_x - 2, row), 1)
        note_width = font(13).size(note)[0]
        name_face = font(13, item.width > 2)
        name = elide(item.name, name_face, max(rect.right - label_x - note_width - 8, 10))
        shown = text(surface, name, (label_x, row), 13, item.colour, bold=item.width > 2,
                     anchor="midleft")
        text(surface, note, (shown.right + 6, row), 13, TEXT if final > 0 else BAD,
             anchor="midleft")
    return axes


def _dim(colour: tuple[int, int, int], share: float = 0.45) -> tuple[int, int, int]:
    """The colour mixed toward the panel background."""
    return tuple(int(c * share + b * (1 - share)) for c, b in zip(colour, PANEL, strict=True))


def _value_to_y(value: float, low: float, high: float, rect: pygame.Rect) -> float:
    share = (value - low) / (high - low) if high > low else 0.5
    return rect.bottom - min(max(share, 0.0), 1.0) * rect.height


@dataclass(frozen=True)
class Marker:
    """A bettor's bet on the growth curve."""

    name: str
    colour: tuple[int, int, int]
    bet: float  # signed fraction
    growth: float  # G at that bet (may be -inf)


def growth_curve_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fractions: np.ndarray,
    growth: np.ndarray,
    peak: Marker,
    player: Marker,
    others: Sequence[Marker] = (),
) -> pygame.Rect:
    """G(f) against the signed bet f (tails left, heads right) with the Kelly peak and markers.

    Returns the plot rect (a click inside it picks a bet)."""
    plot = pygame.Rect(rect.left + 46, rect.top + 4, rect.width - 56, rect.height - 38)
    scale = max(abs(peak.growth), 0.004)
    high = peak.growth + 0.6 * scale
    low = min(-1.4 * scale, peak.growth - 2.2 * scale)

    def px(f: float) -> float:
        return plot.left + (f + 1.0) / 2.0 * plot.width

    def py(g: float) -> float:
        if g == -math.inf:
            return plot.bottom
        return _value_to_y(g, low, high, plot)

    zero = py(0.0)
    below = pygame.Rect(plot.left, zero, plot.width, plot.bottom - zero)
    shade = pygame.Surface(below.size, pygame.SRCALPHA)
    shade.fill((*BAD, 28))
    surface.blit(shade, below)
    step = nice_step(high - low, 4)
    tick = math.ceil(low / step) * step
    while tick <= high:
        y = py(tick)
        pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
        text(surface, f"{tick:+.2f}" if tick else "0", (plot.left - 5, y), 11, MUTED,
             anchor="midright")
        tick += step
    pygame.draw.line(surface, AXIS, (plot.left, zero), (plot.right, zero))
    for f in (-1.0, -0.5, 0.0, 0.5, 1.0):
        x = px(f)
        pygame.draw.line(surface, GRID, (x, plot.top), (x, plot.bottom))
        label = "0" if f == 0 else f"{abs(f):.0%}"
        text(surface, label, (x, plot.bottom + 3), 11, MUTED, anchor="midtop")
    text(surface, _("◀ on tails"), (plot.left, plot.bottom + 17), 11, FAINT)
    text(surface, _("on heads ▶"), (plot.right, plot.bottom + 17), 11, FAINT, anchor="topright")
    taken = [text(surface, _("below 0: you lose in the long run"), (plot.left + 4, plot.bottom - 3),
                  11, BAD, anchor="bottomleft")]

    finite = np.isfinite(growth)
    points = [(px(f), py(g)) for f, g in zip(fractions[finite], growth[finite], strict=True)]
    previous = surface.get_clip()
    surface.set_clip(plot)
    if len(points) > 1:
        pygame.draw.lines(surface, INFO, False, points, 2)
    surface.set_clip(previous)

    x_peak, y_peak = px(peak.bet), py(peak.growth)
    dashed_line(surface, peak.colour, (x_peak, plot.top), (x_peak, plot.bottom), 1, 4)
    for marker in others:
        pygame.draw.circle(surface, marker.colour, (px(marker.bet), py(marker.growth)), 4)
    pygame.draw.circle(surface, peak.colour, (x_peak, y_peak), 5)
    best = _("best: {name}").format(name=peak.name)
    anchor, point = free_spot(font(11).size(best), [("topleft", (x_peak + 6, plot.top + 2)),
                                                    ("topright", (x_peak - 6, plot.top + 2))],
                              taken, plot)
    taken.append(text(surface, best, point, 11, peak.colour, anchor=anchor))
    x, y = px(player.bet), py(player.growth)
    pygame.draw.circle(surface, (16, 20, 31), (x, y), 9)
    pygame.draw.circle(surface, player.colour, (x, y), 7)
    label = _("you") if math.isfinite(player.growth) else _("you: −∞")
    spots = [("midleft", (x + 12, y - 12)), ("midright", (x - 12, y - 12)),
             ("midleft", (x + 12, y + 12)), ("midright", (x - 12, y + 12)),
             ("midbottom", (x, y - 10)), ("midtop", (x, y + 10)),
             ("midright", (x - 12, y - 30)), ("midleft", (x + 12, y - 30))]
    if x >= plot.centerx:
        spots[0], spots[1] = spots[1], spots[0]
        spots[2], spots[3] = spots[3], spots[2]
    anchor, point = free_spot(font(12, True).size(label), spots, taken, plot)
    text(surface, label, point, 12, player.colour, bold=True, anchor=anchor)
    return plot


def decomposition_bars(
    surface: pygame.Surface,
    rect: pygame.Rect,
    log_odds: float,
    entropy: float,
    divergence: float,
    log_odds_name: str = "ln 2",
    share_name: str = "a",
) -> None:
    """growth = log_odds - H(p) - D(p||a) as bars.

    The entropy bar is drawn with a break (it is much longer than the rest), so the small
    quantities that matter — the edge log_odds - H(p), the divergence, the growth — are zoomed to
    a readable width. A divergence past log_odds means negative growth; it is clipped with an arrow
    when too long to draw.
    """
    growth = log_odds - entropy - divergence
    edge = log_odds - entropy
    label_w = 118
    bar_left = rect.left + label_w
    width = rect.right - bar_left - 64
    row_h = max(16, min(30, (rect.height - 12) // 4 - 8))
    h_width = int(width * 0.34)  # the broken entropy bar
    zoom_width = width - h_width  # room for the edge and an overshoot past log_odds
    span = max(edge, divergence * 0.8, 0.01) if math.isfinite(divergence) else max(edge, 0.01)
    per_nat = (zoom_width * 0.62) / span
    if edge < 0:  # odds worse than the chances: log_odds ends inside the (broken) entropy bar
        per_nat = min(per_nat, h_width * 0.8 / -edge)
    end_x = bar_left + h_width + edge * per_nat  # where log_odds ends
    area = pygame.Rect(bar_left, rect.top, rect.right - 58 - bar_left, rect.height)

    rows_top = rect.top + 2

    def row(i: int) -> pygame.Rect:
        return pygame.Rect(bar_left, rows_top + i * (row_h + 8), 0, row_h)

    def label(i: int, name: str, value: float, colour) -> None:
        y = row(i).centery
        text(surface, name, (rect.left, y), 13, colour, anchor="midleft", bold=True)
        shown = "∞" if value == math.inf else "−∞" if value == -math.inf else f"{value:.3f}"
        text(surface, shown, (rect.right, y), 13, TEXT, anchor="midright")

    # row 0: log odds (what a perfect forecaster would earn per round)
    r0 = row(0)
    draw_bar(surface, INFO, (bar_left, r0.top, max(end_x - bar_left, 2), row_h),
             border_radius=3, label="log odds", within=area)
    _break_mark(surface, bar_left + h_width * 0.5, r0)
    label(0, log_odds_name, log_odds, INFO)

    # row 1: entropy of the outcomes (nobody can beat it)
    r1 = row(1)
    draw_bar(surface, ENTROPY, (bar_left, r1.top, h_width, row_h), border_radius=3,
             label="entropy", within=area)
    _break_mark(surface, bar_left + h_width * 0.5, r1)
    label(1, "− H(p)", entropy, ENTROPY)

    # row 2: divergence of the bet from p, stacked after the entropy
    r2 = row(2)
    d_left = bar_left + h_width
    limit = rect.right - 70
    if math.isfinite(divergence):
        d_right = d_left + divergence * per_nat
    else:
        d_right = math.inf
    clipped = d_right > limit
    d_right = min(d_right, limit)
    dashed_line(surface, FAINT, (d_left, r1.bottom), (d_left, r2.bottom), 1, 3)
    if d_right - d_left >= 1:
        draw_bar(surface, BAD, (d_left, r2.top, d_right - d_left, row_h), border_radius=3,
                 label="divergence", within=area)
    if clipped:
        tip = [(d_right, r2.top - 3), (d_right + 10, r2.centery), (d_right, r2.bottom + 3)]
        pygame.draw.polygon(surface, BAD, tip)
    label(2, f"− D(p‖{share_name})", divergence, BAD)

    # row 3: what is left: the growth rate
    r3 = row(3)
    if growth >= 0:
        draw_bar(surface, GOOD, (d_right, r3.top, max(end_x - d_right, 2), row_h),
                 border_radius=3, label="growth", within=area)
    else:
        over_right = d_right if not clipped else limit
        draw_bar(surface, BAD, (end_x, r3.top, max(over_right - end_x, 2), row_h),
                 width=2, border_radius=3, label="growth", within=area)
    label(3, _("= growth"), growth, GOOD if growth >= 0 else BAD)
    dashed_line(surface, INFO, (end_x, r0.top), (end_x, r3.bottom + 4), 1, 3)


def _break_mark(surface: pygame.Surface, x: float, bar: pygame.Rect) -> None:
    """Two slanted gaps that say 'this bar is not drawn to scale here'."""
    for dx in (-3, 3):
        pygame.draw.line(surface, (16, 20, 31), (x + dx - 4, bar.bottom + 1),
                         (x + dx + 4, bar.top - 1), 3)


def share_bars(
    surface: pygame.Surface,
    rect: pygame.Rect,
    names: Sequence[str],
    probs: Sequence[float],
    shares: Sequence[float],
    colours: Sequence[tuple[int, int, int]],
) -> None:
    """Per outcome: its probability p_i (outline) against the player's effective share (fill)."""
    k = len(names)
    slot = rect.width / max(k, 1)
    bar_w = min(slot * 0.5, 46)
    base = rect.bottom - 20
    top = rect.top + 16
    height = base - top
    high = max(max(probs), max(shares), 0.05)
    for i in range(k):
        centre = rect.left + slot * (i + 0.5)
        h_share = shares[i] / high * height
        draw_bar(surface, colours[i], (centre - bar_w / 2, base - h_share, bar_w, h_share),
                 border_radius=3, label=names[i], within=rect)
        h_prob = probs[i] / high * height
        outline = pygame.Rect(centre - bar_w / 2 - 4, base - h_prob, bar_w + 8, h_prob)
        draw_bar(surface, TEXT, outline, width=2, border_radius=3, label=names[i], within=rect)
        cell = pygame.Rect(round(centre - slot / 2 + 1), round(base + 3), max(round(slot) - 2, 8),
                           font(12).get_linesize())
        text(surface, names[i], cell.midtop, 12, MUTED, anchor="midtop", within=cell)
        text(surface, f"{shares[i]:.0%}", (centre, base - max(h_share, h_prob) - 2), 11, TEXT,
             anchor="midbottom")
    pygame.draw.line(surface, AXIS, (rect.left, base), (rect.right, base))
