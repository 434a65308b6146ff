"""Class race: every student's fraction on the same flips, with a live leaderboard.

The teacher adds students one by one (A: a name, then a fraction) or imports a CSV file of
names and fractions (I); Space starts the race. :class:`game.sessions.class_race.ClassRace`
computes the whole race with the engine on one seed for the room; the screen reveals it flip by
flip and ranks the class after every flip. A Kelly bettor (f* = p - (1 - p)/b, Kelly 1956) runs
on the same flips as a yardstick but takes no rank. E exports the final standings as CSV (name,
fraction, final_wealth, growth, rank) beside the imported file, or in the game's data folder.

Keys: A add   I import CSV   Space start/pause   Right one flip   End finish   E export
      S seed   X clear the class   + / - speed   F full screen   Esc back
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pygame

from game.saves import data_dir
from game.scene import Scene
from game.scenes.classroom_board import draw_summary, fit_line, gain_bar, leaderboard_columns
from game.scenes.classroom_ui import (
    ACCENT,
    BACKGROUND,
    BAD,
    EDGE,
    INFO,
    MUTED,
    PANEL,
    TEXT,
    Editor,
    Fonts,
    button_bar,
    draw_line,
    draw_text_block,
    full_screen,
    load_theme,
    parse_number,
    parse_whole,
    result_path,
    scale,
)
from game.sessions.class_race import (
    ClassRace,
    Participant,
    RaceSummary,
    check_participants,
    export_results,
    merge_participants,
    read_participants_csv,
    summarise,
)
from game.ui import layout
from game.ui.style import money
from sim.engine import check_seed
from sim.games import CoinGame
from sim.i18n import N_, current_language
from sim.i18n import gettext as _
from sim.lessons import available_languages, default_lesson
from sim.lessons.model import LABELS
from sim.text_template import render
from sim.theory import kelly_fraction

SPEEDS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)  # flips per second
STRIP = 50  # flips shown in the strip


class ClassRaceScene(Scene):
    name = "classroom_race"
    title = N_("Class race")
    help_keys = (("A", N_("add a student")), ("I", N_("import a CSV of names and fractions")),
                 (N_("Space"), N_("start / pause")), ("→", N_("one flip")),
                 ("End", N_("finish")), ("E", N_("export CSV")), ("S", N_("seed")),
                 ("X", N_("clear the class")), ("+ / −", N_("speed")), ("F", N_("full screen")))
    help_panels = ((N_("Leaderboard"), N_("every student's fraction on the same flips, ranked "
                    "after each flip; Kelly is the yardstick and takes no rank.")),
                   (N_("Summary"), N_("at the end: each fraction on the G(f) curve, who was "
                    "closest to Kelly, and the spread of outcomes.")))

    def __init__(self, app, labels: dict | None = None, p: float = 0.6, odds: float = 1.0,
                 rounds: int = 100, start: float = 100.0, csv: str | Path | None = None,
                 seed: int | None = None, **options) -> None:
        super().__init__(app, **options)
        if labels is None and current_language() in available_languages():
            labels = default_lesson(current_language()).labels  # opened on its own: the game's
        self.labels = {**LABELS, **(labels or {})}
        self.game = CoinGame(p=p, odds=odds, start=start, rounds=rounds)
        self.seed = app.new_seed() if seed is None else int(seed)
        self.participants: list[Participant] = []
        self.source: Path | None = None
        self.race: ClassRace | None = None
        self.kelly: ClassRace | None = None
        self.t = 0.0
        self.running = False
        self.speed = 3  # index into SPEEDS
        self.summary: RaceSummary | None = None
        self.show_summary = True  # at the end, the summary in place of the leaderboard (G)
        self.editor: Editor | None = None
        self.next_editor: Editor | None = None
        self.message = ""
        self.saved: Path | None = None
        self.fonts = Fonts()
        self.windowed = app.size
        self.buttons: dict[str, object] = {}
        self._layer_key: tuple | None = None
        self._layer: pygame.Surface | None = None
        load_theme(app.ui)
        if csv is not None:
            self.load_csv(csv)

    # -- the class --------------------------------------------------------------------------

    @property
    def round(self) -> int:
        return int(min(self.t, self.game.rounds))

    @property
    def finished(self) -> bool:
        return self.race is not None and self.round >= self.game.rounds

    def _changed(self) -> None:
        """The class or the seed changed: the race must be run again."""
        self.race = None
        self.kelly = None
        self.summary = None
        self.t = 0.0
        self.running = False
        self.saved = None

    def load_csv(self, path: str | Path) -> None:
        """Add the students of a CSV file to the class: students typed in by hand stay, and a
        name already in the class takes the file's fraction. The message says what happened."""
        path = Path(path).expanduser()
        merged, added, updated = merge_participants(self.participants,
                                                    read_participants_csv(path))
        check_participants(merged)
        kept = len(merged) - added - updated
        self.participants = merged
        self.source = path
        self._changed()
        self.message = _("{file}: {added} added, {updated} updated, {kept} kept (X clears the "
                         "class)").format(file=path.name, added=added, updated=updated, kept=kept)

    def add(self, name: str, fraction: float) -> None:
        person = Participant(name, fraction)
        check_participants([*self.participants, person])
        self.participants.append(person)
        self._changed()

    def set_seed(self, seed: int) -> None:
        self.seed = check_seed(seed)
        self._changed()

    def start(self) -> None:
        """Run the race (if not yet run) and reveal it; pause, or start again when finished."""
        if not self.participants:
            self.message = self.labels["race_empty"]
            return
        if self.race is None:
            self.race = ClassRace(self.participants, self.game, self.seed)
            stake = float(kelly_fraction(self.game.p, self.game.odds))
            self.kelly = ClassRace([Participant(self.labels["kelly_reference"], stake)],
                                   self.game, self.seed)
        if self.finished:
            self.t = 0.0
        self.running = not self.running

    def step_once(self) -> None:
        if self.race is None:
            self.start()
            self.running = False
        if self.race is not None:
            self.running = False
            self.t = min(self.game.rounds, self.round + 1)

    def finish(self) -> None:
        if self.race is None:
            self.start()
        if self.race is not None:
            self.t = self.game.rounds
            self.running = False

    def export(self) -> Path | None:
        """Write the final standings to CSV; only once the class has seen the whole race."""
        if not self.finished:
            counter = render(self.labels["round_counter"],
                             {"number": self.round, "total": self.game.rounds})
            self.message = f"{counter}  →  End ⇨"
            return None
        folder = getattr(self, "export_folder", None) or (
            self.source.parent if self.source is not None else data_dir())
        stem = self.source.stem + "-results" if self.source else f"class-race-{self.seed}"
        saved, problem = export_results(self.race, result_path(folder, stem), data_dir())
        if saved is None:  # e.g. the class list came from a read-only folder: offer ours
            self.export_folder, self.message = data_dir(), problem
            return None
        self.saved = saved
        self.message = f"{self.labels['saved']}: {self.saved}"
        return self.saved

    # -- editors ----------------------------------------------------------------------------

    def ask_name(self) -> None:
        labels = self.labels

        def take_name(text: str) -> None:
            name = Participant(text, 0.0).name  # validates the name
            check_participants([*self.participants, Participant(name, 0.0)])

            def take_fraction(value: str) -> None:
                self.add(name, parse_number(value, _("fraction")))

            self.next_editor = Editor(label=f"{name}: {labels['fraction_prompt']}",
                                      apply=take_fraction, hint=labels["edit_keys"])

        self.editor = Editor(label=labels["name_prompt"], apply=take_name,
                             hint=labels["edit_keys"], allowed=None)

    def ask_csv(self) -> None:
        self.editor = Editor(label=self.labels["csv_prompt"], apply=self.load_csv,
                             hint=self.labels["edit_keys"], allowed=None, limit=400)

    def ask_seed(self) -> None:
        self.editor = Editor(label=self.labels["seed"],
                             apply=lambda text: self.set_seed(parse_whole(text, _("seed"))),
                             hint=self.labels["edit_keys"], allowed="0123456789")

    # -- widgets and input ------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        if self.back_button is not None:
            self.back_button.kill()
            self.back_button = None
        labels = self.labels
        texts = {
            "add": f"+ {labels['name_prompt']} (A)",
            "csv": f"{labels['csv_prompt']} (I)",
            "run": _("▶ / ■ (Space)"),
            "finish": "End ⇨",
            "export": "CSV ⇩ (E)",
            "seed": f"{labels['seed']} (S)",
        }
        self.buttons = button_bar(self, texts, (1,) * len(texts), window)

    def on_button(self, button) -> None:
        actions = {"add": self.ask_name, "csv": self.ask_csv, "run": self.start,
                   "finish": self.finish, "export": self.export, "seed": self.ask_seed}
        for name, widget in self.buttons.items():
            if widget is button:
                self.message = ""
                actions[name]()

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.hotkey_echo(event):
            return
        if self.editor is not None:
            if event.type == pygame.TEXTINPUT:
                self.editor.text_input(event.text)
            elif event.type == pygame.KEYDOWN and self.editor.key_down(event):
                self.editor, self.next_editor = self.next_editor, None
            return
        super().handle_event(event)

    def back(self) -> None:
        if self.editor is not None:
            self.editor = self.next_editor = None
            return
        super().back()

    def on_key(self, event: pygame.event.Event) -> None:
        key = event.key
        self.message = ""
        actions = {
            pygame.K_a: self.ask_name,
            pygame.K_i: self.ask_csv,
            pygame.K_s: self.ask_seed,
            pygame.K_SPACE: self.start,
            pygame.K_RIGHT: self.step_once,
            pygame.K_END: self.finish,
            pygame.K_e: self.export,
            pygame.K_f: self.full_screen,
            pygame.K_g: self.toggle_summary,
        }
        if key in actions:
            actions[key]()
        elif key == pygame.K_x:
            self.participants = []
            self.source = None
            self._changed()
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS, pygame.K_UP):
            self.speed = min(self.speed + 1, len(SPEEDS) - 1)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_DOWN):
            self.speed = max(self.speed - 1, 0)

    def toggle_summary(self) -> None:
        """G: the end-of-race summary or the leaderboard (once the race is over)."""
        self.show_summary = not self.show_summary

    def full_screen(self) -> None:
        full_screen(self)

    def update(self, dt: float) -> None:
        if self.running and self.race is not None:
            self.t = min(self.game.rounds, self.t + SPEEDS[self.speed] * dt)
            if self.t >= self.game.rounds:
                self.running = False

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        size = surface.get_size()
        key = (size, self.round, self.race is not None, len(self.participants), self.seed,
               self.message, SPEEDS[self.speed], self.running, self.show_summary)
        if key != self._layer_key or layout.active():
            self._layer = pygame.Surface(size)
            self._draw_board(self._layer)
            self._layer_key = key
        surface.blit(self._layer, (0, 0))
        if self.editor is not None:
            self.editor.draw(surface, self.fonts)

    def _draw_board(self, surface: pygame.Surface) -> None:
        surface.fill(BACKGROUND)
        width, height = surface.get_size()
        unit = scale(height)
        labels = self.labels
        title = self.fonts.get(unit * 1.55, bold=True)
        draw_line(surface, labels["race_title"], (unit, unit * 0.55), title)
        seed = draw_line(surface, f"{labels['seed']} {self.seed}", (width - unit, unit * 0.7),
                         self.fonts.get(unit * 1.1, bold=True), ACCENT, "topright")
        speed = f"{SPEEDS[self.speed]:g}/s"
        draw_line(surface, speed, (seed.left - unit, unit * 0.95), self.fonts.get(unit * 0.8),
                  MUTED, "topright")
        pygame.draw.line(surface, EDGE, (unit, unit * 2.95), (width - unit, unit * 2.95),
                         max(2, round(unit / 10)))
        info = self.fonts.get(unit * 0.95)
        game = self.game
        line = (f"p = {game.p:g}    {labels['odds']} {game.odds:g}    "
                f"{render(labels['round_counter'], {'number': self.round, 'total': game.rounds})}")
        if self.race is not None:
            line += f"    {labels['heads']} {self.race.heads_so_far(self.round)}"
        written = draw_line(surface, line, (unit, unit * 3.4), info, TEXT)
        if self.kelly is not None:
            reference = self.kelly.standings(self.round)[0]
            kelly = (f"{labels['kelly_reference']} f* = {reference.fraction:.2f}: "
                     f"{money(reference.wealth)}")
            draw_line(surface, kelly, (width - unit, unit * 3.4), info, ACCENT, "topright")
        strip = pygame.Rect(unit, written.bottom + unit * 0.4, width - 2 * unit, unit * 0.9)
        self._draw_strip(surface, strip)
        board = pygame.Rect(unit, strip.bottom + unit * 0.6, width - 2 * unit,
                            height - strip.bottom - unit * 4.8)
        if not self.participants:
            draw_text_block(surface, labels["race_empty"], board.inflate(-unit * 4, 0), self.fonts,
                            unit * 1.3, MUTED)
        elif self.finished and self.show_summary:
            if self.summary is None:
                self.summary = summarise(self.race)
            draw_summary(surface, board, self.summary, self.game, self.fonts, unit)
        else:
            self._draw_leaderboard(surface, board, unit)
        hint = self.message or (labels["race_keys"] + ("   " + _("G: summary / leaderboard")
                                                        if self.finished else ""))
        draw_line(surface, hint, (unit, height - unit * 0.7), self.fonts.get(max(16.0, unit * 0.9)),
                  BAD if self.message and not self.saved else MUTED, "midleft")

    def _draw_strip(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """The last flips as tiles, the newest on the right; empty before the race."""
        tile = rect.width / STRIP
        pygame.draw.rect(surface, PANEL, rect)
        if self.race is None:
            return
        shown = self.race.heads[max(0, self.round - STRIP): self.round]
        offset = STRIP - len(shown)
        for i, heads in enumerate(shown):
            cell = pygame.Rect(round(rect.left + (offset + i) * tile + 1), rect.top,
                               max(1, round(tile - 2)), rect.height)
            pygame.draw.rect(surface, ACCENT if heads else INFO, cell)

    def _draw_leaderboard(self, surface: pygame.Surface, board: pygame.Rect, unit: float) -> None:
        labels = self.labels
        if self.race is not None:
            rows = self.race.standings(self.round)
        else:
            rows = [(None, person) for person in self.participants]
        row_height = unit * 1.45
        per_column = max(1, int((board.height - row_height) // row_height))
        columns = 1 if len(rows) <= per_column or board.width < unit * 40 else 2
        shown = rows[: per_column * columns]
        column_width = (board.width - unit * (columns - 1)) / columns
        face = self.fonts.get(unit * 0.95)
        bold = self.fonts.get(unit * 0.95, bold=True)
        small = self.fonts.get(unit * 0.75)
        spread = self._spread()
        for column in range(columns):
            left = board.left + column * (column_width + unit)
            cells = leaderboard_columns(left, column_width, unit)
            edges = [*cells.values(), left + column_width]
            for (name, x), right in zip(cells.items(), edges[1:], strict=True):
                if name != "bar":
                    heading = labels[name]
                    if name == "final_wealth" and not self.finished:
                        heading = _("wealth")  # "final" only once the race is over
                    title = fit_line(heading, small, right - x - unit * 0.3)
                    draw_line(surface, title, (x, board.top + unit * 0.2), small, MUTED)
            part = shown[column * per_column:(column + 1) * per_column]
            for i, row in enumerate(part):
                y = board.top + row_height * (i + 1)
                if self.race is None:
                    person = row[1]
                    draw_line(surface, "–", (cells["rank"], y), bold, MUTED)
                    draw_line(surface, person.name, (cells["name"], y), face, TEXT)
                    draw_line(surface, f"{person.fraction:.2f}", (cells["fraction"], y), face,
                              TEXT)
                    continue
                colour = ACCENT if row.rank == 1 else TEXT
                draw_line(surface, str(row.rank), (cells["rank"], y), bold, colour)
                name = fit_line(row.name, face, cells["fraction"] - cells["name"] - unit)
                draw_line(surface, name,
                          (cells["name"], y), face, colour)
                draw_line(surface, f"{row.fraction:.2f}", (cells["fraction"], y), face, TEXT)
                bar = pygame.Rect(round(cells["bar"]), round(y + unit * 0.2),
                                  round(cells["final_wealth"] - cells["bar"] - unit),
                                  round(unit * 0.9))
                gain_bar(surface, bar, row.wealth, self.game.start, spread)
                draw_line(surface, money(row.wealth), (cells["final_wealth"], y), face, TEXT)
                growth = labels["bust"] if row.wealth <= 0 else f"{row.growth:+.4f}"
                draw_line(surface, growth, (cells["growth"], y), face,
                          BAD if row.wealth <= 0 else TEXT)
        hidden = len(rows) - len(shown)
        if hidden > 0:
            draw_line(surface, f"+{hidden} {labels['more']}",
                      (board.right, board.bottom), face, MUTED, "bottomright")

    def _spread(self) -> float:
        """The bars' full length in |ln(W_t / W_0)|: the 80th percentile of the class (at least
        ln 2), so one wild bettor does not shrink everyone else's bar; longer bars are cut."""
        if self.race is None:
            return math.log(2)
        wealth = self.race.wealth[:, self.round]
        alive = wealth[wealth > 0]  # a bust is drawn as a full-length loss, not measured
        if alive.size == 0:
            return math.log(2)
        changes = np.abs(np.log(alive / self.game.start))
        return max(math.log(2), float(np.quantile(changes, 0.8)))


SCENE = ClassRaceScene
