"""Private wire: Kelly's (1956) gambler with a tip, against one without, on the same flips.

A friend phones a tip before each even-money flip of a fair coin; the tip is right with
probability q (the slider). Without the tip the coin gives no edge and the best bet is nothing;
with it the best bet is 2q - 1 of the bankroll on the tipped side, and the bankroll grows at
ln 2 - H(q) a flip: the capacity of the wire. The screen shows both bankrolls on the same flips
and the capacity curve with this seed's Monte Carlo check (every number from
:mod:`game.sessions.wire`, which takes them from :mod:`sim`).

Keys: Space flip, A auto-flip, Left/Right accuracy -/+1% (Shift: 5%), Home same flips again,
N new flips, Esc back. Mouse: the slider, the buttons, a click on the capacity chart picks q.
"""

from __future__ import annotations

import math

import pygame

from game.scene import MARGIN, TOP_BAR, Scene, row, stack
from game.sessions.wire import WireSession, capacity_curve
from game.ui.charts import Series, bankroll_chart
from game.ui.lines import Curve, Level, line_chart
from game.ui.style import (
    BAD,
    FAINT,
    GOOD,
    INFO,
    MUTED,
    PLAYER,
    TEXT,
    card,
    fit_size,
    text,
    wrapped,
)
from sim.i18n import N_
from sim.i18n import gettext as _
from sim.money import format_money

WITHOUT_COLOUR = (176, 181, 200)
WITH_COLOUR = PLAYER
#: flips a second when auto-flip is on
AUTO_RATE = 12.0
STEP, JUMP = 0.01, 0.05


