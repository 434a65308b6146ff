"""Closed forms for repeated bets: entropy, cross-entropy, divergence and growth rates.

:mod:`sim.theory.information` (H, cross-entropy, D), :mod:`sim.theory.growth` (growth rates,
Kelly's optimum) and :mod:`sim.theory.side_information` (I(X;Y), H(X|Y), Kelly's private wire)
share the checks of :mod:`sim.theory.checks`.

All functions are vectorised over numpy arrays. Distributions lie along the last axis. Results
are in nats; pass ``base=2`` for bits. The convention 0 ln 0 = 0 holds throughout, and a zero
probability q_i where p_i > 0 gives +inf (cross-entropy, divergence) or -inf (growth).

The central identity (Kelly 1956; Cover & Thomas 2006, ch. 6): betting shares b of the bankroll
on outcomes with probabilities p and decimal odds o grows wealth at

    G(b) = sum_i p_i ln(b_i o_i) = sum_i p_i ln o_i - H(p, b) = sum_i p_i ln o_i - H(p) - D(p||b),

so G is maximal, at sum_i p_i ln o_i - H(p), exactly when b = p.
"""

from sim.theory.checks import PROBABILITY_TOLERANCE
from sim.theory.growth import (
    GrowthDecomposition,
    coin_growth,
    drawdown_probability,
    ensemble_growth,
    fractional_kelly_growth,
    growth_decomposition,
    kelly_fraction,
    kelly_shares,
    portfolio_growth,
)
from sim.theory.information import bernoulli, cross_entropy, entropy, kl_divergence
from sim.theory.side_information import (
    WireValue,
    best_growth,
    conditional_entropy,
    joint_distribution,
    mutual_information,
    tip_capacity,
    tip_joint,
    wire_shares,
    wire_value,
)

__all__ = [
    "PROBABILITY_TOLERANCE",
    "GrowthDecomposition",
    "WireValue",
    "bernoulli",
    "best_growth",
    "coin_growth",
    "conditional_entropy",
    "cross_entropy",
    "drawdown_probability",
    "ensemble_growth",
    "entropy",
    "fractional_kelly_growth",
    "growth_decomposition",
    "joint_distribution",
    "kelly_fraction",
    "kelly_shares",
    "kl_divergence",
    "mutual_information",
    "portfolio_growth",
    "tip_capacity",
    "tip_joint",
    "wire_shares",
    "wire_value",
]
