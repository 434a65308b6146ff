"""The Private wire and Learn to bet screens in a headless window: real keys and clicks in, the
sessions' numbers out, at the three layout sizes."""

import pygame
import pytest

from game.app import App
from game.scenes import registry
from game.scenes.menu import MENU
from tests.game.test_app import click, key


@pytest.fixture
def app():
    game_app = App(headless=True, seed=7, size=(1280, 720))
    game_app.push("menu")
    yield game_app
    game_app.close()


def open_screen(app, name, **options):
    app.push(name, **options)
    app.run(frames=2)
    return app.scene


def test_both_screens_are_registered_and_in_the_menu():
    assert {"wire", "learn"} <= set(registry())
    assert {"wire", "learn"} <= {entry.scene for entry in MENU}


@pytest.mark.parametrize("size", [(960, 600), (1280, 720), (1920, 1080)])
@pytest.mark.parametrize("name", ["wire", "learn"])
def test_screens_lay_out_inside_the_window(name, size):
    window_app = App(headless=True, seed=3, size=size, auto=True)
    try:
        window_app.push("menu")
        window_app.push(name)
        window_app.run(frames=30)
        scene = window_app.scene
        window = pygame.Rect((0, 0), window_app.size)
        widgets = [w for w in scene.root.elements]
        assert widgets
        for widget in widgets:
            assert window.contains(widget.rect), (name, size, widget)
        assert window.contains(scene.left)
    finally:
        window_app.close()


def test_wire_keys_set_the_accuracy_and_flip(app):
    scene = open_screen(app, "wire")
    assert scene.session.accuracy == pytest.approx(0.6)
    for _ in range(3):
        key(app, pygame.K_RIGHT)
    key(app, pygame.K_LEFT, mod=pygame.KMOD_SHIFT)
    assert scene.session.accuracy == pytest.approx(0.58)
    assert round(scene.slider_widget.get_current_value()) == 58
    key(app, pygame.K_SPACE)
    key(app, pygame.K_SPACE)
    assert scene.session.round == 2
    flip = scene.session.record(2)
    assert flip.stake == pytest.approx(abs(2 * 0.58 - 1))
    key(app, pygame.K_HOME)
    assert scene.session.round == 0
    key(app, pygame.K_a)
    app.run(frames=60)
    assert scene.auto and scene.session.round >= 5
    key(app, pygame.K_a)
    assert not scene.auto


def test_wire_mouse_flip_button_and_capacity_chart(app):
    scene = open_screen(app, "wire")
    click(app, scene.flip_button.rect.center)
    assert scene.session.round == 1
    plot = scene.capacity_axes.plot
    click(app, (plot.left + 0.9 * plot.width, plot.centery))
    assert scene.session.accuracy == pytest.approx(0.9, abs=0.01)
    assert scene.session.round == 1  # the same flips, now with a better tip
    seed = scene.session.seed
    click(app, scene.new_button.rect.center)
    assert scene.session.seed != seed and scene.session.round == 0


def test_learn_trains_with_the_keys_and_the_table_goes_bust(app):
    scene = open_screen(app, "learn")
    assert scene.session.model == "table" and scene.session.latest() is None
    key(app, pygame.K_RETURN)
    app.run(frames=20)
    assert 0 < scene.session.step < scene.session.steps  # training shows step by step
    app.run(frames=200)
    assert scene.session.finished
    assert scene.session.bust_race("test") is not None
    assert "Overfitting is overbetting" in scene.verdict()[0]


def test_learn_mouse_picks_model_and_smoothing(app):
    scene = open_screen(app, "learn")
    click(app, scene.model_buttons["smoothed"].rect.center)
    assert scene.session.model == "smoothed"
    for _ in range(10):
        key(app, pygame.K_RIGHT)
    assert scene.session.smoothing == pytest.approx(1.0)
    click(app, scene.end_button.rect.center)
    assert scene.session.finished and scene.session.bust_race("test") is None
    key(app, pygame.K_4)
    assert scene.session.model == "softmax" and scene.session.latest() is None
    key(app, pygame.K_d)
    assert scene.session.dataset == "iris"


def test_escape_goes_back_to_the_menu(app):
    for name in ("wire", "learn"):
        open_screen(app, name)
        key(app, pygame.K_ESCAPE)
        assert app.scene.name == "menu"
