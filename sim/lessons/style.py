"""The look of the lesson figures: two styles, the shipped font and matplotlib's rc settings.

:data:`HANDOUT` (white paper, thin lines) and :data:`PROJECTOR` (a black background, bright
colours, thick lines and large type that read from the back of a room). Text is set in Noto Sans
CJK TC (the subset shipped in the repository's ``assets/fonts``), which covers English and
Traditional Chinese. matplotlib is not imported here: the classroom screen needs the styles and
the font path before it draws anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

FONT_FILE = "NotoSansTC-Subset.otf"
#: single worlds drawn thinly behind the many-worlds fan (more only clutter the picture)
SAMPLE_LINES = 15
FONT_FAMILY = "Noto Sans CJK TC"


@dataclass(frozen=True)
class FigureStyle:
    """Colours and sizes of a figure (points; matplotlib scales them with the dpi)."""

    background: str
    foreground: str
    muted: str
    grid: str
    heads: str
    tails: str
    good: str
    bad: str
    entropy: str
    palette: tuple[str, ...]
    font_size: float
    line_width: float
    marker_size: float


HANDOUT = FigureStyle(
    background="#ffffff", foreground="#111111", muted="#555555", grid="#dddddd",
    heads="#d99a00", tails="#2b6cb0", good="#138a52", bad="#c0392b", entropy="#8a8f9c",
    palette=("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"),
    font_size=11.0, line_width=2.0, marker_size=6.0,
)
#: high contrast for a projector: colours distinguishable by colour-blind viewers (Okabe-Ito)
PROJECTOR = FigureStyle(
    background="#000000", foreground="#ffffff", muted="#c8c8c8", grid="#3a3a3a",
    heads="#ffd400", tails="#56b4e9", good="#2ee88a", bad="#ff5a5a", entropy="#9aa0b0",
    palette=("#56b4e9", "#ffd400", "#ff5a5a", "#2ee88a", "#e69f00", "#cc79a7"),
    font_size=20.0, line_width=5.0, marker_size=14.0,
)


def lesson_font_path() -> Path | None:
    """The shipped CJK font, or None if absent.

    ``sim/lessons/data/fonts`` in a wheel (pyproject force-includes the font there, next to the
    lessons), the repository's ``assets/fonts`` in a source checkout. sim never looks inside the
    game package for it.
    """
    here = Path(__file__).resolve().parent
    for folder in (here / "data" / "fonts", here.parent.parent / "assets" / "fonts"):
        if (folder / FONT_FILE).is_file():
            return folder / FONT_FILE
    return None


@cache
def lesson_font() -> str | None:
    """Register the shipped CJK font with matplotlib; its family name, or None if missing."""
    path = lesson_font_path()
    if path is None:
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return FONT_FAMILY


def _rc(style: FigureStyle) -> dict:
    # named families, not the generic "sans-serif": a text keeps them after the rc context ends,
    # so a figure drawn later (the classroom screen) still finds the Chinese glyphs
    family = [f for f in (lesson_font(), "DejaVu Sans") if f]
    return {
        "font.family": family,
        "font.size": style.font_size,
        "axes.titlesize": style.font_size * 1.05,
        "axes.labelsize": style.font_size,
        "legend.fontsize": style.font_size * 0.85,
        "xtick.labelsize": style.font_size * 0.85,
        "ytick.labelsize": style.font_size * 0.85,
        "text.color": style.foreground,
        "axes.labelcolor": style.foreground,
        "axes.edgecolor": style.muted,
        "axes.facecolor": style.background,
        "figure.facecolor": style.background,
        "savefig.facecolor": style.background,
        "xtick.color": style.foreground,
        "ytick.color": style.foreground,
        "axes.linewidth": max(1.0, style.line_width / 3),
        "xtick.major.width": max(1.0, style.line_width / 3),
        "ytick.major.width": max(1.0, style.line_width / 3),
        "grid.color": style.grid,
        "grid.linewidth": max(0.8, style.line_width / 4),
        "legend.facecolor": style.background,
        "legend.edgecolor": style.muted,
        "legend.framealpha": 0.9,
        "axes.unicode_minus": True,
        "mathtext.default": "regular",
    }


def _grid(axis) -> None:
    axis.grid(True)
    axis.set_axisbelow(True)


def _money(value: float, _position=None) -> str:
    if value <= 0:
        return "0"
    if value >= 1e6 or value < 1e-2:
        return f"1e{round(math.log10(value))}"
    return f"{value:,.10g}"


LOG_TOP = 1e250  # the highest bankroll a log axis draws: its 5 % margins stay below 1e308


def _floor(values: np.ndarray, bottom: float) -> np.ndarray:
    """Bankrolls for a log axis: a bust (0) is drawn on the bottom edge, and a bankroll past
    LOG_TOP (an overflow to inf at extreme odds) on the top one, so matplotlib's log transform
    never overflows when it pads the axis limits."""
    return np.clip(values, bottom, LOG_TOP)


# ---------------------------------------------------------------------------------------------
