"""Growth rates of repeated bets: a coin, a race with cash, Kelly's optimum, fractional Kelly."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from sim.theory.checks import (
    _cash,
    _distribution,
    _per_base,
    _positive,
    _probability,
    _scalar_or_array,
    _shares,
    _xlogy,
)


def coin_growth(f: ArrayLike, p: ArrayLike, odds: ArrayLike = 1.0, base: float | None = None):
    """Growth per bet g(f) = p ln(1 + b f) + (1 - p) ln(1 - f) of staking f on heads at b-to-1.

    Kelly (1956); Thorp (2006), eq. 3.1. At even money g(f) = ln 2 - H(p, ((1 + f)/2, (1 - f)/2)).

    Parameters
    ----------
    f : array_like
        Fractions of the bankroll staked on heads, in [0, 1].
    p : array_like
        Probability of heads.
    odds : array_like, default 1.0
        Net odds b (heads pays b-to-1).
    base : float, optional
        Logarithm base; nats by default.

    Returns
    -------
    float or numpy.ndarray
        g(f); all-in (f = 1) gives -inf unless p = 1.

    Raises
    ------
    ValueError
        If f is outside [0, 1], p is not a probability or odds are not positive.

    Examples
    --------
    >>> round(coin_growth(0.2, 0.6), 6)
    0.020136
    >>> coin_growth(1.0, 0.6)
    -inf
    """
    f = np.asarray(f, dtype=float)
    if not np.all((f >= 0) & (f <= 1)):
        raise ValueError(f"f = {f!r} is not a betting fraction in [0, 1]")
    p = _probability("p", p)
    b = _positive("odds", odds)
    growth = _xlogy(p, 1.0 + b * f) + _xlogy(1.0 - p, 1.0 - f)
    return _scalar_or_array(_per_base(growth, base))


def kelly_fraction(p: ArrayLike, odds: ArrayLike = 1.0):
    """The growth-optimal stake on heads f* = max(0, p - (1 - p)/b) (Kelly 1956; Thorp 2006).

    Parameters
    ----------
    p : array_like
        Probability of heads.
    odds : array_like, default 1.0
        Net odds b.

    Returns
    -------
    float or numpy.ndarray
        f*, 0 where the bet is not favourable.

    Raises
    ------
    ValueError
        If p is not a probability or odds are not positive.

    Examples
    --------
    >>> round(kelly_fraction(0.6), 12)
    0.2
    >>> kelly_fraction(0.4)
    0.0
    """
    p = _probability("p", p)
    b = _positive("odds", odds)
    return _scalar_or_array(np.maximum(0.0, p - (1.0 - p) / b))


def portfolio_growth(b: ArrayLike, p: ArrayLike, o: ArrayLike, base: float | None = None):
    """Growth per race W(b, p) = sum_i p_i ln(b_0 + b_i o_i), with cash b_0 = 1 - sum_i b_i.

    Cover & Thomas (2006), §6.1 (doubling rate) and §6.3 (cash in hand); maximal at b = p when
    the odds are fair or better (sum 1/o_i <= 1).

    Parameters
    ----------
    b : array_like
        Shares of the bankroll on each outcome (>= 0, summing to at most 1).
    p : array_like
        Outcome probabilities.
    o : array_like
        Decimal odds (a winning share b_i returns b_i o_i).
    base : float, optional
        Logarithm base; nats by default.

    Returns
    -------
    float or numpy.ndarray
        W(b, p).

    Raises
    ------
    ValueError
        If b bets more than the bankroll or is negative, p is not a distribution, or an odd
        is not positive.

    Examples
    --------
    >>> portfolio_growth([0.5, 0.5], [0.5, 0.5], [2.0, 2.0])
    0.0
    >>> round(portfolio_growth([0.6, 0.4], [0.6, 0.4], [2.0, 2.0]), 6)
    0.020136
    """
    b = _shares(b)
    p = _distribution("p", p)
    o = _positive("o", o)
    cash = _cash(b)
    return _scalar_or_array(_per_base(_xlogy(p, cash + b * o).sum(axis=-1), base))


def ensemble_growth(b: ArrayLike, p: ArrayLike, o: ArrayLike, base: float | None = None):
    """Growth of the *mean* wealth, ln E[b_0 + b_X o_X] = ln sum_i p_i (b_0 + b_i o_i).

    Always >= the time-average growth :func:`portfolio_growth` (Jensen); the gap is the
    ergodicity lesson of Peters (2019): the mean can grow while almost every path decays.

    Parameters
    ----------
    b, p, o : array_like
        Shares, probabilities and decimal odds, as for :func:`portfolio_growth`.
    base : float, optional
        Logarithm base; nats by default.

    Returns
    -------
    float or numpy.ndarray
        ln E[W_{t+1} / W_t].

    Raises
    ------
    ValueError
        As :func:`portfolio_growth`.

    Examples
    --------
    >>> round(ensemble_growth([1.0, 0.0], [0.6, 0.4], [2.0, 2.0]), 6)  # all-in on heads
    0.182322
    """
    b = _shares(b)
    p = _distribution("p", p)
    o = _positive("o", o)
    cash = _cash(b)
    return _scalar_or_array(_per_base(np.log((p * (cash + b * o)).sum(axis=-1)), base))


class GrowthDecomposition(NamedTuple):
    """G = log_odds + cash_term - cross_entropy and cross_entropy = entropy + divergence.

    The cash b_0 is folded into the bets: b_0 + b_i o_i = b~_i o_i with b~_i = b_i + b_0/o_i
    (Cover & Thomas 2006, §6.3). The folded shares sum to S = 1 + b_0 (sum_i 1/o_i - 1), which is
    1 when no cash is held or the odds are fair (sum 1/o = 1); ``effective_shares`` are
    q = b~/S, a distribution, so the divergence D(p||q) >= 0 is a true relative entropy, and
    ``cash_term`` ln S is what keeping cash earns at subfair odds (> 0) or costs at superfair
    odds (< 0). Without cash: G = sum p ln o - H(p, b), H(p, b) = H(p) + D(p||b).
    """

    log_odds: float | np.ndarray  # sum_i p_i ln o_i
    entropy: float | np.ndarray  # H(p)
    divergence: float | np.ndarray  # D(p || q)
    cross_entropy: float | np.ndarray  # H(p, q)
    growth: float | np.ndarray  # G(b)
    effective_shares: np.ndarray  # q = b~ / sum b~
    cash_term: float | np.ndarray  # ln sum_i b~_i


def growth_decomposition(
    b: ArrayLike, p: ArrayLike, o: ArrayLike, base: float | None = None
) -> GrowthDecomposition:
    """Split the growth of shares b into sum p ln o - H(p) - D(p||b~) (C&T 2006, §6.1)."""
    b = _shares(b)
    p = _distribution("p", p)
    o = _positive("o", o)
    cash = _cash(b)
    folded = b + cash / o
    total = folded.sum(axis=-1, keepdims=True)
    effective = folded / total
    log_odds = _xlogy(p, o).sum(axis=-1)
    h = 0.0 - _xlogy(p, p).sum(axis=-1)  # 0 - x, not -x: a sure outcome has entropy 0, not -0
    cross = 0.0 - _xlogy(p, effective).sum(axis=-1)
    divergence = np.maximum(cross - h, 0.0)
    growth = _xlogy(p, cash + b * o).sum(axis=-1)
    cash_term = np.log(total[..., 0])
    terms = (log_odds, h, divergence, cross, growth)
    return GrowthDecomposition(
        *(_scalar_or_array(_per_base(x, base)) for x in terms),
        effective_shares=effective,
        cash_term=_scalar_or_array(_per_base(cash_term, base)),
    )


def kelly_shares(p: ArrayLike, o: ArrayLike) -> tuple[np.ndarray, float]:
    """Growth-optimal shares (b, b_0) for one race at any odds.

    Kelly (1956), the case with a track take (subfair odds), where keeping cash pays: rank
    outcomes by p_i o_i; the betting set S grows while p_i o_i exceeds the cash level
    b_0 = (1 - sum_S p_i)/(1 - sum_S 1/o_i); then b_i = p_i - b_0/o_i on S and 0 elsewhere.
    With fair or better odds (sum 1/o <= 1) this is proportional betting b = p, b_0 = 0.
    """
    p = _distribution("p", p)
    o = _positive("o", o)
    if p.ndim != 1 or o.shape != p.shape:
        raise ValueError(f"p and o must be two lists of the same length, got {p!r} and {o!r}")
    if np.sum(1.0 / o) <= 1.0 + 1e-12:
        return p.copy(), 0.0
    order = np.argsort(-(p * o), kind="stable")
    cash = 1.0
    chosen: list[int] = []
    for i in order:
        if p[i] * o[i] <= cash:
            break
        trial = [*chosen, int(i)]
        inverse_odds = np.sum(1.0 / o[trial])
        if inverse_odds >= 1.0:
            break
        chosen = trial
        cash = (1.0 - np.sum(p[chosen])) / (1.0 - inverse_odds)
    shares = np.zeros_like(p)
    if chosen:
        shares[chosen] = p[chosen] - cash / o[chosen]
    return np.maximum(shares, 0.0), float(1.0 - shares.sum())


def fractional_kelly_growth(c: ArrayLike, optimal_growth: ArrayLike):
    """Growth c (2 - c) g* of betting c times Kelly (Thorp 2006, §7, continuous approximation).

    Half Kelly keeps 3/4 of the optimal growth; double Kelly keeps none.

    Parameters
    ----------
    c : array_like
        Multiple of the Kelly stake.
    optimal_growth : array_like
        g*, the growth of full Kelly.

    Returns
    -------
    float or numpy.ndarray
        c (2 - c) g*.

    Examples
    --------
    >>> fractional_kelly_growth(0.5, 1.0)
    0.75
    """
    c = np.asarray(c, dtype=float)
    return _scalar_or_array(c * (2.0 - c) * np.asarray(optimal_growth, dtype=float))


def drawdown_probability(x: ArrayLike, c: ArrayLike = 1.0):
    """P(wealth ever falls to a fraction x of its start) ~ x^(2/c - 1) betting c times Kelly.

    Thorp (2006), §7 (continuous approximation): full Kelly halves with probability 1/2,
    half Kelly with probability 1/8.

    Parameters
    ----------
    x : array_like
        Fraction of the starting bankroll, in (0, 1].
    c : array_like, default 1.0
        Multiple of Kelly, in (0, 2).

    Returns
    -------
    float or numpy.ndarray
        x^(2/c - 1).

    Raises
    ------
    ValueError
        If x is outside (0, 1] or c outside (0, 2).

    Examples
    --------
    >>> drawdown_probability(0.5), drawdown_probability(0.5, c=0.5)
    (0.5, 0.125)
    """
    x = np.asarray(x, dtype=float)
    c = np.asarray(c, dtype=float)
    if not np.all((x > 0) & (x <= 1)):
        raise ValueError(f"x = {x!r} must be a fraction of the start in (0, 1]")
    if not np.all((c > 0) & (c < 2)):
        raise ValueError(f"c = {c!r} must be a multiple of Kelly in (0, 2)")
    return _scalar_or_array(x ** (2.0 / c - 1.0))
