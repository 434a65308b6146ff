"""Lesson steps 5-8: the peak and its decomposition, overbetting, many worlds, not knowing p
(see :mod:`sim.lessons.steps`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.engine import simulate
from sim.learning import expected_divergence
from sim.lessons.schema import StepParams
from sim.lessons.step_tools import (
    FAN_QUANTILES,
    SAMPLE_WORLDS,
    StepResult,
    _grown,
    _growth_estimates,
    _wealth,
    _with_probe,
    coin,
    constant_growth,
)
from sim.strategies import BayesKelly, Kelly, Shares, parse_strategy
from sim.theory import (
    bernoulli,
    ensemble_growth,
    fractional_kelly_growth,
    growth_decomposition,
    kl_divergence,
    portfolio_growth,
)

# ---------------------------------------------------------------------------------------------
# 5. The peak and the decomposition


@dataclass(frozen=True)
class DecompositionResult(StepResult):
    """G(a) = sum p ln o - H(p) - D(p||a): the bars at ``share`` and at the peak a = p."""

    p: float
    share: float
    log_odds: float
    entropy: float
    divergence: float  # D(p || a) in nats
    cross_entropy: float  # H(p, a) = H(p) + D(p || a)
    growth: float  # G(a)
    best_growth: float  # G(p) = sum p ln o - H(p)
    step_id: str = "peak_decomposition"


def peak_decomposition_step(params: StepParams) -> DecompositionResult:
    game = coin(params)
    at_share = growth_decomposition(bernoulli(params.share), game.outcome_probs, game.decimal_odds)
    at_peak = growth_decomposition(bernoulli(params.p), game.outcome_probs, game.decimal_odds)
    return DecompositionResult(
        p=params.p,
        share=params.share,
        log_odds=float(at_share.log_odds),
        entropy=float(at_share.entropy),
        divergence=float(at_share.divergence),
        cross_entropy=float(at_share.cross_entropy),
        growth=float(at_share.growth),
        best_growth=float(at_peak.growth),
    )


# ---------------------------------------------------------------------------------------------
# 6. Overbetting


@dataclass(frozen=True)
class OverbettingResult(StepResult):
    """Fractional and multiple Kelly bettors (and all-in) on the same flips.

    ``theory`` is the exact growth sum p ln m of each constant bet; ``thorp`` the continuous
    approximation c (2 - c) g* with c the bet over the Kelly bet (Thorp 2006, §7).
    """

    p: float
    labels: tuple[str, ...]
    fractions: np.ndarray  # signed stake on heads per strategy
    theory: np.ndarray  # exact growth per round
    thorp: np.ndarray  # c (2 - c) g*
    mc_growth: np.ndarray  # mean realised growth per round (-inf once a path went bust)
    mc_se: np.ndarray
    bust_share: np.ndarray  # share of paths that lost everything
    typical_paths: np.ndarray  # (strategies, rounds + 1) e^(mean ln W_t): the geometric mean
    kelly_fraction: float
    g_star: float
    double_growth: float  # exact growth at twice the Kelly stake (capped at the bankroll)
    paths: int
    rounds: int
    step_id: str = "overbetting"

    @property
    def double_thorp(self) -> float:
        return float(fractional_kelly_growth(2.0, self.g_star))

    @property
    def half_thorp(self) -> float:
        return float(fractional_kelly_growth(0.5, self.g_star))


def overbetting_step(params: StepParams) -> OverbettingResult:
    game = coin(params)
    strategies = [parse_strategy(spec) for spec in params.strategies]
    result = simulate(game, strategies, params.paths, params.seed, method="paths",
                      record_paths=True)
    kelly = Kelly()
    f_star = float(kelly.constant_fractions(game))
    g_star = constant_growth(kelly, game)
    fractions = np.array([float(s.constant_fractions(game)) for s in strategies])
    with np.errstate(divide="ignore", invalid="ignore"):
        multiple = np.where(f_star != 0, fractions / f_star, np.nan)
    estimates = _growth_estimates(result.log_wealth, game)
    return OverbettingResult(
        p=params.p,
        labels=tuple(s.label for s in strategies),
        fractions=fractions,
        theory=np.array([constant_growth(s, game) for s in strategies]),
        thorp=np.asarray(fractional_kelly_growth(multiple, g_star), dtype=float),
        mc_growth=np.array([e[0] for e in estimates]),
        mc_se=np.array([e[1] for e in estimates]),
        bust_share=result.ruined.mean(axis=1),
        typical_paths=_wealth(np.mean(result.trajectories, axis=1)),
        kelly_fraction=f_star,
        g_star=g_star,
        double_growth=constant_growth(Kelly(2.0), game),
        paths=params.paths,
        rounds=params.rounds,
    )


# ---------------------------------------------------------------------------------------------
# 7. Many worlds


@dataclass(frozen=True)
class ManyWorldsResult(StepResult):
    """Mean against median of many bankrolls betting the same share (Peters 2019).

    The median follows the time-average growth g = sum p ln m (almost every world grows at
    g); the mean of infinitely many worlds follows the ensemble growth ln sum p m >= g.
    """

    p: float
    share: float
    fraction: float  # the share as a signed stake on heads
    time_growth: float  # portfolio_growth: sum p ln m
    ensemble_growth: float  # ln sum p m
    mean_path: np.ndarray  # (rounds + 1,) mean bankroll of the simulated worlds
    median_path: np.ndarray
    quantile_paths: np.ndarray  # (len(FAN_QUANTILES), rounds + 1)
    sample_paths: np.ndarray  # (SAMPLE_WORLDS or fewer, rounds + 1)
    final_wealth: np.ndarray  # (paths,)
    start: float
    paths: int
    rounds: int
    step_id: str = "many_worlds"

    @property
    def median_final(self) -> float:
        return float(self.median_path[-1])

    @property
    def mean_final(self) -> float:
        return float(self.mean_path[-1])

    @property
    def theory_median_final(self) -> float:
        return float(_grown(self.start, self.time_growth, self.rounds))

    @property
    def theory_mean_final(self) -> float:
        return float(_grown(self.start, self.ensemble_growth, self.rounds))

    @property
    def share_ahead(self) -> float:
        return float(np.mean(self.final_wealth > self.start))

    def theory_paths(self) -> tuple[np.ndarray, np.ndarray]:
        """W_0 e^(g t) and W_0 e^(t ln E m) for t = 0..rounds (median and mean in theory)."""
        t = np.arange(self.rounds + 1)
        return _grown(self.start, self.time_growth, t), _grown(self.start, self.ensemble_growth, t)


def many_worlds_step(params: StepParams) -> ManyWorldsResult:
    game = coin(params)
    strategy = Shares((params.share,))
    result = simulate(game, [strategy], params.paths, params.seed, method="paths",
                      record_paths=True)
    log_paths = result.trajectories[0]
    shares = np.array([params.share, 1.0 - params.share])
    # the mean in log space first, so 10^3 rounds of growth cannot overflow before averaging
    peak = np.max(log_paths, axis=0)
    finite_peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        log_mean = finite_peak + np.log(np.mean(np.exp(log_paths - finite_peak), axis=0))
    return ManyWorldsResult(
        p=params.p,
        share=params.share,
        fraction=float(strategy.constant_fractions(game)),
        time_growth=float(portfolio_growth(shares, game.outcome_probs, game.decimal_odds)),
        ensemble_growth=float(ensemble_growth(shares, game.outcome_probs, game.decimal_odds)),
        mean_path=_wealth(log_mean),
        median_path=_wealth(np.median(log_paths, axis=0)),
        quantile_paths=_wealth(np.quantile(log_paths, FAN_QUANTILES, axis=0)),
        sample_paths=_wealth(log_paths[:SAMPLE_WORLDS]),
        final_wealth=_wealth(log_paths[:, -1]),
        start=game.start,
        paths=params.paths,
        rounds=params.rounds,
    )


# ---------------------------------------------------------------------------------------------
# 8. Not knowing p


@dataclass(frozen=True)
class UnknownPResult(StepResult):
    """A Bayesian bettor who learns p from the flips, against one who knows it.

    After h heads in t flips the learner's belief is q_t = (alpha + h)/(alpha + beta + t) and
    it bets the shares (q_t, 1 - q_t); on a fair book that costs exactly D(p||q_t) per round
    against Kelly (Cover & Thomas 2006, §6.1), the same cross-entropy loss a model q pays on
    data from p. The exact expected loss E[D(p||q_t)] sums over H_t ~ Binomial(t, p).
    """

    p: float
    prior: tuple[float, float]
    belief_path: np.ndarray  # (rounds + 1,) q_t on the first world
    belief_band: np.ndarray  # (2, rounds + 1) 5% and 95% of q_t over the worlds
    loss_path: np.ndarray  # (rounds,) D(p||q_t) on the first world
    loss_mean: np.ndarray  # (rounds,) mean of D(p||q_t) over the worlds
    loss_exact: np.ndarray  # (rounds,) E[D(p||q_t)]
    regret_paths: np.ndarray  # (rounds + 1,) mean of ln W_kelly - ln W_learner over the worlds
    regret_exact_path: np.ndarray  # (rounds + 1,) sum of loss_exact up to t
    regret_se: float  # standard error of the final regret
    paths: int
    rounds: int
    step_id: str = "unknown_p"

    @property
    def first_loss(self) -> float:
        return float(self.loss_exact[0])

    @property
    def last_loss(self) -> float:
        return float(self.loss_exact[-1])

    @property
    def regret_exact(self) -> float:
        return float(self.regret_exact_path[-1])

    @property
    def regret_mc(self) -> float:
        return float(self.regret_paths[-1])

    @property
    def half_log_rounds(self) -> float:
        """(1/2) ln T: how a one-parameter learner's total loss grows (Krichevsky-Trofimov)."""
        return 0.5 * math.log(self.rounds)