class WireScene(Scene):
    name = "wire"
    title = N_("Private wire")
    hint = N_("A tip right with chance q is worth ln 2 − H(q) a flip.")
    status_width = 520

    def __init__(self, app, seed: int | None = None, rounds: int = 100, accuracy: float = 0.6,
                 **options) -> None:
        super().__init__(app, **options)
        self.session = WireSession(app.seed if seed is None else seed, rounds, accuracy)
        self.auto = bool(app.auto)
        self.clock = 0.0
        self.capacity_axes = None

    # -- the game ---------------------------------------------------------------------------

    def set_accuracy(self, accuracy: float) -> None:
        q = round(min(max(accuracy, 0.0), 1.0), 2)
        if q != self.session.accuracy:
            self.session.set_accuracy(q)
        shown = round(q * 100)
        if self.root is not None and round(self.slider_widget.get_current_value()) != shown:
            self.slider_widget.set_current_value(shown)

    def flip(self) -> None:
        if self.session.flip() is not None:
            self.app.sounds.play("click")
        if self.session.finished:
            self.set_auto(False)

    def set_auto(self, on: bool) -> None:
        self.auto = on and not self.session.finished
        self.clock = 0.0
        if self.root is not None:
            self.auto_button.set_text(_("Auto-flip (A): on") if self.auto else
                                      _("Auto-flip (A): off"))
            (self.auto_button.select if self.auto else self.auto_button.unselect)()

    def again(self) -> None:
        self.session.restart()
        self.set_auto(False)

    def new_flips(self) -> None:
        self.session.new_flips(self.app.new_seed())
        self.set_auto(False)

    # -- widgets ----------------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        width, height = window.size
        left_w = max(300, min(380, int(width * 0.28)))
        self.left = pygame.Rect(MARGIN, TOP_BAR, left_w, height - TOP_BAR - MARGIN)
        inner = self.left.inflate(-24, -20)
        rects = stack(inner, 24, 30, 40, 44, 36, 36, 10, inner.height - 268, gap=8)
        (self.q_title, slider_rect, self.stake_rect, flip_rect, auto_rect, game_row, _gap,
         self.facts_rect) = rects
        self.slider_widget = self.slider(slider_rect, round(self.session.accuracy * 100), 0, 100)
        self.flip_button = self.button(flip_rect, _("Flip  (Space)"), "@primary")
        self.auto_button = self.button(auto_rect, "", "@choice")
        again, new = row(game_row, 1, 1)
        self.again_button = self.button(again, _("Same flips (Home)"), "@small")
        self.new_button = self.button(new, _("New flips (N)"), "@small")
        right = pygame.Rect(self.left.right + MARGIN, TOP_BAR, width - self.left.right - 2 * MARGIN,
                            height - TOP_BAR - MARGIN)
        chart_h = int(right.height * 0.52)
        self.bankroll_rect = pygame.Rect(right.left, right.top, right.width, chart_h)
        self.capacity_rect = pygame.Rect(right.left, self.bankroll_rect.bottom + MARGIN,
                                         right.width, right.height - chart_h - MARGIN)
        self.set_auto(self.auto)

    # -- input ------------------------------------------------------------------------------

    def on_button(self, button) -> None:
        actions = {self.flip_button: self.flip, self.auto_button: lambda: self.set_auto(
            not self.auto), self.again_button: self.again, self.new_button: self.new_flips}
        action = actions.get(button)
        if action is not None:
            action()

    def on_slider(self, slider, value) -> None:
        if slider is self.slider_widget:
            self.set_accuracy(round(value) / 100)

    def on_key(self, event) -> None:
        step = JUMP if event.mod & pygame.KMOD_SHIFT else STEP
        if event.key == pygame.K_SPACE:
            self.flip()
        elif event.key == pygame.K_a:
            self.set_auto(not self.auto)
        elif event.key in (pygame.K_LEFT, pygame.K_DOWN):
            self.set_accuracy(self.session.accuracy - step)
        elif event.key in (pygame.K_RIGHT, pygame.K_UP):
            self.set_accuracy(self.session.accuracy + step)
        elif event.key == pygame.K_HOME:
            self.again()
        elif event.key == pygame.K_n:
            self.new_flips()

    def on_click(self, position) -> None:
        axes = self.capacity_axes
        if axes is not None and axes.plot.collidepoint(position):
            self.set_accuracy(axes.x_of(position[0]))

    def update(self, dt: float) -> None:
        if self.auto:
            self.clock += dt
            if self.clock >= 1.0 / AUTO_RATE:
                self.clock = 0.0
                self.flip()

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        s = self.session
        status = _("Flip {n} of {total}  ·  tip right {right}  ·  seed {seed}").format(
            n=s.round, total=s.rounds, right=s.tips_right(), seed=s.seed)
        right_edge = surface.get_width() - MARGIN - (120 if self.back_button else 0)
        text(surface, status, (right_edge, TOP_BAR // 2 + 2), 14, TEXT, anchor="midright")
        self.draw_controls(surface)
        self.draw_bankrolls(surface)
        self.draw_capacity(surface)

    def draw_controls(self, surface: pygame.Surface) -> None:
        s = self.session
        card(surface, self.left)
        title = _("The tip is right q = {q} of the time").format(q=f"{s.accuracy:.0%}")
        text(surface, title, self.q_title.topleft, fit_size(title, self.q_title.width, 16,
             bold=True), TEXT, bold=True)
        line = (_("With the tip: stake |2q − 1| = {stake} on the tip") if s.accuracy >= 0.5 else
                _("With the tip: stake |2q − 1| = {stake} against the tip")).format(
            stake=f"{s.stake:.0%}")
        text(surface, line, self.stake_rect.topleft,
             fit_size(line, self.stake_rect.width, 14, bold=True, smallest=8), WITH_COLOUR,
             bold=True)
        line = _("Without it: a fair coin, no edge, stake 0")
        text(surface, line, (self.stake_rect.left, self.stake_rect.top + 21),
             fit_size(line, self.stake_rect.width, 13, smallest=8), MUTED)
        self.draw_facts(surface, self.facts_rect)

    def _last_flip(self) -> tuple[str, tuple[int, int, int]]:
        s = self.session
        if s.round == 0:
            return _("Press Space: the phone rings, then the coin lands."), MUTED
        flip = s.record(s.round)
        upper = (_("HEADS"), _("TAILS"))  # SIDES in capitals
        line = (_("Tip: {tip} · coin: {coin} · the tip was right") if flip.tip_right else
                _("Tip: {tip} · coin: {coin} · the tip was wrong"))
        return (line.format(tip=upper[flip.tip], coin=upper[flip.outcome]),
                GOOD if flip.tip_right else BAD)

    def draw_facts(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        s = self.session
        line, colour = self._last_flip()
        y = rect.top + wrapped(surface, line, pygame.Rect(rect.left, rect.top, rect.width, 40),
                               14, colour, bold=True) + 8
        without, with_tip = s.growth()
        columns = (0, 0.5, 0.75)
        for label, share in zip(("", _("no tip"), _("with tip")), columns, strict=True):
            text(surface, label, (rect.left + share * rect.width, y), 13, MUTED, bold=True)
        y += 20
        rows = (
            (_("bankroll"), format_money(s.wealth_without()[-1]),
             format_money(s.wealth_with()[-1])),
            (_("growth so far"), f"{without:+.4f}", f"{with_tip:+.4f}"),
            (_("growth, theory"), f"{s.value.without_wire:+.4f}", f"{s.value.with_wire:+.4f}"),
        )
        for cells in rows:
            for cell, share, colour in zip(cells, columns, (MUTED, WITHOUT_COLOUR, WITH_COLOUR),
                                           strict=True):
                text(surface, cell, (rect.left + share * rect.width, y), 14, colour)
            y += 20
        y += 6
        info = _("ln 2 − H(q) = {capacity} nats a flip = I(X;Y): the wire's capacity "
                 "(Kelly 1956).").format(capacity=f"{s.capacity:.4f}")
        room = max(0, rect.bottom - 40 - y)
        y += wrapped(surface, info, pygame.Rect(rect.left, y, rect.width, room), 13, TEXT) + 6
        keys = _("Space flip · A auto · ←/→ q ±1% (Shift 5%) · Home · N · Esc back")
        wrapped(surface, keys, pygame.Rect(rect.left, max(y, rect.bottom - 34), rect.width, 36),
                12, FAINT)

    def draw_bankrolls(self, surface: pygame.Surface) -> None:
        s = self.session
        inner = card(surface, self.bankroll_rect,
                     _("Bankroll, log scale: the same flips without and with the tip"))
        series = [Series(_("No tip"), WITHOUT_COLOUR, s.wealth_without(), 2),
                  Series(_("With tip"), WITH_COLOUR, s.wealth_with(), 4)]
        x_max = min(s.rounds, max(20, math.ceil(s.round * 1.25 / 10) * 10))
        bankroll_chart(surface, inner, series, x_max, s.start)

    def draw_capacity(self, surface: pygame.Surface) -> None:
        s = self.session
        inner = card(surface, self.capacity_rect,
                     _("Growth per flip against the tip's accuracy q: the capacity ln 2 − H(q)"))
        curve = capacity_curve()
        check = s.check()
        note_h = 20
        chart = pygame.Rect(inner.left, inner.top, inner.width, inner.height - note_h)
        curves = [Curve(_("with the tip"), WITH_COLOUR, curve["accuracy"].to_numpy(),
                        curve["with_wire"].to_numpy(), 2),
                  Curve(_("without"), WITHOUT_COLOUR, curve["accuracy"].to_numpy(),
                        curve["without_wire"].to_numpy(), 2)]
        axes = line_chart(surface, chart, curves, (0.0, 1.0), (-0.03, 0.74), _("tip accuracy q"),
                          levels=[Level(_("ln 2: a perfect tip"), FAINT, math.log(2))],
                          y_format="{:.1f}")
        self.capacity_axes = axes
        x = float(axes.px(s.accuracy))
        pygame.draw.line(surface, INFO, (x, axes.plot.top), (x, axes.plot.bottom), 1)
        mean, error = check["with_mc"], check["with_se"]
        if math.isfinite(mean):
            low, high = axes.py(mean - 2 * error), axes.py(mean + 2 * error)
            pygame.draw.line(surface, INFO, (x, float(low)), (x, float(high)), 3)
            pygame.draw.circle(surface, INFO, (x, float(axes.py(mean))), 5)
        pygame.draw.circle(surface, WITH_COLOUR, (x, float(axes.py(s.capacity))), 4)
        note = _("q = {q}: theory {theory}; Monte Carlo {mean} ± {error} (2 s.e., {paths} "
                 "bankrolls × {rounds} flips)").format(
            q=f"{s.accuracy:.2f}", theory=f"{s.capacity:.4f}", mean=f"{mean:.4f}",
            error=f"{2 * error:.4f}", paths=f"{check['paths']:,}", rounds=s.rounds)
        text(surface, note, (inner.left, inner.bottom - note_h + 4),
             fit_size(note, inner.width, 13, smallest=9), INFO)


SCENE = WireScene
