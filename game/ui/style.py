"""Colours, fonts and small drawing helpers shared by every screen.

One colour per bettor everywhere (charts, legends, markers): the player is gold like the coin,
each bot keeps its own hue.
"""

from __future__ import annotations

from functools import cache

import pygame
import pygame.freetype

from game.assets import asset, font_path
from game.text import break_lines
from game.ui import layout, palette
from game.ui.palette import Colour
from sim.i18n import current_language, is_cjk
from sim.money import format_money

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
# colours that carry meaning follow the palette (Settings: colour-blind-safe, Okabe-Ito)
PLAYER = Colour((255, 209, 102), palette.YELLOW)
GOOD = Colour((6, 214, 160), palette.BLUISH_GREEN)
BAD = Colour((239, 71, 111), palette.VERMILLION)
INFO = Colour((91, 155, 255), palette.SKY_BLUE)
ENTROPY = (118, 128, 158)
FOCUS = Colour((255, 209, 102), palette.ORANGE)  # the keyboard focus ring

BETTOR_COLOURS = {
    "You": PLAYER,
    "Kelly": Colour((76, 201, 240), palette.SKY_BLUE),
    "Half Kelly": Colour((128, 237, 153), palette.BLUISH_GREEN),
    "Double Kelly": Colour((199, 125, 255), palette.REDDISH_PURPLE),
    "All-in": Colour((255, 127, 80), palette.VERMILLION),
    "Even split": (176, 181, 200),
}
SPARE_COLOURS = (Colour((255, 143, 171), palette.ORANGE), Colour((144, 190, 109), palette.BLUE),
                 Colour((249, 199, 79), palette.YELLOW), Colour((67, 170, 139), palette.BLUE))


def apply_look(settings) -> None:
    """The palette and text size of ``settings`` (:class:`game.saves.Settings`), from now on."""
    palette.use_palette(settings.palette)
    set_larger_text(settings.larger_text)


def bettor_colour(name: str, index: int = 0) -> tuple[int, int, int]:
    """The colour of a bettor by name, or a spare colour by position for unknown bots."""
    return BETTOR_COLOURS.get(name, SPARE_COLOURS[index % len(SPARE_COLOURS)])


#: every size drawn is multiplied by this (Settings: larger text); fitting keeps it in its panel
TEXT_SCALE = {"scale": 1.0}
LARGER_TEXT = 1.2


def set_larger_text(larger: bool) -> None:
    """Draw every label 20% larger (or back to normal); labels still fit their panels."""
    TEXT_SCALE["scale"] = LARGER_TEXT if larger else 1.0


def font(size: int, bold: bool = False) -> pygame.font.Font:
    """The UI font at a pixel size (times the text scale) in the current language: DejaVu
    Sans, or the Noto Sans CJK TC subset for Chinese (synthetic bold); cached per size and
    language, cleared when pygame shuts down."""
    return _face(max(8, int(size * TEXT_SCALE["scale"])), bold, current_language())


@cache
def _face(size: int, bold: bool, language: str) -> pygame.font.Font:
    if not is_cjk(language):
        return pygame.font.Font(str(font_path(bold)), size)
    face = pygame.font.Font(str(asset("fonts", CJK_FONT)), size)
    face.bold = bold
    return face


def face_for(message: str, size: int, bold: bool = False) -> pygame.font.Font:
    """The face to draw ``message`` with: the language's, unless it lacks a glyph that the
    Latin face has (the Chinese subset has no superscript digits: "$1.41×10¹⁵")."""
    face = font(size, bold)
    if not is_cjk(current_language()) or all(_cjk_has(char) for char in set(message)):
        return face
    return _face(max(8, int(size * TEXT_SCALE["scale"])), bold, "en")


@cache
def _cjk_has(char: str) -> bool:
    """True when the Chinese face has a glyph for ``char`` (pygame.font draws a box instead
    of saying; pygame.freetype says None)."""
    if char.isspace():
        return True
    if not pygame.freetype.get_init():
        pygame.freetype.init()
    return pygame.freetype.Font(str(asset("fonts", CJK_FONT)), 12).get_metrics(char)[0] is not None


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
    within: pygame.Rect | None = None,
) -> pygame.Rect:
    """Draw one line of text with its ``anchor`` (a pygame.Rect attribute) at ``position``.

    The line stays inside ``within`` (by default the panel of this frame that holds
    ``position``, see :mod:`game.ui.layout`): too wide, it is drawn smaller, then shortened with
    an ellipsis; then it is moved inside. Returns the rectangle it took."""
    point = (round(position[0]), round(position[1]))
    bounds = within if within is not None else layout.bounds_for(surface, point)
    room = max(bounds.width - 2, 1)
    face = face_for(message, size, bold)
    if face.size(message)[0] > room:
        size = fit_size(message, room, size, bold=bold,
                        smallest=max(9, round(size * layout.SHRINK_LIMIT)))
        face = face_for(message, size, bold)
        message = elide(message, face, room)
    image = face.render(message, True, colour)
    rect = image.get_rect(**{anchor: point})
    if bounds.width >= rect.width and bounds.height >= rect.height:
        rect.clamp_ip(bounds)
    surface.blit(image, rect)
    layout.record("text", rect, bounds, message, surface)
    layout.record_text(message)
    return rect


