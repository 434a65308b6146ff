"""The menu: one button per screen, with a line saying what it teaches.

Keyboard: Up/Down (or Tab) move the highlight, Enter or Space opens it, 1-9 open directly,
Esc quits. Entries whose screen is not installed are left out, so screens added later only
need their module and one line in ``MENU``. Labels and hints are message ids, translated as
they are drawn, so a language switch shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.saves import forget_unfinished, load_unfinished, unfinished_game
from game.scene import MARGIN, Scene
from game.scenes import registry
from game.ui.coin import CoinFlip
from game.ui.style import MUTED, PLAYER, TEXT, font, text, wrap_lines, wrapped
from sim.i18n import N_, current_language
from sim.i18n import gettext as _
from sim.lessons import available_languages as lesson_languages


@dataclass(frozen=True)
class MenuEntry:
    scene: str  # a name from the scene registry; "quit" closes the game
    label: str  # message ids (English): shown through _()
    hint: str


MENU = (
    MenuEntry("coin", N_("Coin"),
              N_("Bet on a biased coin against four robots. How much is too much?")),
    MenuEntry("worlds", N_("Many worlds"),
              N_("1,000 bankrolls, one strategy: why the average misleads.")),
    MenuEntry("race", N_("Race"),
              N_("Split your money over several horses. Best split: their chances.")),
    MenuEntry("challenge", N_("Challenge"),
              N_("Haghani & Dewey's $25 coin: beat their subjects?")),
    MenuEntry("unknown", N_("Unknown coin"),
              N_("Learn p from the flips: the best model grows fastest.")),
    MenuEntry("wire", N_("Private wire"),
              N_("A tip right 3 times in 5: what is it worth a flip?")),
    MenuEntry("learn", N_("Learn to bet"),
              N_("A model is a gambler: overfitting is overbetting.")),
    MenuEntry("classroom", N_("Classroom"),
              N_("A lesson to project: step through it, race the class.")),
    MenuEntry("results", N_("High scores"), N_("Your best games, with the seeds to replay them.")),
    MenuEntry("settings", N_("Settings"),
              N_("Language, sound, auto-flip speed, the default coin.")),
    MenuEntry("quit", N_("Quit"), N_("Close the game.")),
)


#: screens whose saved play-through the menu can resume, and their names in the Resume line
RESUMABLE = {"coin": N_("Coin"), "race": N_("Race"), "unknown": N_("Unknown coin")}


class MenuScene(Scene):
    name = "menu"
    title = property(lambda self: _("Kelly"))
    tab_moves_focus = False  # Tab moves the menu's own highlight ring
    help_keys = ((N_("↑ ↓ or Tab"), N_("move the highlight")),
                 (N_("Enter / Space"), N_("open it")), ("1 – 9", N_("open an entry directly")),
                 ("R", N_("resume the last game, if saved")))
    help_panels = ((N_("The games"), N_("each screen teaches one side of Kelly's rule: bet the "
                    "chances, and growth is what is left after the cross-entropy.")),)

    def __init__(self, app, **options) -> None:
        super().__init__(app, **options)
        scenes = registry()
        self.entries = [e for e in MENU if e.scene == "quit" or e.scene in scenes]
        left = unfinished_game()
        if left is not None and left[0] in RESUMABLE and left[0] in scenes:
            screen, when = left
            resume = MenuEntry("resume", N_("Resume"),
                               _("Go on with the {screen} game you left {when}.").format(
                                   screen=_(RESUMABLE[screen]), when=when))
            self.entries.insert(len(self.entries) - 1, resume)  # before Quit
        self.selected = 0
        self.notice = ""
        self.gap = 8
        self.buttons = []
        self.coin = CoinFlip()
        self.spin_clock = 0.0

    def layout(self, window: pygame.Rect) -> None:
        count = len(self.entries)
        top = 190 if window.height >= 700 else 160
        gap = self.gap = 10 if window.height >= 700 else 8
        room = window.height - top - 60  # the footer takes the bottom 60 pixels
        height = max(28, min(54, room // count - gap))
        width = min(300, window.width // 3)
        left = max(MARGIN * 3, window.centerx - width - 60)
        self.buttons = []
        for i, entry in enumerate(self.entries):
            rect = pygame.Rect(left, top + i * (height + gap), width, height)
            self.buttons.append(self.button(rect, f"{i + 1}  {_(entry.label)}", "@menu"))

    def open(self, index: int) -> None:
        entry = self.entries[index]
        self.app.sounds.play("click")
        if entry.scene == "quit":
            self.app.running = False
        elif entry.scene == "resume":
            self.resume_game()
        elif entry.scene == "classroom" and current_language() in lesson_languages():
            self.app.push(entry.scene, language=current_language())  # the lesson in it too
        else:
            self.app.push(entry.scene)

    def resume_game(self) -> None:
        """Replay the saved play-through and go on with it on its screen."""
        left = unfinished_game()
        session = load_unfinished()  # a bad file is moved aside
        if left is None or session is None:
            self.drop_resume(_("The saved game could not be read; it was moved aside."))
            return
        try:
            self.app.push(left[0], session=session)
        except ValueError as error:
            self.drop_resume(_("The saved game could not be resumed: {error}").format(error=error))
            return
        forget_unfinished()
        self.drop_resume("")

    def drop_resume(self, message: str) -> None:
        self.entries = [e for e in self.entries if e.scene != "resume"]
        self.selected = min(self.selected, len(self.entries) - 1)
        self.notice = message
        if self.root is not None:
            self.build()

    def on_button(self, button) -> None:
        if button in self.buttons:
            self.open(self.buttons.index(button))

    def on_key(self, event) -> None:
        key = event.key
        if key in (pygame.K_DOWN, pygame.K_TAB):
            self.selected = (self.selected + 1) % len(self.entries)
        elif key == pygame.K_UP:
            self.selected = (self.selected - 1) % len(self.entries)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            self.open(self.selected)
        elif pygame.K_1 <= key <= pygame.K_9 and key - pygame.K_1 < len(self.entries):
            self.open(key - pygame.K_1)
        elif key == pygame.K_r and any(e.scene == "resume" for e in self.entries):
            self.open([e.scene for e in self.entries].index("resume"))

    def update(self, dt: float) -> None:
        self.spin_clock += dt
        if self.spin_clock >= 2.5:  # a slow toss now and then, for the look of it
            self.spin_clock = 0.0
            self.coin.toss(not self.coin.face_heads, 1.1)
        self.coin.update(dt)
        mouse = pygame.mouse.get_pos()
        for i, button in enumerate(self.buttons):
            if button.rect.collidepoint(mouse) and pygame.mouse.get_focused():
                self.selected = i

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        width, height = surface.get_size()
        text(surface, _("How much should you bet when you have an edge?"), (MARGIN * 3, 84), 30,
             TEXT, bold=True)
        text(surface, _("Pick a game. Mouse or keyboard: ↑ ↓ and Enter, or a number. "
                        "Esc goes back."), (MARGIN * 3, 128), 16, MUTED)
        if self.buttons and self.buttons[0].rect.left > 200:
            first = self.buttons[0].rect
            room = pygame.Rect(MARGIN * 3, first.top, first.left - MARGIN * 5, 240)
            self.coin.draw(surface, room)
        for i, (button, entry) in enumerate(zip(self.buttons, self.entries, strict=True)):
            rect = button.rect
            if i == self.selected:
                pygame.draw.rect(surface, PLAYER, rect.inflate(8, 8), width=2, border_radius=12)
            hint_rect = pygame.Rect(rect.right + 24, rect.top, width - rect.right - 24 - MARGIN * 3,
                                    rect.height)
            pitch = rect.height + self.gap  # one entry's share of the column
            hint = _(entry.hint)
            size = 16
            while True:  # two lines at most, within the entry's share
                lines = len(wrap_lines(hint, font(size), hint_rect.width))
                line_h = font(size).get_linesize() + 2  # wrapped() adds 2 pixels per line
                if (lines <= 2 and lines * line_h <= pitch) or size <= 10:
                    break
                size -= 1
            hint_rect.height = max(rect.height, lines * line_h)
            hint_rect.top = rect.centery - lines * line_h // 2
            wrapped(surface, hint, hint_rect, size, TEXT if i == self.selected else MUTED)
        footer = self.notice or _(
            "Kelly (1956): in the long run the best bet splits your money like the "
            "chances. Bet much more than that and you lose, even with an edge.")
        wrapped(surface, footer, pygame.Rect(MARGIN * 3, height - 44, width - MARGIN * 6, 40), 13,
                MUTED)


SCENE = MenuScene
