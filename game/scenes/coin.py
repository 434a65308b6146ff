"""The Coin screen: choose a side and a stake, flip, and race four robots on the same flips.

What the player sees, all from the session and :mod:`sim.theory`:

* the bankroll of the player and of each bot on a log scale (the same flips for everyone);
* the growth curve G(f) = p ln(1 + b f) + (1 - p) ln(1 - f) with the player's marker and the
  Kelly peak at f* = p - (1 - p)/b (Kelly 1956);
* the decomposition G = ln 2 - H(p) - D(p||a) with a = (1 + f)/2 the share on heads (even money;
  for other odds sum p ln o - H(p) - D(p||a)), so straying from a = p visibly costs D(p||a).

Keys: Space flip, H/T side, Left/Right stake -/+1% (Shift: 5%), A auto-flip, N new game,
F finish, Esc back. A click on the growth curve picks that bet.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.scene import MARGIN, parse_number, row, stack
from game.scenes.bet import BetScene, StakeControl
from game.sessions.maths import (
    bet_decomposition,
    bet_growth,
    growth_curve,
    kelly_bet,
    percent_per_round,
    share_on_heads,
)
from game.sessions.session import CoinSession
from game.ui.charts import Marker, Series, bankroll_chart, decomposition_bars, growth_curve_chart
from game.ui.style import (
    BAD,
    FAINT,
    GOOD,
    MUTED,
    PANEL,
    PLAYER,
    TEXT,
    bettor_colour,
    card,
    font,
    money,
    text,
    wrapped,
)
from sim.games import CoinGame
from sim.i18n import N_
from sim.i18n import gettext as _

CURVE_POINTS = 401
RESULTS_DELAY = 1.2  # seconds between the last flip landing and the results screen


def coin_game(p: float, odds: float, rounds: int) -> CoinGame:
    """The Coin screen's game: $100 to start, no cap; p and odds validated by CoinGame."""
    return CoinGame(p=p, odds=odds, start=100.0, rounds=rounds)


def odds_text(odds: float) -> str:
    return _("even money") if odds == 1 else _("heads pays {odds} to 1").format(odds=f"{odds:g}")


