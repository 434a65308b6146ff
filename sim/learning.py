"""Learning an unknown coin: what the Bayesian Kelly bettor loses against one who knows p.

At even money with bets on either side, Kelly betting with belief q stakes the shares (q, 1 - q)
and multiplies wealth by 2q on heads and 2(1 - q) on tails; the bettor who knows p gets 2p and
2(1 - p). The gap in log-wealth in a round is ln(p/q) or ln((1 - p)/(1 - q)), whose expectation
given the belief is exactly D(p||q) = H(p, q) - H(p) (Kelly 1956; Cover & Thomas 2006, §6.1-6.2).
The Bayesian bettor of :class:`sim.strategies.BayesKelly` bets with the posterior mean of a
Beta(alpha, beta) prior, q_t = (alpha + heads so far)/(alpha + beta + t - 1) in round t, so its
expected loss in round t is E[D(p||q_t)], which falls like 1/(2t) nats: the best model of the
data (least cross-entropy) grows the bankroll fastest, and learning it costs about (1/2) ln T in
total over T rounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.engine import positive_int, simulate
from sim.games import CoinGame
from sim.strategies import BayesKelly, FixedFraction, Kelly
from sim.theory import entropy, kl_divergence


def _check(p: float, rounds: int, prior: tuple[float, float]) -> tuple[float, float]:
    if not (isinstance(p, (int, float)) and 0.0 < p < 1.0):
        raise ValueError(f"p = {p!r} must be a probability strictly between 0 and 1")
    positive_int("rounds", rounds)
    try:
        alpha, beta = (float(x) for x in prior)
    except (TypeError, ValueError):
        raise ValueError(f"prior = {prior!r} must be two numbers (alpha, beta)") from None
    if not (math.isfinite(alpha) and math.isfinite(beta) and alpha > 0 and beta > 0):
        raise ValueError(f"prior = {prior!r}: alpha and beta must be positive")
    return alpha, beta


def _bernoulli(q: np.ndarray) -> np.ndarray:
    return np.stack([q, 1.0 - q], axis=-1)


def expected_divergence(p: float, rounds: int, prior: tuple[float, float] = (1, 1)) -> np.ndarray:
    """Exact E[D(p||q_t)] in nats for rounds t = 1..rounds.

    Before round t the number of heads H is Binomial(t - 1, p) and q_t = (alpha + H)/(alpha + beta
    + t - 1). With D(p||q) = H(p, q) - H(p), the expectation needs E[ln q_t] and E[ln(1 - q_t)],
    sums over that distribution, which is carried from round to round
    (P_t+1(h) = (1 - p) P_t(h) + p P_t(h - 1)). O(rounds^2) multiply-adds.

    Parameters
    ----------
    p : float
        The coin's probability of heads, in (0, 1).
    rounds : int
        Rounds to compute (>= 1).
    prior : tuple of float, default (1, 1)
        Beta prior (alpha, beta) of the learner.

    Returns
    -------
    numpy.ndarray
        E[D(p||q_t)] for t = 1..rounds.

    Raises
    ------
    ValueError
        On a p outside (0, 1), rounds below 1 or a non-positive prior.

    Examples
    --------
    >>> d = expected_divergence(0.6, 50)
    >>> round(float(d[0]), 6), bool(d[-1] < d[0])  # round 1 bets q = 1/2: D(0.6 || 0.5)
    (0.020136, True)
    """
    alpha, beta = _check(p, rounds, prior)
    log_alpha = np.log(alpha + np.arange(rounds))  # ln(alpha + h)
    log_beta = np.log(beta + np.arange(rounds))  # ln(beta + t - 1 - h)
    heads = np.array([1.0])  # P(H = h) after 0 flips
    cross = np.empty(rounds)
    for t in range(rounds):
        log_total = math.log(alpha + beta + t)
        mean_log_q = heads @ log_alpha[: t + 1] - log_total
        mean_log_not_q = heads @ log_beta[t::-1] - log_total
        cross[t] = -(p * mean_log_q + (1.0 - p) * mean_log_not_q)  # E[H(p, q_t)]
        heads = np.concatenate([heads * (1.0 - p), [0.0]]) + np.concatenate([[0.0], heads * p])
    return np.maximum(cross - entropy([p, 1.0 - p]), 0.0)


@dataclass(frozen=True)
class RegretCurve:
    """Per-round averages over paths (index t - 1 for round t), in nats.

    loss           growth of the known-p Kelly bettor minus the Bayesian bettor's, from the engine
    divergence     D(p||q_t) of each path's belief, averaged over the same paths
    expected       the exact expectation E[D(p||q_t)] (:func:`expected_divergence`)
    *_se           standard errors over paths of loss, divergence and their difference (gap):
                   E[loss_t - D(p||q_t) | the flips so far] = 0 exactly, so loss - divergence is
                   pure Monte Carlo noise of size gap_se
    """

    p: float
    prior: tuple[float, float]
    paths: int
    loss: np.ndarray
    divergence: np.ndarray
    expected: np.ndarray
    loss_se: np.ndarray
    divergence_se: np.ndarray
    gap_se: np.ndarray

    @property
    def rounds(self) -> int:
        return self.loss.size


def bayes_regret(
    p: float,
    rounds: int,
    paths: int,
    seed: int,
    prior: tuple[float, float] = (1, 1),
) -> RegretCurve:
    """Per-round growth lost by Bayesian Kelly (Beta ``prior``) against Kelly who knows ``p``.

    Plays an even-money coin with bets on either side through :func:`sim.simulate` on
    common flips, recording every path; a third runner staking half its bankroll on heads
    reveals the flips, from which each path's belief q_t and D(p||q_t) follow. The recording
    takes about 24 x paths x rounds bytes (the engine refuses more than 2 GiB).

    Parameters
    ----------
    p : float
        The coin's probability of heads.
    rounds, paths : int
        Rounds per path and paths.
    seed : int
        Seed of the common flips.
    prior : tuple of float, default (1, 1)
        Beta prior (alpha, beta).

    Returns
    -------
    RegretCurve
        Per-round loss, divergence, their exact expectation and standard errors.

    Raises
    ------
    ValueError
        On bad arguments, or a recording above the engine's memory limit.

    Examples
    --------
    >>> curve = bayes_regret(0.6, rounds=40, paths=2000, seed=3)
    >>> curve.rounds, bool(abs(curve.loss.sum() - curve.expected.sum()) < 0.1)
    (40, True)
    """
    alpha, beta = _check(p, rounds, prior)
    game = CoinGame(p=p, odds=1.0, start=1.0, rounds=int(rounds))
    observer = FixedFraction(0.5, label="observer")
    result = simulate(
        game, [Kelly(), BayesKelly(alpha, beta), observer], paths, seed,
        method="paths", record_paths=True,
    )
    growth = np.diff(result.trajectories, axis=2)  # (3, paths, rounds)
    loss = growth[0] - growth[1]
    heads = growth[2] > 0  # ln 1.5 on heads, ln 0.5 on tails
    before = np.cumsum(heads, axis=1) - heads  # heads seen before each round
    belief = (alpha + before) / (alpha + beta + np.arange(rounds))
    divergence = kl_divergence(np.array([p, 1.0 - p]), _bernoulli(belief))
    n = loss.shape[0]

    def error(values: np.ndarray) -> np.ndarray:
        return values.std(axis=0, ddof=1) / math.sqrt(n) if n > 1 else np.full(rounds, np.nan)

    return RegretCurve(
        p=float(p),
        prior=(alpha, beta),
        paths=n,
        loss=loss.mean(axis=0),
        divergence=divergence.mean(axis=0),
        expected=expected_divergence(p, rounds, (alpha, beta)),
        loss_se=error(loss),
        divergence_se=error(divergence),
        gap_se=error(loss - divergence),
    )
