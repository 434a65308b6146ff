"""Classroom mode: a teacher steps through the lesson on a projector.

One idea per step (see :mod:`sim.lessons.model`); every number on the screen is computed by
:mod:`sim.lessons.steps` from the engine and the closed forms, and every chart is the step's
figure from :mod:`sim.lessons.figures` in the high-contrast projector style, rendered at the
size of the window. On the growth-curve step the Monte Carlo points drop onto the curve one by
one.

No frame waits for the engine or for matplotlib: a step's numbers and figure are made on a
background thread (:class:`~game.scenes.classroom_ui.BackgroundJobs`) while the screen shows a
spinner in the figure panel; the newest request wins (three quick presses of Right draw one
step), and once a step is on screen the next one is drawn ahead. The drop animation starts when
the figure appears. Tests call :meth:`ClassroomScene.wait_until_ready`.

Keys (all large buttons work with the mouse too):

    Right, Space, Page Down   next step            Left, Page Up, Backspace   previous step
    Home / End                first / last step    F                          full screen
    P / O / N                 type p, the odds, the number of paths (for every step)
    C                         class race           L                          other language
    Esc                       close an editor, or leave the classroom

``kelly play --classroom`` opens this screen (the app starts the scene named "classroom").
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pygame

from game.scene import Scene
from game.scenes.classroom_figures import (
    DroppingPoint,
    draw_points,
    draw_spinner,
    open_lesson,
    step_job,
)
from game.scenes.classroom_ui import (
    ACCENT,
    BACKGROUND,
    BAD,
    EDGE,
    MUTED,
    TEXT,
    BackgroundJobs,
    Editor,
    Fonts,
    button_bar,
    draw_line,
    draw_text_block,
    full_screen,
    load_theme,
    parse_number,
    parse_whole,
    pixels_surface,
    scale,
    wrap,
)
from game.ui import layout
from sim.i18n import N_
from sim.i18n import gettext as _
from sim.lessons.figures import StepFailure
from sim.lessons.model import (
    Lesson,
    available_languages,
    default_lesson,
    lesson_folder,
)
from sim.lessons.steps import StepResult

#: seconds between two Monte Carlo points starting to fall, and the length of one fall
DROP_GAP = 0.35
DROP_TIME = 0.8
#: rendered figures kept (about 3 MB each at 1920 x 1080)
KEEP_FIGURES = 12
class ClassroomScene(Scene):
    name = "classroom"
    title = N_("Classroom")
    help_keys = ((N_("→ Space PgDn"), N_("next step")),
                 (N_("← PgUp Backspace"), N_("previous step")),
                 ("Home / End", N_("first / last step")),
                 ("P / O / N", N_("type p, the odds, paths")),
                 ("C", N_("class race")), ("L", N_("other language")), ("F", N_("full screen")))
    help_panels = ((N_("Step"), N_("one idea per step; every number is computed by the engine.")),
                   (N_("Figure"), N_("the step's chart; on the growth curve the Monte Carlo "
                    "points drop onto the theory.")))

    @classmethod
    def check_options(cls, lesson: Lesson | str | Path | None = None, language: str = "en",
                      **options) -> None:
        """A lesson file that does not load raises ValueError (before a window opens)."""
        open_lesson(lesson, language)

    def __init__(self, app, lesson: Lesson | str | Path | None = None, language: str = "en",
                 **options) -> None:
        super().__init__(app, **options)
        self.base = open_lesson(lesson, language)
        self.edits: dict[str, float] = {}
        self.lesson = self.base
        self.index = 0
        self.fonts = Fonts()
        self.editor: Editor | None = None
        self.message = ""
        self.clock = 0.0  # seconds this step's figure has been on screen
        self.spin = 0.0  # seconds of spinner while a figure is being drawn
        self.windowed = app.size
        self._jobs = BackgroundJobs("classroom-figures")
        self._results: dict[tuple, StepResult] = {}
        self._figures: dict[tuple, tuple[pygame.Surface, tuple[DroppingPoint, ...]]] = {}
        self._layer_key: tuple | None = None
        self._layer: pygame.Surface | None = None
        self.buttons: dict[str, object] = {}
        load_theme(app.ui)

    # -- the model --------------------------------------------------------------------------

    @property
    def step(self):
        return self.lesson.steps[self.index]

    @property
    def result(self) -> StepResult:
        """What the current step computed (cached per step and parameters); waits for the
        background thread if it is still computing (the frame never asks for it)."""
        key = self._result_key(self.index)
        if key not in self._results and not self.wait_until_ready():
            raise TimeoutError(f"step {self.step.id!r} was not computed in time")
        return self._results[key]

    def body(self) -> str:
        result = self.result
        if isinstance(result, StepFailure):
            return result.message
        return self.step.render_body(result.facts())

    def _result_key(self, index: int) -> tuple:
        step = self.lesson.steps[index]
        return ("result", step.id, step.params)

    def _figure_key(self, index: int) -> tuple:
        step = self.lesson.steps[index]
        return ("figure", step.id, step.params, self.lesson.language, self.figure_rect().size,
                self.app.size[1])

    def _shown(self) -> tuple[pygame.Surface, tuple[DroppingPoint, ...]] | None:
        """The current step's figure and drop targets, or None while it is being drawn."""
        return self._figures.get(self._figure_key(self.index))

    @property
    def drawing(self) -> bool:
        """True while the current step's figure is being drawn (a spinner is on screen)."""
        return self._shown() is None

    @property
    def points(self) -> tuple[DroppingPoint, ...]:
        """The Monte Carlo points of the figure on screen (empty on other steps)."""
        shown = self._shown()
        return shown[1] if shown is not None else ()

    def _collect(self) -> None:
        """Take what the background thread finished: numbers first, then figures."""
        for key, value in self._jobs.finished():
            if key[0] == "result":
                store = self._results
            else:
                store = self._figures
                value = (pixels_surface(value.pixels, value.size), value.points)
            store.pop(key, None)  # the newest last: the oldest are dropped first
            store[key] = value
            while len(store) > KEEP_FIGURES:
                store.pop(next(iter(store)))

    def _request(self) -> None:
        """Ask for the current step's figure, and for the next one once it is on screen."""
        indices = [self.index]
        if self._shown() is not None and self.index + 1 < len(self.lesson):
            indices.append(self.index + 1)
        keys = [self._figure_key(i) for i in indices]
        self._jobs.want(keys)
        for index, key in zip(indices, keys, strict=True):
            if key not in self._figures or self._result_key(index) not in self._results:
                self._jobs.submit(key, self._drawing_job(index))

    def _drawing_job(self, index: int):
        """The background work for step ``index`` at the current size (:func:`step_job`)."""
        result_key = self._result_key(index)
        return step_job(self.lesson, index, self._results.get(result_key), result_key,
                        self.figure_rect().size, self.app.size[1])

    def wait_until_ready(self, timeout: float = 60.0) -> bool:
        """Block until the current step's figure is drawn and the background thread is idle
        (the next step drawn ahead too); False if ``timeout`` seconds pass first. For tests
        and scripts: the frame itself never waits."""
        deadline = time.monotonic() + timeout
        while True:
            self._collect()
            self._request()
            if self._shown() is not None and not self._jobs.busy:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._jobs.wait(left)

    def go(self, index: int) -> None:
        index = min(max(index, 0), len(self.lesson) - 1)
        if index != self.index:
            self.index = index
            self.clock = 0.0
            self.message = ""
            self.app.sounds.play("click")
            self.refresh_buttons()

    def set_param(self, key: str, value: float) -> None:
        """The teacher's edit, applied to every step that uses ``key``; ValueError if bad."""
        edits = {**self.edits, key: value}
        lesson = self.base.with_params(**edits)  # validates: raises ValueError naming the value
        self.edits = edits
        self.lesson = lesson
        self.clock = 0.0
        self.refresh_buttons()

    def edit(self, key: str) -> None:
        """Open the editor for p, the odds or the paths."""
        labels = self.lesson.labels
        if key == "paths":
            def apply(text: str) -> None:
                self.set_param("paths", parse_whole(text, "paths"))
            label, allowed = labels["paths"], "0123456789,"
        else:
            def apply(text: str) -> None:
                self.set_param(key, parse_number(text, key))
            label, allowed = ("p" if key == "p" else labels["odds"]), "0123456789.%"
        self.editor = Editor(label=label, apply=apply, hint=labels["edit_keys"], allowed=allowed)

    def other_language(self) -> None:
        """Switch to the shipped lesson in the next language, keeping the step and the edits."""
        shipped = lesson_folder()
        if Path(self.base.source).parent != shipped:
            self.message = _("{source}: one language only").format(source=self.base.source)
            return
        languages = available_languages()
        following = languages[(languages.index(self.base.language) + 1) % len(languages)]
        self.base = default_lesson(following)
        self.lesson = self.base.with_params(**self.edits)
        self.index = min(self.index, len(self.lesson) - 1)
        self.app.set_language(following)  # the whole game follows the lesson; rebuilds this

    def open_race(self) -> None:
        params = self.step.params
        self.app.push("classroom_race", labels=self.lesson.labels, p=params.p,
                      odds=self.edits.get("odds", params.odds))

    # -- widgets ----------------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        if self.back_button is not None:  # the shared small Back button: Esc does the same
            self.back_button.kill()
            self.back_button = None
        names = ("back", "next", "p", "odds", "paths", "race", "language")
        self.buttons = button_bar(self, dict.fromkeys(names, ""),
                                  (1.2, 1.2, 1.05, 1.05, 1.35, 1.45, 1.2), window)
        self.refresh_buttons()

    def refresh_buttons(self) -> None:
        if not self.buttons:
            return
        labels = self.lesson.labels
        params = self.step.params
        odds = f"{params.odds:g}" if "odds" in self.step.keys else "—"
        paths = f"{params.paths:,}" if "paths" in self.step.keys else "—"
        texts = {
            "back": labels["back"],
            "next": labels["next"],
            "p": f"p = {params.p:g}  (P)",
            "odds": f"{labels['odds']} {odds}  (O)",
            "paths": f"{labels['paths']} {paths}  (N)",
            "race": labels["class_race"],
            "language": labels["other_language"],
        }
        for name, button in self.buttons.items():
            button.set_text(texts[name])
        if self.index == 0:
            self.buttons["back"].disable()
        else:
            self.buttons["back"].enable()
        if self.index == len(self.lesson) - 1:
            self.buttons["next"].disable()
        else:
            self.buttons["next"].enable()

    # -- input ------------------------------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.hotkey_echo(event):
            return
        if self.editor is not None:  # the editor is modal: it takes the keyboard, ignores clicks
            if event.type == pygame.TEXTINPUT:
                self.editor.text_input(event.text)
            elif event.type == pygame.KEYDOWN and self.editor.key_down(event):
                self.editor = None
            return
        super().handle_event(event)

    def back(self) -> None:
        if self.editor is not None:
            self.editor = None
            return
        super().back()

    def on_button(self, button) -> None:
        actions = {
            "back": lambda: self.go(self.index - 1),
            "next": lambda: self.go(self.index + 1),
            "p": lambda: self.edit("p"),
            "odds": lambda: self.edit("odds"),
            "paths": lambda: self.edit("paths"),
            "race": self.open_race,
            "language": self.other_language,
        }
        for name, widget in self.buttons.items():
            if widget is button:
                actions[name]()

    def on_key(self, event: pygame.event.Event) -> None:
        key = event.key
        if key in (pygame.K_RIGHT, pygame.K_SPACE, pygame.K_PAGEDOWN):
            self.go(self.index + 1)
        elif key in (pygame.K_LEFT, pygame.K_PAGEUP, pygame.K_BACKSPACE):
            self.go(self.index - 1)
        elif key == pygame.K_HOME:
            self.go(0)
        elif key == pygame.K_END:
            self.go(len(self.lesson) - 1)
        elif key == pygame.K_p:
            self.edit("p")
        elif key == pygame.K_o:
            self.edit("odds")
        elif key == pygame.K_n:
            self.edit("paths")
        elif key == pygame.K_c:
            self.open_race()
        elif key == pygame.K_l:
            self.other_language()
        elif key == pygame.K_f:
            self.full_screen()

    def full_screen(self) -> None:
        full_screen(self)

    # -- per frame --------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        if self._shown() is not None:
            self.clock += dt
        else:
            self.spin += dt

    def pause(self) -> None:
        self._jobs.want(())  # the class race is on top: nothing queued is needed now
        super().pause()

    def exit(self) -> None:
        self._jobs.close()
        super().exit()

    @property
    def points_landed(self) -> int:
        """How many Monte Carlo points have finished their drop (growth-curve step)."""
        return sum(self._progress(i) >= 1.0 for i in range(len(self.points)))

    def _progress(self, i: int) -> float:
        return float(np.clip((self.clock - DROP_GAP * (i + 1)) / DROP_TIME, 0.0, 1.0))

    def figure_rect(self) -> pygame.Rect:
        width, height = self.app.size
        unit = scale(height)
        left = round(width * 0.41)
        return pygame.Rect(left, round(unit * 3.2), width - left - round(unit * 0.6),
                           round(height - unit * 6.9))

    def text_rect(self) -> pygame.Rect:
        width, height = self.app.size
        unit = scale(height)
        return pygame.Rect(round(unit), round(unit * 3.4), round(width * 0.41 - 2 * unit),
                           round(height - unit * 7.3))

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        self._collect()
        self._request()
        surface.blit(self.static_layer(surface.get_size()), (0, 0))
        unit = scale(surface.get_height())
        if self._shown() is None:
            draw_spinner(surface, self.figure_rect(), unit, self.spin)
        else:
            draw_points(surface, self.figure_rect(), unit, self.points, self._progress)
        if self.editor is not None:
            self.editor.draw(surface, self.fonts)

    def static_layer(self, size: tuple[int, int]) -> pygame.Surface:
        """Everything but the animation and the editor, drawn once per step, edit and size
        (and again when the step's numbers, then its figure, arrive)."""
        key = (self.index, self.step.params, self.lesson.language, size, self.message,
               self._result_key(self.index) in self._results, self._shown() is not None)
        if key != self._layer_key or layout.active():
            self._layer = pygame.Surface(size)
            self._draw_static(self._layer)
            self._layer_key = key
        return self._layer

    def _draw_static(self, surface: pygame.Surface) -> None:
        surface.fill(BACKGROUND)
        width, height = surface.get_size()
        unit = scale(height)
        counter_face = self.fonts.get(unit * 1.1, bold=True)
        counter = draw_line(surface, self.lesson.step_counter(self.index),
                            (width - unit, unit * 0.7), counter_face, ACCENT, "topright")
        heading_face = self.fonts.get(unit * 1.55, bold=True)
        heading = wrap(self.step.heading, heading_face, counter.left - 2 * unit)[0]
        draw_line(surface, heading, (unit, unit * 0.55), heading_face, TEXT)
        pygame.draw.line(surface, EDGE, (unit, unit * 2.95), (width - unit, unit * 2.95),
                         max(2, round(unit / 10)))

        result = self._results.get(self._result_key(self.index))
        if result is not None:
            body = result.message if isinstance(result, StepFailure) else (
                self.step.render_body(result.facts()))
            draw_text_block(surface, body, self.text_rect(), self.fonts, unit * 1.0, TEXT)
        shown = self._shown()
        if shown is not None:
            surface.blit(shown[0], self.figure_rect().topleft)
        hint_face = self.fonts.get(max(16.0, unit * 0.9))  # legible from the back of the room
        line = self.message or self.lesson.labels["edit_hint"]
        draw_line(surface, line, (unit, height - unit * 0.7), hint_face,
                  BAD if self.message else MUTED, "midleft")


SCENE = ClassroomScene
