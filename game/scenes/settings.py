"""Settings: the language, sound on or off, the auto-flip speed, and the default coin (p, odds
b, rounds).

Saved as versioned JSON in the user's data folder (:mod:`game.saves`) when the player presses
Save (or Enter); a bad value is named on screen and nothing is saved. The language button (or
L) is the exception: it switches the whole game at once and keeps the choice.
"""

from __future__ import annotations

from dataclasses import replace

import pygame

from game.saves import data_dir, save_settings
from game.scene import MARGIN, TOP_BAR, Scene, parse_number, row, stack, translated
from game.ui.style import BAD, GOOD, MUTED, TEXT, apply_look, card, text, wrapped
from sim.i18n import N_, available_languages, language_name
from sim.i18n import gettext as _


class SettingsScene(Scene):
    name = "settings"
    title = property(lambda self: _("Settings"))
    hint = property(lambda self: _("Changes apply to new games."))
    help_keys = (("Tab / Shift+Tab", N_("next / previous control")), ("Enter", N_("save")),
                 ("L", N_("language")), ("S", N_("sound on / off")),
                 ("C", N_("standard or colour-blind-safe colours")), ("T", N_("larger text")))
    help_panels = ((N_("Settings"), N_("language, sound, auto-flip speed, the default coin, "
                    "colours and text size; saved in your data folder.")),)

    def __init__(self, app, **options) -> None:
        super().__init__(app, **options)
        self.draft = app.settings
        self.message = ""
        self.message_colour = MUTED

    def layout(self, window: pygame.Rect) -> None:
        width = min(640, window.width - 2 * MARGIN)
        self.panel = pygame.Rect(MARGIN, TOP_BAR, width, min(window.height - TOP_BAR - MARGIN, 700))
        inner = self.panel.inflate(-40, -32)
        gap, line = (12, 36) if window.height >= 700 else (5, 29)
        rows = stack(inner, line, line, 18, line, 18, line, line, line, line, line, 40, 40,
                     gap=gap)
        (language, sound, self.sound_note, speed, self.speed_note, p_row, odds_row, rounds_row,
         palette_row, text_row, save_row, self.message_rect) = rows
        label_w = 230
        self.labels = {}

        def field(key: str, rect: pygame.Rect, label: str) -> pygame.Rect:
            self.labels[key] = (label, rect)  # a msgid: translated when drawn
            return pygame.Rect(rect.left + label_w, rect.top, rect.width - label_w, rect.height)

        self.language_button = self.button(field("language", language, N_("Language (L)")),
                                           language_name(self.app.language), "@choice")
        self.sound_button = self.button(field("sound", sound, N_("Sound effects")), "",
                                        "@choice")
        self.speed_slider = self.slider(field("speed", speed, N_("Auto-flip speed")),
                                        self.draft.auto_speed * 4, 1, 40)
        self.p_entry = self.entry(field("p", p_row, N_("Chance of heads p")),
                                  f"{self.draft.p:g}")
        self.odds_entry = self.entry(field("odds", odds_row, N_("Heads pays b to 1")),
                                     f"{self.draft.odds:g}")
        self.rounds_entry = self.entry(field("rounds", rounds_row, N_("Flips per game")),
                                       str(self.draft.rounds), "0123456789")
        self.palette_button = self.text_button = None
        if translated("Colours (C)"):  # shown once its words exist in the current language
            self.palette_button = self.button(field("palette", palette_row, "Colours (C)"), "",
                                              "@choice")
        if translated("Larger text (T)"):
            self.text_button = self.button(field("text", text_row, "Larger text (T)"), "",
                                           "@choice")
        save, cancel = row(pygame.Rect(save_row.left, save_row.top, min(420, save_row.width),
                                       save_row.height), 1, 1, gap=MARGIN)
        self.save_button = self.button(save, _("Save (Enter)"), "@primary")
        self.cancel_button = self.button(cancel, _("Back without saving"))
        self._refresh_sound()

    def _refresh_sound(self) -> None:
        colour_blind = self.draft.palette == "colour-blind"
        for button, on, label in (
                (self.sound_button, self.draft.sound, _("On") if self.draft.sound else _("Off")),
                (self.palette_button, colour_blind,
                 _("Colour-blind safe (Okabe-Ito)") if colour_blind else _("Standard")),
                (self.text_button, self.draft.larger_text,
                 _("On") if self.draft.larger_text else _("Off"))):
            if button is None:
                continue
            button.set_text(label)
            if on:
                button.select()
            else:
                button.unselect()

    def toggle_look(self, what: str) -> None:
        """Colours or text size: shown at once (and kept when saved)."""
        if what == "palette":
            self._replace(palette="standard" if self.draft.palette == "colour-blind"
                          else "colour-blind")
        else:
            self._replace(larger_text=not self.draft.larger_text)
        apply_look(self.draft)
        self._refresh_sound()

    def back(self) -> None:
        """Leave; colours and text size go back to the saved ones unless they were saved."""
        apply_look(self.app.settings)
        super().back()

    def _replace(self, **changes) -> None:
        self.draft = replace(self.draft, **changes)

    def save(self) -> None:
        try:
            p = parse_number("p", self.p_entry.get_text())
            odds = parse_number("odds", self.odds_entry.get_text())
            rounds = parse_number("rounds", self.rounds_entry.get_text())
            if not rounds.is_integer():
                raise ValueError(_("rounds = {value} must be a whole number")
                                 .format(value=f"{rounds:g}"))
            self._replace(p=p, odds=odds, rounds=int(rounds))
            path = save_settings(self.draft)
        except (ValueError, OSError) as error:
            self.message, self.message_colour = _("Not saved: {error}").format(error=error), BAD
            return
        self.app.settings = self.draft
        self.app.sounds.enabled = self.draft.sound
        self.message, self.message_colour = _("Saved to {path}").format(path=path), GOOD

    def next_language(self) -> None:
        """Switch the whole game to the next shipped language now, and keep it (saved at once,
        whatever else is being edited)."""
        languages = available_languages()
        following = languages[(languages.index(self.app.language) + 1) % len(languages)]
        self.app.set_language(following)  # rebuilds this screen: the draft is kept
        self.draft = replace(self.draft, language=following)
        try:
            self.app.settings = replace(self.app.settings, language=following)
            save_settings(self.app.settings)
        except OSError as error:
            self.message, self.message_colour = _("Not saved: {error}").format(error=error), BAD

    def on_button(self, button) -> None:
        if button is self.language_button:
            self.next_language()
        elif button is self.sound_button:
            self._replace(sound=not self.draft.sound)
            self._refresh_sound()
        elif button is not None and button is self.palette_button:
            self.toggle_look("palette")
        elif button is not None and button is self.text_button:
            self.toggle_look("text")
        elif button is self.save_button:
            self.save()
        elif button is self.cancel_button:
            self.back()

    def on_slider(self, slider, value) -> None:
        if slider is self.speed_slider:
            self._replace(auto_speed=value / 4)

    def on_text(self, entry, value) -> None:
        self.save()

    def on_key(self, event) -> None:
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.save()
        elif event.key == pygame.K_s:
            self._replace(sound=not self.draft.sound)
            self._refresh_sound()
        elif event.key == pygame.K_l:
            self.next_language()
        elif event.key == pygame.K_c:
            self.toggle_look("palette")
        elif event.key == pygame.K_t:
            self.toggle_look("text")

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        card(surface, self.panel)
        for label, rect in self.labels.values():
            room = pygame.Rect(rect.left, rect.top, 222, rect.height)  # left of its control
            text(surface, _(label), room.midleft, 16, TEXT, anchor="midleft", within=room)
        sound_note = (_("S toggles sound.") if self.app.sounds.available else
                      _("No audio device was found: the game stays silent."))
        text(surface, sound_note, self.sound_note.topleft, 13, MUTED)
        text(surface, _("{speed} flips per second when auto-flip is on")
             .format(speed=f"{self.draft.auto_speed:.2g}"), self.speed_note.topleft, 13, MUTED)
        note = pygame.Rect(self.message_rect.left, self.message_rect.top,
                           self.message_rect.width, 60)
        message = self.message or _("Settings and high scores live in {folder}").format(
            folder=data_dir())
        wrapped(surface, message, note, 13, self.message_colour)


SCENE = SettingsScene
