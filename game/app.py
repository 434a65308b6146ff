"""The window, the clock and the scene stack; ``main`` is what ``kelly play`` runs.

The loop updates the scenes at a fixed 60 Hz step (an accumulator of real time; in headless mode
every frame counts exactly one step, so a run is deterministic) and draws once per frame. Scenes
are pushed, popped and replaced by name (see :mod:`game.scenes`); Esc goes back, and on the
bottom scene it quits. Closing the window (or Ctrl-C, or SIGTERM) mid-round keeps the
play-through so far in ``last_session.json`` (see :meth:`App.save_unfinished`).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import signal
import sys
import tempfile
from pathlib import Path

import numpy as np
import pygame
import pygame_gui
from pygame_gui.elements import UITextEntryLine

from game.assets import load_theme
from game.audio import Sounds
from game.saves import load_settings, save_unfinished, usual_mode
from game.scenes import registry, scene_class
from game.sessions.session import BetSession
from game.ui import layout
from game.ui.coin import coin_icon
from game.ui.style import apply_look, font
from sim.engine import check_seed

FPS = 60
STEP = 1.0 / FPS
DEFAULT_SIZE = (1280, 720)
MIN_SIZE = (960, 600)
MAX_STEPS_PER_FRAME = 5  # after a stall, drop time rather than spiral
HEADLESS_FRAMES = 600  # a headless run with no --frames stops after ten seconds of game time
SEED_LIMIT = 1_000_000  # fresh seeds are short enough to read out and type back in

log = logging.getLogger(__name__)


def use_dummy_drivers() -> None:
    """Make SDL draw into memory and play no sound (before pygame opens the display)."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"


def _bet_session(scene) -> BetSession | None:
    """The bets a scene is playing: its ``session``, or the ``bet_session`` that a screen with
    rules of its own (Challenge, Unknown coin) wraps around one."""
    session = getattr(scene, "session", None)
    session = getattr(session, "bet_session", session)
    return session if isinstance(session, BetSession) else None