def table_row(surface: pygame.Surface, cells, columns, rect: pygame.Rect, y: float,
              size: int = 14, colour=TEXT, *, bold: bool = False) -> None:
    """One row of a table: cell i starts at ``columns[i]`` (a share of ``rect``'s width) and is
    fitted to its column, so a long value never runs into the next one."""
    lefts = [rect.left + share * rect.width for share in columns] + [rect.right + 8]
    height = font(size, bold).get_linesize()
    for cell, left, right in zip(cells, lefts, lefts[1:], strict=False):
        box = pygame.Rect(round(left), round(y), max(round(right - left) - 8, 8), height)
        text(surface, cell, box.topleft, size, colour, bold=bold, within=box)


def tag(surface: pygame.Surface, message: str, position: tuple[float, float], size: int = 12,
        colour=TEXT, *, bold: bool = False, anchor: str = "topleft") -> pygame.Rect:
    """A label on a chart: drawn on a small plate of the panel colour, so no line drawn before
    it runs through its letters."""
    width, height = font(size, bold).size(message)
    plate = pygame.Rect(0, 0, width + 6, height)
    setattr(plate, anchor, (round(position[0]), round(position[1])))
    plate.clamp_ip(layout.bounds_for(surface, plate.center))
    pygame.draw.rect(surface, PANEL, plate, border_radius=3)
    return text(surface, message, plate.center, size, colour, bold=bold, anchor="center")


def elide(message: str, face: pygame.font.Font, width: int) -> str:
    """``message`` shortened with an ellipsis until it is at most ``width`` pixels wide."""
    if face.size(message)[0] <= width:
        return message
    while len(message) > 1 and face.size(message + "…")[0] > width:
        message = message[:-1].rstrip()
    return message + "…"


def fit_size(message: str, width: int, size: int, *, bold: bool = False, smallest: int = 10) -> int:
    """The largest font size up to ``size`` at which ``message`` fits in ``width`` pixels."""
    while size > smallest and face_for(message, size, bold).size(message)[0] > width:
        size -= 1
    return size


def wrap_lines(message: str, face: pygame.font.Font, width: int) -> list[str]:
    """``message`` broken into lines that fit ``width`` with ``face`` (English at spaces,
    Chinese by the kinsoku rules of :func:`game.text.break_lines`)."""
    return break_lines(message, width, lambda line: face.size(line)[0])


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
    """Draw ``message`` wrapped inside ``rect`` (kept inside its panel); when it does not fit,
    a smaller size is tried first and only then are the last lines shortened away. Returns the
    height used. English breaks at spaces, Chinese by the kinsoku rules of
    :func:`game.text.break_lines`."""
    rect = pygame.Rect(rect).clip(layout.bounds_for(surface, rect.topleft))
    smallest = max(9, round(size * layout.SHRINK_LIMIT))
    if rect.height < font(smallest, bold).get_linesize():
        return 0  # no room for even one line
    while True:
        face = font(size, bold)
        lines = wrap_lines(message, face, rect.width)
        height = len(lines) * (face.get_linesize() + spacing) - spacing
        if height <= rect.height + 1 or size <= smallest:
            break
        size -= 1
    step = face.get_linesize() + spacing
    room = max(1, (rect.height + 1 + spacing) // step)
    if len(lines) > room:
        lines = lines[:room]
        lines[-1] = elide(lines[-1] + " …", face, rect.width)
    y = rect.top
    for line in lines:
        text(surface, line, (rect.left, y), size, colour, bold=bold, within=rect)
        y += step
    return y - rect.top


def card(surface: pygame.Surface, rect: pygame.Rect, title: str | None = None) -> pygame.Rect:
    """A rounded panel with an optional title; returns the inner rect below the title."""
    layout.add_panel(rect)
    pygame.draw.rect(surface, PANEL, rect, border_radius=10)
    pygame.draw.rect(surface, PANEL_EDGE, rect, width=1, border_radius=10)
    inner = rect.inflate(-20, -16)
    if title:
        text(surface, title, inner.topleft, fit_size(title, inner.width, 15, bold=True), MUTED,
             bold=True)
        inner = pygame.Rect(inner.left, inner.top + 24, inner.width, inner.height - 24)
    return inner


def money(value: float, *, cents: bool = True) -> str:
    """A bankroll as the game writes it everywhere: :func:`sim.money.format_money`
    ("$5.18", "$51.8K", "$1.41×10¹⁵", "< $0.01"; ``cents=False`` for axis labels, "$20")."""
    locale = current_language() or "en"  # the game's language writes its money too
    return format_money(float(value), locale=locale, cents=cents)


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
