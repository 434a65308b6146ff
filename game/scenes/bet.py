"""What every coin-betting screen shares: side, stake, auto-flip, flip and land, keys, sliders.

:class:`BetScene` is the base of the Coin, Challenge and Unknown coin screens. It owns the
player's side and stake (through a :class:`StakeControl`), the coin in the air, the result line
once it lands, auto-flip, and the keys and widgets that go with them; each screen adds only its
own panels and the rules of its session:

* :meth:`BetScene.play_round` plays one flip on the screen's session and returns its record;
* :attr:`BetScene.bets` is the :class:`~game.sessions.session.CoinSession` whose flips are shown;
* :meth:`BetScene.landed` runs after a flip lands (the end of a game, for instance);
* :meth:`BetScene.actions` and :meth:`BetScene.key_actions` add the screen's own buttons and keys.

:class:`StakeControl` is a composite widget in the manner of pygame_gui's composite elements
(a text box with its buttons, a slider with its arrows): it owns the Heads and Tails buttons, the
stake slider and, for a stake in money, a text box, and keeps them in step with the scene's bet.

Keys: Space flip, H/T side, Left/Right (Up/Down) stake -/+1% (Shift: 5%), A auto-flip, N new game.
"""

from __future__ import annotations

import pygame
from pygame_gui.elements import UIButton, UIHorizontalSlider, UITextEntryLine

from game.scene import MARGIN, TOP_BAR, Scene, row, set_label
from game.sessions.session import CoinSession, RoundRecord
from game.ui.coin import CoinFlip
from game.ui.style import BAD, GOOD, MUTED, money
from sim.i18n import N_
from sim.i18n import gettext as _

STAKE_STEP = 1  # percent per arrow key
STAKE_JUMP = 5  # percent per arrow key with Shift


class StakeControl:
    """Heads and Tails buttons, a stake slider in percent and, optionally, a money text box.

    The elements live in the scene's container; the control routes their events back to the
    scene (:meth:`BetScene.set_side`, :meth:`BetScene.slide_stake`) and shows the scene's bet
    again with :meth:`show`.
    """

    def __init__(self, scene: Scene, side_row: pygame.Rect, slider_rect: pygame.Rect,
                 pct: float, entry_rect: pygame.Rect | None = None, entry_text: str = "",
                 allow_tails: bool = True, disable_tails: bool = False) -> None:
        heads, tails = row(side_row, 1, 1)
        self.heads: UIButton = scene.button(heads, _("Heads (H)"), "@choice")
        self.tails: UIButton = scene.button(tails, _("Tails (T)"), "@choice")
        if disable_tails and not allow_tails:
            self.tails.disable()
        self.entry: UITextEntryLine | None = None
        if entry_rect is not None:
            self.entry = scene.entry(entry_rect, entry_text)
        self.slider: UIHorizontalSlider = scene.slider(slider_rect, pct, 0, 100)

    def owns(self, element) -> bool:
        return element in (self.heads, self.tails, self.slider, self.entry)

    def side_of(self, button) -> int | None:
        """+1 for the Heads button, -1 for Tails, None for anything else."""
        return 1 if button is self.heads else -1 if button is self.tails else None

    def show_side(self, side: int) -> None:
        for button, value in ((self.heads, 1), (self.tails, -1)):
            if value == side:
                button.select()
            else:
                button.unselect()

    def show(self, side: int, pct: float, entry_text: str | None = None) -> None:
        """Show ``side``, the slider at ``pct`` percent and, unless it is being typed in, the
        stake in the text box."""
        self.show_side(side)
        self.slider.set_current_value(min(max(round(pct), 0), 100))
        if self.entry is not None and entry_text is not None and not self.entry.is_focused:
            self.entry.set_text(entry_text)


