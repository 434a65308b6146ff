"""Drawing helpers for the classroom screens: projector colours, the CJK font, text that wraps
in English and Chinese, matplotlib figures as pygame surfaces, and a one-line number editor.

Sizes follow the window: type is a fixed share of the window height, so the same lesson reads
from the back of a room on a 1920 x 1080 projector and still fits a 1280 x 720 laptop.
"""

from __future__ import annotations

import copy
import queue
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.assets import THEME, asset
from game.ui import layout
from game.ui.style import elide
from sim import files
from sim.i18n import gettext as _
from sim.lessons.figures import PROJECTOR, FigureStyle, lesson_font_path

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BACKGROUND = (0, 0, 0)
PANEL = (22, 22, 22)
EDGE = (110, 110, 110)
TEXT = (255, 255, 255)
MUTED = (205, 205, 205)
ACCENT = (255, 212, 0)  # the step counter, the heads colour of the figures
INFO = (86, 180, 233)
GOOD = (46, 232, 138)
BAD = (255, 90, 90)
THEME_FILE = "theme_classroom.json"

#: characters that may not start a line (Chinese and Latin closing punctuation)
NO_LINE_START = set("，。、；：？！）」』】》〉,.;:?!)]}…—％%")
#: characters that may not end a line
NO_LINE_END = set("（「『【《〈([{")


def scale(height: int) -> float:
    """Type size unit: 1/36 of the window height (20 px at 720, 30 px at 1080)."""
    return max(14.0, height / 36.0)


class Fonts:
    """The lesson font (Noto Sans CJK TC subset) at any pixel size, cached per screen.

    The cache lives with the screen, not the module, so a font never outlives the pygame
    session that opened it.
    """

    def __init__(self) -> None:
        self._path = lesson_font_path()
        self._cache: dict[tuple[int, bool], pygame.font.Font] = {}

    def get(self, size: float, bold: bool = False) -> pygame.font.Font:
        key = (max(10, round(size)), bold)
        if key not in self._cache:
            face = pygame.font.Font(str(self._path) if self._path else None, key[0])
            face.bold = bold
            self._cache[key] = face
        return self._cache[key]

    def missing(self, text: str) -> str:
        """Characters of ``text`` the font has no glyph for (spaces and controls ignored)."""
        face = self.get(20)
        absent = []
        for char in sorted(set(text)):
            if char.isspace() or unicodedata.category(char).startswith("C"):
                continue
            metrics = face.metrics(char)
            if not metrics or metrics[0] is None:
                absent.append(char)
        return "".join(absent)


def _tokens(paragraph: str) -> list[str]:
    """Words for line breaking: a Latin word with its trailing space, or one CJK character."""
    tokens: list[str] = []
    word = ""
    for char in paragraph:
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        if wide:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        elif char == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, face: pygame.font.Font, width: int) -> list[str]:
    """Lines of ``text`` no wider than ``width``: breaks at spaces and between CJK characters,
    never before closing punctuation or after opening punctuation; ``\\n`` starts a new line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            trial = line + token
            fits = face.size(trial.rstrip())[0] <= width
            glued = token[:1] in NO_LINE_START or line[-1:] in NO_LINE_END
            if fits or not line.strip() or glued:
                line = trial
                continue
            lines.append(line.rstrip())
            line = token
        lines.append(line.rstrip())
    return lines


def draw_text_block(surface: pygame.Surface, text: str, rect: pygame.Rect, fonts: Fonts,
                    size: float, colour=TEXT, *, smallest: float = 14,
                    spacing: float = 1.25) -> float:
    """Draw wrapped text in ``rect`` at the largest size <= ``size`` that fits; returns it."""
    current = size
    while True:
        face = fonts.get(current)
        lines = wrap(text.strip("\n"), face, rect.width)
        step = round(face.get_linesize() * spacing)
        blank = step // 2
        height = sum(blank if not line else step for line in lines)
        if height <= rect.height or current <= smallest:
            break
        current = max(smallest, current * 0.92)
    y = rect.top
    for line in lines:
        if not line:
            y += blank
            continue
        if y + face.get_linesize() > rect.bottom:
            break
        draw_line(surface, line, (rect.left, y), face, colour, within=rect)
        y += step
    return current


def draw_line(surface: pygame.Surface, text: str, position, face: pygame.font.Font,
              colour=TEXT, anchor: str = "topleft", within: pygame.Rect | None = None
              ) -> pygame.Rect:
    """One line of lesson text, kept inside ``within`` (by default its panel or the window,
    see :mod:`game.ui.layout`): shortened with an ellipsis when too wide, moved inside."""
    point = (round(position[0]), round(position[1]))
    bounds = within if within is not None else layout.bounds_for(surface, point)
    text = elide(text, face, max(bounds.width - 2, 1))
    image = face.render(text, True, colour)
    rect = image.get_rect(**{anchor: point})
    if bounds.width >= rect.width and bounds.height >= rect.height:
        rect.clamp_ip(bounds)
    surface.blit(image, rect)
    layout.record("text", rect, bounds, text, surface)
    layout.record_text(text)
    return rect


def projector_style(height: int) -> FigureStyle:
    """The projector figure style with type and lines scaled to the window (at 100 dpi)."""
    unit = scale(height)
    return replace(PROJECTOR, font_size=unit * 0.62, line_width=unit / 5.5,
                   marker_size=unit * 0.45)


def figure_pixels(figure: Figure) -> tuple[bytes, tuple[int, int]]:
    """Render a matplotlib figure with Agg: its RGBA bytes and (width, height) in pixels.

    Touches no pygame, so a worker thread may call it; matplotlib is imported here, on the
    first figure, not when the game loads its screens.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return bytes(canvas.buffer_rgba()), canvas.get_width_height()


