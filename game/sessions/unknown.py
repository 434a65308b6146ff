"""The unknown coin: p is hidden, and the player and a Bayesian bot learn it from the flips.

No pygame here. p is drawn from the seed (uniformly between 0.10 and 0.90, to the hundredth) and
kept hidden; the player and two robots bet on the same flips of an even-money coin in a
:class:`game.sessions.session.CoinSession`:

* the Bayesian Kelly bot (:class:`sim.strategies.BayesKelly`, Beta(1, 1) prior) bets with its
  posterior mean q_t = (1 + heads so far)/(2 + flips so far);
* Kelly who knows p (revealed at the end), the yardstick.

Betting with belief q instead of p costs D(p||q) = H(p, q) - H(p) of growth per round in
expectation (Kelly 1956; Cover & Thomas 2006, §6.1-6.2), the gap between the belief's
cross-entropy and the coin's entropy; the player's bet implies a belief too, its share on heads
a = (1 + f)/2. Over T rounds the bot's expected total loss is sum_t E[D(p||q_t)]
(:func:`sim.learning.expected_divergence`).

The 90% credible band of the posterior Beta(1 + heads, 1 + tails) is computed in numpy (scipy
is not a runtime dependency) by integrating the density numerically: the midpoint rule on 4,096
cells of [0, 1], then linear interpolation of the cumulative sum at 5% and 95%.
"""

from __future__ import annotations

import math

import numpy as np

from game.sessions.session import Bot, CoinSession
from sim.engine import resolve_seed
from sim.games import CoinGame
from sim.i18n import N_
from sim.learning import expected_divergence
from sim.strategies import BayesKelly, Kelly
from sim.theory import kl_divergence

BAYES_NAME = N_("Bayes bot")
KNOWER_NAME = N_("Kelly (knows p)")
P_RANGE = (0.10, 0.90)
BAND_LEVEL = 0.90
BAND_CELLS = 4096
#: a seed-sequence word that keeps p's draw apart from the flips drawn from the same seed
P_STREAM = 0x1D0C01


def hidden_p(seed: int) -> float:
    """The coin's p for ``seed``: uniform on [0.10, 0.90], rounded to the hundredth."""
    rng = np.random.default_rng([int(seed), P_STREAM])
    return round(float(rng.uniform(*P_RANGE)), 2)


def beta_interval(alpha: float, beta: float, level: float = BAND_LEVEL,
                  cells: int = BAND_CELLS) -> tuple[float, float]:
    """The central ``level`` credible interval of Beta(alpha, beta), by numerical integration.

    Density x^(alpha-1) (1-x)^(beta-1) at the midpoints of ``cells`` equal cells (normalised by
    its sum, so the Beta function is not needed); the quantiles are interpolated linearly in the
    cumulative sum at the cell edges. Accurate to about 1/cells.
    """
    if not (alpha > 0 and beta > 0 and math.isfinite(alpha) and math.isfinite(beta)):
        raise ValueError(f"alpha = {alpha!r}, beta = {beta!r} must be positive")
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r} must lie strictly between 0 and 1")
    x = (np.arange(cells) + 0.5) / cells
    log_density = (alpha - 1) * np.log(x) + (beta - 1) * np.log1p(-x)
    weight = np.exp(log_density - log_density.max())
    cdf = np.concatenate([[0.0], np.cumsum(weight) / weight.sum()])
    edges = np.arange(cells + 1) / cells
    tail = (1 - level) / 2
    low, high = np.interp([tail, 1 - tail], cdf, edges)
    return float(low), float(high)


def divergence(p: float, q) -> np.ndarray:
    """D(p||q) in nats between coins with heads chances p and q (inf where q is 0 or 1 and p is
    not): the growth lost per round by betting belief q (Cover & Thomas 2006, §6.2)."""
    q = np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        return kl_divergence(np.array([p, 1.0 - p]), np.stack([q, 1.0 - q], axis=-1))


class UnknownSession:
    """A play-through on a hidden-p coin: the player, the Bayesian bot and Kelly who knows p."""

    def __init__(self, seed: int | None = None, rounds: int = 100,
                 prior: tuple[float, float] = (1.0, 1.0)) -> None:
        bayes = BayesKelly(*prior)
        self.prior = (bayes.alpha, bayes.beta)
        self.seed = resolve_seed(seed)
        self.p = hidden_p(self.seed)
        self.game = CoinGame(p=self.p, odds=1.0, start=100.0, rounds=rounds)
        self.coin = CoinSession(self.game, self.seed,
                                bots=(Bot(BAYES_NAME, bayes), Bot(KNOWER_NAME, Kelly())))
        self.revealed = False

    # -- playing ---------------------------------------------------------------------------

    @property
    def bet_session(self) -> CoinSession:
        """Everyone's bets and flips on the hidden coin (saved when the window closes)."""
        return self.coin

    @property
    def round(self) -> int:
        return self.coin.round

    @property
    def finished(self) -> bool:
        return self.coin.finished

    def play(self, fraction: float):
        """One flip with the player's signed fraction; the end of the game reveals p."""
        self.coin.bet = fraction
        record = self.coin.play()
        if self.coin.finished:
            self.revealed = True
        return record

    def reveal(self) -> None:
        self.revealed = True

    # -- what the screen shows --------------------------------------------------------------

    def heads(self, upto: int | None = None) -> int:
        """Heads in the first ``upto`` flips (all played flips by default)."""
        history = self.coin.history[: self.round if upto is None else upto]
        return sum(r.outcome == 0 for r in history)

    def beliefs(self, upto: int | None = None) -> np.ndarray:
        """q_t = (alpha + heads in the first t flips)/(alpha + beta + t), t = 0..upto: the
        bot's belief before flip t + 1 (the last one is its belief for the next flip)."""
        upto = self.round if upto is None else upto
        heads = np.concatenate([[0], np.cumsum([r.outcome == 0
                                                for r in self.coin.history[:upto]])])
        alpha, beta = self.prior
        return (alpha + heads) / (alpha + beta + np.arange(upto + 1))

    def band(self, upto: int | None = None) -> np.ndarray:
        """(upto + 1, 2) 90% credible interval of p after t = 0..upto flips."""
        upto = self.round if upto is None else upto
        alpha, beta = self.prior
        heads = np.concatenate([[0], np.cumsum([r.outcome == 0
                                                for r in self.coin.history[:upto]])])
        return np.array([beta_interval(alpha + h, beta + t - h) for t, h in enumerate(heads)])

    def player_shares(self, upto: int | None = None) -> np.ndarray:
        """The player's implied belief a = (1 + f)/2 in each flip played (even money)."""
        bets = [r.bet for r in self.coin.history[: self.round if upto is None else upto]]
        return (1.0 + np.asarray(bets, dtype=float)) / 2.0

    def bot_losses(self, upto: int | None = None) -> np.ndarray:
        """D(p||q_t) for flips t = 1..upto: the bot's expected growth lost in each flip."""
        return divergence(self.p, self.beliefs(upto)[:-1])

    def player_losses(self, upto: int | None = None) -> np.ndarray:
        """D(p||a_t) for flips t = 1..upto: the player's expected growth lost in each flip."""
        return divergence(self.p, self.player_shares(upto))

    def expected_losses(self, upto: int | None = None) -> np.ndarray:
        """E[D(p||q_t)] for t = 1..upto, exactly (:func:`sim.learning.expected_divergence`)."""
        upto = self.round if upto is None else upto
        if upto == 0:
            return np.zeros(0)
        return expected_divergence(self.p, upto, self.prior)
