"""Every screen at three window sizes in extreme states: no label or bar leaves its panel, no
two labels overlap, and no amount of money is written with "e+" (issue 15).

The rectangles come from the drawing helpers themselves (:mod:`game.ui.layout` records every
label and bar as it is drawn), so the test sees exactly what a player would see.
"""

import pytest

from game.app import App
from game.ui import layout
from sim import i18n
from tests.game.layout_states import STATES

# the smallest and the largest window run in make test; the middle one with the slow tests
# (pytest -m slow), to keep the suite short
SIZES = ((960, 600), pytest.param((1280, 720), marks=pytest.mark.slow), (1920, 1080))


def drawn(state, size):
    app = App(headless=True, seed=42, size=size)
    app.push("menu")
    try:
        with layout.recording() as recorder:
            STATES[state](app)
            app.run(frames=1)
            return recorder.problems(), list(recorder.texts)
    finally:
        app.close()
        i18n.set_language("en")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("state", sorted(STATES))
def test_every_label_and_bar_stays_in_its_panel(state, size):
    problems, texts = drawn(state, size)
    assert problems == []
    assert texts, "the recorder saw no text: the screen did not draw through the helpers"
    assert not [t for t in texts if "e+" in t or ("e-" in t and "$" in t)]


def test_the_recorder_catches_a_label_that_leaves_its_panel():
    import pygame

    pygame.init()
    surface = pygame.display.set_mode((400, 300))
    try:
        with layout.recording() as recorder:
            layout.begin_frame(surface)
            panel = pygame.Rect(10, 10, 100, 50)
            layout.add_panel(panel)
            layout.record("text", pygame.Rect(90, 20, 40, 14), panel, "too far")
            layout.record("text", pygame.Rect(20, 20, 40, 14), panel, "one")
            layout.record("text", pygame.Rect(30, 22, 40, 14), panel, "two")
            layout.draw_bar(surface, (255, 0, 0), (20, 40, 300, 10), label="bar")
        problems = recorder.problems()
        assert any("'too far'" in p and "leaves its panel" in p for p in problems)
        assert any("'one'" in p and "overlaps 'two'" in p for p in problems)
        assert not any("'bar'" in p for p in problems)  # the bar was clamped to its panel
        assert recorder.items[-1].rect.right == panel.right
    finally:
        pygame.quit()


def test_text_too_wide_for_its_panel_is_shrunk_then_shortened():
    import pygame

    from game.ui.style import card, text

    pygame.init()
    surface = pygame.display.set_mode((400, 300))
    try:
        with layout.recording() as recorder:
            layout.begin_frame(surface)
            inner = card(surface, pygame.Rect(10, 10, 150, 60))
            text(surface, "Kelly (knows p) $1.41B and a long tail of words", inner.topleft, 15)
        label = recorder.items[-1]
        assert label.panel.contains(label.rect)
        assert label.label.endswith("…")
    finally:
        from game.ui.style import font

        font.cache_clear()  # no font of this pygame session may outlive it
        pygame.quit()
