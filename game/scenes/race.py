"""Race: 3 to 6 horses with their chances and odds; a slider per horse sets the share of the
bankroll on it, the rest is kept as cash. Four robots race on the same results.

Growth per race G(b) = sum_i p_i ln(b_0 + b_i o_i) = sum_i p_i ln o_i - H(p) - D(p||b~) with
b~_i = b_i + b_0/o_i the effective shares (Cover & Thomas 2006, §6.1 and §6.3): with fair odds the
best split is b = p, and any other split pays D(p||b~) per race.

The player starts by copying the bookmaker (shares 1/o): at fair odds that neither gains nor loses,
and every move toward the true chances p adds growth.

Keys: Space race, A auto-race, Up/Down pick a horse, Left/Right its share -/+1% (Shift: 5%),
+/- add or remove a horse, K bet the chances, B bet the bookmaker's prices, C all cash,
N new game, F finish.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.scene import MARGIN, TOP_BAR, Scene, row, stack
from game.scenes.race_field import HELP_KEYS, HELP_PANELS, NAMES, PRESETS, race_game, read_field
from game.sessions.maths import bet_decomposition, bookmaker_shares, percent_per_round
from game.sessions.session import RaceSession
from game.ui.charts import Series, bankroll_chart, decomposition_bars, share_bars
from game.ui.style import (
    BAD,
    GOOD,
    MUTED,
    PLAYER,
    TEXT,
    bettor_colour,
    card,
    fit_size,
    font,
    money,
    text,
    wrapped,
)
from game.ui.track import HORSE_COLOURS, draw_track
from sim.i18n import N_
from sim.i18n import gettext as _

COLUMNS = (0.85, 0.72, 0.62, 1.8, 0.55)  # name, p box, odds box, slider, share
RUN_SECONDS = 0.9  # one race's run on screen
FLASH = 0.6  # seconds the winner is highlighted


class RaceScene(Scene):
    name = "race"
    title = N_("Race")
    hint = N_("Split your money over the horses; whatever you do not bet stays as cash.")
    help_keys, help_panels = HELP_KEYS, HELP_PANELS

    def __init__(self, app, outcomes: int = 4, seed: int | None = None,
                 session: RaceSession | None = None, **options) -> None:
        """``session``: a play-through to go on with (Resume on the menu)."""
        super().__init__(app, **options)
        probs, odds = PRESETS[outcomes]
        self.game = session.game if session is not None else race_game(probs, odds)
        self.shares = bookmaker_shares(self.game.odds)
        self.selected = 0
        self.auto = app.auto
        self.auto_clock = 0.0
        self.error = ""
        self.start_session(session.seed if session is not None else
                           app.seed if seed is None else seed)
        if session is not None:
            self.session = session
            self.message = _("Welcome back: race {n} of {total}.").format(
                n=session.round, total=self.game.rounds)

    def start_session(self, seed: int) -> None:
        self.session = RaceSession(self.game, seed)
        self.flash = 0.0
        self.winner: int | None = None
        self.revealed = 0  # races whose run has been shown
        self.run_clock = self.run_time = 0.0
        self.pending: tuple | None = None
        self.paces = np.ones(self.k)
        self.finish_clock: float | None = None
        self.message = _("Change the split, then race (Space).")
        self.message_colour = MUTED

    @property
    def k(self) -> int:
        return len(self.game.probs)

    # -- actions ----------------------------------------------------------------------------

    def set_share(self, i: int, pct: float) -> None:
        """Set horse i's share, holding it so the total never passes 100%."""
        others = self.shares.sum() - self.shares[i]
        self.shares[i] = min(max(round(pct) / 100.0, 0.0), max(1.0 - others, 0.0))
        self.shares[i] = round(self.shares[i], 2)
        if self.root is not None:
            self.share_sliders[i].set_current_value(round(self.shares[i] * 100))

    def set_all(self, shares) -> None:
        self.shares = np.zeros(self.k)
        for i, share in enumerate(shares):
            self.set_share(i, share * 100)

    def play(self) -> None:
        if self.run_clock > 0:
            self.land()
        if self.session.finished:
            self.message = _("This game is over. Press N for a new one.")
            self.message_colour = MUTED
            return
        before = float(self.session.wealth[0])
        self.session.bet = self.shares.copy()
        record = self.session.play()
        self.winner = record.outcome
        change = record.wealth[0] - before
        name = self.game.outcome_names[record.outcome]
        amount = money(abs(change))
        if self.session.ruined[0]:
            line, colour, sound = _("{name} won — you are bust."), BAD, "bust"
        elif change >= 0.005:
            line, colour, sound = _("{name} won — you gained {amount}"), GOOD, "win"
        elif change <= -0.005:
            line, colour, sound = _("{name} won — you lost {amount}"), BAD, "lose"
        else:
            line, colour, sound = _("{name} won — no change"), MUTED, "flip"
        self.pending = line.format(name=name, amount=amount), colour, sound
        # the run: the winner reaches the post as it ends; the others' paces are only a picture
        rng = np.random.default_rng([self.session.seed, self.session.round])
        self.paces = rng.uniform(0.72, 0.96, self.k)
        self.paces[record.outcome] = 1.0
        self.run_time = min(RUN_SECONDS, 0.8 / self.app.settings.auto_speed) if self.auto \
            else RUN_SECONDS
        self.run_clock = self.run_time
        self.message, self.message_colour = _("And they're off…"), TEXT

    def land(self) -> None:
        """The run is over: show the result of the race just run."""
        self.run_clock = 0.0
        self.revealed = self.session.round
        if self.pending is not None:
            self.message, self.message_colour, sound = self.pending
            self.app.sounds.play(sound)
            self.pending = None
            self.flash = FLASH
        if self.session.finished:
            self.finish_clock = 1.0
            self.auto = False

    def new_game(self, seed: int | None = None) -> None:
        self.start_session(self.app.new_seed() if seed is None else seed)

    def replay(self) -> None:
        self.new_game(self.session.seed)

    def finish(self) -> None:
        if self.run_clock > 0:
            self.land()
        self.finish_clock = None
        self.auto = False
        self.app.push("results", session=self.session, again=self.replay, fresh=self.new_game)

    def under_way(self) -> bool:
        return self.session.round > 0 and not self.session.finished

    def ask_new_game(self) -> None:
        if self.confirm("new", self.under_way(), _(
                "Race {n} of {total} is run: press N again to throw this game away.").format(
                n=self.session.round, total=self.game.rounds)):
            self.new_game()

    def resize_field(self, k: int) -> None:
        if k == self.k:
            return
        if k not in PRESETS:
            self.message = (_("{n} horses at most.").format(n=max(PRESETS)) if k > self.k else
                            _("{n} horses at least.").format(n=min(PRESETS)))
            self.message_colour = MUTED
            return
        self.game = race_game(*PRESETS[k])
        self.shares = bookmaker_shares(self.game.odds)
        self.selected = min(self.selected, k - 1)
        self.error = ""
        self.start_session(self.session.seed)
        self.build()

    def apply_field(self) -> None:
        """Read every horse's chance and odds from the text boxes; start a game with them."""
        try:
            game = read_field([e.get_text() for e in self.p_entries],
                              [e.get_text() for e in self.odds_entries])
        except ValueError as error:
            self.error = str(error)
            return
        self.error = ""
        if game == self.game or not self.confirm(
                "field", self.under_way(), _("New chances or odds start a new game: press Enter "
                "or Apply again to leave this one.")):
            return
        self.game = game
        self.set_all(bookmaker_shares(game.odds))
        self.start_session(self.session.seed)

    # -- widgets ----------------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        width, height = window.size
        left_w = max(330, min(440, int(width * 0.34)))
        self.left = pygame.Rect(MARGIN, TOP_BAR, left_w, height - TOP_BAR - MARGIN)
        inner = self.left.inflate(-24, -20)
        line = 30 if height >= 680 else 27
        most = max(PRESETS)  # room for the largest field: no button moves when a horse is added
        rects = stack(inner, 18, *([line] * most), 20, 30, 44, 32, 30, 22, 36, gap=6)
        self.header = rects[0]
        horse_rows = rects[1 : 1 + self.k]
        (self.cash_text, tools_row, race_row, auto_row, field_row, self.message_rect,
         self.error_rect) = rects[1 + most :]
        self.rows = horse_rows
        self.share_sliders, self.p_entries, self.odds_entries = [], [], []
        for i, rect in enumerate(horse_rows):
            _name, p_box, o_box, slider, _share = row(rect, *COLUMNS, gap=6)
            self.p_entries.append(self.entry(p_box, f"{self.game.probs[i]:g}"))
            self.odds_entries.append(self.entry(o_box, f"{self.game.odds[i]:g}"))
            self.share_sliders.append(self.slider(slider, round(self.shares[i] * 100), 0, 100))
        kelly, bookie, cash = row(tools_row, 1, 1.1, 0.9)
        self.kelly_button = self.button(kelly, _("Chances (K)"), "@small")
        self.bookie_button = self.button(bookie, _("Bookmaker (B)"), "@small")
        self.cash_button = self.button(cash, _("Cash (C)"), "@small")
        self.race_button = self.button(race_row, _("Race  (Space)"), "@primary")
        auto, new, finish = row(auto_row, 1, 1.1, 0.9)
        self.auto_button = self.button(auto, "", "@choice")
        self.new_button = self.button(new, _("New game (N)"), "@small")
        self.finish_button = self.button(finish, _("Finish (F)"), "@small")
        fewer, more, apply = row(field_row, 1, 1, 1.3)
        self.fewer_button = self.button(fewer, _("− horse"), "@small")
        self.more_button = self.button(more, _("+ horse"), "@small")
        self.apply_button = self.button(apply, _("Apply p, odds"), "@small")
        self._refresh_auto()

        right = pygame.Rect(self.left.right + MARGIN, TOP_BAR, width - self.left.right - 2 * MARGIN,
                            height - TOP_BAR - MARGIN)
        chart_h = int(right.height * 0.52)
        self.bankroll_rect = pygame.Rect(right.left, right.top, right.width, chart_h)
        bottom = pygame.Rect(right.left, self.bankroll_rect.bottom + MARGIN, right.width,
                             right.height - chart_h - MARGIN)
        self.shares_rect, self.bars_rect = row(bottom, 1, 1.2, gap=MARGIN)

    def _refresh_auto(self) -> None:
        if self.root is None:
            return
        self.auto_button.set_text(_("Auto (A): on") if self.auto else _("Auto (A): off"))
        if self.auto:
            self.auto_button.select()
        else:
            self.auto_button.unselect()

    # -- input ------------------------------------------------------------------------------

    def on_button(self, button) -> None:
        actions = {
            self.kelly_button: lambda: self.set_all(self.game.probs),
            self.cash_button: lambda: self.set_all([0.0] * self.k),
            self.bookie_button: lambda: self.set_all(bookmaker_shares(self.game.odds)),
            self.apply_button: self.apply_field,
            self.race_button: self.play,
            self.auto_button: self.toggle_auto,
            self.new_button: self.ask_new_game,
            self.finish_button: self.finish,
            self.fewer_button: lambda: self.resize_field(self.k - 1),
            self.more_button: lambda: self.resize_field(self.k + 1),
        }
        if button in actions:
            actions[button]()

    def toggle_auto(self) -> None:
        self.auto = not self.auto and not self.session.finished
        self.auto_clock = 0.0
        self._refresh_auto()

    def on_slider(self, slider, value) -> None:
        if slider in self.share_sliders:
            i = self.share_sliders.index(slider)
            self.selected = i
            self.set_share(i, value)

    def on_text(self, entry, value) -> None:
        if entry in self.p_entries or entry in self.odds_entries:
            self.apply_field()

    def on_key(self, event) -> None:
        key = event.key
        step = 5 if event.mod & pygame.KMOD_SHIFT else 1
        if key == pygame.K_SPACE:
            self.play()
        elif key == pygame.K_DOWN:
            self.selected = (self.selected + 1) % self.k
        elif key == pygame.K_UP:
            self.selected = (self.selected - 1) % self.k
        elif key == pygame.K_RIGHT:
            self.set_share(self.selected, self.shares[self.selected] * 100 + step)
        elif key == pygame.K_LEFT:
            self.set_share(self.selected, self.shares[self.selected] * 100 - step)
        elif key == pygame.K_k:
            self.set_all(self.game.probs)
        elif key == pygame.K_c:
            self.set_all([0.0] * self.k)
        elif key == pygame.K_b:
            self.set_all(bookmaker_shares(self.game.odds))
        elif key == pygame.K_a:
            self.toggle_auto()
        elif key == pygame.K_n:
            self.ask_new_game()
        elif key == pygame.K_f:
            self.finish()
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.resize_field(self.k + 1)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.resize_field(self.k - 1)

    # -- time -------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        self.flash = max(0.0, self.flash - dt)
        if self.run_clock > 0:
            self.run_clock -= dt
            if self.run_clock <= 0:
                self.land()
            return
        if self.finish_clock is not None:
            self.finish_clock -= dt
            if self.finish_clock <= 0:
                self.finish()
                return
        if self.auto and not self.session.finished:
            self.auto_clock += dt
            if self.auto_clock >= 1.0 / self.app.settings.auto_speed:
                self.auto_clock = 0.0
                self.play()

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        s = self.session
        wealth = float(s.wealth_paths()[0, self.revealed])
        status = _("Race {n} of {total}   ·   You: {wealth}   ·   seed {seed}").format(
            n=self.revealed, total=self.game.rounds, wealth=money(wealth), seed=s.seed)
        self.draw_status(surface, status)
        self.draw_controls(surface)
        self.draw_bankrolls(surface)
        self.draw_shares(surface)
        self.draw_bars(surface)

    def draw_controls(self, surface: pygame.Surface) -> None:
        card(surface, self.left)
        columns = row(self.header, *COLUMNS, gap=6)
        labels = (_("horse"), "p", _("odds"), _("your share"), "")
        for label, rect in zip(labels, columns, strict=True):
            text(surface, label, rect.topleft, 12, MUTED)
        for i, rect in enumerate(self.rows):
            name_rect = row(rect, *COLUMNS, gap=6)
            if i == self.selected:
                pygame.draw.rect(surface, PLAYER, rect.inflate(8, 4), width=1, border_radius=6)
            won = self.flash > 0 and self.winner == i
            text(surface, NAMES[i], name_rect[0].midleft, 13, GOOD if won else TEXT, bold=True,
                 anchor="midleft")
            text(surface, f"{self.shares[i]:.0%}", name_rect[4].midright, 14, PLAYER, bold=True,
                 anchor="midright")
        cash = 1.0 - self.shares.sum()
        line = _("Kept as cash: {cash}   ·   ↑↓ pick a horse, ←→ its share").format(
            cash=f"{cash:.0%}")
        text(surface, line, self.cash_text.topleft, fit_size(line, self.cash_text.width, 13),
             MUTED)
        size = fit_size(self.message, self.message_rect.width, 14, bold=True)
        text(surface, self.message, self.message_rect.midleft, size, self.message_colour,
             bold=True, anchor="midleft")
        how = pygame.Rect(self.left.left + 12, self.error_rect.bottom + 10, self.left.width - 24,
                          self.left.bottom - self.error_rect.bottom - 20)
        spare = pygame.Rect(how.left, self.rows[-1].bottom + 8, how.width,
                            self.cash_text.top - self.rows[-1].bottom - 12)  # rows of no horse
        how = max(how, spare, key=lambda rect: rect.height)
        if how.height > 40:
            book = bet_decomposition(self.game, bookmaker_shares(self.game.odds))
            wrapped(surface, _("One horse wins each race: money on it comes back times its odds o, "
                    "money on the others is lost, cash stays. You start by copying the bookmaker "
                    "(1/o, in whole percent): G = {g} a race. Now try K, "
                    "the chances.").format(g=f"{float(book.growth):+.4f}"), how, 13, TEXT)
        if self.error:
            wrapped(surface, self.error, self.error_rect, 12, BAD)
        else:
            margin = math.fsum(1.0 / o for o in self.game.odds)
            book = (_("fair") if abs(margin - 1) < 1e-9 else
                    _("the bookmaker keeps a margin") if margin > 1 else _("generous"))
            wrapped(surface, _("The prices 1/o add up to {margin} ({book}). Type chances and "
                    "odds, then Enter.").format(margin=f"{margin:.2f}", book=book),
                    self.error_rect, 12, MUTED)

    def draw_bankrolls(self, surface: pygame.Surface) -> None:
        inner = card(surface, self.bankroll_rect, _("Bankroll, log scale: you against robots"))
        paths = self.session.wealth_paths()[:, : self.revealed + 1]  # not the race running
        names = self.session.names
        series = [Series(_(name), bettor_colour(name, i), paths[i], 2)
                  for i, name in enumerate(names) if i > 0]
        series.append(Series(_(names[0]), bettor_colour(names[0]), paths[0], 4))
        x_max = min(self.game.rounds, max(20, math.ceil(self.revealed * 1.25 / 10) * 10))
        bankroll_chart(surface, inner, series, x_max, self.game.start)

    def draw_shares(self, surface: pygame.Surface) -> None:
        running = self.run_clock > 0
        inner = card(surface, self.shares_rect, _("Race {n}: they're off!").format(
            n=self.session.round) if running else _("Your split (bars) vs chances (outlines)"))
        chart = pygame.Rect(inner.left, inner.top, inner.width, inner.height - 22)
        if running:
            progress = 1.0 - self.run_clock / max(self.run_time, 1e-9)
            draw_track(surface, chart, self.game.outcome_names,
                       HORSE_COLOURS[: self.k],
                       self.paces, progress, self.winner)
            return
        d = bet_decomposition(self.game, self.shares)
        colours = [PLAYER] * self.k
        share_bars(surface, chart, self.game.outcome_names, self.game.probs,
                   list(np.asarray(d.effective_shares)), colours)
        g = float(d.growth)
        verdict = (_("G = −∞: one result wipes you out") if g == -math.inf else
                   _("G = {g} ≈ {pct}% a race").format(g=f"{g:+.4f}",
                                                      pct=f"{percent_per_round(g):+.2f}"))
        text(surface, verdict, (inner.left, inner.bottom), fit_size(verdict, inner.width, 13),
             GOOD if g > 0 else BAD if g < 0 else MUTED, anchor="bottomleft")

    def draw_bars(self, surface: pygame.Surface) -> None:
        inner = card(surface, self.bars_rect, _("Why: growth = Σ p ln o − H(p) − D(p‖b)"))
        d = bet_decomposition(self.game, self.shares)
        lines = 3 if inner.width < 420 else 2
        lesson_h = lines * font(13).get_linesize() + 4
        bars = pygame.Rect(inner.left, inner.top + 2, inner.width, inner.height - lesson_h - 8)
        decomposition_bars(surface, bars, float(d.log_odds), float(d.entropy),
                           float(d.divergence), "Σ p ln o", "b")
        wrapped(surface, _("b counts cash as bets on every horse at its price. Make b equal p and "
                "D(p‖b) vanishes: the fastest growth there is."),
                pygame.Rect(inner.left, bars.bottom + 6, inner.width, lesson_h), 13, TEXT)


SCENE = RaceScene