class CoinScene(BetScene):
    name = "coin"
    title = N_("Coin")
    hint = N_("Bet part of your money on each flip. The robots bet on the same flips.")
    bust_text = N_("bust! You lost everything.")
    help_keys = ((N_("Space"), N_("flip the coin")), ("H / T", N_("bet on heads / tails")),
                 ("← → (↑ ↓)", N_("stake −/+1% (Shift: 5%)")), ("A", N_("auto-flip on / off")),
                 ("N", N_("new game (press twice during a game)")),
                 ("F", N_("finish: the results")), (N_("click the G(f) chart"),
                                                     N_("bet that fraction")),
                 (N_("p, b boxes + Enter"), N_("play another coin (a new game)")))
    help_panels = ((N_("Bankroll"), N_("your money (gold) and four robots on the same flips, log "
                    "scale: equal steps are equal growth rates.")),
                   (N_("Growth per flip G(f)"), N_("the long-run growth of every bet; the peak is "
                    "Kelly's f*. Below 0 you lose in the long run, even with an edge.")),
                   (N_("Why"), N_("growth = ln 2 − H(p) − D(p‖a): the entropy of the coin nobody "
                    "beats, and D(p‖a), what your share a on heads costs against p.")))

    def __init__(self, app, game: CoinGame | None = None, seed: int | None = None,
                 session: CoinSession | None = None, **options):
        """``session``: a play-through to go on with (Resume on the menu)."""
        super().__init__(app, **options)
        settings = app.settings
        self.game = (session.game if session is not None else
                     game or coin_game(settings.p, settings.odds, settings.rounds))
        self.error = ""
        self.curve_plot: pygame.Rect | None = None
        self.start_session(session.seed if session is not None else
                           app.seed if seed is None else seed)
        if session is not None:
            self.session, self.revealed = session, session.round
            self.message = _("Welcome back: flip {n} of {total}.").format(
                n=session.round, total=self.game.rounds)

    # -- the game ---------------------------------------------------------------------------

    @property
    def bets(self) -> CoinSession:
        return self.session

    def start_session(self, seed: int) -> None:
        self.session = CoinSession(self.game, seed)
        self.revealed = 0
        self.finish_clock: float | None = None
        self.message = _("Pick a side and a stake, then flip.")
        self.message_colour = MUTED
        self._paths = None
        self.curve = growth_curve(self.game, CURVE_POINTS)
        self.kelly = float(kelly_bet(self.game))

    def play_round(self):
        self.session.bet = self.fraction
        return self.session.play()

    def toss_seconds(self) -> float:
        return min(0.7, 0.85 / self.auto_speed) if self.auto else 0.7

    def land(self) -> None:
        super().land()
        self._paths = None

    def landed(self, record) -> None:
        if self.session.finished:
            self.finish_clock = RESULTS_DELAY
            self.auto = False
            self.refresh_auto()

    def replay(self) -> None:
        self.new_game(self.session.seed)

    def finish(self) -> None:
        """Go to the results (the game ends here)."""
        self.coin.finish()
        self.land()
        self.finish_clock = None
        self.auto = False
        self.refresh_auto()
        self.app.push("results", session=self.session, again=self.replay, fresh=self.new_game)

    def apply_coin(self) -> None:
        """Read p and the odds from the text boxes and start a game with that coin."""
        try:
            p = parse_number("p", self.p_entry.get_text())
            odds = parse_number("odds", self.odds_entry.get_text())
            if not 0.01 <= p <= 0.99:
                raise ValueError(_("p = {p}: choose a chance between 0.01 and 0.99").format(
                    p=f"{p:g}"))
            if not 0.1 <= odds <= 10:
                raise ValueError(_("odds = {odds}: choose odds between 0.1 and 10").format(
                    odds=f"{odds:g}"))
            game = coin_game(p, odds, self.game.rounds)
        except ValueError as error:
            self.error = str(error)
            return
        self.error = ""
        if game == self.game or not self.confirm(
                "coin", self.under_way(),
                _("A new coin starts a new game: press Enter or Apply again to leave flip {n} of "
                  "{total} for p = {p}, b = {b}.").format(n=self.session.round,
                                                          total=self.game.rounds, p=f"{p:g}",
                                                          b=f"{odds:g}")):
            return
        self.game = game
        self.new_game(self.session.seed)

    # -- widgets ----------------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        width, height = window.size
        inner, bottom = self.split_window(window, max(300, min(380, int(width * 0.29))), 0.56)
        coin_h = max(100, min(190, int(height * 0.24) - 20))
        rects = stack(inner, coin_h, 22, 34, 18, 26, 18, 46, 32, 16, 32, 34, 32, 18, gap=7)
        (self.coin_rect, self.bet_title, side_row, self.stake_text, slider_rect, self.share_text,
         flip_rect, auto_row, self.speed_text, game_row, self.coin_title, entry_row,
         self.error_rect) = rects
        self.stake_control = StakeControl(self, side_row, slider_rect, self.stake_pct,
                                          allow_tails=self.game.allow_tails, disable_tails=True)
        self.flip_button = self.button(flip_rect, _("Flip  (Space)"), "@primary")
        auto, speed = row(auto_row, 1, 1.2)
        self.auto_button = self.button(auto, "", "@choice")
        self.speed_slider = self.slider(speed, self.auto_speed * 4, 1, 40)
        self.speed_text.left = speed.left
        new, finish = row(game_row, 1, 1)
        self.new_button = self.button(new, _("New game (N)"), "@small")
        self.finish_button = self.button(finish, _("Finish ▶ results (F)"), "@small")
        p_label, p_box, o_label, o_box, apply = row(entry_row, 0.25, 1, 0.25, 1, 1, gap=6)
        self.p_label, self.odds_label = p_label, o_label
        self.p_entry = self.entry(p_box, f"{self.game.p:g}")
        self.odds_entry = self.entry(o_box, f"{self.game.odds:g}")
        self.apply_button = self.button(apply, _("Apply"), "@small")
        self.stake_control.show_side(self.side)
        self.refresh_auto()
        self.curve_rect, self.bars_rect = row(bottom, 1, 1.2, gap=MARGIN)

    # -- input ------------------------------------------------------------------------------

    def actions(self) -> dict:
        return {self.new_button: self.ask_new_game, self.finish_button: self.finish,
                self.apply_button: self.apply_coin}

    def key_actions(self) -> dict:
        return {pygame.K_f: self.finish}

    def on_slider(self, slider, value) -> None:
        if slider is self.speed_slider:
            self.auto_speed = value / 4
        else:
            super().on_slider(slider, value)

    def on_text(self, entry, value) -> None:
        if entry in (self.p_entry, self.odds_entry):
            self.apply_coin()

    def on_click(self, position) -> None:
        plot = self.curve_plot
        if plot is None or not plot.collidepoint(position):
            return
        low = float(self.curve[0][0])
        f = low + (position[0] - plot.left) / max(plot.width, 1) * (1.0 - low)
        self.set_side(1 if f >= 0 else -1)
        self.set_stake(round(abs(f) * 100))

    # -- time -------------------------------------------------------------------------------

    def advance(self, dt: float) -> bool:
        """Count down to the results once the last flip has landed; True once they open."""
        if self.finish_clock is not None and not self.coin.busy:
            self.finish_clock -= dt
            if self.finish_clock <= 0:
                self.finish()
                return True
        return False

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        status = _("Flip {n} of {total}   ·   You: {wealth}   ·   seed {seed}").format(
            n=self.revealed, total=self.game.rounds, wealth=money(self.shown_wealth()),
            seed=self.session.seed)
        self.draw_status(surface, status)
        self.draw_controls(surface)
        self.draw_bankrolls(surface)
        self.draw_curve(surface)
        self.draw_bars(surface)

    def draw_controls(self, surface: pygame.Surface) -> None:
        card(surface, self.left)
        self.coin.draw_with_message(surface, self.coin_rect, self.message, self.message_colour,
                                    header=30)
        odds = odds_text(self.game.odds)
        text(surface, _("Coin: heads {p} of the time, {odds}").format(p=f"{self.game.p:.0%}",
                                                                     odds=odds),
             self.coin_rect.topleft, 13, MUTED)
        heads = sum(r.outcome == 0 for r in self.session.history[: self.revealed])
        tally = _("heads {heads}  ·  tails {tails}").format(heads=heads,
                                                             tails=self.revealed - heads)
        text(surface, tally, (self.coin_rect.left, self.coin_rect.top + 18), 13, FAINT)
        text(surface, _("Your bet"), self.bet_title.topleft, 16, TEXT, bold=True)
        wealth = self.shown_wealth()  # not the bankroll after the flip still in the air
        stake = money(wealth * self.stake_pct / 100)
        line = (_("Stake {pct}% on heads = {stake}") if self.side > 0 else
                _("Stake {pct}% on tails = {stake}"))
        text(surface, line.format(pct=self.stake_pct, stake=stake),
             self.stake_text.topleft, 14, PLAYER, bold=True)
        on_heads = round(100 * share_on_heads(self.game, self.fraction))  # the two make 100%
        text(surface, _("= share a = {heads}% on heads, {tails}% on tails").format(
            heads=on_heads, tails=100 - on_heads),
             self.share_text.topleft, 13, MUTED)
        text(surface, _("speed {speed} flips/s").format(speed=f"{self.auto_speed:.2g}"),
             self.speed_text.topleft, 12, MUTED)
        wrapped(surface, _("Change the coin: p = chance of heads, heads pays b to 1 (type, then "
                "Enter)"), self.coin_title.inflate(0, 4), 13, MUTED, spacing=0)
        text(surface, "p", self.p_label.midright, 15, TEXT, bold=True, anchor="midright")
        text(surface, "b", self.odds_label.midright, 15, TEXT, bold=True, anchor="midright")
        if self.error:
            wrapped(surface, self.error, self.error_rect.inflate(0, 16), 12, BAD)

    def _wealth_paths(self) -> np.ndarray:
        if self._paths is None:
            self._paths = self.session.wealth_paths()[:, : self.revealed + 1]
        return self._paths

    def draw_bankrolls(self, surface: pygame.Surface) -> None:
        inner = card(surface, self.bankroll_rect,
                     _("Bankroll, log scale: you (gold) against robots on the same flips"))
        paths = self._wealth_paths()
        names = self.session.names
        bets = [self.fraction] + [float(b.strategy.constant_fractions(self.game))
                                  for b in self.session.bots]
        labels = [f"{_(name)} {_side(bet)}{abs(bet):.0%}"
                  for name, bet in zip(names, bets, strict=True)]
        series = [
            Series(labels[i], bettor_colour(name, i), paths[i], 2)
            for i, name in enumerate(names) if i > 0
        ]
        series.append(Series(labels[0], bettor_colour(names[0]), paths[0], 4))
        x_max = min(self.game.rounds, max(20, math.ceil(self.revealed * 1.25 / 10) * 10))
        bankroll_chart(surface, inner, series, x_max, self.game.start)
        if self.revealed == 0:
            tip = _("Press Space or Flip to toss the coin. Everyone bets on the same flips: you "
                    "(gold) and four robots that always stake the share shown beside their name. "
                    "Who ends up richest after {rounds} flips?").format(rounds=self.game.rounds)
            box = pygame.Rect(0, 0, min(460, inner.width - 240), 96)
            box.center = (inner.centerx - 80, inner.centery - 40)
            pygame.draw.rect(surface, PANEL, box, border_radius=8)
            pygame.draw.rect(surface, PLAYER, box, width=1, border_radius=8)
            wrapped(surface, tip, box.inflate(-24, -18), 14, TEXT)

    def draw_curve(self, surface: pygame.Surface) -> None:
        inner = card(surface, self.curve_rect, _("Long-run growth per flip G(f)"))
        fractions, growth = self.curve
        others = []
        for i, bot in enumerate(self.session.bots, start=1):
            bet = float(bot.strategy.constant_fractions(self.game))
            others.append(Marker(_(bot.name), bettor_colour(bot.name, i), bet,
                                 float(bet_growth(self.game, bet))))
        kelly_growth = float(bet_growth(self.game, self.kelly))
        peak = Marker(f"f* = {abs(self.kelly):.0%}", bettor_colour("Kelly"), self.kelly,
                      kelly_growth)
        you = Marker(_("You"), PLAYER, self.fraction, float(bet_growth(self.game, self.fraction)))
        chart = pygame.Rect(inner.left, inner.top, inner.width, inner.height - 20)
        self.curve_plot = growth_curve_chart(surface, chart, fractions, growth, peak, you, others)
        g = you.growth
        verdict = (_("you: G = −∞, bust for sure") if g == -math.inf else
                   _("you: G = {g} ≈ {pct}% a flip").format(g=f"{g:+.4f}",
                                                          pct=f"{percent_per_round(g):+.2f}"))
        text(surface, verdict, (inner.left, inner.bottom), 13,
             GOOD if g > 0 else BAD if g < 0 else MUTED, anchor="bottomleft")

    def draw_bars(self, surface: pygame.Surface) -> None:
        even = self.game.odds == 1
        title = (_("Why: growth = ln 2 − H(p) − D(p‖a)") if even else
                 _("Why: growth = Σ p ln o − H(p) − D(p‖a)"))
        inner = card(surface, self.bars_rect, title)
        d = bet_decomposition(self.game, self.fraction)
        lesson_h = 3 * font(13).get_linesize() if inner.width < 420 else 2 * font(13).get_linesize()
        bars = pygame.Rect(inner.left, inner.top + 2, inner.width, inner.height - lesson_h - 8)
        decomposition_bars(surface, bars, float(d.log_odds), float(d.entropy),
                           float(d.divergence), "ln 2" if even else "Σ p ln o")
        a = float(d.effective_shares[0])
        p = self.game.p
        lesson = (_("Your share on heads a = {a}, the coin's p = {p}. They match: D = 0, the "
                    "most you can grow.") if abs(a - p) < 0.005 else
                  _("Your share on heads a = {a}, the coin's p = {p}. Move a toward p to shrink "
                    "D(p‖a) and grow faster.")).format(a=f"{a:.2f}", p=f"{p:.2f}")
        lesson_rect = pygame.Rect(inner.left, bars.bottom + 6, inner.width, lesson_h + 4)
        wrapped(surface, lesson, lesson_rect, 13, TEXT)


def _side(bet: float) -> str:
    """'T ' in front of a tails bet, nothing for heads."""
    return _("T ") if bet < 0 else ""


SCENE = CoinScene
