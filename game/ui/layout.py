"""Where every label and bar of a frame went: the panels of the frame, fitting, and a recorder.

Every screen draws its panels first (:func:`game.ui.style.card` reports each one here) and then
their contents. The text and bar helpers ask :func:`bounds_for` which panel a label or bar
belongs to (the smallest panel of this frame that holds its anchor point; the window when none
does) and fit what they draw into it: text shrinks, then is shortened with an ellipsis, then is
moved inside; a bar is clamped. So a label cannot leave its panel, whatever the numbers are.

The layout test switches a :class:`Recorder` on (:func:`recording`): every drawn label and bar
is kept with its final rectangle and its panel, and :meth:`Recorder.problems` lists labels or
bars outside their panel and labels that overlap.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pygame

#: text may be shrunk down to this share of its size before it is shortened with an ellipsis
SHRINK_LIMIT = 0.72
#: two labels whose rectangles share less than this many pixels each way do not overlap
#: (pygame text rectangles include the line's leading, so stacked lines touch)
OVERLAP_SLACK = 3


@dataclass(frozen=True)
class Drawn:
    """One label or bar: what it was, where it went, and the panel it belongs to."""

    kind: str  # "text" or "bar"
    rect: pygame.Rect
    panel: pygame.Rect
    label: str = ""


@dataclass
class Recorder:
    """Everything drawn since :meth:`clear`, for the layout test."""

    window: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    items: list[Drawn] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.items.clear()
        self.texts.clear()

    def problems(self) -> list[str]:
        """Labels or bars outside their panel or the window, and labels that overlap."""
        found = []
        for item in self.items:
            if not self.window.contains(item.rect):
                found.append(f"{item.kind} {item.label!r} {item.rect} leaves the window")
            elif not item.panel.contains(item.rect):
                found.append(f"{item.kind} {item.label!r} {item.rect} leaves its panel "
                             f"{item.panel}")
        labels = [item for item in self.items if item.kind == "text" and item.rect.width > 0]
        for i, first in enumerate(labels):
            for second in labels[i + 1:]:
                common = first.rect.clip(second.rect)
                if common.width > OVERLAP_SLACK and common.height > OVERLAP_SLACK:
                    found.append(f"{first.label!r} {first.rect} overlaps "
                                 f"{second.label!r} {second.rect}")
        return found


_panels: list[pygame.Rect] = []
_recorder: Recorder | None = None


def begin_frame(surface: pygame.Surface) -> None:
    """A new frame: forget last frame's panels (and its recorded items)."""
    _panels.clear()
    if _recorder is not None:
        _recorder.window = surface.get_rect()
        _recorder.clear()


def add_panel(rect: pygame.Rect) -> None:
    """A panel (a card) drawn in this frame; labels and bars inside it are kept inside it."""
    _panels.append(pygame.Rect(rect))


def cover(rect: pygame.Rect) -> None:
    """An overlay drawn over ``rect`` (the help panel): the panels and recorded labels under it
    are hidden, so they neither hold nor clash with what is drawn on top."""
    _panels[:] = [panel for panel in _panels if not panel.colliderect(rect)]
    if _recorder is not None:
        _recorder.items[:] = [item for item in _recorder.items
                              if not item.rect.colliderect(rect)]


def bounds_for(surface: pygame.Surface, point: tuple[float, float]) -> pygame.Rect:
    """The smallest panel of this frame holding ``point``; the surface when none does."""
    holding = [rect for rect in _panels if rect.collidepoint(point)]
    if not holding or not on_display(surface):
        return surface.get_rect()
    return min(holding, key=lambda rect: rect.width * rect.height)


def on_display(surface: pygame.Surface) -> bool:
    """True for the window's surface; panels and the recorder ignore off-screen drawings (a
    figure, an icon), which have their own coordinates."""
    if not pygame.display.get_init() or pygame.display.get_surface() is None:
        return False
    display = pygame.display.get_surface()
    return surface is display or surface.get_size() == display.get_size()


def active() -> bool:
    """True while a recorder is on: screens that cache a drawn layer redraw it every frame then,
    so the recorder sees each frame whole."""
    return _recorder is not None


def record(kind: str, rect: pygame.Rect, panel: pygame.Rect, label: str = "",
           surface: pygame.Surface | None = None) -> None:
    """Keep one drawn label or bar (while recording, and only on the window's surface)."""
    if _recorder is not None and (surface is None or on_display(surface)):
        _recorder.items.append(Drawn(kind, pygame.Rect(rect), pygame.Rect(panel), label))


def record_text(message: str) -> None:
    """Text that was drawn (the no-"e+" test reads it), whatever helper drew it."""
    if _recorder is not None:
        _recorder.texts.append(message)


def clamp_bar(surface: pygame.Surface, rect: pygame.Rect, label: str = "",
              within: pygame.Rect | None = None) -> pygame.Rect:
    """``rect`` cut to ``within`` (by default the panel that holds its left end: a bar never
    crosses into the next panel); recorded for the layout test."""
    rect = pygame.Rect(rect)
    rect.normalize()
    panel = within if within is not None else bounds_for(surface, (rect.left, rect.centery))
    clamped = rect.clip(panel)
    if clamped.width == 0 and rect.width > 0:
        clamped = pygame.Rect(min(max(rect.left, panel.left), panel.right), rect.top, 0,
                              rect.height)
    record("bar", clamped, panel, label, surface)
    return clamped


def draw_bar(surface: pygame.Surface, colour, rect, width: int = 0, border_radius: int = 0,
             label: str = "", within: pygame.Rect | None = None) -> pygame.Rect:
    """A filled (or outlined) bar kept inside ``within`` (by default its panel)."""
    clamped = clamp_bar(surface, pygame.Rect(rect), label, within)
    if clamped.width > 0 and clamped.height > 0:
        pygame.draw.rect(surface, colour, clamped, width=width, border_radius=border_radius)
    return clamped


@contextmanager
def recording() -> Iterator[Recorder]:
    """Record every label and bar drawn inside the block."""
    global _recorder
    previous, _recorder = _recorder, Recorder()
    try:
        yield _recorder
    finally:
        _recorder = previous


def free_spot(size: tuple[int, int], anchors: list[tuple[str, tuple[float, float]]],
              taken: list[pygame.Rect], bounds: pygame.Rect) -> tuple[str, tuple[float, float]]:
    """The first of ``anchors`` ((anchor name, point) pairs) where a label of ``size`` stays in
    ``bounds`` and clear of every rect in ``taken``; the first one when none is free."""
    for anchor, point in anchors:
        rect = pygame.Rect((0, 0), size)
        setattr(rect, anchor, (round(point[0]), round(point[1])))
        if bounds.contains(rect) and rect.collidelist(taken) < 0:
            return anchor, point
    return anchors[0]
