"""The base class of every screen, and small layout helpers.

A scene owns a pygame_gui container with its widgets. The app calls, in order:
``enter`` (build the widgets), then per frame ``handle_event`` for each event, ``update`` at a
fixed 60 Hz step and ``draw``; ``pause``/``resume`` when another scene is pushed on top or popped;
``exit`` when it leaves the stack. On a window resize the widgets are rebuilt from the scene's
state, so a scene keeps its state in plain attributes, never only in widgets.
"""

from __future__ import annotations

import math
import re
from typing import Any, Protocol

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import (
    UIButton,
    UIHorizontalSlider,
    UITextEntryLine,
)

from game.audio import Sounds
from game.saves import Settings
from game.ui.help import draw_help
from game.ui.style import BACKGROUND, FOCUS, MUTED, PLAYER, TEXT, font, text
from sim.i18n import current_language
from sim.i18n import gettext as _

MARGIN = 16
TOP_BAR = 56
#: frames a "press again to confirm" stays open (four seconds at 60 Hz)
CONFIRM_FRAMES = 240


class Host(Protocol):
    """What a scene needs of the app that runs it (:class:`game.app.App` is one).

    Scenes see the app through this interface only, so :mod:`game.scenes` never imports
    :mod:`game.app` (which imports the scenes to find them by name).
    """

    ui: pygame_gui.UIManager
    settings: Settings
    sounds: Sounds
    seed: int
    auto: bool
    running: bool
    language: str  # the current language tag (sim.i18n)

    @property
    def size(self) -> tuple[int, int]: ...

    @property
    def depth(self) -> int: ...

    @property
    def typing(self) -> bool: ...

    def new_seed(self) -> int: ...

    def push(self, scene: Any, **options: Any) -> None: ...

    def pop(self) -> None: ...

    def pop_to(self, name: str) -> None: ...

    def set_language(self, tag: str) -> None: ...


