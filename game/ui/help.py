"""The help overlay every screen opens with ? or F1: its keys and what its panels mean.

A screen declares its help as data (:attr:`game.scene.Scene.help_keys` and
:attr:`~game.scene.Scene.help_panels`, plain English message ids); this module draws it, each
string through the translation function, on top of the widgets, in a panel that keeps every
line inside (see :mod:`game.ui.layout`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.ui import layout
from game.ui.style import MUTED, PLAYER, TEXT, card, font, table_row, text, wrapped
from sim.i18n import N_
from sim.i18n import gettext as _

#: keys every screen has
COMMON_KEYS = ((N_("? or F1"), N_("this help (any key closes it)")), ("Esc", N_("back")))


def draw_help(surface: pygame.Surface, title: str, keys: Sequence[tuple[str, str]],
              panels: Sequence[tuple[str, str]], size: int | None = None) -> pygame.Rect:
    """The overlay: a dimmed screen, a panel with the keys on the left and the panels' meaning
    on the right (one column when narrow); the type grows with the window (a projector).
    Returns the panel."""
    width, height = surface.get_size()
    size = size or max(15, height // 46)
    shade = pygame.Surface((width, height), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 170))
    surface.blit(shade, (0, 0))
    rows = len(keys) + len(COMMON_KEYS) + 3
    box = pygame.Rect(0, 0, min(width - 40, size * 75),
                      min(height - 40, rows * (font(size).get_linesize() + 4) + 90))
    box.center = (width // 2, height // 2)
    layout.cover(box)
    inner = card(surface, box, _("{screen}: help").format(screen=title))
    pygame.draw.rect(surface, PLAYER, box, width=2, border_radius=10)
    wide = inner.width >= 760
    keys_rect = pygame.Rect(inner.left, inner.top + 6, inner.width // 2 - 10 if wide
                            else inner.width, inner.height - 30)
    line = font(size).get_linesize() + 4
    y = keys_rect.top
    for key, what in (*keys, *COMMON_KEYS):
        if y + line > keys_rect.bottom:
            break
        table_row(surface, (_(key), _(what)), (0, 0.34), keys_rect, y, size, TEXT)
        y += line
    if wide:
        panel_rect = pygame.Rect(inner.centerx + 10, inner.top + 6, inner.width // 2 - 10,
                                 inner.height - 30)
    else:
        panel_rect = pygame.Rect(inner.left, y + 10, inner.width, inner.bottom - y - 40)
    y = panel_rect.top
    for name, meaning in panels:
        if y + 2 * line > panel_rect.bottom:
            break
        text(surface, _(name), (panel_rect.left, y), size, PLAYER, bold=True,
             within=panel_rect)
        y += line
        y += wrapped(surface, _(meaning), pygame.Rect(panel_rect.left, y, panel_rect.width,
                                                   panel_rect.bottom - y), size - 1, TEXT) + 8
    text(surface, _("Press any key or click to close."), (inner.left, inner.bottom), size - 2,
         MUTED, anchor="bottomleft")
    return box
