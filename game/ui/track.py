"""A short race run: each horse's lane, the horses running, the winner first past the post.

Only a picture of a result already drawn by the session: the winner's pace is 1 (it reaches
the post as the run ends), the others' paces are below 1, so the run never disagrees with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.ui import palette
from game.ui.palette import Colour
from game.ui.style import AXIS, GOOD, GRID, MUTED, TEXT, font, text

#: one colour per horse, in lane order
HORSE_COLOURS = tuple(Colour(standard, safe) for standard, safe in zip(
    ((255, 143, 171), (144, 190, 109), (249, 199, 79), (67, 170, 139), (199, 125, 255),
     (76, 201, 240)),
    (palette.ORANGE, palette.SKY_BLUE, palette.BLUISH_GREEN, palette.YELLOW, palette.BLUE,
     palette.REDDISH_PURPLE), strict=True))


def draw_track(surface: pygame.Surface, rect: pygame.Rect, names: Sequence[str],
               colours: Sequence, paces: Sequence[float], progress: float,
               winner: int) -> None:
    """The run at ``progress`` (0 start, 1 the winner at the post); ``paces`` per horse, the
    winner's 1."""
    lanes = max(len(names), 1)
    lane_h = rect.height / lanes
    name_w = min(max(font(12).size(name)[0] for name in names) + 10, rect.width // 3)
    start, post = rect.left + name_w + 8, rect.right - 12
    pygame.draw.line(surface, AXIS, (post, rect.top), (post, rect.bottom), 2)
    radius = max(5, min(11, int(lane_h * 0.32)))
    for i, name in enumerate(names):
        y = rect.top + lane_h * (i + 0.5)
        if i:
            pygame.draw.line(surface, GRID, (rect.left, rect.top + lane_h * i),
                             (rect.right, rect.top + lane_h * i))
        cell = pygame.Rect(rect.left, round(y - lane_h / 2), name_w, round(lane_h))
        done = progress >= 1 and i == winner
        text(surface, name, (rect.left, y), 12, GOOD if done else MUTED, anchor="midleft",
             within=cell)
        x = start + min(1.0, progress * paces[i]) * (post - radius - start)
        pygame.draw.circle(surface, colours[i], (round(x), round(y)), radius)
        pygame.draw.circle(surface, TEXT, (round(x), round(y)), radius, 1)