class BetScene(Scene):
    """A screen where the player bets a side and a share of the bankroll on each coin flip."""

    #: what the result line says when the player goes bust
    bust_text = N_("bust!")
    #: auto-flip waits for the coin to land before the next flip
    auto_waits_for_coin = True
    #: added to the auto-flip clock's comparison (the Challenge flips every 3 frames exactly)
    auto_slack = 0.0
    #: auto-flip switches itself off (and its button) as soon as the game is over
    auto_stops_at_end = False

    def __init__(self, app, **options) -> None:
        super().__init__(app, **options)
        self._side = 1  # +1 heads, -1 tails
        self._stake_pct = 10
        self.auto = app.auto
        self.auto_speed = app.settings.auto_speed
        self.auto_clock = 0.0
        self.coin = CoinFlip()
        self.stake_control: StakeControl | None = None
        self.auto_button: UIButton | None = None
        self.flip_button: UIButton | None = None
        self.message = ""
        self.message_colour = MUTED

    # -- what a screen defines --------------------------------------------------------------

    @property
    def bets(self) -> CoinSession:
        """The coin session whose flips and bankroll the screen shows."""
        raise NotImplementedError

    @property
    def finished(self) -> bool:
        return self.bets.finished

    def play_round(self) -> RoundRecord:
        """Play one flip with the player's bet."""
        raise NotImplementedError

    def toss_seconds(self) -> float:
        """How long the coin spins."""
        return 0.7

    def landed(self, record: RoundRecord) -> None:
        """A flip has landed and its result line is set."""

    def new_game(self, seed: int | None = None) -> None:
        """Start a new game (auto-flip off: a new game never flips by itself)."""
        self.coin.finish()
        self.auto = False
        self.start_session(self.app.new_seed() if seed is None else seed)
        self.refresh()

    def under_way(self) -> bool:
        """A game has begun and not ended: throwing it away needs a second press."""
        return self.bets.round > 0 and not self.finished

    def ask_new_game(self) -> None:
        """N or the New game button: a new game, after a second press if one is under way."""
        if self.confirm("new", self.under_way(),
                        _("Flip {n} of {total} is played: press N again to throw this game "
                          "away.").format(n=self.bets.round, total=self.bets.game.rounds)):
            self.new_game()

    def start_session(self, seed: int) -> None:
        raise NotImplementedError

    def actions(self) -> dict:
        """The screen's own buttons: button -> what it does."""
        return {}

    def key_actions(self) -> dict:
        """The screen's own keys: pygame key -> what it does."""
        return {}

    # -- the bet ----------------------------------------------------------------------------

    @property
    def side(self) -> int:
        """+1 for a bet on heads, -1 on tails."""
        return self._side

    @property
    def stake_pct(self) -> float:
        """The stake as a percentage of the bankroll."""
        return self._stake_pct

    @property
    def fraction(self) -> float:
        """The player's signed bet: + on heads, - on tails."""
        return self.side * self.stake_pct / 100.0

    def set_side(self, side: int) -> None:
        if side < 0 and not self.bets.game.allow_tails:
            return
        self._side = side
        self.refresh()

    def set_stake(self, pct: float) -> None:
        self._stake_pct = int(min(max(pct, 0), 100))
        self.refresh()

    def slide_stake(self, pct: int) -> None:
        """The stake slider moved to ``pct`` (the slider already shows it)."""
        self._stake_pct = pct

    def nudge_stake(self, step: int) -> None:
        self.set_stake(round(self.stake_pct) + step)

    def shown_wealth(self) -> float:
        """The player's bankroll after the flips that have landed (not the one in the air)."""
        return float(self.bets.wealth_paths()[0, self.revealed])

    # -- playing ----------------------------------------------------------------------------

    def flip(self) -> None:
        if self.finished:
            self.message = _("This game is over. Press N for a new one.")
            self.message_colour = MUTED
            return
        if self.coin.busy:
            self.land()
        record = self.play_round()
        self.coin.toss(record.outcome == 0, self.toss_seconds())
        self.app.sounds.play("flip")

    def land(self) -> None:
        """The coin has landed: show the latest round."""
        self.coin.finish()
        bets = self.bets
        if self.revealed == bets.round:
            return
        self.revealed = bets.round
        record = bets.history[-1]
        self.message, self.message_colour, sound = self.result_line(record)
        if sound:
            self.app.sounds.play(sound)
        self.landed(record)

    def result_line(self, record: RoundRecord) -> tuple[str, tuple, str | None]:
        """(message, colour, sound) for a flip that has landed."""
        bets = self.bets
        change = record.wealth[0] - bets.wealth_paths()[0, -2]
        side = _("HEADS") if record.outcome == 0 else _("TAILS")
        if bets.ruined[0]:
            return _("{side} — {bust}").format(side=side, bust=_(self.bust_text)), BAD, "bust"
        if bets.capped[0]:
            return (_("{side} — you hit the {cap} cap!").format(
                side=side, cap=money(bets.game.cap, cents=False)), GOOD, "win")
        if change > 0:
            return (_("{side} — you won {amount}").format(side=side, amount=money(change)), GOOD,
                    "win")
        if change < 0:
            return (_("{side} — you lost {amount}").format(side=side, amount=money(-change)), BAD,
                    "lose")
        return _("{side} — no bet, nothing changed").format(side=side), MUTED, None

    def toggle_auto(self) -> None:
        self.auto = not self.auto and not self.finished
        self.auto_clock = 0.0
        self.refresh()

    def auto_period(self) -> float:
        return 1.0 / self.auto_speed

    def advance(self, dt: float) -> bool:
        """The screen's own clock, after the coin and before auto-flip; True: stop this step."""
        return False

    def update(self, dt: float) -> None:
        if self.coin.update(dt):
            self.land()
        if self.advance(dt):
            return
        if self.auto and not self.finished:
            self.auto_clock += dt
            due = self.auto_clock >= self.auto_period() - self.auto_slack
            if due and not (self.auto_waits_for_coin and self.coin.busy):
                self.auto_clock = 0.0
                self.flip()
        elif self.auto and self.auto_stops_at_end:
            self.auto = False
            self.refresh()

    # -- widgets ----------------------------------------------------------------------------

    @property
    def heads_button(self) -> UIButton:
        return self.stake_control.heads

    @property
    def tails_button(self) -> UIButton:
        return self.stake_control.tails

    @property
    def stake_slider(self) -> UIHorizontalSlider:
        return self.stake_control.slider

    def split_window(self, window: pygame.Rect, left_width: int,
                     chart_share: float) -> tuple[pygame.Rect, pygame.Rect]:
        """The screen's frame: the controls card at the left (``self.left``), the bankroll chart
        (``self.bankroll_rect``, ``chart_share`` of the height) at the top right. Returns the
        inside of the controls card and the free area under the chart."""
        width, height = window.size
        self.left = pygame.Rect(MARGIN, TOP_BAR, left_width, height - TOP_BAR - MARGIN)
        right = pygame.Rect(self.left.right + MARGIN, TOP_BAR, width - self.left.right - 2 * MARGIN,
                            height - TOP_BAR - MARGIN)
        chart_h = int(right.height * chart_share)
        self.bankroll_rect = pygame.Rect(right.left, right.top, right.width, chart_h)
        bottom = pygame.Rect(right.left, self.bankroll_rect.bottom + MARGIN, right.width,
                             right.height - chart_h - MARGIN)
        return self.left.inflate(-24, -20), bottom

    def refresh(self) -> None:
        """Show the bet and auto-flip on the widgets (after a change from keys or code)."""
        if self.root is None or self.stake_control is None:
            return
        self.stake_control.show(self.side, self.stake_pct)
        self.refresh_auto()

    def refresh_auto(self) -> None:
        if self.root is None or self.auto_button is None:
            return
        set_label(self.auto_button, self.auto_label())
        if self.auto:
            self.auto_button.select()
        else:
            self.auto_button.unselect()

    def auto_label(self) -> str:
        return _("Auto (A): on") if self.auto else _("Auto (A): off")

    # -- input ------------------------------------------------------------------------------

    def on_button(self, button) -> None:
        side = self.stake_control.side_of(button) if self.stake_control else None
        if side is not None:
            self.set_side(side)
            return
        actions = {self.flip_button: self.flip, self.auto_button: self.toggle_auto,
                   **self.actions()}
        action = actions.get(button)
        if action is not None:
            action()

    def on_slider(self, slider, value) -> None:
        if self.stake_control is not None and slider is self.stake_control.slider:
            self.slide_stake(round(value))

    def on_key(self, event) -> None:
        step = STAKE_JUMP if event.mod & pygame.KMOD_SHIFT else STAKE_STEP
        actions = {
            pygame.K_SPACE: self.flip,
            pygame.K_h: lambda: self.set_side(1),
            pygame.K_t: lambda: self.set_side(-1),
            pygame.K_RIGHT: lambda: self.nudge_stake(step),
            pygame.K_UP: lambda: self.nudge_stake(step),
            pygame.K_LEFT: lambda: self.nudge_stake(-step),
            pygame.K_DOWN: lambda: self.nudge_stake(-step),
            pygame.K_a: self.toggle_auto,
            pygame.K_n: self.ask_new_game,
            **self.key_actions(),
        }
        action = actions.get(event.key)
        if action is not None:
            action()
