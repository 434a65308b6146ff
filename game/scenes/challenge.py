"""The Challenge screen: Haghani & Dewey's experiment (2016), played by hand.

$25, a coin said to land heads 60% of the time, even money, bets in cents on heads or tails,
300 flips or a 30-minute clock (a setting), winnings capped at $250 — a cap shown as '???' until
a bet could reach it, as in the experiment. When the game ends the screen puts the player's
payout beside the paper's 61 subjects (:data:`sim.challenge.PAPER_OBSERVED`), constant Kelly
(20%) and optimal play (:func:`sim.optimal.solve`) on the same flips, with the exact expected
payout of optimal play V(25, 300) from the dynamic program. The robots are prepared on a
background thread (see :class:`game.sessions.challenge.ChallengeSession`), so no frame waits.

Keys: Space flip, H/T side, Left/Right stake -/+1% of the bankroll (Shift: 5%), type dollars in
the box and Enter, M switch 300 flips / 30-minute clock (starts a new game), S stop and compare,
A auto-flip (20 flips a second with the current bet: demos and screenshots), N new game, Esc back.
"""

from __future__ import annotations

import math

import pygame

from game.saves import add_score
from game.scene import parse_number, row, stack
from game.scenes.bet import BetScene, StakeControl
from game.scenes.results import score_of
from game.sessions.challenge import KELLY_NAME, OPTIMAL_NAME, ChallengeSession
from game.ui import palette
from game.ui.charts import Series, bankroll_chart
from game.ui.palette import Colour
from game.ui.style import (
    BAD,
    FAINT,
    GOOD,
    MUTED,
    PLAYER,
    TEXT,
    bettor_colour,
    card,
    fit_size,
    money,
    text,
    wrapped,
)
from sim.challenge import PAPER_OBSERVED
from sim.games import HAGHANI_DEWEY
from sim.i18n import N_
from sim.i18n import gettext as _

AUTO_PERIOD = 0.05  # seconds between auto flips
ROBOT_COLOURS = {KELLY_NAME: bettor_colour("Kelly"), OPTIMAL_NAME: Colour((128, 237, 153),
                                                                  palette.BLUISH_GREEN)}


