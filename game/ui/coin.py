"""A procedurally drawn coin toss: the coin rises, spins about its horizontal axis and lands on
the face the session already drew (the animation never decides anything)."""

from __future__ import annotations

import math

import pygame

from game.ui.style import FAINT, fit_size, font, text

HEADS_FACE = (255, 200, 87)
HEADS_RIM = (204, 148, 40)
TAILS_FACE = (196, 204, 220)
TAILS_RIM = (130, 140, 160)


def _face(radius: int, heads: bool) -> pygame.Surface:
    """One side of the coin as a square image: rim, face, and the letter H or T."""
    size = 2 * radius
    image = pygame.Surface((size, size), pygame.SRCALPHA)
    face, rim = (HEADS_FACE, HEADS_RIM) if heads else (TAILS_FACE, TAILS_RIM)
    pygame.draw.circle(image, rim, (radius, radius), radius)
    pygame.draw.circle(image, face, (radius, radius), int(radius * 0.86))
    pygame.draw.circle(image, rim, (radius, radius), int(radius * 0.74), width=max(1, radius // 18))
    letter = font(int(radius * 0.95), bold=True).render("H" if heads else "T", True, rim)
    image.blit(letter, letter.get_rect(center=(radius, radius + radius * 0.04)))
    return image


def coin_icon(size: int = 64) -> pygame.Surface:
    """The window icon: the heads face of the coin."""
    return _face(size // 2, heads=True)


class CoinFlip:
    """The coin's state: idle on a face, or in the air for ``duration`` seconds."""

    SPINS = 3  # half-turns are added so the coin lands on the right face

    def __init__(self) -> None:
        self.face_heads = True  # the face shown at rest
        self.elapsed = 0.0
        self.duration = 0.0
        self._target_heads = True
        self._cache: dict[tuple[int, bool], pygame.Surface] = {}

    @property
    def busy(self) -> bool:
        return self.elapsed < self.duration

    def toss(self, heads: bool, duration: float) -> None:
        """Start a toss that lands on heads (True) or tails (False)."""
        self._target_heads = heads
        self.duration = max(duration, 0.05)
        self.elapsed = 0.0

    def finish(self) -> None:
        """Land at once (the next toss interrupts this one)."""
        self.elapsed = self.duration
        self.face_heads = self._target_heads

    def update(self, dt: float) -> bool:
        """Advance the toss; True on the frame it lands."""
        if not self.busy:
            return False
        self.elapsed += dt
        if self.elapsed >= self.duration:
            self.face_heads = self._target_heads
            return True
        return False

    def _angle(self) -> float:
        """Rotation about the horizontal axis: 0 shows heads, pi shows tails."""
        u = min(self.elapsed / self.duration, 1.0) if self.duration else 1.0
        start = 0.0 if self.face_heads else math.pi
        end = (0.0 if self._target_heads else math.pi) + 2 * math.pi * self.SPINS
        eased = 1 - (1 - u) ** 2
        return start + (end - start) * eased

    def draw_with_message(self, surface: pygame.Surface, rect: pygame.Rect, message: str,
                          colour, header: int) -> None:
        """The coin in ``rect`` below ``header`` pixels of text, with ``message`` (the last
        flip's result) under it, greyed while the coin is in the air."""
        self.draw(surface, pygame.Rect(rect.left, rect.top + header, rect.width,
                                       rect.height - header - 24))
        size = fit_size(message, rect.width, 15, bold=True)
        text(surface, message, rect.midbottom, size, FAINT if self.busy else colour, bold=True,
             anchor="midbottom")

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        radius = max(12, int(min(rect.width, rect.height) * 0.36))
        ground = rect.bottom - radius * 0.25
        if self.busy:
            u = self.elapsed / self.duration
            height = 4 * u * (1 - u) * max(rect.height - 2.3 * radius, radius * 0.6)
            angle = self._angle()
        else:
            height = 0.0
            angle = 0.0 if self.face_heads else math.pi
        centre_y = ground - radius - height
        shadow_w = int(radius * 1.6 * (1 - 0.5 * height / max(rect.height, 1)))
        shadow = pygame.Rect(0, 0, shadow_w, max(4, radius // 5))
        shadow.center = (rect.centerx, int(ground))
        pygame.draw.ellipse(surface, (10, 12, 20), shadow)
        squash = abs(math.cos(angle))
        heads_up = math.cos(angle) >= 0
        key = (radius, heads_up)
        if key not in self._cache:
            self._cache[key] = _face(radius, heads_up)
        image = self._cache[key]
        height_px = max(2, int(2 * radius * squash))
        edge = max(2, radius // 10) if squash < 0.98 else 0
        if edge:
            rim = HEADS_RIM if heads_up else TAILS_RIM
            band = pygame.Rect(0, 0, 2 * radius, height_px + edge)
            band.center = (rect.centerx, int(centre_y + edge / 2))
            pygame.draw.ellipse(surface, tuple(int(c * 0.7) for c in rim), band)
        scaled = pygame.transform.smoothscale(image, (2 * radius, height_px))
        surface.blit(scaled, scaled.get_rect(center=(rect.centerx, int(centre_y))))
