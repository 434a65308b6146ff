"""What each lesson step shows, computed by the engine and the closed forms (no pygame here).

One pure function per step id of :mod:`game.lesson`; each takes the step's
:class:`~game.lesson.StepParams` and returns a frozen dataclass of plain numbers and arrays.
The classroom screen and the handout figures only draw these results, and the tests assert on
them. Every draw comes from :func:`sim.engine.simulate` with the step's seed, so the same seed
gives the same numbers on the projector, in the handout and in a test.

The coin pays b-to-1 on heads and 1/b-to-1 on tails, a fair two-way book with decimal odds
o = (1 + b, 1 + 1/b). Splitting the bankroll as a share a on heads and 1 - a on tails multiplies
it by a o_H or (1 - a) o_T, so (Kelly 1956; Cover & Thomas 2006, §6.1)

    G(a) = p ln(a o_H) + (1 - p) ln((1 - a) o_T) = sum_i p_i ln o_i - H(p, a)
         = sum_i p_i ln o_i - H(p) - D(p || a),

largest at a = p. At even money o = (2, 2) and G(a) = ln 2 - H(p, a).

Flips are read back from the engine with a *probe*: a strategy staking half the bankroll on
heads rides along on the same common random numbers; its log-wealth rises exactly on heads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.lesson import STEP_FACTS, LessonStep, StepParams
from sim.engine import simulate
from sim.games import CoinGame
from sim.learning import expected_divergence
from sim.stats import growth_estimate
from sim.strategies import BayesKelly, FixedFraction, Kelly, Shares, Strategy, parse_strategy
from sim.theory import (
    bernoulli,
    ensemble_growth,
    entropy,
    fractional_kelly_growth,
    growth_decomposition,
    kl_divergence,
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


# ---------------------------------------------------------------------------------------------

STEP_FUNCTIONS: dict[str, Callable[[StepParams], Any]] = {
    "entropy": entropy_step,
    "two_outcomes": two_outcomes_step,
    "same_flips": same_flips_step,
    "growth_curve": growth_curve_step,
    "peak_decomposition": peak_decomposition_step,
    "overbetting": overbetting_step,
    "many_worlds": many_worlds_step,
    "unknown_p": unknown_p_step,
}


def compute_step(step: LessonStep) -> StepResult:
    """Run the computation behind one lesson step."""
    return STEP_FUNCTIONS[step.id](step.params)
