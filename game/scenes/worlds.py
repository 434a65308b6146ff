"""Many worlds: one betting fraction, a thousand parallel bankrolls, revealed round by round.

The lesson of Peters (2019): the average over worlds grows at ln E[m] per round while the typical
world (the median) grows at the time-average rate g = E[ln m] <= ln E[m]. With the +50%/-40% fair
coin the mean gains 5% a round and almost every world shrinks. Every path comes from
:func:`sim.engine.simulate` (``record_paths=True``); the two dashed lines are the closed forms
W_0 e^(g t) and W_0 e^(t ln E[m]) (:mod:`sim.theory`).

Keys: Space run/pause, R restart, N new worlds (new seed), Left/Right fraction -/+1%,
P the Peters coin, K the 60% coin at its Kelly bet.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.scene import MARGIN, TOP_BAR, Scene, row, stack
from game.sessions.maths import kelly_bet, percent_per_round
from game.sessions.worlds import PETERS_COIN, PETERS_FRACTION, RUIN_SHARE, ManyWorlds
from game.ui import palette
from game.ui.charts import LogAxes, spread_labels
from game.ui.density import PathDensity
from game.ui.palette import Colour
from game.ui.style import (
    AXIS,
    BAD,
    GOOD,
    MUTED,
    PLAYER,
    TEXT,
    card,
    dashed_line,
    font,
    money,
    text,
    wrapped,
)
from sim.games import CoinGame
from sim.i18n import N_
from sim.i18n import gettext as _

PATHS = 1000
MEDIAN = (255, 255, 255)
MEAN = Colour((255, 159, 67), palette.ORANGE)
BAND = Colour((90, 130, 210), palette.BLUE)
BANDS = (0.05, 0.25, 0.75, 0.95)
KELLY_COIN = CoinGame(p=0.6, odds=1.0, start=100.0, floor=1.0, rounds=200)


class WorldsScene(Scene):
    name = "worlds"
    title = N_("Many worlds")
    hint = N_("The same bet in 1,000 parallel worlds. Watch the average and the typical world.")
    help_keys = ((N_("Space"), N_("run / pause")), ("R", N_("restart")),
                 ("N", N_("new worlds (new seed)")), ("← →", N_("fraction −/+1%")),
                 ("P", N_("the +50% / −40% coin")), ("K", N_("the 60% coin at its Kelly bet")))
    help_panels = ((N_("Bankroll of every world"), N_("brightness: how many of the worlds pass "
                    "there; the median is the typical world, the mean is carried by a lucky "
                    "few.")),
                   (N_("Numbers"), N_("the typical world, the average, and the share ahead or "
                    "ruined, as the rounds go by.")))

    def __init__(self, app, paths: int = PATHS, **options) -> None:
        super().__init__(app, **options)
        self.paths = paths
        self.game = PETERS_COIN
        self.fraction_pct = round(PETERS_FRACTION * 100)
        self.seed = app.seed
        self.speed = 20.0  # rounds per second
        self.running = True
        self.error = ""
        self.layer: PathDensity | None = None
        self.compute()

    # -- the model --------------------------------------------------------------------------

    @property
    def fraction(self) -> float:
        return self.fraction_pct / 100.0

    def compute(self) -> None:
        """Simulate every world for the whole game (the screen then reveals it round by round)."""
        self.worlds = ManyWorlds(self.game, self.fraction, self.paths, self.seed)
        self.t = 0.0
        self.shown = 0  # rounds already drawn onto the path layer
        self.layer = None
        self._range = self._wealth_range()
        self.median_path = self.worlds.median_log_path()
        self.mean_path = self.worlds.mean_log_path()
        self.bands = self.worlds.log_quantiles(BANDS)  # (4, rounds + 1) log-wealth

    def _wealth_range(self) -> tuple[float, float]:
        """A fixed y range for the whole run: the worlds' spread, the ruin line, both theories."""
        w = self.worlds
        low_path, high_path = w.log_quantiles((0.005, 0.995))
        high, low = np.max(high_path), np.min(low_path)
        theory = np.log([float(w.theory_mean(w.rounds)), float(w.theory_median(w.rounds))])
        theory = theory[np.isfinite(theory)]
        start = math.log(w.game.start)
        high = max(high, start + math.log(3), *theory)
        low = min(low, start - math.log(3), *theory)
        low = max(low, math.log(w.game.floor) - 0.4)
        return math.exp(low), math.exp(high + 0.3)

    def set_fraction(self, pct: int) -> None:
        pct = int(min(max(pct, 0), 100))
        if pct != self.fraction_pct:
            self.fraction_pct = pct
            self.slider_fraction.set_current_value(pct)
            self.compute()

    def preset(self, game: CoinGame, fraction: float) -> None:
        self.game = game
        self.fraction_pct = round(fraction * 100)
        self.error = ""
        self.build()
        self.compute()
        self.running = True

    # -- widgets ----------------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        width, height = window.size
        left_w = max(300, min(380, int(width * 0.29)))
        self.left = pygame.Rect(MARGIN, TOP_BAR, left_w, height - TOP_BAR - MARGIN)
        inner = self.left.inflate(-24, -20)
        rects = stack(inner, 20, 26, 34, 34, 20, 26, 44, 34, 16, 200, gap=8)
        (self.fraction_text, fraction_slider, peters_row, kelly_row, self.speed_text, speed_row,
         run_row, new_row, _gap, self.stats_rect) = rects
        self.stats_rect.height = inner.bottom - self.stats_rect.top
        self.slider_fraction = self.slider(fraction_slider, self.fraction_pct, 0, 100)
        self.peters_button = self.button(peters_row, _("+50% / −40% coin (P)"), "@small")
        self.kelly_button = self.button(kelly_row, _("60% coin at even money (K)"), "@small")
        self.speed_slider = self.slider(speed_row, self.speed, 1, 60)
        self.run_button = self.button(run_row, "", "@primary")
        restart, fresh = row(new_row, 1, 1)
        self.restart_button = self.button(restart, _("Restart (R)"), "@small")
        self.new_button = self.button(fresh, _("New worlds (N)"), "@small")
        self._refresh_run()
        self.chart_rect = pygame.Rect(self.left.right + MARGIN, TOP_BAR,
                                      width - self.left.right - 2 * MARGIN,
                                      height - TOP_BAR - MARGIN)
        self.layer = None

    def _refresh_run(self) -> None:
        if self.root is not None:
            self.run_button.set_text(_("Pause (Space)") if self.running else _("Run (Space)"))

    def toggle_run(self) -> None:
        if self.t >= self.worlds.rounds:
            self.t, self.shown, self.layer = 0.0, 0, None
        self.running = not self.running
        self._refresh_run()

    def restart(self) -> None:
        self.t, self.shown, self.layer = 0.0, 0, None
        self.running = True
        self._refresh_run()

    def new_worlds(self) -> None:
        self.seed = self.app.new_seed()
        self.compute()
        self.running = True
        self._refresh_run()

    def on_button(self, button) -> None:
        actions = {
            self.peters_button: lambda: self.preset(PETERS_COIN, PETERS_FRACTION),
            self.kelly_button: lambda: self.preset(KELLY_COIN, float(kelly_bet(KELLY_COIN))),
            self.run_button: self.toggle_run,
            self.restart_button: self.restart,
            self.new_button: self.new_worlds,
        }
        if button in actions:
            actions[button]()

    def on_slider(self, slider, value) -> None:
        if slider is self.slider_fraction:
            self.set_fraction(round(value))
        elif slider is self.speed_slider:
            self.speed = float(value)

    def on_key(self, event) -> None:
        key = event.key
        step = 5 if event.mod & pygame.KMOD_SHIFT else 1
        if key == pygame.K_SPACE:
            self.toggle_run()
        elif key == pygame.K_r:
            self.restart()
        elif key == pygame.K_n:
            self.new_worlds()
        elif key in (pygame.K_RIGHT, pygame.K_UP):
            self.set_fraction(self.fraction_pct + step)
        elif key in (pygame.K_LEFT, pygame.K_DOWN):
            self.set_fraction(self.fraction_pct - step)
        elif key == pygame.K_p:
            self.preset(PETERS_COIN, PETERS_FRACTION)
        elif key == pygame.K_k:
            self.preset(KELLY_COIN, float(kelly_bet(KELLY_COIN)))

    # -- time -------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        if self.running:
            self.t = min(self.t + self.speed * dt, float(self.worlds.rounds))
            if self.t >= self.worlds.rounds:
                self.running = False
                self._refresh_run()

    @property
    def round(self) -> int:
        return int(self.t)

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        w = self.worlds
        self.draw_status(surface, _(
            "Round {n} of {total}  ·  {worlds} worlds  ·  seed {seed}").format(
            n=self.round, total=w.rounds, worlds=f"{w.paths:,}", seed=self.seed))
        self.draw_controls(surface)
        self.draw_fan(surface)

    def draw_controls(self, surface: pygame.Surface) -> None:
        card(surface, self.left)
        g = self.game
        text(surface, _("Bet {pct}% on heads every round").format(pct=self.fraction_pct),
             self.fraction_text.topleft, 15, PLAYER, bold=True)
        text(surface, _("{speed} rounds per second").format(speed=f"{self.speed:.0f}"),
             self.speed_text.topleft, 13, MUTED)
        snap = self.worlds.snapshot(self.round)
        w = self.worlds
        rect = self.stats_rect
        y = rect.top
        win, lose = 1 + g.odds * self.fraction, 1 - self.fraction
        text(surface, _("Coin: heads {p} · win ×{win}, lose ×{lose}").format(
            p=f"{g.p:.0%}", win=f"{win:.2f}", lose=f"{lose:.2f}"), (rect.left, y), 13, MUTED)
        y += 26
        lines = (
            (_("Typical world (median)"), money(snap.median), MEDIAN),
            (_("Average of the worlds"), money(snap.mean), MEAN),
            (_("Worlds ahead of {start}").format(start=money(g.start, cents=False)),
             f"{snap.share_ahead:.0%}", GOOD),
            (_("Ruined (below {floor})").format(floor=money(RUIN_SHARE * g.start)),
             f"{snap.share_ruined:.0%}", BAD),
        )
        for label, value, colour in lines:
            text(surface, label, (rect.left, y), 14, colour)
            text(surface, value, (rect.right, y), 14, colour, bold=True, anchor="topright")
            y += 22
        y += 8
        mean_rate, time_rate = w.ensemble_growth, w.time_growth
        lesson = (
            _("With no bet every world stays at {start}: nothing is won, nothing is lost, the "
              "average and the typical world are the same.").format(
                start=money(g.start, cents=False))
            if self.fraction == 0 else
            _("The average grows {mean_pct}% a round (ln E[m] = {mean}), but each world grows "
              "at its time average g = E[ln m] = {time} ({time_pct}% a round).").format(
                mean_pct=f"{percent_per_round(mean_rate):+.1f}", mean=f"{mean_rate:+.4f}",
                time=f"{time_rate:+.4f}", time_pct=f"{percent_per_round(time_rate):+.1f}")
            if math.isfinite(time_rate) else
            _("The average grows {mean_pct}% a round, yet one tails ruins a world that bets "
              "everything: g = −∞.").format(mean_pct=f"{percent_per_round(mean_rate):+.1f}")
        )
        used = wrapped(surface, lesson, pygame.Rect(rect.left, y, rect.width, rect.bottom - y), 13,
                       TEXT)
        y += used + 6
        moral = _("A few lucky worlds carry the average. You live in one world: "
                  "the median is your future.")
        wrapped(surface, moral, pygame.Rect(rect.left, y, rect.width, rect.bottom - y), 13, MUTED)

    def _axes(self, plot: pygame.Rect) -> LogAxes:
        return LogAxes(plot, self.worlds.rounds, *self._range)

    def _update_density(self, plot: pygame.Rect, axes: LogAxes) -> None:
        """Add the rounds revealed since the last frame to the density picture (all of them after
        a resize or a restart)."""
        if (self.layer is None or (self.layer.width, self.layer.height) != plot.size
                or self.shown > self.round):
            self.layer = PathDensity(plot.size, self.worlds.paths)
            self.shown = 0
        upto = self.round
        if upto <= self.shown:
            return
        xs = axes.x(np.arange(self.shown, upto + 1)) - plot.left
        ys = axes.y_log(self.worlds.log_wealth[:, self.shown : upto + 1]) - plot.top
        self.layer.add(xs, ys)
        self.shown = upto

    def draw_fan(self, surface: pygame.Surface) -> None:
        inner = card(surface, self.chart_rect, _("Bankroll of every world (log scale)"))
        legend_h = self._legend(surface, inner)
        plot = pygame.Rect(inner.left + 48, inner.top + legend_h + 10, inner.width - 100,
                           inner.height - legend_h - 34)
        axes = self._axes(plot)
        axes.draw_grid(surface)
        self._draw_bands(surface, plot, axes)
        self._update_density(plot, axes)
        surface.blit(self.layer.image(), plot)
        w = self.worlds
        if w.game.floor >= math.exp(axes.log_low):
            floor_y = float(axes.y(w.game.floor))
            pygame.draw.line(surface, BAD, (plot.left, floor_y), (plot.right, floor_y), 1)
            text(surface, _("ruin"), (plot.right - 4, floor_y - 2), 11, BAD, anchor="bottomright")
        else:  # the ruin line is below the axis: say so instead of drawing it on the axis
            text(surface, _("ruin ({floor}) is below the axis ▼").format(
                floor=money(w.game.floor, cents=False)),
                 (plot.right - 4, plot.bottom - 2), 11, BAD, anchor="bottomright")
        start_y = float(axes.y(w.game.start))
        dashed_line(surface, AXIS, (plot.left, start_y), (plot.right, start_y))
        rounds = np.arange(self.round + 1)
        ends = [self._theory_line(surface, axes, plot, w.theory_median, MEDIAN),
                self._theory_line(surface, axes, plot, w.theory_mean, MEAN)]
        if ends[0][0] == ends[1][0]:  # both theories end at the same amount: one label
            ends = ends[:1]
        rows = spread_labels([y for _, y, _ in ends], 14, plot.top + 6, plot.bottom - 6)
        for (label, _y, colour), y in zip(ends, rows, strict=True):
            text(surface, label, (plot.right + 2, y), 11, colour, anchor="midleft")
        if self.round >= 1:
            upto = self.round + 1
            for series, colour in ((self.mean_path, MEAN), (self.median_path, MEDIAN)):
                pts = np.column_stack([axes.x(rounds), axes.y_log(series[:upto])]).tolist()
                pygame.draw.lines(surface, colour, False, pts, 3)

    def _draw_bands(self, surface: pygame.Surface, plot: pygame.Rect, axes: LogAxes) -> None:
        """Shade where the middle 90% and the middle 50% of the worlds are."""
        if self.round < 1:
            return
        xs = axes.x(np.arange(self.round + 1)) - plot.left
        shade = pygame.Surface(plot.size, pygame.SRCALPHA)
        for low, high, alpha in ((0, 3, 70), (1, 2, 110)):
            lower = axes.y_log(self.bands[low, : self.round + 1]) - plot.top
            upper = axes.y_log(self.bands[high, : self.round + 1]) - plot.top
            outline = np.concatenate([np.column_stack([xs, upper]),
                                      np.column_stack([xs, lower])[::-1]]).tolist()
            pygame.draw.polygon(shade, (*BAND, alpha), outline)
        surface.blit(shade, plot)

    def _theory_line(self, surface, axes: LogAxes, plot: pygame.Rect, formula,
                     colour) -> tuple[str, float, tuple]:
        """Draw a theory curve (dotted); returns its end label, the label's row and colour."""
        ts = np.linspace(0, self.worlds.rounds, 60)
        values = formula(ts)
        ys = axes.y(values)
        xs = axes.x(ts)
        previous = surface.get_clip()
        surface.set_clip(plot)
        for i in range(0, len(ts) - 1, 2):
            pygame.draw.line(surface, colour, (xs[i], ys[i]), (xs[i + 1], ys[i + 1]), 1)
        surface.set_clip(previous)
        label = money(float(values[-1]) if values[-1] >= 0.01 else 0.0, cents=False)
        return label, float(np.clip(ys[-1], plot.top, plot.bottom)), colour

    def _legend(self, surface: pygame.Surface, inner: pygame.Rect) -> int:
        """The key above the chart, wrapped onto more rows if narrow; returns its height."""
        items = (
            (_("━ typical world (median)"), MEDIAN),
            (_("━ average of the worlds"), MEAN),
            (_("┅ theory: e^(g·t), e^(t·ln E[m])"), MUTED),
            (_("▒ worlds: middle 50% and 90% shaded"), (120, 160, 220)),
        )
        x, y = inner.left + 4, inner.top + 2
        for label, colour in items:
            width = font(13).size(label)[0]
            if x + width > inner.right and x > inner.left + 4:
                x, y = inner.left + 4, y + 20
            rect = text(surface, label, (x, y), 13, colour)
            x = rect.right + 18
        return y + 20 - inner.top


SCENE = WorldsScene
