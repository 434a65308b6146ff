"""Colours, fonts and small drawing helpers shared by every screen.

One colour per bettor everywhere (charts, legends, markers): the player is gold like the coin,
each bot keeps its own hue.
"""

from __future__ import annotations

from functools import cache

import pygame

from game.assets import asset, font_path
from game.text import break_lines
from sim.i18n import current_language, is_cjk

#: the face for Chinese text (it has Latin, Greek and maths symbols too)
CJK_FONT = "NotoSansTC-Subset.otf"

BACKGROUND = (16, 20, 31)
PANEL = (24, 30, 45)
PANEL_EDGE = (44, 53, 75)
GRID = (38, 46, 64)
AXIS = (88, 99, 124)
TEXT = (232, 236, 243)
MUTED = (154, 164, 184)
FAINT = (105, 114, 136)
PLAYER = (255, 209, 102)
GOOD = (6, 214, 160)
BAD = (239, 71, 111)
INFO = (91, 155, 255)
ENTROPY = (118, 128, 158)

BETTOR_COLOURS = {
    "You": PLAYER,
    "Kelly": (76, 201, 240),
    "Half Kelly": (128, 237, 153),
    "Double Kelly": (199, 125, 255),
    "All-in": (255, 127, 80),
    "Even split": (176, 181, 200),
}
SPARE_COLOURS = ((255, 143, 171), (144, 190, 109), (249, 199, 79), (67, 170, 139))


def bettor_colour(name: str, index: int = 0) -> tuple[int, int, int]:
    """The colour of a bettor by name, or a spare colour by position for unknown bots."""
    return BETTOR_COLOURS.get(name, SPARE_COLOURS[index % len(SPARE_COLOURS)])


def font(size: int, bold: bool = False) -> pygame.font.Font:
    """The UI font at a pixel size in the current language: DejaVu Sans, or the Noto Sans CJK
    TC subset for Chinese (synthetic bold); cached per language, cleared when pygame shuts
    down."""
    return _face(max(8, int(size)), bold, current_language())


@cache
def _face(size: int, bold: bool, language: str) -> pygame.font.Font:
    if not is_cjk(language):
        return pygame.font.Font(str(font_path(bold)), size)
    face = pygame.font.Font(str(asset("fonts", CJK_FONT)), size)
    face.bold = bold
    return face


font.cache_clear = _face.cache_clear  # type: ignore[attr-defined]  # app.close() calls it


def text(
    surface: pygame.Surface,
    message: str,
    position: tuple[float, float],
    size: int = 15,
    colour=TEXT,
    *,
    bold: bool = False,
    anchor: str = "topleft",
) -> pygame.Rect:
    """Draw one line of text with its ``anchor`` (a pygame.Rect attribute) at ``position``."""
    image = font(size, bold).render(message, True, colour)
    rect = image.get_rect(**{anchor: (round(position[0]), round(position[1]))})
    surface.blit(image, rect)
    return rect


def fit_size(message: str, width: int, size: int, *, bold: bool = False, smallest: int = 10) -> int:
    """The largest font size up to ``size`` at which ``message`` fits in ``width`` pixels."""
    while size > smallest and font(size, bold).size(message)[0] > width:
        size -= 1
    return size


def wrapped(
    surface: pygame.Surface,
    message: str,
    rect: pygame.Rect,
    size: int = 14,
    colour=MUTED,
    *,
    bold: bool = False,
    spacing: int = 2,
) -> int:
    """Draw ``message`` wrapped inside ``rect`` (lines that do not fit are left out); returns
    the height used. English breaks at spaces, Chinese by the kinsoku rules of
    :func:`game.text.break_lines`."""
    face = font(size, bold)
    step = face.get_linesize() + spacing
    lines = break_lines(message, rect.width, lambda line: face.size(line)[0])
    y = rect.top
    for line in lines:
        if y + face.get_linesize() > rect.bottom + 1:
            break
        surface.blit(face.render(line, True, colour), (rect.left, y))
        y += step
    return y - rect.top


def card(surface: pygame.Surface, rect: pygame.Rect, title: str | None = None) -> pygame.Rect:
    """A rounded panel with an optional title; returns the inner rect below the title."""
    pygame.draw.rect(surface, PANEL, rect, border_radius=10)
    pygame.draw.rect(surface, PANEL_EDGE, rect, width=1, border_radius=10)
    inner = rect.inflate(-20, -16)
    if title:
        text(surface, title, inner.topleft, fit_size(title, inner.width, 15, bold=True), MUTED,
             bold=True)
        inner = pygame.Rect(inner.left, inner.top + 24, inner.width, inner.height - 24)
    return inner


def money(value: float) -> str:
    """A bankroll as currency: $1,234.56 below a million, $1.23e+07 above."""
    if value >= 1e6:
        return f"${value:.3g}"
    return f"${value:,.2f}"


def dashed_line(surface, colour, start, end, width: int = 1, dash: int = 6) -> None:
    """A dashed straight line."""
    start = pygame.Vector2(start)
    end = pygame.Vector2(end)
    length = start.distance_to(end)
    if length == 0:
        return
    step = (end - start) / length
    position = 0.0
    while position < length:
        a = start + step * position
        b = start + step * min(position + dash, length)
        pygame.draw.line(surface, colour, a, b, width)
        position += 2 * dash
