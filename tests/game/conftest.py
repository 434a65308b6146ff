"""Fixtures of the game's tests."""

import pygame
import pytest

from game.ui import style
from sim import i18n


@pytest.fixture
def drawn(monkeypatch):
    """Every string a pygame font renders while the test runs (screens and widgets)."""
    texts: list[str] = []

    class Recording(pygame.font.Font):
        def render(self, text, *args, **kwargs):
            texts.append(str(text))
            return super().render(text, *args, **kwargs)

    monkeypatch.setattr(pygame.font, "Font", Recording)
    style.font.cache_clear()
    yield texts
    style.font.cache_clear()
    i18n.set_language("en")
