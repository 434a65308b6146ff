"""Shared pieces of the lesson steps: the step's coin, growth helpers, the flip probe and
the base of the step results (see :mod:`sim.lessons.steps`)."""

from __future__ import annotations

import math

import numpy as np

from sim.engine import simulate
from sim.games import CoinGame
from sim.lessons.schema import STEP_FACTS, StepParams
from sim.stats import growth_estimate
from sim.strategies import FixedFraction, Strategy
from sim.theory import (
    portfolio_growth,
)

#: shares on heads at which the growth curve is drawn
CURVE_GRID = np.linspace(0.001, 0.999, 999)
#: how many single worlds the many-worlds figure draws behind the mean and median
SAMPLE_WORLDS = 40
#: wealth quantiles of the many-worlds fan
FAN_QUANTILES = (0.05, 0.25, 0.75, 0.95)
_PROBE = FixedFraction(0.5, label="probe")


def coin(params: StepParams) -> CoinGame:
    """The step's coin as an engine game (frictionless: no cap, floor or tick)."""
    return CoinGame(p=params.p, odds=params.odds, start=params.start, rounds=params.rounds)


def share_growth(share, game: CoinGame):
    """G(a) = sum_i p_i ln(a_i o_i) for shares a = (a, 1 - a) on the coin's book (C&T §6.1)."""
    a = np.asarray(share, dtype=float)
    shares = np.stack([a, 1.0 - a], axis=-1)
    return portfolio_growth(shares, game.outcome_probs, game.decimal_odds)


def constant_growth(strategy: Strategy, game: CoinGame) -> float:
    """sum_i p_i ln m_i for a constant strategy's multipliers m (Kelly 1956); -inf if one is 0."""
    multipliers = strategy.multipliers(game)
    probs = game.outcome_probs
    with np.errstate(divide="ignore"):
        logs = np.log(np.where(probs > 0, multipliers, 1.0))
    return float(np.sum(probs * logs))


def heads_from_probe(log_wealth: np.ndarray) -> np.ndarray:
    """Which flips were heads (bool, ..., rounds), from the probe's log-wealth path (..., T + 1)."""
    return np.diff(log_wealth, axis=-1) > 0


def _with_probe(game: CoinGame, strategies: list[Strategy], paths: int, seed: int):
    """Simulate the strategies plus the probe on common flips, keeping every path."""
    result = simulate(game, [*strategies, _PROBE], paths, seed, method="paths", record_paths=True)
    heads = heads_from_probe(result.trajectories[-1])
    return result, heads


def _growth_estimates(log_wealth: np.ndarray, game: CoinGame) -> list[tuple[float, float]]:
    """(mean, standard error) of ln(W_T/W_0)/T per strategy (rows of ``log_wealth``)."""
    return [growth_estimate(row - math.log(game.start), game.rounds) for row in log_wealth]


def _wealth(log_wealth) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.exp(log_wealth)


def _grown(start: float, growth: float, rounds) -> np.ndarray:
    """W_0 e^(g t): W_0 at t = 0 (also for g = -inf), W_0 taken into the exponent after that so
    that a bankroll past the largest float is inf, not an overflow in the multiplication."""
    t = np.asarray(rounds, dtype=float)
    with np.errstate(invalid="ignore"):  # -inf * 0 at t = 0, replaced by W_0
        return np.where(t == 0, start, _wealth(math.log(start) + growth * t))


class StepResult:
    """Base of the step results: ``facts()`` are the numbers a body text may quote."""

    step_id: str = ""

    def facts(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in STEP_FACTS[self.step_id]}
