"""The Haghani-Dewey challenge as a play-through: the rules of the experiment, no pygame.

Haghani & Dewey (2016, SSRN 2856963) gave each subject $25 and a coin said to land heads 60% of
the time, at even money, with bets in cents on either side, 30 minutes of play (about 300 flips,
the paper's estimate) and winnings capped at $250 — a cap the subjects were told about only when
they came near it. :class:`ChallengeSession` keeps those rules:

* the player's flips and bankroll live in a :class:`game.sessions.session.CoinSession` (the engine's
  :func:`sim.engine.settle` rules: stakes rounded to the cent, a win past the cap pays up to it);
* the player bets an amount of money on a side; the cap stays hidden until a bet could reach it
  (wealth + the bet's winnings >= cap), as in the experiment, and then stays known;
* with the clock setting the game also ends after 30 minutes of play (counted from the first
  flip); it never lasts more than the paper's 300 flips, the horizon optimal play plans for;
* at the end the player is compared with the paper's subjects (:data:`sim.challenge.
  PAPER_OBSERVED`), with constant Kelly (f* = 2p - 1 = 20%) and with optimal play
  (:func:`sim.optimal.solve`) on the same flips: a second CoinSession on the same seed (common
  random numbers: the outcomes do not depend on the bets) in which the robots play all the
  game's flips, while the player's slot bets nothing. Solving optimal play takes seconds the
  first time, so :meth:`ChallengeSession.prepare_robots` runs it on a background thread.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from game.sessions.session import Bot, CoinSession
from sim.challenge import PAPER_OBSERVED, exact_outcome
from sim.games import HAGHANI_DEWEY, CoinGame
from sim.i18n import N_, format_percent
from sim.i18n import gettext as _
from sim.optimal import OptimalPolicy, OptimalStrategy, cap_probability, solve
from sim.strategies import Kelly

#: the paper's time limit, in seconds
CLOCK_SECONDS = 30 * 60.0
MODES = ("flips", "clock")
KELLY_NAME = N_("Kelly 20%")
OPTIMAL_NAME = N_("Optimal")


@dataclass(frozen=True)
class RobotRun:
    """Constant Kelly and optimal play over all the game's flips, on the player's seed.

    ``wealth`` is (2, rounds + 1): Kelly first, then optimal play, from the start. The exact
    numbers come from the dynamic program (:mod:`sim.optimal`): the expected payout and the
    chance of reaching the cap of each policy from $25 with every flip ahead.
    """

    names: tuple[str, str]
    outcomes: np.ndarray  # (rounds,) 0 = heads
    wealth: np.ndarray  # (2, rounds + 1)
    capped: np.ndarray  # (2,)
    ruined: np.ndarray  # (2,)
    rounds_played: np.ndarray  # (2,)
    optimal_value: float  # V(start, rounds): E[payout] of optimal play, exact
    optimal_p_cap: float
    kelly_value: float  # E[payout] of constant Kelly, exact
    kelly_p_cap: float

    @property
    def final(self) -> np.ndarray:
        return self.wealth[:, -1]


def play_robots(game: CoinGame, seed: int,
                solver: Callable[[CoinGame], OptimalPolicy] = solve) -> RobotRun:
    """Play constant Kelly and optimal play through every flip of ``game`` on ``seed``.

    ``solver`` solves (or loads) the optimal policy first, so the robots' session finds it in
    :func:`sim.optimal.solve`'s memory cache.
    """
    policy = solver(game)
    robots = (Bot(KELLY_NAME, Kelly()), Bot(OPTIMAL_NAME, OptimalStrategy()))
    session = CoinSession(game, seed, robots)  # the player's slot bets 0 and plays every flip
    while not session.finished:
        session.play()
    start = round(game.start / game.tick)
    kelly_value, kelly_p_cap = exact_outcome(Kelly(), game)
    return RobotRun(
        names=(KELLY_NAME, OPTIMAL_NAME),
        outcomes=np.array([r.outcome for r in session.history]),
        wealth=session.wealth_paths()[1:],
        capped=session.capped[1:].copy(),
        ruined=session.ruined[1:].copy(),
        rounds_played=session.rounds_played[1:].copy(),
        optimal_value=policy.value(game.start, game.rounds),
        optimal_p_cap=float(cap_probability(game, policy.stakes)[game.rounds, start]),
        kelly_value=kelly_value,
        kelly_p_cap=kelly_p_cap,
    )


class Background:
    """A function run once on a daemon thread; ``result``/``error`` once ``done``."""

    def __init__(self, work: Callable[[], object]) -> None:
        self.result: object = None
        self.error: BaseException | None = None
        self._done = threading.Event()

        def run() -> None:
            try:
                self.result = work()
            except Exception as error:  # shown on screen; the game goes on without the robots
                self.error = error
            finally:
                self._done.set()

        self._thread = threading.Thread(target=run, name="kelly-challenge-robots", daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


def winnings(game: CoinGame, side: int, stake: float) -> float:
    """Money a winning bet adds: b x stake on heads, stake / b on tails (even money: the stake)."""
    return stake * (game.odds if side > 0 else 1.0 / game.odds)


class ChallengeSession:
    """The experiment's rules around a :class:`CoinSession`: bets in money, a hidden cap, a clock.

    ``mode`` is ``"flips"`` (the game's flips, 300 for the preset) or ``"clock"`` (also ends
    after :data:`CLOCK_SECONDS` of play, counted by :meth:`advance`).
    """

    def __init__(self, game: CoinGame = HAGHANI_DEWEY, seed: int | None = None,
                 mode: str = "flips", clock_seconds: float = CLOCK_SECONDS) -> None:
        if mode not in MODES:
            raise ValueError(f"mode = {mode!r} must be one of {', '.join(MODES)}")
        if game.cap is None or game.tick <= 0:
            raise ValueError(f"game = {game!r} needs a cap and a tick (bets in cents)")
        if not (math.isfinite(clock_seconds) and clock_seconds > 0):
            raise ValueError(f"clock_seconds = {clock_seconds!r} must be a positive time")
        self.game = game
        self.mode = mode
        self.clock_seconds = float(clock_seconds)
        self.player = CoinSession(game, seed, bots=())
        self.seed = self.player.seed
        self.side = 1
        self.stake = 0.0
        self.cap_known = False
        self.elapsed = 0.0
        self.stopped = False
        self.robots: Background | None = None

    # -- state -----------------------------------------------------------------------------

    @property
    def bet_session(self) -> CoinSession:
        """The player's bets and flips (saved when the window closes mid-game)."""
        return self.player

    @property
    def wealth(self) -> float:
        return float(self.player.wealth[0])

    @property
    def round(self) -> int:
        return self.player.round

    @property
    def time_left(self) -> float | None:
        """Seconds left on the clock, or None without one."""
        if self.mode != "clock":
            return None
        return max(self.clock_seconds - self.elapsed, 0.0)

    @property
    def time_up(self) -> bool:
        return self.mode == "clock" and self.elapsed >= self.clock_seconds

    @property
    def finished(self) -> bool:
        return self.player.finished or self.time_up or self.stopped

    @property
    def cap_text(self) -> str:
        """What the player is told about the cap: '???' until a bet could reach it."""
        return f"${self.game.cap:,.0f}" if self.cap_known else "???"

    # -- betting ---------------------------------------------------------------------------

    def set_bet(self, side: int, stake: float) -> None:
        """Bet ``stake`` dollars on heads (side +1) or tails (-1): whole cents, at most the
        bankroll. A bet whose win could reach the cap reveals it."""
        if side not in (1, -1):
            raise ValueError(f"side = {side!r} must be +1 (heads) or -1 (tails)")
        if side < 0 and not self.game.allow_tails:
            raise ValueError(_("side = -1: this game takes bets on heads only"))
        if not (isinstance(stake, (int, float)) and math.isfinite(stake) and stake >= 0):
            raise ValueError(_("stake = {stake} must be an amount of money >= 0").format(
                stake=repr(stake)))
        cents = stake / self.game.tick
        if abs(cents - round(cents)) > 1e-6:
            raise ValueError(_("stake = {stake} must be whole cents").format(stake=repr(stake)))
        stake = round(cents) * self.game.tick
        if stake > self.wealth + 1e-9:
            raise ValueError(
                _("stake = {stake} is more than your bankroll {wealth}").format(
                    stake=f"${stake:,.2f}", wealth=f"${self.wealth:,.2f}")
            )
        self.side, self.stake = side, stake
        self.player.bet = side * stake / self.wealth if self.wealth > 0 else 0.0
        if self.wealth + winnings(self.game, side, stake) >= self.game.cap - 1e-9:
            self.cap_known = True

    def play(self):
        """Flip once with the current bet; the stake is kept for the next flip while it fits."""
        if self.finished:
            raise ValueError(_("the challenge is over after {n} flips").format(n=self.round))
        record = self.player.play()
        if not self.player.finished:
            self.set_bet(self.side, min(self.stake, math.floor(self.wealth / self.game.tick)
                                        * self.game.tick))
        return record

    def stop(self) -> None:
        """Stop betting and take the bankroll as the payout (the subjects could stop early)."""
        self.stopped = True

    def advance(self, seconds: float) -> None:
        """Run the clock (clock mode, from the first flip until the game ends)."""
        if self.mode == "clock" and self.round > 0 and not self.finished:
            self.elapsed = min(self.elapsed + seconds, self.clock_seconds)

    # -- the comparison --------------------------------------------------------------------

    def prepare_robots(self, solver: Callable[[CoinGame], OptimalPolicy] = solve,
                       background: bool = True) -> None:
        """Start playing the robots on this seed (a background thread unless told otherwise)."""
        if self.robots is not None:
            return
        self.robots = Background(lambda: play_robots(self.game, self.seed, solver))
        if not background:
            self.robots.wait()

    @property
    def robot_run(self) -> RobotRun | None:
        """The robots' run once ready (None while it is being prepared, or if it failed)."""
        if self.robots is None or not self.robots.done or self.robots.error is not None:
            return None
        return self.robots.result  # type: ignore[return-value]

    def payout(self) -> float:
        """The player's payout now: the bankroll in whole cents."""
        return round(self.wealth / self.game.tick) * self.game.tick

    def verdict(self) -> str:
        """One sentence putting the player's payout beside the paper's subjects."""
        paper = PAPER_OBSERVED
        pay = self.payout()
        if self.player.capped[0]:
            sentence = _("Of the paper's {subjects} subjects: you reached the cap, like {share} "
                         "of them.")
        elif self.player.ruined[0]:
            sentence = _("Of the paper's {subjects} subjects: you went bust, like {share} of "
                         "them.")
        elif pay > paper.mean_payout:
            sentence = _("Of the paper's {subjects} subjects: {pay} beats their mean {mean}.")
        else:
            sentence = _("Of the paper's {subjects} subjects: {pay} is below their mean {mean}.")
        share = paper.p_cap if self.player.capped[0] else paper.p_bust
        return sentence.format(subjects=paper.subjects, share=format_percent(share),
                               pay=f"${pay:,.2f}", mean=f"${paper.mean_payout:.0f}")
