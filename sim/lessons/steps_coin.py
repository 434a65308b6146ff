"""Lesson steps 1-4: the coin and its entropy, two outcomes, same flips, the growth curve
(see :mod:`sim.lessons.steps`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.engine import simulate
from sim.lessons.schema import StepParams
from sim.lessons.step_tools import (
    CURVE_GRID,
    StepResult,
    _growth_estimates,
    _wealth,
    _with_probe,
    coin,
    share_growth,
)
from sim.strategies import Shares
from sim.theory import (
    bernoulli,
    entropy,
    growth_decomposition,
)

# ---------------------------------------------------------------------------------------------
# 1. The coin and its entropy


@dataclass(frozen=True)
class EntropyResult(StepResult):
    """H(p) = -p log p - (1 - p) log(1 - p) (Cover & Thomas 2006, eq. 2.1) and sample flips."""

    p: float
    H_bits: float
    H_nats: float
    surprise_heads_bits: float  # -log2 p: how surprising heads is
    surprise_tails_bits: float
    curve_p: np.ndarray  # chance of heads, 0..1
    curve_bits: np.ndarray  # H(p) in bits along curve_p
    sample: np.ndarray  # bool flips from the engine, True = heads
    step_id: str = "entropy"

    @property
    def flips(self) -> int:
        return int(self.sample.size)

    @property
    def heads(self) -> int:
        return int(self.sample.sum())

    @property
    def heads_share(self) -> float:
        return self.heads / self.flips


def entropy_step(params: StepParams) -> EntropyResult:
    p = params.p
    curve_p = np.linspace(0.0, 1.0, 201)
    with np.errstate(divide="ignore"):
        surprise = -np.log2(np.array([p, 1.0 - p]))
    _, heads = _with_probe(coin(params), [], 1, params.seed)
    return EntropyResult(
        p=p,
        H_bits=float(entropy(bernoulli(p), base=2)),
        H_nats=float(entropy(bernoulli(p))),
        surprise_heads_bits=float(surprise[0]),
        surprise_tails_bits=float(surprise[1]),
        curve_p=curve_p,
        curve_bits=np.asarray(entropy(bernoulli(curve_p), base=2)),
        sample=heads[0],
    )


# ---------------------------------------------------------------------------------------------
# 2. Two outcomes, two multipliers


@dataclass(frozen=True)
class TwoOutcomesResult(StepResult):
    """A share a on heads and 1 - a on tails: the bankroll becomes a o_H or (1 - a) o_T."""

    p: float
    share: float
    odds: float  # net odds b on heads
    o_heads: float  # decimal odds 1 + b
    o_tails: float  # decimal odds 1 + 1/b
    m_heads: float  # multiplier if heads: a o_H (2a at even money)
    m_tails: float  # multiplier if tails: (1 - a) o_T (2(1 - a) at even money)
    fraction: float  # the same bet as a signed stake on heads (Kelly's l)
    growth: float  # p ln m_H + (1 - p) ln m_T
    mean_multiplier: float  # p m_H + (1 - p) m_T
    step_id: str = "two_outcomes"


def two_outcomes_step(params: StepParams) -> TwoOutcomesResult:
    game = coin(params)
    strategy = Shares((params.share,))
    m_heads, m_tails = strategy.multipliers(game)
    o_heads, o_tails = game.decimal_odds
    return TwoOutcomesResult(
        p=params.p,
        share=params.share,
        odds=params.odds,
        o_heads=float(o_heads),
        o_tails=float(o_tails),
        m_heads=float(m_heads),
        m_tails=float(m_tails),
        fraction=float(strategy.constant_fractions(game)),
        growth=float(share_growth(params.share, game)),
        mean_multiplier=float(game.p * m_heads + (1.0 - game.p) * m_tails),
    )


# ---------------------------------------------------------------------------------------------
# 3. Same flips, two bettors


@dataclass(frozen=True)
class SameFlipsResult(StepResult):
    """One path betting a = p and one betting a = ``share``, on the same flips."""

    p: float
    share: float
    heads_flips: np.ndarray  # bool (rounds,), True = heads
    wealth_paths: np.ndarray  # (2, rounds + 1): a = p, then a = share
    theory_p: float  # growth per round at a = p
    theory_share: float  # growth per round at a = share
    step_id: str = "same_flips"

    @property
    def rounds(self) -> int:
        return int(self.heads_flips.size)

    @property
    def heads(self) -> int:
        return int(self.heads_flips.sum())

    @property
    def start(self) -> float:
        return float(self.wealth_paths[0, 0])

    @property
    def wealth_p(self) -> float:
        return float(self.wealth_paths[0, -1])

    @property
    def wealth_share(self) -> float:
        return float(self.wealth_paths[1, -1])

    def _realised(self, row: int) -> float:
        start, end = self.wealth_paths[row, 0], self.wealth_paths[row, -1]
        if end <= 0:
            return -math.inf
        return math.log(end / start) / self.rounds

    @property
    def growth_p(self) -> float:
        return self._realised(0)

    @property
    def growth_share(self) -> float:
        return self._realised(1)


def same_flips_step(params: StepParams) -> SameFlipsResult:
    game = coin(params)
    bettors = [Shares((params.p,)), Shares((params.share,))]
    result, heads = _with_probe(game, bettors, 1, params.seed)
    return SameFlipsResult(
        p=params.p,
        share=params.share,
        heads_flips=heads[0],
        wealth_paths=_wealth(result.trajectories[:2, 0, :]),
        theory_p=float(share_growth(params.p, game)),
        theory_share=float(share_growth(params.share, game)),
    )


# ---------------------------------------------------------------------------------------------
# 4. The growth curve with Monte Carlo points


@dataclass(frozen=True)
class GrowthCurveResult(StepResult):
    """G(a) = sum p ln o - H(p, a) on a grid, and Monte Carlo estimates at some shares."""

    p: float
    odds: float  # net odds b on heads (the text says which book the curve is for)
    grid: np.ndarray  # shares on heads
    curve: np.ndarray  # G(a) along grid (nats per round)
    log_odds: float  # sum_i p_i ln o_i (ln 2 at even money)
    entropy: float  # H(p) in nats
    mc_shares: np.ndarray
    mc_growth: np.ndarray  # mean of ln(W_T/W_0)/T over paths
    mc_se: np.ndarray  # its standard error
    mc_theory: np.ndarray  # G at mc_shares
    paths: int
    rounds: int
    step_id: str = "growth_curve"

    @property
    def peak_share(self) -> float:
        """The grid share with the highest growth (theory says a = p)."""
        return float(self.grid[int(np.argmax(self.curve))])

    @property
    def peak_growth(self) -> float:
        return float(np.max(self.curve))


def growth_curve_step(params: StepParams) -> GrowthCurveResult:
    game = coin(params)
    shares = np.array(params.shares)
    result = simulate(game, [Shares((a,)) for a in shares], params.paths, params.seed)
    estimates = _growth_estimates(result.log_wealth, game)
    decomposition = growth_decomposition(bernoulli(params.p), game.outcome_probs, game.decimal_odds)
    return GrowthCurveResult(
        p=params.p,
        odds=params.odds,
        grid=CURVE_GRID,
        curve=np.asarray(share_growth(CURVE_GRID, game)),
        log_odds=float(decomposition.log_odds),
        entropy=float(decomposition.entropy),
        mc_shares=shares,
        mc_growth=np.array([e[0] for e in estimates]),
        mc_se=np.array([e[1] for e in estimates]),
        mc_theory=np.asarray(share_growth(shares, game), dtype=float).reshape(shares.shape),
        paths=params.paths,
        rounds=params.rounds,
    )
