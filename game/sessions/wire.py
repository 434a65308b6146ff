"""The private wire: two Kelly bettors on the same even-money flips, one with a tip.

No pygame here. A friend phones a tip before each flip of a fair coin, right with probability q
(the accuracy). Both bettors play the same flips (the engine's block draws, path 0 of
``kelly wire --seed N``): the one without the tip has no edge and bets nothing; the one with it
stakes the growth-optimal shares b(x | tip) = p(x | tip) (:func:`sim.theory.wire_shares`), i.e.
2q - 1 of the bankroll on the tipped side, and grows at ln 2 - H(q) a flip, the capacity of the
wire (Kelly 1956; Cover & Thomas 2006, §6.2). Every number comes from :mod:`sim`:
the bankrolls from :func:`sim.wire.simulate_wire`, the flips and tips from
:func:`sim.wire.path_draws`, the theory from :func:`sim.theory.wire_value` and
:func:`sim.wire.tip_curve`, and the Monte Carlo check from :func:`sim.wire.tip_table`.

Changing the accuracy replays the same flips with the new tip (the tips come from the same
uniform draws), so the screen can compare accuracies on identical luck.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from sim.engine import resolve_seed
from sim.theory import WireValue, tip_capacity, tip_joint, wire_shares, wire_value
from sim.wire import path_draws, simulate_wire, tip_curve, tip_table

#: a fair coin at even money (decimal odds 2 on each side)
PRIOR = (0.5, 0.5)
ODDS = (2.0, 2.0)
SIDES = ("heads", "tails")
#: bankrolls of the Monte Carlo check beside the theory
CHECK_PATHS = 2000


@dataclass(frozen=True)
class WireFlip:
    """One flip: what the coin did, what the tip said, and the tipped bettor's stake."""

    round: int  # 1-based
    outcome: int  # 0 heads, 1 tails
    tip: int  # the side the tip named
    stake: float  # share of the bankroll staked net on ``side`` by the tipped bettor
    side: int  # the side it backs (the tip's side when q > 1/2, the other when q < 1/2)
    wealth_without: float
    wealth_with: float

    @property
    def tip_right(self) -> bool:
        return self.tip == self.outcome


@cache
def capacity_curve(points: int = 101):
    """Theory over accuracies 0..1 (:func:`sim.wire.tip_curve`): without, with and I(X;Y)."""
    return tip_curve(PRIOR, ODDS, True, points)


class WireSession:
    """The flips of one seed, played with and without a tip of accuracy ``accuracy``."""

    def __init__(self, seed: int = 0, rounds: int = 100, accuracy: float = 0.6,
                 start: float = 100.0) -> None:
        self.seed = resolve_seed(seed)
        self.rounds = int(rounds)
        self.start = float(start)
        self.round = 0
        self.set_accuracy(accuracy)

    # -- the tip ---------------------------------------------------------------------------

    def set_accuracy(self, accuracy: float) -> None:
        """Play the same flips with a tip right with probability ``accuracy`` (ValueError
        naming it outside [0, 1])."""
        joint = tip_joint(accuracy, PRIOR)
        self.accuracy = float(accuracy)
        self.value: WireValue = wire_value(joint, ODDS)
        self.capacity = tip_capacity(accuracy)
        self.outcomes, self.tips = path_draws(joint, self.rounds, self.seed, ODDS)
        run = simulate_wire(joint, ODDS, paths=1, rounds=self.rounds, seed=self.seed, samples=1)
        self._log_without = run.sample_without[0]
        self._log_with = run.sample_with[0]
        self._shares = wire_shares(joint, ODDS)
        self._check = None

    def check(self) -> dict:
        """Monte Carlo beside theory for this accuracy: :data:`CHECK_PATHS` bankrolls of
        ``rounds`` flips (the :func:`sim.wire.tip_table` row: with_mc, with_se, gain_z, ...)."""
        if self._check is None:
            table, _ = tip_table([self.accuracy], PRIOR, ODDS, paths=CHECK_PATHS,
                                 rounds=self.rounds, seed=self.seed)
            self._check = table.iloc[0].to_dict()
        return self._check

    @property
    def stake(self) -> float:
        """The share of the bankroll the tipped bettor stakes net on one side: |b(x|y) - b(x'|y)|
        of the optimal shares, 2q - 1 on the tip (1 - 2q against it)."""
        column = self._shares[:, 0]
        return float(abs(column[0] - column[1]))

    # -- play ------------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.round >= self.rounds

    def flip(self) -> WireFlip | None:
        """Play the next flip (None when every flip is played)."""
        if self.finished:
            return None
        self.round += 1
        return self.record(self.round)

    def restart(self) -> None:
        """Back to flip 0 on the same flips."""
        self.round = 0

    def new_flips(self, seed: int) -> None:
        """Other flips (a new seed), from flip 0, the same accuracy."""
        self.seed = resolve_seed(seed)
        self.round = 0
        self.set_accuracy(self.accuracy)

    def record(self, t: int) -> WireFlip:
        """Flip ``t`` (1-based) of the current accuracy."""
        if not 1 <= t <= self.rounds:
            raise ValueError(f"flip = {t!r} must be from 1 to {self.rounds}")
        tip = int(self.tips[t - 1])
        column = self._shares[:, tip]
        side = int(np.argmax(column))
        return WireFlip(t, int(self.outcomes[t - 1]), tip, float(abs(column[0] - column[1])),
                        side, float(self.wealth_without()[t]), float(self.wealth_with()[t]))

    def wealth_without(self, t: int | None = None) -> np.ndarray:
        """The untipped bankroll after flips 0..t (default: the flips played)."""
        t = self.round if t is None else t
        return self.start * np.exp(self._log_without[: t + 1])

    def wealth_with(self, t: int | None = None) -> np.ndarray:
        """The tipped bankroll after flips 0..t (default: the flips played)."""
        t = self.round if t is None else t
        return self.start * np.exp(self._log_with[: t + 1])

    def growth(self) -> tuple[float, float]:
        """Realised growth per flip so far, ln(W_t / W_0) / t, without and with the tip."""
        if self.round == 0:
            return 0.0, 0.0
        return (float(self._log_without[self.round]) / self.round,
                float(self._log_with[self.round]) / self.round)

    def tips_right(self) -> int:
        """Flips so far on which the tip named the winner."""
        return int(np.sum(self.tips[: self.round] == self.outcomes[: self.round]))
