"""A monkey at the keyboard and mouse: random events on every screen must never raise."""

import numpy as np
import pygame
import pytest

from game.app import App
from game.scenes import registry

KEYS = [
    pygame.K_SPACE, pygame.K_RETURN, pygame.K_ESCAPE, pygame.K_TAB, pygame.K_BACKSPACE,
    pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN, pygame.K_PLUS, pygame.K_MINUS,
    pygame.K_EQUALS, *range(pygame.K_0, pygame.K_9 + 1), *range(pygame.K_a, pygame.K_z + 1),
]
TEXT = "0123456789.-eE xq,"


def random_event(rng: np.random.Generator, size: tuple[int, int]) -> pygame.event.Event:
    """One plausible input event: keys, typed text, clicks, drags, wheel, rarely a resize."""
    width, height = size
    kind = rng.random()
    position = (int(rng.integers(0, width)), int(rng.integers(0, height)))
    if kind < 0.35:
        code = int(rng.choice(KEYS))
        mod = int(rng.choice([0, 0, 0, pygame.KMOD_SHIFT, pygame.KMOD_CTRL]))
        char = chr(code) if 32 <= code < 127 else ""
        etype = pygame.KEYDOWN if rng.random() < 0.7 else pygame.KEYUP
        return pygame.event.Event(etype, key=code, mod=mod, unicode=char, scancode=0)
    if kind < 0.45:
        return pygame.event.Event(pygame.TEXTINPUT, text=str(rng.choice(list(TEXT))))
    if kind < 0.75:
        button = int(rng.choice([1, 1, 1, 3]))
        etype = pygame.MOUSEBUTTONDOWN if rng.random() < 0.5 else pygame.MOUSEBUTTONUP
        pygame.mouse.set_pos(position)
        return pygame.event.Event(etype, pos=position, button=button, touch=False)
    if kind < 0.97:
        pygame.mouse.set_pos(position)
        buttons = (int(rng.random() < 0.3), 0, 0)
        return pygame.event.Event(pygame.MOUSEMOTION, pos=position, rel=(0, 0), buttons=buttons,
                                  touch=False)
    if kind < 0.995:
        return pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=int(rng.choice([-1, 1])),
                                  flipped=False, precise_x=0.0, precise_y=1.0, touch=False)
    new_size = (int(rng.integers(700, 1700)), int(rng.integers(450, 1000)))
    return pygame.event.Event(pygame.VIDEORESIZE, size=new_size, w=new_size[0], h=new_size[1])


def monkey(events: int, seed: int, per_frame: int = 8) -> dict[str, int]:
    """Send ``events`` random events, ``per_frame`` per frame, visiting every screen in turn.

    Returns how many frames were drawn on each screen. Quitting (Esc on the menu, the Quit
    button) is allowed: the monkey just opens the menu again.
    """
    rng = np.random.default_rng(seed)
    names = sorted(registry())
    seen = dict.fromkeys(names, 0)
    app = App(headless=True, seed=seed, size=(1024, 640))
    try:
        app.push("menu")
        sent = 0
        visit = 0
        while sent < events:
            if sent // 1000 != visit:  # a new screen every 1,000 events, all of them in turn
                visit = sent // 1000
                app.push(names[visit % len(names)])
            for _ in range(per_frame):
                pygame.event.post(random_event(rng, app.size))
            sent += per_frame
            app.run(frames=1)
            if not app.running or not app.stack:
                app.running = True
                if not app.stack:
                    app.push("menu")
            seen[app.scene.name] = seen.get(app.scene.name, 0) + 1
    finally:
        app.close()
    return seen


def test_monkey_ten_thousand_events():
    seen = monkey(10_000, seed=1)
    assert sum(seen.values()) >= 10_000 // 8
    assert all(count > 0 for name, count in seen.items() if name in registry())


@pytest.mark.slow
def test_monkey_long_run():
    seen = monkey(100_000, seed=2)
    assert all(count > 0 for count in seen.values())
