"""The Unknown coin screen: learn p from the flips, against a Bayesian Kelly bot.

p is drawn from the seed and hidden (see :mod:`game.sessions.unknown`). The player and the
Bayesian bot (Beta(1, 1) prior, bets its posterior mean q_t) bet on the same flips; Kelly who
knows p is the yardstick, shown when p is revealed (at the end, or with R). The screen shows:

* the bankrolls on a log scale;
* the bot's belief q_t with its 90% credible band (Beta posterior, integrated numerically) and
  the player's implied belief a = (1 + f)/2, and p once revealed;
* once p is revealed, the growth lost per flip D(p||q_t) = H(p, q_t) - H(p) — the gap between
  the belief's cross-entropy and the coin's entropy — and its running total against the exact
  expectation sum_t E[D(p||q_t)] (:func:`sim.learning.expected_divergence`).

Keys: Space flip, H/T side, Left/Right stake -/+1% (Shift: 5%), A auto-flip, R reveal p,
N new game, Esc back.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.scene import MARGIN, row, stack
from game.scenes.bet import BetScene, StakeControl
from game.sessions.unknown import BAND_LEVEL, BAYES_NAME, KNOWER_NAME, UnknownSession
from game.ui import palette
from game.ui.charts import Series, bankroll_chart, nice_step
from game.ui.palette import Colour
from game.ui.style import (
    AXIS,
    BAD,
    FAINT,
    GOOD,
    GRID,
    INFO,
    MUTED,
    PLAYER,
    TEXT,
    bettor_colour,
    card,
    dashed_line,
    fit_size,
    money,
    tag,
    text,
    wrapped,
)
from sim.i18n import N_
from sim.i18n import gettext as _

BAYES_COLOUR = Colour((255, 143, 171), palette.ORANGE)
KNOWER_COLOUR = bettor_colour("Kelly")
ML_POINT = N_("The best model of the data — the least cross-entropy H(p, q) — grows the "
              "bankroll fastest: every flip costs D(p‖q) = H(p, q) − H(p).")


RESULTS_DELAY = 1.5  # seconds between the last flip landing and the results


class UnknownScene(BetScene):
    name = "unknown"
    title = N_("Unknown coin")
    hint = N_("Nobody tells you p. Learn it from the flips, faster than the Bayes bot.")
    auto_stops_at_end = True
    help_keys = ((N_("Space"), N_("flip the coin")), ("H / T", N_("bet on heads / tails")),
                 ("← → (↑ ↓)", N_("stake −/+1% (Shift: 5%)")), ("A", N_("auto-flip on / off")),
                 ("N", N_("new game (press twice during a game)")),
                 ("R", N_("reveal p")), ("F", N_("results (a game ended early is not scored)")))
    help_panels = ((N_("Bankroll"), N_("you, the Bayes bot and Kelly who knows p (when "
                    "revealed), same flips.")),
                   (N_("Belief about p"), N_("the bot's estimate q with its 90% band, and your "
                    "belief a = (1 + f)/2 as gold dots.")),
                   (N_("Growth lost per flip"), N_("D(p‖q) = H(p, q) − H(p): the cross-entropy "
                    "above the coin's entropy is the growth a belief costs.")))

    def __init__(self, app, seed: int | None = None, rounds: int = 100,
                 session=None, **options) -> None:
        """``session``: the coin session of a play-through to go on with (Resume)."""
        super().__init__(app, **options)
        self.rounds = session.game.rounds if session is not None else rounds
        self.auto_speed = max(app.settings.auto_speed, 1.0)
        self.start_session(session.seed if session is not None else
                           app.seed if seed is None else seed)
        if session is not None:
            if session.game != self.session.game or session.names != self.session.coin.names:
                raise ValueError(_("the saved game is not an Unknown coin game"))
            self.session.coin, self.revealed = session, session.round
            self.message = _("Welcome back: flip {n} of {total}.").format(
                n=session.round, total=self.rounds)

    # -- the game ---------------------------------------------------------------------------

    @property
    def bets(self):
        return self.session.coin

    @property
    def shown(self) -> int:
        """Flips whose coin has landed."""
        return self.revealed

    def start_session(self, seed: int) -> None:
        self.session = UnknownSession(seed, self.rounds)
        self.revealed = 0
        self.finish_clock: float | None = None
        self._band: tuple[int, np.ndarray] | None = None
        self.message = _("Guess from the flips: bet on the side you trust.")
        self.message_colour = MUTED

    def play_round(self):
        return self.session.play(self.fraction)

    def toss_seconds(self) -> float:
        return min(0.6, 0.8 / self.auto_speed) if self.auto else 0.6

    def result_line(self, record):
        side = _("HEADS") if record.outcome == 0 else _("TAILS")
        if self.session.coin.ruined[0]:
            return _("{side} — bust!").format(side=side), BAD, None
        return side, TEXT, None

    def landed(self, record) -> None:
        s = self.session
        if s.finished:
            self.auto = False
            side = _("HEADS") if record.outcome == 0 else _("TAILS")
            self.message = _("{side} — game over: p was {p}").format(side=side, p=f"{s.p:.2f}")
            self.finish_clock = RESULTS_DELAY

    def advance(self, dt: float) -> bool:
        """Count down to the results once the last flip has landed; True once they open."""
        if self.finish_clock is not None and not self.coin.busy:
            self.finish_clock -= dt
            if self.finish_clock <= 0:
                self.results()
                return True
        return False

    def results(self) -> None:
        """The results and the high scores (at the end; F before it ends, not scored)."""
        self.finish_clock = None
        self.coin.finish()
        self.land()
        self.auto = False
        self.refresh_auto()
        self.session.reveal()
        self.app.push("results", session=self.session.coin, kind="unknown",
                      again=lambda: self.new_game(self.session.seed), fresh=self.new_game)

    def reveal(self) -> None:
        self.session.reveal()

    # -- widgets ----------------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        width, height = window.size
        inner, bottom = self.split_window(window, max(290, min(350, int(width * 0.27))), 0.45)
        coin_h = max(90, min(160, int(height * 0.22) - 10))
        rects = stack(inner, coin_h, 20, 34, 18, 26, 18, 46, 32, 32, 60, gap=7)
        (self.coin_rect, self.bet_title, side_row, self.stake_text, slider_rect, self.share_text,
         flip_rect, auto_row, game_row, self.hint_rect) = rects
        self.stake_control = StakeControl(self, side_row, slider_rect, self.stake_pct)
        self.flip_button = self.button(flip_rect, _("Flip  (Space)"), "@primary")
        self.auto_button = self.button(auto_row, "", "@choice")
        reveal, new = row(game_row, 1, 1)
        self.reveal_button = self.button(reveal, _("Reveal p (R)"), "@small")
        self.new_button = self.button(new, _("New game (N)"), "@small")
        self.refresh()
        self.belief_rect, self.loss_rect = row(bottom, 1, 1, gap=MARGIN)

    def auto_label(self) -> str:
        return _("Auto-flip (A): on") if self.auto else _("Auto-flip (A): off")

    # -- input ------------------------------------------------------------------------------

    def actions(self) -> dict:
        return {self.reveal_button: self.reveal, self.new_button: self.ask_new_game}

    def key_actions(self) -> dict:
        return {pygame.K_r: self.reveal, pygame.K_f: self.results}

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        s = self.session
        p = f"p = {s.p:.2f}" if s.revealed else "p = ?"
        status = _("Flip {n} of {total}   ·   {p}   ·   You: {wealth}   ·   seed {seed}").format(
            n=self.shown, total=s.game.rounds, p=p, wealth=money(self.shown_wealth()),
            seed=s.seed)
        self.draw_status(surface, status)
        self.draw_controls(surface)
        self.draw_bankrolls(surface)
        self.draw_beliefs(surface)
        self.draw_losses(surface)

    def draw_controls(self, surface: pygame.Surface) -> None:
        s = self.session
        card(surface, self.left)
        self.coin.draw_with_message(surface, self.coin_rect, self.message, self.message_colour,
                                    header=8)
        heads = s.heads(self.shown)
        text(surface, _("heads {heads} · tails {tails}").format(heads=heads,
                                                              tails=self.shown - heads),
             self.coin_rect.topleft, 13,
             FAINT)
        text(surface, _("Your bet (even money)"), self.bet_title.topleft, 16, TEXT, bold=True)
        wealth = self.shown_wealth()  # not the bankroll after the flip still in the air
        stake = (_("Stake {pct}% on heads = {stake}") if self.side > 0 else
                 _("Stake {pct}% on tails = {stake}"))
        text(surface, stake.format(pct=self.stake_pct, stake=money(wealth * self.stake_pct / 100)),
             self.stake_text.topleft, 14, PLAYER, bold=True)
        a = (1 + self.fraction) / 2
        line = _("= your belief a = {a} heads (a = (1 + f)/2)").format(a=f"{a:.0%}")
        text(surface, line, self.share_text.topleft, fit_size(line, self.share_text.width, 13),
             MUTED)
        hint = _("Space flip · H/T side · ←/→ stake ±1% (Shift 5%) · A auto · R reveal p · "
                 "N new · Esc back")
        wrapped(surface, hint, self.hint_rect, 12, FAINT)

    def draw_bankrolls(self, surface: pygame.Surface) -> None:
        s = self.session
        inner = card(surface, self.bankroll_rect,
                     _("Bankroll, log scale: you, the Bayes bot, and Kelly who knows p "
                       "(when revealed)"))
        paths = s.coin.wealth_paths()[:, : self.shown + 1]
        series = [Series(_(BAYES_NAME), BAYES_COLOUR, paths[1], 2)]
        if s.revealed:
            series.insert(0, Series(_(KNOWER_NAME), KNOWER_COLOUR, paths[2], 2))
        series.append(Series(_("You"), PLAYER, paths[0], 4))
        x_max = min(s.game.rounds, max(20, math.ceil(self.shown * 1.25 / 10) * 10))
        bankroll_chart(surface, inner, series, x_max, s.game.start)

    def _bands(self) -> np.ndarray:
        if self._band is None or self._band[0] != self.shown:
            self._band = (self.shown, self.session.band(self.shown))
        return self._band[1]

    def _plot(self, inner: pygame.Rect) -> tuple[pygame.Rect, float]:
        plot = pygame.Rect(inner.left + 40, inner.top + 4, inner.width - 48, inner.height - 62)
        x_max = min(self.session.game.rounds, max(20, math.ceil(self.shown * 1.25 / 10) * 10))
        return plot, float(x_max)

    def _x_axis(self, surface, plot: pygame.Rect, x_max: float) -> None:
        step = nice_step(x_max, 5)
        tick = 0.0
        while tick <= x_max + 1e-9:
            x = plot.left + tick / x_max * plot.width
            pygame.draw.line(surface, GRID, (x, plot.top), (x, plot.bottom))
            text(surface, f"{tick:g}", (x, plot.bottom + 3), 11, MUTED, anchor="midtop")
            tick += step
        pygame.draw.rect(surface, AXIS, plot, width=1)

    def draw_beliefs(self, surface: pygame.Surface) -> None:
        s = self.session
        inner = card(surface, self.belief_rect,
                     _("Belief about p: bot's q (band: {level} credible), yours a").format(
                         level=f"{BAND_LEVEL:.0%}"))
        plot, x_max = self._plot(inner)
        for value in (0.0, 0.25, 0.5, 0.75, 1.0):
            y = plot.bottom - value * plot.height
            pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
            text(surface, f"{value:g}", (plot.left - 5, y), 11, MUTED, anchor="midright")
        self._x_axis(surface, plot, x_max)
        t = np.arange(self.shown + 1)
        xs = plot.left + t / x_max * plot.width
        band = self._bands()
        if self.shown > 0:
            upper = [(x, plot.bottom - hi * plot.height)
                     for x, hi in zip(xs, band[:, 1], strict=True)]
            lower = [(x, plot.bottom - lo * plot.height)
                     for x, lo in zip(xs, band[:, 0], strict=True)]
            shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
            pygame.draw.polygon(shade, (*BAYES_COLOUR, 50), upper + lower[::-1])
            surface.blit(shade, (0, 0))
            q = s.beliefs(self.shown)
            points = [(x, plot.bottom - v * plot.height) for x, v in zip(xs, q, strict=True)]
            pygame.draw.lines(surface, BAYES_COLOUR, False, points, 2)
            shares = s.player_shares(self.shown)
            for x, a in zip(xs[1:] - plot.width / x_max / 2, shares, strict=True):
                pygame.draw.circle(surface, PLAYER, (x, plot.bottom - a * plot.height), 2)
        q_now = float(s.beliefs(self.shown)[-1])
        if s.revealed:
            y = plot.bottom - s.p * plot.height
            dashed_line(surface, GOOD, (plot.left, y), (plot.right, y), 2)
            # on the side of the line away from where the bot's q ends, on a plate
            below = q_now >= s.p
            tag(surface, f"p = {s.p:.2f}", (plot.right - 4, y + 3 if below else y - 3), 12, GOOD,
                bold=True, anchor="topright" if below else "bottomright")
        low, high = band[-1]
        caption = _("bot: q = (1 + heads)/(2 + flips) = {q}, band [{low}, {high}]").format(
            q=f"{q_now:.2f}", low=f"{low:.2f}", high=f"{high:.2f}")
        text(surface, caption, (inner.left, inner.bottom - 34),
             fit_size(caption, inner.width, 12, smallest=8),
             BAYES_COLOUR)
        legend = _("gold dots: your belief a = (1 + f)/2 in each flip")
        text(surface, legend, (inner.left, inner.bottom - 16), fit_size(legend, inner.width, 12),
             PLAYER)

    def draw_losses(self, surface: pygame.Surface) -> None:
        s = self.session
        inner = card(surface, self.loss_rect,
                     _("Growth lost per flip: D(p‖q) = H(p, q) − H(p)"))
        ml_h = 36 if inner.width >= 420 else 52
        ml_rect = pygame.Rect(inner.left, inner.bottom - ml_h, inner.width, ml_h)
        wrapped(surface, _(ML_POINT), ml_rect, 12, TEXT)
        if not s.revealed:
            note = _("Hidden while p is hidden: it needs p. Press R to reveal p (or play to the "
                     "end) to see what each belief cost: the bot's D(p‖q_t), yours D(p‖a_t), "
                     "and the bot's total against what learning is expected to cost.")
            wrapped(surface, note, pygame.Rect(inner.left, inner.top + 8, inner.width,
                                               inner.height - ml_h - 8), 14, MUTED)
            return
        area = pygame.Rect(inner.left, inner.top, inner.width, inner.height - ml_h - 4)
        _plot, x_max = self._plot(area)
        plot = pygame.Rect(area.left + 40, area.top + 36, area.width - 48, area.height - 56)
        bot = s.bot_losses(self.shown)
        you = s.player_losses(self.shown)
        total = np.cumsum(bot)
        expected = np.cumsum(s.expected_losses(self.shown))
        high = max(0.05, float(np.max(total, initial=0.0)), float(np.max(expected, initial=0.0)),
                   float(np.max(np.where(np.isfinite(you), you, 0.0), initial=0.0)))
        step = nice_step(high, 3)
        tick = 0.0
        while tick <= high + 1e-9:
            y = plot.bottom - tick / high * plot.height
            pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
            text(surface, f"{tick:.2g}", (plot.left - 5, y), 11, MUTED, anchor="midright")
            tick += step
        self._x_axis(surface, plot, x_max)
        t = np.arange(1, self.shown + 1)
        xs = plot.left + t / x_max * plot.width

        def y_of(values):
            clipped = np.minimum(np.where(np.isfinite(values), values, high), high)
            return plot.bottom - clipped / high * plot.height

        if self.shown > 0:
            for x, y in zip(xs, y_of(bot), strict=True):
                pygame.draw.line(surface, BAYES_COLOUR, (x, plot.bottom), (x, y), 2)
            for x, y in zip(xs, y_of(you), strict=True):
                pygame.draw.circle(surface, PLAYER, (x, y), 2)
        if self.shown > 1:
            pygame.draw.lines(surface, INFO, False, list(zip(xs, y_of(expected), strict=True)), 2)
            pygame.draw.lines(surface, TEXT, False, list(zip(xs, y_of(total), strict=True)), 2)
        last_bot = float(bot[-1]) if self.shown else 0.0
        lines = [
            (_("bars: bot D(p‖q_t) = {d} now · dots: you D(p‖a_t)").format(d=f"{last_bot:.4f}"),
             BAYES_COLOUR),
            (_("white: bot total {total} nats · blue: expected {expected}").format(
                total=f"{float(total[-1]) if self.shown else 0.0:.3f}",
                expected=f"{float(expected[-1]) if self.shown else 0.0:.3f}"), TEXT),
        ]
        y = inner.top
        for line, colour in lines:
            text(surface, line, (inner.left, y), fit_size(line, inner.width, 12, smallest=8),
                 colour)
            y += 16


SCENE = UnknownScene
