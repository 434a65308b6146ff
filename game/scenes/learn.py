"""Learn to bet: a model is a gambler who bets its probabilities; its loss is its bankroll.

Pick a data set, a model and a smoothing k, press Train, and watch, step by step, the training
and test cross-entropy (the log loss) beside the model's bankroll on the training races and on
new (test) races, all at fair m-for-1 odds, where growth per race = ln m - cross-entropy. The
unsmoothed frequency table fits its training races and goes bust on the test races; smoothing
keeps it alive; the "hard" model (all on the favourite, what accuracy rewards) goes bust on its
first miss. Every number comes from :mod:`game.sessions.learn`, which takes them from
:mod:`sim.models`.

Keys: Enter or T train, E train to the end, 1-5 model, D data set, Left/Right smoothing -/+0.1
(Shift: 1), Esc back. Mouse: the buttons and the slider.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.scene import MARGIN, TOP_BAR, Scene, row, stack
from game.sessions.learn import SMOOTHING_RANGE, LearnSession, preload_datasets
from game.ui.lines import Curve, Level, line_chart, value_range
from game.ui.style import BAD, FAINT, GOOD, MUTED, TEXT, card, fit_size, text, wrapped
from sim.i18n import N_
from sim.i18n import gettext as _
from sim.models import DATASETS, MODELS
from sim.money import format_money

TRAIN_COLOUR = (76, 201, 240)
TEST_COLOUR = (239, 71, 111)
BEST_COLOUR = (128, 237, 153)
#: seconds one training run takes on screen
TRAIN_SECONDS = 3.0
#: the names on the buttons (the identifiers are English; their names are translated)
SHOWN = {"synthetic": N_("synthetic"), "iris": N_("iris"), "wine": N_("wine"),
         "base": N_("base"), "table": N_("table"), "smoothed": N_("smoothed"),
         "softmax": N_("softmax"), "hard": N_("hard")}
ABOUT = {
    "base": N_("Base rate: the same odds for every race, whatever the features."),
    "table": N_("Frequency table (MLE): the winners' shares in each cell of the form guide."),
    "smoothed": N_("The same table with k added to every count: never bet everything."),
    "softmax": N_("Softmax regression, trained by gradient steps on the cross-entropy."),
    "hard": N_("All on the softmax's favourite: what accuracy rewards."),
}


class LearnScene(Scene):
    name = "learn"
    title = N_("Learn to bet")
    hint = N_("Training loss = what the model loses betting on races it has seen.")
    status_width = 420

    def __init__(self, app, dataset: str = "synthetic", model: str = "table",
                 smoothing: float = 0.0, **options) -> None:
        super().__init__(app, **options)
        self.session = LearnSession(dataset, model, smoothing, seed=0)
        preload_datasets()  # iris and wine: scikit-learn's import off the frame loop
        self.clock = 0.0
        if app.auto:  # demos and screenshots: a finished run
            self.session.run_to_end()

    # -- the game ---------------------------------------------------------------------------

    def train(self) -> None:
        self.session.train()
        self.clock = 0.0
        self.app.sounds.play("click")

    def to_end(self) -> None:
        self.session.run_to_end()

    def choose(self, **change) -> None:
        self.session.choose(**change)
        self.refresh()

    def set_smoothing(self, k: float) -> None:
        k = round(min(max(k, SMOOTHING_RANGE[0]), SMOOTHING_RANGE[1]), 1)
        if k != self.session.smoothing:
            self.choose(smoothing=k)

    # -- widgets ----------------------------------------------------------------------------

    def layout(self, window: pygame.Rect) -> None:
        width, height = window.size
        left_w = max(300, min(380, int(width * 0.28)))
        self.left = pygame.Rect(MARGIN, TOP_BAR, left_w, height - TOP_BAR - MARGIN)
        inner = self.left.inflate(-24, -20)
        rects = stack(inner, 18, 30, 18, 30, 30, 20, 26, 42, 30, inner.height - 312, gap=7)
        (self.data_title, data_row, self.model_title, models_a, models_b, self.k_title, k_row,
         train_rect, end_rect, self.facts_rect) = rects
        self.data_buttons = dict(zip(DATASETS, (self.button(r, _(SHOWN[name]), "@choice")
                                                for r, name in
                                                zip(row(data_row, 1, 1, 1), DATASETS,
                                                    strict=True)), strict=True))
        rects = row(models_a, 1, 1, 1) + row(models_b, 1, 1)
        self.model_buttons = {name: self.button(r, _(SHOWN[name]), "@choice")
                              for name, r in zip(MODELS, rects, strict=True)}
        self.k_slider = self.slider(k_row, self.session.smoothing * 10,
                                    SMOOTHING_RANGE[0] * 10, SMOOTHING_RANGE[1] * 10)
        self.train_button = self.button(train_rect, _("Train  (Enter)"), "@primary")
        self.end_button = self.button(end_rect, _("Train to the end (E)"), "@small")
        right = pygame.Rect(self.left.right + MARGIN, TOP_BAR, width - self.left.right - 2 * MARGIN,
                            height - TOP_BAR - MARGIN)
        half = (right.height - MARGIN) // 2
        self.loss_rect = pygame.Rect(right.left, right.top, right.width, half)
        self.bank_rect = pygame.Rect(right.left, right.top + half + MARGIN, right.width,
                                     right.height - half - MARGIN)
        self.refresh()

    def refresh(self) -> None:
        if self.root is None:
            return
        for groups, chosen in ((self.data_buttons, self.session.dataset),
                               (self.model_buttons, self.session.model)):
            for name, button in groups.items():
                (button.select if name == chosen else button.unselect)()
        shown = round(self.session.smoothing * 10)
        if round(self.k_slider.get_current_value()) != shown:
            self.k_slider.set_current_value(shown)

    # -- input ------------------------------------------------------------------------------

    def on_button(self, button) -> None:
        if button is self.train_button:
            self.train()
        elif button is self.end_button:
            self.to_end()
        for name, widget in self.data_buttons.items():
            if widget is button:
                self.choose(dataset=name)
        for name, widget in self.model_buttons.items():
            if widget is button:
                self.choose(model=name)

    def on_slider(self, slider, value) -> None:
        if slider is self.k_slider:
            self.set_smoothing(round(value) / 10)

    def on_key(self, event) -> None:
        step = 1.0 if event.mod & pygame.KMOD_SHIFT else 0.1
        key = event.key
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_t, pygame.K_SPACE):
            self.train()
        elif key == pygame.K_e:
            self.to_end()
        elif key == pygame.K_d:
            names = list(DATASETS)
            self.choose(dataset=names[(names.index(self.session.dataset) + 1) % len(names)])
        elif pygame.K_1 <= key < pygame.K_1 + len(MODELS):
            self.choose(model=MODELS[key - pygame.K_1])
        elif key in (pygame.K_LEFT, pygame.K_DOWN):
            self.set_smoothing(self.session.smoothing - step)
        elif key in (pygame.K_RIGHT, pygame.K_UP):
            self.set_smoothing(self.session.smoothing + step)

    def update(self, dt: float) -> None:
        if self.session.training:
            self.clock += dt
            due = math.floor(self.clock * self.session.steps / TRAIN_SECONDS)
            self.session.advance(max(0, due - self.session.step))

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        s = self.session
        status = _("{dataset}: {train} training, {test} test races, {horses} horses at "
                   "{horses}-for-1").format(dataset=_(SHOWN[s.dataset]), train=s.train_races.size,
                                            test=s.test_races.size, horses=s.horses)
        right_edge = surface.get_width() - MARGIN - (120 if self.back_button else 0)
        shown = text(surface, status, (right_edge, TOP_BAR // 2 + 2),
                     fit_size(status, self.status_width, 14, smallest=10), TEXT,
                     anchor="midright")
        self._status_left = shown.left  # the hint keeps clear of it (as draw_status does)
        self.draw_controls(surface)
        self.draw_losses(surface)
        self.draw_bankrolls(surface)

    def draw_controls(self, surface: pygame.Surface) -> None:
        s = self.session
        card(surface, self.left)
        text(surface, _("Races (D)"), self.data_title.topleft, 14, TEXT, bold=True)
        text(surface, _("Model (1-5)"), self.model_title.topleft, 14, TEXT, bold=True)
        line = (_("Smoothing k = {k} (←/→; used by {model})") if s.model in ("smoothed", "base")
                else _("Smoothing k = {k} (←/→; not used by {model})")).format(
            k=f"{s.smoothing:.1f}", model=_(SHOWN[s.model]))
        text(surface, line, self.k_title.topleft, fit_size(line, self.k_title.width, 14,
             bold=True), TEXT, bold=True)
        self.draw_facts(surface, self.facts_rect)

    def verdict(self) -> tuple[str, tuple[int, int, int]]:
        """The sentence under the numbers, from the run's own numbers."""
        s = self.session
        latest = s.latest()
        if latest is None:
            return _("{about} Press Enter to train.").format(about=_(ABOUT[s.model])), MUTED
        race = s.bust_race("test")
        if race is not None:
            if s.model == "hard":
                return _("Bust on test race {race}: all on the favourite, and the favourite "
                         "lost. Accuracy is not the growth rate; the log score is.").format(
                    race=race), BAD
            return _("Bust on test race {race}: it staked nothing on the winner. Overfitting is "
                     "overbetting.").format(race=race), BAD
        gap = latest["test_cross_entropy"] - latest["train_cross_entropy"]
        return _("Alive on new races; the test loss is {gap} nats above the training "
                 "loss.").format(gap=f"{gap:+.3f}"), GOOD

    def draw_facts(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        s = self.session
        latest = s.latest()
        text(surface, _("Step {n} of {total}").format(n=s.step, total=s.steps), rect.topleft, 15,
             TEXT, bold=True)
        y = rect.top + 24
        columns = (0, 0.5, 0.76)
        for label, share, colour in zip(("", _("train"), _("test")), columns,
                                        (MUTED, TRAIN_COLOUR, TEST_COLOUR), strict=True):
            text(surface, label, (rect.left + share * rect.width, y), 13, colour, bold=True)
        y += 19
        for label, key in ((_("cross-entropy"), "cross_entropy"), (_("growth / race"), "growth")):
            cells = [label] + [self._number(latest, f"{split}_{key}") for split in
                               ("train", "test")]
            for cell, share in zip(cells, columns, strict=True):
                text(surface, cell, (rect.left + share * rect.width, y), 13, TEXT)
            y += 19
        money = [_("bankroll")] + [self._money(split) for split in ("train", "test")]
        for cell, share in zip(money, columns, strict=True):
            text(surface, cell, (rect.left + share * rect.width, y),
                 fit_size(cell, int(rect.width * 0.26), 13, smallest=9), TEXT)
        y += 24
        identity = _("growth = ln {horses} − cross-entropy, ln {horses} = {even}").format(
            horses=s.horses, even=f"{s.break_even:.3f}")
        text(surface, identity, (rect.left, y), fit_size(identity, rect.width, 12), MUTED)
        y += 20
        line, colour = self.verdict()
        room = max(0, rect.bottom - 34 - y)
        wrapped(surface, line, pygame.Rect(rect.left, y, rect.width, room), 13, colour)
        keys = _("Enter train · E end · 1-5 model · D races · ←/→ k")
        wrapped(surface, keys, pygame.Rect(rect.left, rect.bottom - 32, rect.width, 34), 12, FAINT)

    @staticmethod
    def _number(latest: dict | None, key: str) -> str:
        if latest is None:
            return "—"
        value = latest[key]
        return "∞" if value == math.inf else "−∞" if value == -math.inf else f"{value:.3f}"

    def _money(self, split: str) -> str:
        s = self.session
        if s.latest() is None:
            return "—"
        if s.bust_race(split) is not None:
            return _("bust")
        return format_money(float(s.bankroll(split)[-1]))

    def draw_losses(self, surface: pygame.Surface) -> None:
        s = self.session
        inner = card(surface, self.loss_rect, _("Loss per race (cross-entropy, nats) at each "
                                                "training step: train and test"))
        curve = s.curve()
        steps = curve["step"].to_numpy() if len(curve) else np.array([])
        even = _("ln {horses}: break even").format(horses=s.horses)
        curves, levels = [], [Level(even, FAINT, s.break_even)]
        if len(curve):
            curves = [Curve(_("train"), TRAIN_COLOUR, steps,
                            curve["train_cross_entropy"].to_numpy()),
                      Curve(_("test"), TEST_COLOUR, steps,
                            curve["test_cross_entropy"].to_numpy())]
            if "test_entropy" in curve:
                levels.append(Level(_("H(p): the true chances"), BEST_COLOUR,
                                    float(curve["test_entropy"].iloc[-1])))
        values = [c.y for c in curves]
        low, high = value_range(values, [0.0, s.break_even * 1.15])
        line_chart(surface, inner, curves, (0, s.steps), (max(0.0, low), high), _("training step"),
                   levels, y_format="{:.1f}")
        self._legend(surface, inner, _("× = infinite loss (bust)"))

    def draw_bankrolls(self, surface: pygame.Surface) -> None:
        s = self.session
        inner = card(surface, self.bank_rect, _("ln bankroll race by race, this step's model "
                                                "(slope = growth per race)"))
        curves = []
        for split, colour in (("train", TRAIN_COLOUR), ("test", TEST_COLOUR)):
            wealth = s.log_bankroll(split)
            curves.append(Curve(_(split), colour, np.arange(wealth.size), wealth))
        races = max(s.train_races.size, 1)
        low, high = value_range([c.y for c in curves], [0.0, 1.0])
        line_chart(surface, inner, curves, (0, races), (low, high), _("race"), (),
                   y_format="{:.0f}")
        self._legend(surface, inner, _("× = bust (ln 0 = −∞)"))

    def _legend(self, surface, inner: pygame.Rect, note: str) -> None:
        x = inner.left + 50
        y = inner.bottom - 7
        for label, colour in (("train", TRAIN_COLOUR), ("test", TEST_COLOUR)):
            pygame.draw.line(surface, colour, (x, y), (x + 18, y), 3)
            x = text(surface, _(label), (x + 24, y), 12, colour, anchor="midleft").right + 14
        text(surface, note, (x, y), 12, MUTED, anchor="midleft")


SCENE = LearnScene
