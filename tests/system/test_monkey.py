"""A monkey at the keyboard and mouse: random events on every screen must never raise.

The default run sends 10^4 events; the slow one (``pytest -m slow``) sends 10^5 and also asserts
that no frame took over 100 ms (a wall-clock bound, so it is kept out of the default run: the
developers' guide measures speed in benchmarks/, and a shared CI machine is noisy). Numerical
warnings (overflow, division by zero) are errors in both.

The classroom draws its figures on a background thread; each time the monkey opens it, it also
lets frames run (timed like the others) until the first figure is on screen, so the frames that
run beside matplotlib and the frame that takes the finished figure are measured too.
"""

import time
from dataclasses import dataclass, field

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


@dataclass
class MonkeyRun:
    """What a monkey run saw: frames drawn per screen, the slowest frame of each screen, the
    slowest ordinary frames and the slowest frames that put a new classroom figure on screen
    (ms, screen, frame number)."""

    seen: dict[str, int]
    worst: dict[str, float] = field(default_factory=dict)
    slowest: list[tuple[float, str, int]] = field(default_factory=list)
    figure_frames: list[tuple[float, str, int]] = field(default_factory=list)

    @property
    def max_ms(self) -> float:
        return max([0.0, *self.worst.values()])


def figure_keys(app) -> set:
    """Every classroom figure the scenes on the stack hold drawn (step, params, size...)."""
    return {(id(s), key) for s in app.stack for key in getattr(s, "_figures", {})}


def monkey(events: int, seed: int, per_frame: int = 8, keep: int = 10,
           settle: float = 20.0) -> MonkeyRun:
    """Send ``events`` random events, ``per_frame`` per frame, visiting every screen in turn.

    Every frame (events handled, scenes updated, drawn) is timed with ``perf_counter``; the
    ``keep`` slowest are returned with the screen they ended on, frames that took a new
    classroom figure from its drawing thread apart from the rest. On opening a screen that is
    drawing (the classroom), frames without events run until its figure is shown (at most
    ``settle`` seconds). Quitting (Esc on the menu, the Quit button) is allowed: the monkey
    just opens the menu again.
    """
    rng = np.random.default_rng(seed)
    names = sorted(registry())
    run = MonkeyRun(dict.fromkeys(names, 0))
    app = App(headless=True, seed=seed, size=(1024, 640))

    def frame() -> None:
        figures = figure_keys(app)
        start = time.perf_counter()
        app.run(frames=1)
        elapsed = 1000 * (time.perf_counter() - start)
        rendered = bool(figure_keys(app) - figures)
        if not app.running or not app.stack:
            app.running = True
            if not app.stack:
                app.push("menu")
        name = app.scene.name
        run.seen[name] = run.seen.get(name, 0) + 1
        run.worst[name] = max(run.worst.get(name, 0.0), elapsed)
        timed = (elapsed, name, app.frame)
        if rendered:
            run.figure_frames = sorted([*run.figure_frames, timed], reverse=True)[:keep]
        else:
            run.slowest = sorted([*run.slowest, timed], reverse=True)[:keep]

    try:
        app.push("menu")
        sent = 0
        visit = 0
        while sent < events:
            if sent // 1000 != visit:  # a new screen every 1,000 events, all of them in turn
                visit = sent // 1000
                app.push(names[visit % len(names)])
                deadline = time.perf_counter() + settle
                while getattr(app.scene, "drawing", False) and time.perf_counter() < deadline:
                    frame()
            for _ in range(per_frame):
                pygame.event.post(random_event(rng, app.size))
            sent += per_frame
            frame()
    finally:
        app.close()
    return run


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_monkey_ten_thousand_events():
    run = monkey(10_000, seed=1)
    assert sum(run.seen.values()) >= 10_000 // 8
    assert all(count > 0 for name, count in run.seen.items() if name in registry())
    assert run.figure_frames  # the classroom's drawing thread handed over figures


@pytest.mark.slow
@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_monkey_long_run():
    run = monkey(100_000, seed=2)
    assert all(count > 0 for count in run.seen.values())
    print("slowest frame per screen (ms):", {k: round(v, 1) for k, v in run.worst.items()})
    print("slowest frames (ms, screen, frame):", run.slowest)
    print("slowest frames that took a classroom figure:", run.figure_frames)
    assert run.figure_frames
    assert run.max_ms <= 100, (run.slowest, run.figure_frames)
