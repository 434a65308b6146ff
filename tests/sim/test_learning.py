"""The Bayesian Kelly bettor on an unknown coin: its growth loss per round is D(p||q_t) -> 0."""

import itertools
import math

import numpy as np
import pytest

from sim.engine import simulate
from sim.games import CoinGame
from sim.learning import bayes_regret, expected_divergence
from sim.strategies import BayesKelly
from sim.theory import kl_divergence

P = 0.6


def enumerated_divergence(p: float, t: int, prior=(1.0, 1.0)) -> float:
    """E[D(p||q_t)] by summing over every sequence of the t - 1 earlier flips."""
    alpha, beta = prior
    total = 0.0
    for flips in itertools.product((1, 0), repeat=t - 1):
        heads = sum(flips)
        probability = p**heads * (1 - p) ** (t - 1 - heads)
        q = (alpha + heads) / (alpha + beta + t - 1)
        total += probability * kl_divergence([p, 1 - p], [q, 1 - q])
    return total


@pytest.mark.parametrize(("p", "prior"), [(0.6, (1, 1)), (0.25, (2, 5)), (0.5, (0.5, 0.5))])
def test_expected_divergence_equals_enumeration(p, prior):
    exact = expected_divergence(p, 9, prior)
    for t in range(1, 10):
        assert exact[t - 1] == pytest.approx(enumerated_divergence(p, t, prior), rel=1e-10)


def test_expected_divergence_falls_like_one_over_2t():
    exact = expected_divergence(P, 10_000)
    assert exact[0] == pytest.approx(kl_divergence([P, 1 - P], [0.5, 0.5]))  # q_1 = 1/2
    assert np.all(np.diff(exact[2:]) < 0)  # after the first two flips it only falls
    assert 10_000 * exact[-1] == pytest.approx(0.5, rel=2e-3)  # (k - 1)/(2t) nats, k = 2


def test_per_round_loss_is_the_divergence_of_the_belief():
    """E[loss in round t | the flips so far] = D(p||q_t) exactly at even money, so the engine's
    loss minus the paths' divergence is Monte Carlo noise, and the paths' divergence averages to
    the exact E[D(p||q_t)]."""
    curve = bayes_regret(P, rounds=2000, paths=1024, seed=5)
    assert curve.rounds == 2000 and curve.paths == 1024
    gap = (curve.loss - curve.divergence) / curve.gap_se
    assert np.all(np.abs(gap) < 5)
    assert 0.85 < np.mean(gap**2) < 1.15  # rounds are martingale differences: ~ chi-square / T
    # every path starts from the same belief q_1 = 1/2, so round 1 has no Monte Carlo error
    assert curve.divergence[0] == pytest.approx(curve.expected[0], rel=1e-12)
    assert curve.divergence_se[0] < 1e-12
    error = np.abs(curve.divergence - curve.expected)[1:]
    assert np.all(error < 5 * curve.divergence_se[1:])


def test_average_loss_over_the_first_t_rounds_tends_to_zero():
    averages = []
    for rounds in (100, 1000, 10_000):
        game = CoinGame(p=P, start=1.0, rounds=rounds)
        result = simulate(game, ["kelly", "bayes"], paths=2048, seed=rounds, method="paths")
        loss = (result.log_wealth[0] - result.log_wealth[1]) / rounds
        error = loss.std(ddof=1) / math.sqrt(loss.size)
        exact = expected_divergence(P, rounds).mean()
        assert abs(loss.mean() - exact) < 4 * error, rounds
        averages.append(loss.mean())
    assert averages[0] > averages[1] > averages[2] > 0
    assert averages[2] < 5e-4  # about ln(T)/(2T) = 4.6e-4 nats per round at T = 10^4


def test_a_prior_near_the_truth_loses_less_at_first():
    good = expected_divergence(P, 50, prior=(60, 40))
    flat = expected_divergence(P, 50)
    assert good.sum() < flat.sum() / 5
    assert BayesKelly(60, 40).label == "bayes:60,40"


@pytest.mark.parametrize(("arguments", "message"), [
    ((1.0, 10, (1, 1)), "p"),
    ((0.6, 0, (1, 1)), "rounds"),
    ((0.6, 10, (0, 1)), "prior"),
    ((0.6, 10, "flat"), "prior"),
])
def test_bad_arguments_raise(arguments, message):
    with pytest.raises(ValueError, match=message):
        expected_divergence(*arguments)