class Scene:
    """One screen. Subclasses set ``name`` (used by ``--screen`` and the menu) and ``title``."""

    name = ""
    title = ""
    #: a one-line hint shown in the top bar when it fits
    hint = ""
    #: the help overlay (? or F1): (key, what it does) and (panel, what it means)
    help_keys: tuple[tuple[str, str], ...] = ()
    help_panels: tuple[tuple[str, str], ...] = ()

    def __init__(self, app: Host, **options) -> None:
        self.app = app
        self.ui = app.ui
        self.options = options
        self.root: pygame_gui.core.UIContainer | None = None
        self.back_button: UIButton | None = None
        self._built_for: tuple[int, int] | None = None
        self.help_open = False

    # -- lifecycle --------------------------------------------------------------------------

    def enter(self) -> None:
        self.build()

    def exit(self) -> None:
        if self.root is not None:
            self.root.kill()
            self.root = None

    def pause(self) -> None:
        if self.root is not None:
            self.root.hide()

    def resume(self) -> None:
        if self._built_for != self.app.size:
            self.build()
        elif self.root is not None:
            self.root.show()

    def build(self) -> None:
        """(Re)create the widgets for the current window size."""
        if self.root is not None:
            self.root.kill()
        width, height = self.app.size
        self.root = pygame_gui.core.UIContainer(
            pygame.Rect(0, 0, width, height), self.ui, object_id=ObjectID(object_id=f"#{self.name}")
        )
        self._built_for = self.app.size
        self.back_button = None
        if self.app.depth > 1:
            self.back_button = self.button(
                pygame.Rect(width - MARGIN - 110, 10, 110, 36), _("◀ Back (Esc)"), "@small"
            )
        self.layout(pygame.Rect(0, 0, width, height))

    def layout(self, window: pygame.Rect) -> None:
        """Create the widgets; ``window`` is the whole window."""

    # -- per frame --------------------------------------------------------------------------

    def confirm(self, what: str, under_way: bool, warning: str) -> bool:
        """True when an action that throws the game away may go ahead: no game is under way, or
        the player asked for the same action again within :data:`CONFIRM_FRAMES`. Otherwise the
        screen's message says what would be lost and how to go ahead (``warning``)."""
        frame = getattr(self.app, "frame", 0)
        pending = getattr(self, "_pending", None)
        if not under_way or (pending is not None and pending[0] == what
                             and frame - pending[1] <= CONFIRM_FRAMES):
            self._pending = None
            return True
        self._pending = (what, frame)
        self.message, self.message_colour = warning, PLAYER
        return False

    def hotkey_echo(self, event: pygame.event.Event) -> bool:
        """True for the text a hotkey also types (SDL sends a TEXTINPUT after the KEYDOWN): the
        key that opened a prompt is never typed into it. The one input-routing rule: a key
        press is either a hotkey or text, never both."""
        if event.type == pygame.TEXTINPUT:
            echo, self._hotkey_text = getattr(self, "_hotkey_text", ""), ""
            return bool(echo) and event.text == echo
        if event.type == pygame.KEYDOWN:
            self._hotkey_text = ""
        return False

    def help_event(self, event: pygame.event.Event) -> bool:
        """? or F1 opens the help overlay; while it is open any key or click closes it and
        nothing else sees them. True when the event was the overlay's."""
        asks = event.type == pygame.KEYDOWN and not self.app.typing and (
            event.key == pygame.K_F1 or event.unicode == "?")
        if self.help_open and event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            self.help_open = False
            self._hotkey_text = getattr(event, "unicode", "")
            return True
        if asks:
            self.help_open = True
            self._hotkey_text = event.unicode
            return True
        return self.help_open and event.type in (pygame.TEXTINPUT, pygame.MOUSEBUTTONUP)

    # -- keyboard focus ---------------------------------------------------------------------

    #: Tab moves the keyboard focus ring over the screen's widgets (the menu has its own)
    tab_moves_focus = True

    def focusable(self) -> list:
        """The screen's enabled, visible buttons, sliders and text boxes, top to bottom, left to
        right: what Tab walks through."""
        if self.root is None:
            return []
        kinds = (UIButton, UIHorizontalSlider, UITextEntryLine)
        found = [e for e in self.root.elements if isinstance(e, kinds) and e.visible
                 and e.alive() and getattr(e, "is_enabled", True)]
        return sorted(found, key=lambda e: (e.rect.top, e.rect.left))

    @property
    def focused(self):
        """The widget the focus ring is on, or None."""
        index = getattr(self, "_focus", None)
        widgets = self.focusable()
        return widgets[index % len(widgets)] if index is not None and widgets else None

    def focus_event(self, event: pygame.event.Event) -> bool:
        """Tab / Shift+Tab move the focus ring; Enter presses the focused button; Left/Right
        move the focused slider; a focused text box takes the typing. True when used."""
        if event.type == pygame.MOUSEBUTTONDOWN:
            self._focus = None  # the mouse is in charge again
            return False
        if event.type != pygame.KEYDOWN:
            return False
        widgets = self.focusable()
        if event.key == pygame.K_TAB and self.tab_moves_focus and widgets:
            step = -1 if event.mod & pygame.KMOD_SHIFT else 1
            index = getattr(self, "_focus", None)
            self._focus = (step if step < 0 else 0) if index is None else index + step
            self._focus %= len(widgets)
            widget = widgets[self._focus]
            self.ui.set_focus_set(widget if isinstance(widget, UITextEntryLine) else None)
            return True
        widget = self.focused
        if widget is None or self.app.typing:
            return False
        if isinstance(widget, UIButton) and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED,
                                                 ui_element=widget))
            return True
        if isinstance(widget, UIHorizontalSlider) and event.key in (pygame.K_LEFT, pygame.K_RIGHT):
            low, high = widget.value_range
            step = max((high - low) / 100, 1) * (5 if event.mod & pygame.KMOD_SHIFT else 1)
            value = widget.get_current_value() + (step if event.key == pygame.K_RIGHT else -step)
            widget.set_current_value(min(max(value, low), high))
            self.on_slider(widget, widget.get_current_value())
            return True
        return False

    def draw_focus(self, surface: pygame.Surface) -> None:
        widget = self.focused
        if widget is not None:
            pygame.draw.rect(surface, FOCUS, widget.rect.inflate(8, 8), width=3,
                             border_radius=10)

    def handle_event(self, event: pygame.event.Event) -> None:
        """A pygame or pygame_gui event (widgets have already seen it)."""
        if self.hotkey_echo(event) or self.help_event(event) or self.focus_event(event):
            return
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.back_button:
            self.back()
            return
        if event.type == pygame.KEYDOWN and not self.app.typing:
            self._hotkey_text = event.unicode
            self.on_key(event)
        elif event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.on_button(event.ui_element)
        elif event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            self.on_slider(event.ui_element, event.value)
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            self.on_text(event.ui_element, event.text)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.on_click(event.pos)

    def on_key(self, event: pygame.event.Event) -> None:
        """A key press while no text box has the focus (Esc is handled by the app)."""

    def on_button(self, button: UIButton) -> None:
        """A button of this scene was pressed."""

    def on_slider(self, slider: UIHorizontalSlider, value: float) -> None:
        """A slider of this scene moved."""

    def on_text(self, entry: UITextEntryLine, value: str) -> None:
        """Enter was pressed in a text box of this scene."""

    def on_click(self, position: tuple[int, int]) -> None:
        """A left click that no widget took."""

    def update(self, dt: float) -> None:
        """Advance animations and auto-play by one fixed step of ``dt`` seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(BACKGROUND)
        self.draw_top_bar(surface)

    def back(self) -> None:
        """Esc or the Back button: leave this screen."""
        self.app.pop()

    def draw_overlay(self, surface: pygame.Surface) -> None:
        """Drawn over the widgets: the top bar's hint, and the help overlay when it is open."""
        self.draw_hint(surface)
        self.draw_focus(surface)
        if self.help_open:
            title = _(self.title) if self.title else _("Kelly")
            draw_help(surface, title, self.help_keys, self.help_panels)

    @classmethod
    def check_options(cls, **options) -> None:
        """Raise ValueError for options this screen would refuse, before a window opens
        (``kelly play`` turns it into one line and exit status 2)."""

    # -- helpers ----------------------------------------------------------------------------

    def draw_top_bar(self, surface: pygame.Surface) -> None:
        title = text(surface, _(self.title) if self.title else "", (MARGIN, TOP_BAR // 2), 26,
                     TEXT, bold=True, anchor="midleft")
        self._title_right, self._status_left = title.right, None

    def draw_status(self, surface: pygame.Surface, status: str) -> None:
        """The line of numbers at the right of the top bar (left of the Back button)."""
        right_edge = surface.get_width() - MARGIN - (120 if self.back_button else 0)
        drawn = text(surface, status, (right_edge, TOP_BAR // 2 + 2), 14, TEXT,
                     anchor="midright")
        self._status_left = drawn.left

    def draw_hint(self, surface: pygame.Surface) -> None:
        """The screen's one-line hint, in the room the title and the status leave (drawn after
        both, so it never runs into the numbers)."""
        title_right = getattr(self, "_title_right", None)
        if title_right is None:
            return
        right = getattr(self, "_status_left", None) or (
            surface.get_width() - MARGIN - (120 if self.back_button else 0))
        room = right - title_right - 36
        ask = _("? help") if translated("? help") else "?  F1"
        hint_text = _(self.hint) if self.hint else ""
        for hint in (f"{hint_text}   {ask}", hint_text, ask):
            if hint.strip() and font(14).size(hint)[0] <= room:
                text(surface, hint, (title_right + 18, TOP_BAR // 2 + 2), 14, MUTED,
                     anchor="midleft")
                break

    def button(self, rect: pygame.Rect, label: str, class_id: str | None = None,
               object_id: str | None = None, tooltip: str | None = None) -> UIButton:
        made = UIButton(rect, label, self.ui, container=self.root,
                        object_id=ObjectID(class_id=class_id, object_id=object_id),
                        tool_tip_text=tooltip)
        set_label(made, label)
        return made

    def slider(self, rect: pygame.Rect, value: float, low: float, high: float,
               step: float = 1) -> UIHorizontalSlider:
        value = min(max(value, low), high)
        return UIHorizontalSlider(rect, value, (low, high), self.ui, container=self.root,
                                  click_increment=step)

    def entry(self, rect: pygame.Rect, value: str, allowed: str = "0123456789.") -> UITextEntryLine:
        box = UITextEntryLine(rect, self.ui, container=self.root, initial_text=value)
        box.set_allowed_characters(list(allowed))
        box.length_limit = 12
        return box


#: a key hint inside a label: "Stop & compare (S)", "Auto (A): on", "擲硬幣（空白鍵）"
KEY_HINT = re.compile(r"\s*[(（](?:[A-Z0-9]|F\d+|Esc|Space|Enter|空白鍵)[)）]")
BUTTON_PADDING = 12  # pixels the theme keeps free at each side of a button's text


def set_label(button: UIButton, label: str) -> None:
    """Show ``label`` on ``button``, without its key hints when the whole label does not fit
    (narrow windows, longer languages): the keys stay in the screen's hint line and help."""
    room = button.rect.width - 2 * BUTTON_PADDING
    fits = getattr(button, "font", None) is None or button.font.size(label)[0] <= room
    shown = label if fits else KEY_HINT.sub("", label)
    if shown != button.text:
        button.set_text(shown)


def translated(message: str) -> bool:
    """True when ``message`` can be shown in the current language: English, or a language
    whose catalogue has it (a new control waits for its translation rather than showing
    English on a Chinese screen)."""
    return current_language() == "en" or _(message) != message


def parse_number(name: str, value: str) -> float:
    """A number typed into a text box, or a ValueError naming the field."""
    try:
        number = float(value)
    except ValueError:
        raise ValueError(_("{name} = {value} is not a number").format(
            name=name, value=repr(value))) from None
    if not math.isfinite(number):
        raise ValueError(_("{name} = {value} is not a finite number").format(
            name=name, value=repr(value)))
    return number


def stack(rect: pygame.Rect, *heights: int, gap: int = 8) -> list[pygame.Rect]:
    """Rects of the given heights stacked top-down inside ``rect`` (full width)."""
    rects = []
    y = rect.top
    for height in heights:
        rects.append(pygame.Rect(rect.left, y, rect.width, height))
        y += height + gap
    return rects


def row(rect: pygame.Rect, *weights: float, gap: int = 8) -> list[pygame.Rect]:
    """Rects side by side inside ``rect`` with widths in proportion to ``weights``."""
    free = rect.width - gap * (len(weights) - 1)
    total = sum(weights)
    rects = []
    x = rect.left
    for weight in weights:
        width = round(free * weight / total)
        rects.append(pygame.Rect(x, rect.top, width, rect.height))
        x += width + gap
    return rects