def clock_text(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole // 60:d}:{whole % 60:02d}"


class ChallengeScene(BetScene):
    name = "challenge"
    title = N_("Challenge")
    hint = N_("Haghani & Dewey (2016): $25, a 60% coin, at most 300 flips. What would you win?")
    bust_text = N_("bust! Nothing left to bet.")
    auto_waits_for_coin = False  # auto-flip lands a coin still in the air and flips again
    auto_slack = 1e-9
    auto_stops_at_end = True  # a finished game never flips on by itself, nor does a new one
    help_keys = ((N_("Space"), N_("flip the coin")), ("H / T", N_("bet on heads / tails")),
                 ("← → (↑ ↓)", N_("stake −/+1% (Shift: 5%)")), ("A", N_("auto-flip on / off")),
                 ("N", N_("new game (press twice during a game)")),
                 (N_("type dollars + Enter"), N_("stake in dollars")),
                 ("M", N_("300 flips or the clock")),
                 ("S", N_("stop and compare")), ("F", N_("results and high scores")))
    help_panels = ((N_("Your bet"), N_("$25 to start, a 60% coin, even money, bets in cents; the "
                    "cap is hidden until a bet could reach it.")),
                   (N_("Bankroll"), N_("your money, log scale; the robots appear at the end.")),
                   (N_("How you compare"), N_("your payout beside the 2016 subjects, a 20% Kelly "
                    "robot and optimal play on the same flips, with their exact expected "
                    "payouts.")))

    def __init__(self, app, game=None, seed: int | None = None, mode: str = "flips",
                 solver=None, **options) -> None:
        super().__init__(app, **options)
        self.game = game or HAGHANI_DEWEY
        self.mode = mode
        self.solver = solver  # tests pass a slow or tiny solver; None: sim.optimal.solve
        self.start_session(app.seed if seed is None else seed)

    # -- the game ---------------------------------------------------------------------------

    @property
    def bets(self):
        return self.session.player

    @property
    def finished(self) -> bool:
        return self.session.finished

    def start_session(self, seed: int) -> None:
        self.session = ChallengeSession(self.game, seed, self.mode)
        if self.solver is None:
            self.session.prepare_robots()
        else:
            self.session.prepare_robots(self.solver)
        self.revealed = 0
        self.scored = False
        self.error = ""
        self.message = _("Type a bet in dollars or use the slider, pick a side, flip.")
        self.message_colour = MUTED
        self.place_bet(1, round(self.session.wealth * 0.1, 2))

    def place_bet(self, side: int, stake: float) -> None:
        try:
            self.session.set_bet(side, stake)
        except ValueError as error:
            self.error = str(error)
            return
        self.error = ""
        self.refresh()

    def stake_from_percent(self, pct: float) -> float:
        wealth = self.session.wealth
        return min(round(wealth * pct) / 100.0, wealth)

    def play_round(self):
        return self.session.play()

    def landed(self, record) -> None:
        self.refresh()  # the stake kept for the next flip fits the bankroll it landed on
        self.score_once()

    def score_once(self) -> None:
        """A game that has ended goes into the high scores once (with its seed and rules)."""
        if self.session.finished and not self.scored and self.revealed == self.session.round:
            self.scored = True
            player = self.session.player
            try:
                add_score(score_of(player, player.results(), "challenge",
                                   f"{self.mode} p={self.game.p:g} "
                                   f"cap={money(self.game.cap, cents=False)}"))
            except OSError as error:  # a full disk must not stop the game
                self.message, self.message_colour = _("score not saved: {error}").format(
                    error=error), BAD

    def results(self) -> None:
        """F: the results and the high scores of the Challenge."""
        self.coin.finish()
        self.land()
        self.score_once()
        self.auto = False
        self.refresh_auto()
        self.app.push("results", session=self.session.player, kind="challenge", record=False,
                      about=f"{self.mode} p={self.game.p:g} "
                            f"cap={money(self.game.cap, cents=False)}",
                      again=lambda: self.new_game(self.session.seed), fresh=self.new_game)

    def toss_seconds(self) -> float:
        return AUTO_PERIOD * 0.8 if self.auto else 0.6

    def auto_period(self) -> float:
        return AUTO_PERIOD

    def stop(self) -> None:
        if not self.session.finished and self.session.round > 0:
            self.coin.finish()
            self.land()
            self.session.stop()
            self.score_once()
            self.message = _("You stopped: your bankroll is your payout.")
            self.message_colour = TEXT

    def set_mode(self, mode: str) -> None:
        if mode != self.mode and self.confirm(
                "mode", self.under_way(), _("A new game length starts a new game: press M "
                                            "again to leave this one at flip {n}.").format(
                    n=self.session.round)):
            self.mode = mode
            self.new_game()
        self._refresh_mode()

    # -- the bet: kept in dollars by the session --------------------------------------------

    @property
    def side(self) -> int:
        return self.session.side

    @property
    def stake_pct(self) -> float:
        wealth = self.session.wealth
        return 100.0 * self.session.stake / wealth if wealth > 0 else 0.0

    def set_side(self, side: int) -> None:
        self.place_bet(side, self.session.stake)

    def set_stake(self, pct: float) -> None:
        self.place_bet(self.side, self.stake_from_percent(min(max(pct, 0), 100)))

    def slide_stake(self, pct: int) -> None:
        self.place_bet(self.side, self.stake_from_percent(pct))

    # -- widgets ----------------------------------------------------------------------------

    @property
    def stake_entry(self):
        return self.stake_control.entry

    def layout(self, window: pygame.Rect) -> None:
        width, height = window.size
        inner, bottom = self.split_window(window, max(320, min(370, int(width * 0.29))), 0.52)
        coin_h = max(96, min(170, int(height * 0.22) - 10))
        rects = stack(inner, coin_h, 40, 22, 34, 32, 26, 18, 46, 16, 32, 32, 40, gap=7)
        (self.coin_rect, self.rules_rect, self.bet_title, side_row, stake_row, slider_rect,
         self.stake_text, flip_rect, self.mode_title, mode_row, game_row,
         self.error_rect) = rects
        self.dollar_label, box = row(stake_row, 0.12, 1, gap=4)
        self.stake_control = StakeControl(self, side_row, slider_rect, self.stake_pct,
                                          entry_rect=box, entry_text=f"{self.session.stake:.2f}")
        self.flip_button = self.button(flip_rect, _("Flip  (Space)"), "@primary")
        flips, clock = row(mode_row, 1, 1)
        self.flips_button = self.button(flips, _("300 flips"), "@choice")
        self.clock_button = self.button(clock, _("30-minute clock"), "@choice")
        auto, stop, new = row(game_row, 0.75, 1.35, 0.9, gap=6)
        self.auto_button = self.button(auto, "", "@choice")
        self.stop_button = self.button(stop, _("Stop & compare (S)"), "@small")
        self.new_button = self.button(new, _("New game (N)"), "@small")
        self.refresh()
        self._refresh_mode()
        self.compare_rect = bottom

    def refresh(self) -> None:
        if self.root is None or self.stake_control is None:
            return
        self.stake_control.show(self.side, self.stake_pct, f"{self.session.stake:.2f}")
        self.refresh_auto()

    def auto_label(self) -> str:
        return _("Auto (A): on") if self.auto else _("Auto (A): off")

    def _refresh_mode(self) -> None:
        if self.root is None:
            return
        for button, mode in ((self.flips_button, "flips"), (self.clock_button, "clock")):
            if mode == self.mode:
                button.select()
            else:
                button.unselect()

    # -- input ------------------------------------------------------------------------------

    def actions(self) -> dict:
        return {
            self.flips_button: lambda: self.set_mode("flips"),
            self.clock_button: lambda: self.set_mode("clock"),
            self.stop_button: self.stop,
            self.new_button: self.ask_new_game,
        }

    def key_actions(self) -> dict:
        return {
            pygame.K_m: lambda: self.set_mode("clock" if self.mode == "flips" else "flips"),
            pygame.K_s: self.stop,
            pygame.K_f: self.results,
        }

    def on_text(self, entry, value) -> None:
        if entry is self.stake_entry:
            try:
                stake = round(parse_number(_("stake"), value or "0"), 2)
            except ValueError as error:
                self.error = str(error)
                return
            self.place_bet(self.side, stake)
            self.ui.set_focus_set(None)
            self.refresh()

    # -- time -------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        was_over = self.session.finished
        super().update(dt)
        self.session.advance(dt)
        if self.session.time_up and not was_over:
            self.message, self.message_colour = _("Time is up: your bankroll is your payout."), TEXT
        if self.session.finished and not self.coin.busy:
            self.score_once()

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        s = self.session
        left = s.time_left
        pace = (_("{clock} left").format(clock=clock_text(left)) if left is not None else
                _("Flip {n} of {total}").format(n=self.revealed, total=s.game.rounds))
        self.draw_status(surface, _("{pace}   ·   You: {wealth}   ·   seed {seed}").format(
            pace=pace, wealth=money(self.shown_wealth()), seed=s.seed))
        self.draw_controls(surface)
        self.draw_bankrolls(surface)
        self.draw_comparison(surface)

    def draw_controls(self, surface: pygame.Surface) -> None:
        s = self.session
        card(surface, self.left)
        self.coin.draw_with_message(surface, self.coin_rect, self.message, self.message_colour,
                                    header=8)
        heads = sum(r.outcome == 0 for r in s.player.history[: self.revealed])
        text(surface, _("heads {heads} · tails {tails}").format(heads=heads,
                                                              tails=self.revealed - heads),
             self.coin_rect.topleft, 13, FAINT)
        rules = _("{start} to start · heads {p} · even money · bets in cents").format(
            start=f"${s.game.start:.0f}", p=f"{s.game.p:.0%}")
        text(surface, rules, self.rules_rect.topleft, fit_size(rules, self.rules_rect.width, 13),
             MUTED)
        cap = _("maximum payout: {cap}").format(cap=s.cap_text)
        text(surface, cap, self.rules_rect.bottomleft, 14, GOOD if s.cap_known else TEXT,
             bold=True, anchor="bottomleft")
        text(surface, _("Your bet"), self.bet_title.topleft, 16, TEXT, bold=True)
        text(surface, "$", self.dollar_label.midright, 16, TEXT, bold=True, anchor="midright")
        stake, wealth = s.stake, s.wealth
        if self.revealed < s.round:  # the coin in the air carries the bet placed before it
            stake, wealth = s.player.history[self.revealed].stake, self.shown_wealth()
        pct = 100.0 * stake / wealth if wealth > 0 else 0.0
        line = (_("{stake} on heads = {pct}% of {wealth}") if s.side > 0 else
                _("{stake} on tails = {pct}% of {wealth}")).format(
            stake=money(stake), pct=f"{pct:.1f}", wealth=money(wealth))
        text(surface, line, self.stake_text.topleft, fit_size(line, self.stake_text.width, 14,
                                                               bold=True), PLAYER, bold=True)
        length = _("Game length (M) — a change starts a new game")
        text(surface, length, self.mode_title.topleft, fit_size(length, self.mode_title.width, 12),
             MUTED)
        if self.error:
            wrapped(surface, self.error, self.error_rect, 12, BAD)
        else:
            wrapped(surface, _("Space flip · H/T side · ←/→ stake ±1% (Shift 5%) · type dollars, "
                    "Enter · A auto · Esc back"), self.error_rect, 12, FAINT)

    def draw_bankrolls(self, surface: pygame.Surface) -> None:
        s = self.session
        over = s.finished and not self.coin.busy
        title = (_("Bankroll, log scale: you against the robots on the same flips") if over else
                 _("Your bankroll, log scale (the robots are shown when the game ends)"))
        inner = card(surface, self.bankroll_rect, title)
        series = []
        run = s.robot_run
        x_max = min(s.game.rounds, max(20, -(-int(self.revealed * 1.25) // 10) * 10))
        if over and run is not None:
            for i, name in enumerate(run.names):
                series.append(Series(_(name), ROBOT_COLOURS[name], run.wealth[i], 2))
            x_max = s.game.rounds
        series.append(Series(_("You"), PLAYER, s.player.wealth_paths()[0, : self.revealed + 1], 4))
        bankroll_chart(surface, inner, series, x_max, s.game.start)

    def draw_comparison(self, surface: pygame.Surface) -> None:
        s = self.session
        over = s.finished and not self.coin.busy
        inner = card(surface, self.compare_rect,
                     _("How you compare") if over else
                     _("At the end: you against the paper and the robots, on the same flips"))
        run = s.robot_run
        robots = s.robots
        if robots is not None and robots.error is not None:
            status, colour = _("Optimal play could not be prepared: {error}").format(
                error=robots.error), BAD
        elif run is None:
            status, colour = _("Preparing optimal play… (solving the dynamic program, a few "
                               "seconds the first time)"), MUTED
        else:
            status, colour = _("Optimal play is ready: exact expected payout V($25, {n} flips) = "
                               "{value}.").format(n=s.game.rounds,
                                                  value=money(run.optimal_value)), FAINT
        if not over:
            intro = _("In 2016, {subjects} finance students and young "
                      "professionals played this game for real money. Play it your way; when it "
                      "ends (all flips, bust, the cap, the clock, or S to stop) you see your "
                      "payout beside theirs, beside a robot that always bets 20% (Kelly) and "
                      "beside optimal play — all on the flips you saw.").format(
                subjects=PAPER_OBSERVED.subjects)
            used = wrapped(surface, intro, inner, 14, TEXT)
            wrapped(surface, status, pygame.Rect(inner.left, inner.top + used + 8, inner.width,
                                                 inner.bottom - inner.top - used - 8), 13, colour)
            return
        self.draw_table(surface, inner, run, status, colour)

    def draw_table(self, surface, inner: pygame.Rect, run, status: str, colour) -> None:
        s = self.session
        paper = PAPER_OBSERVED
        columns = row(pygame.Rect(inner.left, inner.top, inner.width, 20), 1.25, 1, 1, 1.7, gap=6)
        for rect, head in zip(columns, ("", _("payout"), _("flips"), _("expected payout (exact)")),
                              strict=True):
            text(surface, head, rect.topleft, 12, FAINT, bold=True)
        pay = s.payout()
        you_end = (_("capped") if s.player.capped[0] else _("bust") if s.player.ruined[0]
                   else "")
        lines = [(_("You"), PLAYER, money(pay), f"{s.round} {you_end}".strip(), "—")]
        if run is not None:
            ends = [(_("capped") if run.capped[i] else _("bust") if run.ruined[i] else "")
                    for i in range(2)]
            lines.append((_(KELLY_NAME), ROBOT_COLOURS[KELLY_NAME], money(run.final[0]),
                          f"{run.rounds_played[0]} {ends[0]}".strip(),
                          _("{value} · cap {share}").format(value=money(run.kelly_value),
                                                            share=f"{run.kelly_p_cap:.0%}")))
            lines.append((_(OPTIMAL_NAME), ROBOT_COLOURS[OPTIMAL_NAME], money(run.final[1]),
                          f"{run.rounds_played[1]} {ends[1]}".strip(),
                          _("{value} · cap {share}").format(value=money(run.optimal_value),
                                                            share=f"{run.optimal_p_cap:.0%}")))
        lines.append((_("Paper's {n}").format(n=paper.subjects), MUTED,
                      _("mean {value}").format(value=money(paper.mean_payout)), "≈300",
                      _("{capped} capped · {bust} bust").format(capped=f"{paper.p_cap:.0%}",
                                                                 bust=f"{paper.p_bust:.0%}")))
        step = max(18, min(24, (inner.height - 70) // 5))
        y = inner.top + 22
        for name, line_colour, *cells in lines:
            for rect, cell in zip(columns, (name, *cells), strict=True):
                size = fit_size(cell, rect.width, 14, bold=rect is columns[0])
                text(surface, cell, (rect.left, y), size, line_colour if rect is columns[0]
                     else TEXT, bold=rect is columns[0])
            y += step
        verdict = s.verdict()
        if run is None:
            verdict += " " + status
            colour = MUTED
        rest = pygame.Rect(inner.left, y + 4, inner.width, inner.bottom - y - 4)
        wrapped(surface, verdict, rest, 13, TEXT if run is not None else colour)


SCENE = ChallengeScene