class App:
    """The running game: window, UI manager, settings, sounds, seeds and the scene stack."""

    def __init__(
        self,
        *,
        size: tuple[int, int] = DEFAULT_SIZE,
        seed: int | None = None,
        headless: bool = False,
        fullscreen: bool = False,
        classroom: bool = False,
        auto: bool = False,
    ) -> None:
        if headless:
            use_dummy_drivers()
        self.headless = headless
        self.classroom = classroom
        self.auto = auto  # start auto-play on screens that have it (demos, screenshots)
        pygame.init()
        self.flags = pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
        size = (0, 0) if fullscreen else _at_least(size)
        pygame.display.set_icon(coin_icon())
        self.screen = pygame.display.set_mode(size, self.flags)
        pygame.display.set_caption("Kelly — the betting game that teaches cross-entropy")
        self.ui = pygame_gui.UIManager(self.size, load_theme())
        self.settings = load_settings()
        apply_look(self.settings)
        self.sounds = Sounds(self.settings.sound)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % SEED_LIMIT)
        else:
            seed = check_seed(seed)
        self.seed = seed
        self._seeds = np.random.default_rng(seed)
        self.clock = pygame.time.Clock()
        self.stack: list = []
        self.frame = 0
        self.running = True

    # -- properties -----------------------------------------------------------------------------

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    @property
    def depth(self) -> int:
        return len(self.stack)

    @property
    def scene(self):
        """The scene on top of the stack (the one that gets input and draws)."""
        return self.stack[-1]

    @property
    def typing(self) -> bool:
        """True while a text box has the keyboard focus (hotkeys are off)."""
        return any(isinstance(e, UITextEntryLine) for e in self.ui.get_focus_set() or ())

    def new_seed(self) -> int:
        """The seed of the next new game: drawn from the app's seed, so a run is replayable."""
        return int(self._seeds.integers(0, SEED_LIMIT))

    # -- the scene stack ------------------------------------------------------------------------

    def _make(self, scene, options):
        return scene_class(scene)(self, **options) if isinstance(scene, str) else scene

    def push(self, scene, **options) -> None:
        """Put a scene (a name from the registry, or an instance) on top."""
        scene = self._make(scene, options)
        if self.stack:
            self.scene.pause()
        self.stack.append(scene)
        scene.enter()

    def pop(self) -> None:
        """Leave the top scene; leaving the last one quits."""
        self.stack.pop().exit()
        if self.stack:
            self.scene.resume()
        else:
            self.running = False

    def replace(self, scene, **options) -> None:
        """Swap the top scene for another."""
        scene = self._make(scene, options)
        self.stack.pop().exit()
        self.stack.append(scene)
        scene.enter()

    def pop_to(self, name: str) -> None:
        """Pop scenes until ``name`` is on top (or only one scene is left)."""
        while len(self.stack) > 1 and self.scene.name != name:
            self.stack.pop().exit()
        self.scene.resume()

    # -- the loop ------------------------------------------------------------------------------

    def resize(self, size: tuple[int, int]) -> None:
        self.screen = pygame.display.set_mode(_at_least(size), self.flags)
        self.ui.set_window_resolution(self.size)
        if self.stack:
            self.scene.build()

    def unfinished(self):
        """The scene holding a play-through that has begun and not ended (top-most), or None."""
        for scene in reversed(self.stack):
            session = _bet_session(scene)
            if session is not None and session.round > 0 and not session.finished:
                return scene
        return None

    def save_unfinished(self) -> Path | None:
        """Keep the play-through left mid-round (seed, rules, every bet so far) in the data
        folder, so it can be replayed exactly; None when there is none or it cannot be written
        (a warning in the log: quitting must not fail)."""
        scene = self.unfinished()
        if scene is None:
            return None
        try:
            return save_unfinished(_bet_session(scene).to_json(), scene.name)
        except OSError as error:
            log.warning("the unfinished game was not saved: %s", error)
            return None

    def quit(self) -> None:
        """Stop the loop after saving an unfinished play-through (the window's close button)."""
        self.save_unfinished()
        self.running = False

    def process_events(self) -> None:
        for event in pygame.event.get():
            if not self.running or not self.stack:
                return
            if event.type == pygame.QUIT:
                self.quit()
                continue
            if event.type == pygame.VIDEORESIZE:
                self.resize(event.size)
                continue
            if getattr(self.scene, "help_open", False) and event.type in (
                    pygame.KEYDOWN, pygame.TEXTINPUT, pygame.MOUSEBUTTONDOWN,
                    pygame.MOUSEBUTTONUP):
                self.scene.handle_event(event)  # the help overlay is modal: widgets wait
                continue
            consumed = self.ui.process_events(event)
            if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
                if getattr(self.scene, "help_open", False):
                    self.scene.help_open = False
                elif self.typing:
                    self.ui.set_focus_set(None)
                else:
                    self.scene.back()
                continue
            if consumed and event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
                continue
            self.scene.handle_event(event)

    def run(self, frames: int | None = None) -> None:
        """Run until the window closes, the last scene is popped, or ``frames`` frames are drawn."""
        accumulator = 0.0
        last = self.frame
        while self.running and self.stack and (frames is None or self.frame - last < frames):
            elapsed = self.clock.tick(0 if self.headless else FPS) / 1000.0
            dt = STEP if self.headless else min(elapsed, MAX_STEPS_PER_FRAME * STEP)
            self.process_events()
            if not self.running or not self.stack:
                break
            accumulator += dt
            while accumulator >= STEP - 1e-9:
                self.scene.update(STEP)
                accumulator -= STEP
            self.ui.update(dt)
            self.draw()
            pygame.display.flip()
            self.frame += 1

    def draw(self) -> None:
        layout.begin_frame(self.screen)
        self.scene.draw(self.screen)
        self.ui.draw_ui(self.screen)
        overlay = getattr(self.scene, "draw_overlay", None)
        if overlay is not None:
            overlay(self.screen)

    def screenshot(self, path: str | os.PathLike) -> Path:
        """Save the last frame as PNG atomically (a temporary file beside it, then os.replace)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".png")
        os.close(handle)
        try:
            pygame.image.save(self.screen, temp)
            os.chmod(temp, usual_mode())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return path

    def close(self) -> None:
        """Leave every scene and shut pygame down (fonts cached for this run are dropped)."""
        while self.stack:
            self.stack.pop().exit()
        font.cache_clear()
        pygame.quit()


def _at_least(size: tuple[int, int]) -> tuple[int, int]:
    return max(int(size[0]), MIN_SIZE[0]), max(int(size[1]), MIN_SIZE[1])


# -- the command line -------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises ValueError instead of printing usage and exiting."""

    def error(self, message: str):
        raise ValueError(message)