def expected_bayes_loss(p: float, rounds: int, prior: tuple[float, float]) -> np.ndarray:
    """E[D(p||q_t)] for t = 0..rounds - 1, where q_t = (alpha + H_t)/(alpha + beta + t) and
    H_t ~ Binomial(t, p): the learner's expected loss per round, summed exactly.

    For 0 < p < 1 this is :func:`sim.learning.expected_divergence`; a certain coin (p = 0 or 1)
    shows the same side every flip, so H_t is t or 0 and the loss is -ln q_t or -ln(1 - q_t).
    """
    if 0.0 < p < 1.0:
        return expected_divergence(p, rounds, prior)
    alpha, beta = prior
    t = np.arange(rounds)
    heads = t if p == 1.0 else np.zeros(rounds)
    belief = (alpha + heads) / (alpha + beta + t)
    return np.asarray(kl_divergence(bernoulli(p), bernoulli(belief)), dtype=float)


def unknown_p_step(params: StepParams) -> UnknownPResult:
    game = coin(params)
    alpha, beta = params.prior
    learner = BayesKelly(alpha, beta)
    result, heads = _with_probe(game, [learner, Kelly()], params.paths, params.seed)
    counts = np.concatenate([np.zeros((params.paths, 1)), np.cumsum(heads, axis=1)], axis=1)
    beliefs = (alpha + counts) / (alpha + beta + np.arange(params.rounds + 1))
    losses = kl_divergence(bernoulli(params.p), bernoulli(beliefs[:, :-1]))
    regret = result.trajectories[1] - result.trajectories[0]  # ln W_kelly - ln W_learner
    exact = expected_bayes_loss(params.p, params.rounds, params.prior)
    final = regret[:, -1]
    se = float(final.std(ddof=1) / math.sqrt(final.size)) if final.size > 1 else math.nan
    return UnknownPResult(
        p=params.p,
        prior=params.prior,
        belief_path=beliefs[0],
        belief_band=np.quantile(beliefs, [0.05, 0.95], axis=0),
        loss_path=losses[0],
        loss_mean=losses.mean(axis=0),
        loss_exact=exact,
        regret_paths=regret.mean(axis=0),
        regret_exact_path=np.concatenate([[0.0], np.cumsum(exact)]),
        regret_se=se,
        paths=params.paths,
        rounds=params.rounds,
    )