def pixels_surface(pixels: bytes, size: tuple[int, int]) -> pygame.Surface:
    """RGBA bytes from :func:`figure_pixels` as a pygame surface (one copy, about 1 ms for a
    1920 x 1080 projector's figure panel)."""
    return pygame.image.frombuffer(pixels, size, "RGBA").copy()


#: what :meth:`BackgroundJobs.submit`'s job returns when nobody wanted it any more
SKIPPED = object()


class BackgroundJobs:
    """Slow work (engine runs, matplotlib figures) on one background thread, newest first.

    A screen says which keys it wants now (:meth:`want`) and queues work by key
    (:meth:`submit`, at most one job per key). When the thread reaches a job whose key is no
    longer wanted it skips it, so three quick presses of Right render only the step the teacher
    stopped on. A job receives ``post(key, value)`` to hand over a partial result early (the
    numbers of a step before its figure). The screen collects posts and finished jobs once a
    frame with :meth:`finished`, on its own thread; a job's exception is raised there.

    Python's GIL is handed between the threads every 5 ms (``sys.getswitchinterval``), so the
    frames keep flowing while matplotlib works; the frame only converts the finished pixels.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._executor: ThreadPoolExecutor | None = None
        self._jobs: dict[Hashable, Future] = {}
        self._posted: queue.SimpleQueue = queue.SimpleQueue()
        self._wanted: frozenset = frozenset()

    def want(self, keys: Iterable[Hashable]) -> None:
        """The keys whose work is still worth doing; queued jobs for others are skipped."""
        self._wanted = frozenset(keys)

    @property
    def busy(self) -> bool:
        """True while a job is queued or running (or finished but not yet collected)."""
        return bool(self._jobs)

    def submit(self, key: Hashable, job: Callable[[Callable[[Hashable, Any], None]], Any]) -> None:
        """Queue ``job(post)`` under ``key`` unless a job for ``key`` is already queued."""
        if key in self._jobs:
            return
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        self._jobs[key] = self._executor.submit(self._run, key, job)

    def _run(self, key: Hashable, job) -> Any:
        if key not in self._wanted:
            return SKIPPED
        return job(lambda posted_key, value: self._posted.put((posted_key, value)))

    def finished(self) -> list[tuple[Hashable, Any]]:
        """(key, value) of every post and every finished job since the last call, in order."""
        done = []
        while True:
            try:
                done.append(self._posted.get_nowait())
            except queue.Empty:
                break
        for key, future in list(self._jobs.items()):
            if future.done():
                del self._jobs[key]
                value = future.result()  # a job's exception is raised here, on the screen
                if value is not SKIPPED:
                    done.append((key, value))
        return done

    def wait(self, timeout: float | None = None) -> None:
        """Block until one queued job finishes (or ``timeout`` seconds pass)."""
        if self._jobs:
            wait(list(self._jobs.values()), timeout, return_when=FIRST_COMPLETED)

    def close(self) -> None:
        """Drop queued jobs and let the thread end after the one it is running (no waiting)."""
        self._wanted = frozenset()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        self._jobs.clear()


def load_theme(ui) -> None:
    """Add the classroom's pygame_gui theme (classes ``@classroom...``) to the app's manager.

    Only blocks named for the classroom are defined, so the other screens keep their look. The
    font paths in the JSON are relative to assets/ and made absolute here.
    """
    theme = files.load_json(asset(THEME_FILE), THEME)
    font_file = lesson_font_path()
    for block in theme.values():
        face = block.get("font") if isinstance(block, dict) else None
        if isinstance(face, dict):
            for key in ("regular_path", "bold_path"):
                if key in face:
                    face[key] = str(font_file or asset(face[key]))
    ui.get_theme().load_theme(copy.deepcopy(theme))


@dataclass
class Editor:
    """A one-line editor for a value the teacher types (a number, a name, a file path).

    Text arrives as TEXTINPUT events (so an input method can compose Chinese names); Enter hands
    the text to ``apply``, which raises ValueError to refuse it (the message is shown and the
    editor stays open); Backspace deletes; the screen cancels the editor on Esc.
    """

    label: str
    apply: Callable[[str], None]
    hint: str = ""
    text: str = ""
    error: str = ""
    allowed: str | None = "0123456789.-%"  # None: any printable text
    limit: int = 40

    def text_input(self, typed: str) -> None:
        for char in typed:
            if len(self.text) >= self.limit or not char.isprintable():
                break
            if self.allowed is None or char in self.allowed:
                self.text += char
        self.error = ""

    def key_down(self, event: pygame.event.Event) -> bool:
        """Enter or Backspace; True when the value was accepted and the editor can close."""
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            try:
                self.apply(self.text.strip())
            except ValueError as error:
                self.error = str(error)  # the lesson names the step by its number and title
                return False
            return True
        if event.key == pygame.K_BACKSPACE:
            self.text = self.text[:-1]
            self.error = ""
        return False

    def draw(self, surface: pygame.Surface, fonts: Fonts) -> None:
        width, height = surface.get_size()
        unit = scale(height)
        box = pygame.Rect(0, 0, min(width - 80, int(unit * 32)), int(unit * 6.4))
        box.center = (width // 2, height // 2)
        shade = pygame.Surface((width, height), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 170))
        surface.blit(shade, (0, 0))
        pygame.draw.rect(surface, PANEL, box, border_radius=18)
        pygame.draw.rect(surface, ACCENT, box, width=4, border_radius=18)
        big = fonts.get(unit * 1.8, bold=True)
        shown = f"{self.label} = {self.text}"
        while big.size(shown)[0] > box.width - 3 * unit and len(shown) > 4:
            shown = "…" + shown[2:]
        written = draw_line(surface, shown, (box.left + unit, box.top + unit * 0.8), big)
        caret = pygame.Rect(written.right + 4, written.top + 4, max(3, round(unit / 8)),
                            written.height - 8)
        pygame.draw.rect(surface, ACCENT, caret)
        message = self.error or self.hint
        draw_text_block(surface, message, pygame.Rect(box.left + unit, box.top + unit * 3.4,
                                                      box.width - 2 * unit, unit * 2.7),
                        fonts, unit * 0.9, BAD if self.error else MUTED, smallest=12)


def parse_number(text: str, name: str) -> float:
    """A typed number ('0.7', '70%'); ValueError naming ``name`` and the text otherwise."""
    value = text.strip()
    factor = 1.0
    if value.endswith("%"):
        value, factor = value[:-1], 0.01
    try:
        return float(value) * factor
    except ValueError:
        raise ValueError(_("{name} = {value} is not a number").format(
            name=name, value=repr(text))) from None


def parse_whole(text: str, name: str) -> int:
    try:
        return int(text.strip().replace(",", ""))
    except ValueError:
        raise ValueError(_("{name} = {value} is not a whole number").format(
            name=name, value=repr(text))) from None


def result_path(folder: Path, stem: str) -> Path:
    """``folder/stem.csv``, or ``stem-2.csv`` and so on if that file exists."""
    path = folder / f"{stem}.csv"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.csv"
        number += 1
    return path


def toggle_fullscreen(app, windowed: tuple[int, int]) -> None:
    """Switch the app's window between full screen and ``windowed`` size, then rebuild the top
    screen's widgets for the new size."""
    going_full = not app.flags & pygame.FULLSCREEN
    app.flags = app.flags | pygame.FULLSCREEN if going_full else app.flags & ~pygame.FULLSCREEN
    app.screen = pygame.display.set_mode((0, 0) if going_full else windowed, app.flags)
    app.ui.set_window_resolution(app.size)
    app.scene.build()


