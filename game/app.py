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
import signal
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pygame
import pygame_gui
from pygame_gui.elements import UITextEntryLine

from game.audio import Sounds
from game.language import start_options, theme_for
from game.saves import Settings, load_settings, save_unfinished
from game.scenes import registry, scene_class
from game.sessions.session import BetSession
from game.ui import layout
from game.ui.coin import coin_icon
from game.ui.style import apply_look, font
from sim import files
from sim.cli.options import Formatter, Parser
from sim.cli.play_options import HEADLESS_FRAMES, MIN_WINDOW, WINDOW_SIZE, add_play_options
from sim.engine import check_seed
from sim.i18n import N_, set_language, system_language
from sim.i18n import gettext as _
from sim.jit.dispatch import warm_up_in_background

CAPTION = N_("Kelly — the betting game that teaches cross-entropy")
FPS = 60
STEP = 1.0 / FPS
DEFAULT_SIZE = WINDOW_SIZE
MIN_SIZE = MIN_WINDOW
MAX_STEPS_PER_FRAME = 5  # after a stall, drop time rather than spiral
SEED_LIMIT = 1_000_000  # fresh seeds are short enough to read out and type back in

log = logging.getLogger(__name__)


def use_dummy_drivers() -> None:
    """Make SDL draw into memory and play no sound (before pygame opens the display)."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"


class NoWindow(pygame.error):
    """No display to open a window on (the message says why; ``main`` adds: try --headless)."""


#: SDL's drivers that draw into memory: a window nobody sees
INVISIBLE_DRIVERS = ("offscreen", "dummy")


def check_display(driver: str | None = None) -> None:
    """Raise :class:`NoWindow` unless a visible window can open.

    Without ``driver`` (before SDL starts): on Linux with neither DISPLAY nor WAYLAND_DISPLAY
    set. With the video ``driver`` SDL chose: an invisible one (offscreen, dummy). Either way
    an SDL_VIDEODRIVER set by the user is their choice and is respected (the tests set
    ``dummy``); ``--headless`` never gets here.
    """
    asked = os.environ.get("SDL_VIDEODRIVER", "").strip()
    if asked:
        return
    if driver is None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            raise NoWindow(_("cannot open a window: no display (DISPLAY is not set)"))
    elif driver in INVISIBLE_DRIVERS:
        tried = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        where = _("none at {display}, so ").format(display=repr(tried[:40])) if tried else ""
        raise NoWindow(_("cannot open a window: no display ({where}SDL chose its {driver} "
                         "driver)").format(where=where, driver=repr(driver)))


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
        rules: dict[str, float] | None = None,
        language: str | None = None,
    ) -> None:
        if headless:
            use_dummy_drivers()
        else:  # refuse an invisible window before SDL (or its audio) prints anything
            check_display()
            pygame.display.init()
            try:
                check_display(pygame.display.get_driver())
            except NoWindow:
                pygame.quit()
                raise
        self.headless = headless
        self.classroom = classroom
        self.auto = auto  # start auto-play on screens that have it (demos, screenshots)
        pygame.init()
        self.flags = pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
        size = (0, 0) if fullscreen else _at_least(size)
        pygame.display.set_icon(coin_icon())
        self.screen = pygame.display.set_mode(size, self.flags)
        # --p/--odds: the Coin screen's first coin for this run (saved only from Settings)
        self.settings = replace(load_settings(), **(rules or {}))
        apply_look(self.settings)  # palette and text size
        # --lang, else the language saved in Settings, else the system locale's
        self.language = set_language(language or self.settings.language or system_language())
        pygame.display.set_caption(_(CAPTION))
        self.ui = pygame_gui.UIManager(self.size, theme_for(self.language))
        self.sounds = Sounds(self.settings.sound, device=not headless)
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
        warm_up_in_background(compile_elsewhere=not headless)  # kernels ready off the frames

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

    def set_language(self, tag: str) -> None:
        """Switch the whole game to language ``tag`` now: the widgets' fonts, and every screen
        on the stack rebuilt (their text is translated as it is drawn), no restart."""
        self.language = set_language(tag)
        pygame.display.set_caption(_(CAPTION))
        self.ui.get_theme().load_theme(theme_for(self.language))
        for scene in self.stack[:-1]:  # Scene.resume rebuilds them when they come back
            scene._built_for = None
        if self.stack:
            self.scene.build()

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
        """Save the last frame as PNG atomically (:func:`sim.files.atomic_path`: a temporary
        file beside it, then os.replace; an existing file keeps its mode). A destination that
        cannot be written raises :class:`sim.files.UnwritableFile` (a ValueError)."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            problem = f"cannot be written ({error.strerror})"
            raise files.UnwritableFile(None, path, problem) from None
        with files.atomic_path(path, suffix=".png") as temporary:
            pygame.image.save(self.screen, str(temporary))
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


def build_parser() -> argparse.ArgumentParser:
    """The game's options, as ``kelly play --help`` lists them (:func:`add_play_options`)."""
    parser = Parser(
        prog="kelly play", hint=False, formatter_class=Formatter,
        description="Open the game: bet on a biased coin, watch many worlds, race horses.",
    )
    add_play_options(parser)
    return parser


def _first_rules(args: argparse.Namespace) -> dict[str, float]:
    """--p and --odds, checked against the ranges of Settings before a window opens."""
    rules = {name: getattr(args, name) for name in ("p", "odds") if getattr(args, name) is not None}
    if rules:
        replace(Settings(), **rules)  # raises ValueError naming the value and the range
    return rules


def main(argv: list[str] | None = None) -> int:
    """Run the game; returns the exit status (2 for bad arguments, with one line on stderr)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        rules = _first_rules(args)
        if args.screenshot is not None and not args.screenshot.lower().endswith(".png"):
            raise ValueError(_("--screenshot {path} must be a .png file")
                             .format(path=repr(args.screenshot)))
        scene_class(args.screen)
        if args.lesson is not None and "classroom" in registry():
            # a bad lesson file is one line and exit 2, before a window opens
            scene_class("classroom").check_options(lesson=args.lesson)
    except SystemExit as done:  # --help
        return int(done.code or 0)
    except ValueError as error:
        print(_("kelly play: error: cannot write --screenshot: {error}").format(error=error),
              file=sys.stderr)
        return 2

    try:
        app = App(size=args.size, seed=args.seed, headless=args.headless,
                  fullscreen=args.fullscreen, classroom=args.classroom, auto=args.auto,
                  rules=rules, language=getattr(args, "lang", None))
    except pygame.error as error:  # no display, or SDL could not open one: exit 2, one line
        reason = (str(error) if isinstance(error, NoWindow)
                  else _("cannot open a window ({error})").format(error=error))
        print(_("kelly play: error: {reason}; try --headless").format(reason=reason),
              file=sys.stderr)
        return 2
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
            app.push(start, **start_options(start, args.lesson, app.language))
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
        print(_("kelly play: interrupted"), file=sys.stderr)
        return 130
    except (OSError, ValueError) as error:  # a screenshot that cannot be written: bad input
        print(_("kelly play: error: cannot write --screenshot: {error}").format(error=error),
              file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGTERM, previous)
        app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
