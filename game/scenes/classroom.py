"""Classroom mode: a teacher steps through the lesson on a projector.

One idea per step (see :mod:`game.lesson`); every number on the screen is computed by
:mod:`game.lesson_steps` from the engine and the closed forms, and every chart is the step's
figure from :mod:`game.lesson_figures` in the high-contrast projector style, rendered at the
size of the window. On the growth-curve step the Monte Carlo points drop onto the curve one by
one.

Keys (all large buttons work with the mouse too):

    Right, Space, Page Down   next step            Left, Page Up, Backspace   previous step
    Home / End                first / last step    F                          full screen
    P / O / N                 type p, the odds, the number of paths (for every step)
    C                         class race           L                          other language
    Esc                       close an editor, or leave the classroom

``kelly play --classroom`` opens this screen (the app starts the scene named "classroom").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pygame

from game.lesson import Lesson, available_languages, default_lesson, lesson_folder, load_lesson
from game.lesson_figures import growth_window, step_figure
from game.lesson_steps import GrowthCurveResult, StepResult, compute_step
from game.scene import Scene
from game.scenes.classroom_ui import (
    ACCENT,
    BACKGROUND,
    BAD,
    EDGE,
    MUTED,
    TEXT,
    Editor,
    Fonts,
    draw_line,
    draw_text_block,
    figure_surface,
    load_theme,
    parse_number,
    parse_whole,
    projector_style,
    scale,
    toggle_fullscreen,
    wrap,
)

#: seconds between two Monte Carlo points starting to fall, and the length of one fall
DROP_GAP = 0.35
DROP_TIME = 0.8
#: rendered figures kept (about 3 MB each at 1920 x 1080)
KEEP_FIGURES = 12


@dataclass(frozen=True)
class DroppingPoint:
    """A Monte Carlo point of the growth curve in screen pixels (relative to the figure)."""

    x: float
    y: float  # where it lands: G estimated by the engine
    low: float  # the ends of its 95% interval (y +- 2 standard errors)
    high: float
    top: float  # where it starts: the top of the axes


def button_class(height: int) -> str:
    """The theme class of the big buttons for this window height (assets/theme_classroom.json)."""
    if height >= 900:
        return "@classroom_large"
    return "@classroom" if height >= 700 else "@classroom_small"


def open_lesson(lesson: Lesson | str | Path | None, language: str = "en") -> Lesson:
    """The lesson to teach: a Lesson as given, a shipped one by its language tag ("zh-TW"), a
    lesson file (TOML) by its path, or else the shipped one in ``language``. A bad file raises
    ValueError naming the problem."""
    if isinstance(lesson, Lesson):
        return lesson
    if lesson is not None:
        if str(lesson) in available_languages():
            return default_lesson(str(lesson))
        if not Path(lesson).suffix and not Path(lesson).exists():
            raise ValueError(f"lesson {str(lesson)!r} is neither a lesson file (.toml) nor a "
                             f"shipped language ({', '.join(available_languages())})")
        return load_lesson(lesson)
    return default_lesson(language)


class ClassroomScene(Scene):
    name = "classroom"
    title = "Classroom"

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
        self.clock = 0.0  # seconds since this step appeared
        self.windowed = app.size
        self._results: dict[tuple, StepResult] = {}
        self._figures: dict[tuple, tuple[pygame.Surface, list[DroppingPoint]]] = {}
        self._layer_key: tuple | None = None
        self._layer: pygame.Surface | None = None
        self.points: list[DroppingPoint] = []
        self.buttons: dict[str, object] = {}
        load_theme(app.ui)

    # -- the model --------------------------------------------------------------------------

    @property
    def step(self):
        return self.lesson.steps[self.index]

    @property
    def result(self) -> StepResult:
        """What the current step computed (cached per step and parameters)."""
        key = (self.step.id, self.step.params)
        if key not in self._results:
            self._results[key] = compute_step(self.step)
            while len(self._results) > KEEP_FIGURES:
                self._results.pop(next(iter(self._results)))
        return self._results[key]

    def body(self) -> str:
        return self.step.render_body(self.result.facts())

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
            self.message = f"{self.base.source}: one language only"
            return
        languages = available_languages()
        following = languages[(languages.index(self.base.language) + 1) % len(languages)]
        self.base = default_lesson(following)
        self.lesson = self.base.with_params(**self.edits)
        self.index = min(self.index, len(self.lesson) - 1)
        self.build()

    def open_race(self) -> None:
        params = self.step.params
        self.app.push("classroom_race", labels=self.lesson.labels, p=params.p,
                      odds=self.edits.get("odds", params.odds))

    # -- widgets ----------------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        if self.back_button is not None:  # the shared small Back button: Esc does the same
            self.back_button.kill()
            self.back_button = None
        width, height = window.size
        unit = scale(height)
        bar = pygame.Rect(unit, height - unit * 3.3, width - 2 * unit, unit * 2.0)
        names = ("back", "next", "p", "odds", "paths", "race", "language")
        weights = (1.2, 1.2, 1.05, 1.05, 1.35, 1.45, 1.2)
        gap = unit * 0.5
        free = bar.width - gap * (len(names) - 1)
        x = bar.left
        self.buttons = {}
        for name, weight in zip(names, weights, strict=True):
            w = free * weight / sum(weights)
            rect = pygame.Rect(round(x), bar.top, round(w), bar.height)
            self.buttons[name] = self.button(rect, "", button_class(height))
            x += w + gap
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
        if not self.app.flags & pygame.FULLSCREEN:
            self.windowed = self.app.size
        try:
            toggle_fullscreen(self.app, self.windowed)
        except pygame.error as error:
            self.message = f"full screen: {error}"

    # -- per frame --------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        self.clock += dt

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

    def figure(self) -> pygame.Surface:
        """The step's figure at the size of its panel; the last few are kept, so stepping back
        and forth does not render them again."""
        rect = self.figure_rect()
        key = (self.step.id, self.step.params, self.lesson.language, rect.size)
        if key not in self._figures:
            style = projector_style(self.app.size[1])
            animate = isinstance(self.result, GrowthCurveResult)
            options = {"points": False} if animate else {}
            figure = step_figure(self.step, self.result, self.lesson.labels, style,
                                 size=(rect.width / 100, rect.height / 100), dpi=100,
                                 title=False, **options)
            surface = figure_surface(figure)  # draws it: the layout is final only now
            points = self._drop_targets(figure, rect.height) if animate else []
            self._figures[key] = (surface, points)
            while len(self._figures) > KEEP_FIGURES:
                self._figures.pop(next(iter(self._figures)))
        surface, self.points = self._figures[key]
        return surface

    def _drop_targets(self, figure, height: int) -> list[DroppingPoint]:
        """Pixel positions of the Monte Carlo points on the rendered growth chart."""
        result: GrowthCurveResult = self.result
        axis = figure.axes[0]
        low_limit, high_limit = growth_window(result)
        top = height - axis.bbox.y1
        points = []
        for a, g, se in zip(result.mc_shares, result.mc_growth, result.mc_se, strict=True):
            if not np.isfinite(g):
                continue
            ends = np.clip([g - 2 * se, g + 2 * se], low_limit, high_limit)
            (x, y), (_, y_low), (_, y_high) = axis.transData.transform(
                [(a, g), (a, ends[0]), (a, ends[1])])
            points.append(DroppingPoint(x, height - y, height - y_low, height - y_high, top))
        return points

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        surface.blit(self.static_layer(surface.get_size()), (0, 0))
        self._draw_points(surface, self.figure_rect(), scale(surface.get_height()))
        if self.editor is not None:
            self.editor.draw(surface, self.fonts)

    def static_layer(self, size: tuple[int, int]) -> pygame.Surface:
        """Everything but the animation and the editor, drawn once per step, edit and size."""
        key = (self.index, self.step.params, self.lesson.language, size, self.message)
        if key != self._layer_key:
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

        draw_text_block(surface, self.body(), self.text_rect(), self.fonts, unit * 1.0, TEXT)
        surface.blit(self.figure(), self.figure_rect().topleft)
        hint_face = self.fonts.get(unit * 0.72)
        line = self.message or self.lesson.labels["edit_hint"]
        draw_line(surface, line, (unit, height - unit * 0.7), hint_face,
                  BAD if self.message else MUTED, "midleft")

    def _draw_points(self, surface: pygame.Surface, panel: pygame.Rect, unit: float) -> None:
        radius = max(5, round(unit * 0.33))
        thick = max(2, round(unit / 8))
        for i, point in enumerate(self.points):
            progress = self._progress(i)
            if progress <= 0:
                continue
            eased = 1 - (1 - progress) ** 3
            y = point.top + (point.y - point.top) * eased
            x = panel.left + point.x
            if progress >= 1:
                pygame.draw.line(surface, BAD, (x, panel.top + point.low),
                                 (x, panel.top + point.high), thick)
            pygame.draw.circle(surface, BAD, (round(x), round(panel.top + y)), radius)
            pygame.draw.circle(surface, TEXT, (round(x), round(panel.top + y)), radius,
                               max(1, thick // 2))


SCENE = ClassroomScene