def full_screen(scene) -> None:
    """Switch a classroom screen between full screen and its window (F); a failure is shown as
    the screen's message."""
    if not scene.app.flags & pygame.FULLSCREEN:
        scene.windowed = scene.app.size
    try:
        toggle_fullscreen(scene.app, scene.windowed)
    except pygame.error as error:
        scene.message = _("full screen: {error}").format(error=error)


def button_bar(scene, texts: dict[str, str], weights, window: pygame.Rect) -> dict[str, object]:
    """The row of big buttons along the bottom of a classroom screen: name -> button, widths in
    proportion to ``weights`` (one per name, in order)."""
    width, height = window.size
    unit = scale(height)
    bar = pygame.Rect(unit, height - unit * 3.3, width - 2 * unit, unit * 2.0)
    gap = unit * 0.5
    free = bar.width - gap * (len(texts) - 1)
    x = bar.left
    buttons = {}
    theme = button_class(height)
    for (name, label), weight in zip(texts.items(), weights, strict=True):
        w = free * weight / sum(weights)
        rect = pygame.Rect(round(x), bar.top, round(w), bar.height)
        buttons[name] = scene.button(rect, label, theme)
        x += w + gap
    return buttons


def button_class(height: int) -> str:
    """The theme class of the big buttons for this window height (assets/theme_classroom.json)."""
    if height >= 900:
        return "@classroom_large"
    return "@classroom" if height >= 700 else "@classroom_small"