def _size(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", value)
    if not match:
        raise argparse.ArgumentTypeError(f"--size {value!r} is not WIDTHxHEIGHT, e.g. 1280x720")
    return int(match[1]), int(match[2])


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return number


def _seed(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed {value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"seed {value!r} must be 0 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kelly play",
        description="Open the game: bet on a biased coin, watch many worlds, race horses.",
    )
    parser.add_argument("--headless", action="store_true",
                        help="no window, no sound (SDL dummy drivers): tests, screenshots")
    parser.add_argument("--frames", type=_positive, metavar="N",
                        help=f"stop after N frames (with --headless: {HEADLESS_FRAMES} by default)")
    parser.add_argument("--screenshot", metavar="FILE.png", help="save the last frame as PNG")
    parser.add_argument("--seed", type=_seed, help="seed of the first game (replays it exactly)")
    parser.add_argument("--fullscreen", action="store_true", help="open full screen")
    parser.add_argument("--classroom", action="store_true",
                        help="open classroom mode (the menu while it is not installed)")
    parser.add_argument("--lesson", metavar="FILE|LANG",
                        help="classroom lesson: a TOML file, or a shipped language (en, zh-TW)")
    parser.add_argument("--screen", metavar="NAME", default="menu",
                        help="start on this screen: menu, coin, worlds, race, challenge, unknown, "
                             "classroom, results, settings")
    parser.add_argument("--size", type=_size, default=DEFAULT_SIZE, metavar="WxH",
                        help=f"window size (default 1280x720, least {MIN_SIZE[0]}x{MIN_SIZE[1]})")
    parser.add_argument("--auto", action="store_true",
                        help="start auto-flip / auto-run on the first screen (demos, screenshots)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the game; returns the exit status (2 for bad arguments, with one line on stderr)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.screenshot is not None and not args.screenshot.lower().endswith(".png"):
            raise ValueError(f"--screenshot {args.screenshot!r} must be a .png file")
        scene_class(args.screen)
        if args.lesson is not None and "classroom" in registry():
            # a bad lesson file is one line and exit 2, before a window opens
            scene_class("classroom").check_options(lesson=args.lesson)
    except SystemExit as done:  # --help
        return int(done.code or 0)
    except ValueError as error:
        print(f"kelly play: error: {error}", file=sys.stderr)
        return 2

    try:
        app = App(size=args.size, seed=args.seed, headless=args.headless,
                  fullscreen=args.fullscreen, classroom=args.classroom, auto=args.auto)
    except pygame.error as error:
        print(f"kelly play: error: cannot open a window ({error}); try --headless",
              file=sys.stderr)
        return 1
    def terminate(signum, frame) -> None:  # SIGTERM: leave the loop at the next frame
        app.running = False
        stopped.append(signum)

    stopped: list[int] = []
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        app.push("menu")
        # Everything loaded so far lives for the whole game: keep it out of the cyclic garbage
        # collector, whose full passes would otherwise stall a frame by 50-100 ms.
        gc.freeze()
        start = ("classroom" if (args.classroom or args.lesson) and "classroom" in registry()
                 else args.screen)
        if start != "menu":
            app.push(start, **({"lesson": args.lesson} if start == "classroom" and args.lesson
                               else {}))
        frames = args.frames if args.frames or not args.headless else HEADLESS_FRAMES
        app.run(frames=frames)
        if stopped:
            app.save_unfinished()
        if args.screenshot:
            ready = getattr(app.scene, "wait_until_ready", None)
            if ready is not None:  # a screen that draws in the background: finish the picture
                ready()
                app.run(frames=2)
            app.screenshot(args.screenshot)
    except KeyboardInterrupt:
        app.save_unfinished()
        print("kelly play: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"kelly play: error: cannot write {args.screenshot}: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
        app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
