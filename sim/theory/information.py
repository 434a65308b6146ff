"""Entropy, cross-entropy and relative entropy of distributions along the last axis."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.theory.checks import _distribution, _per_base, _probability, _scalar_or_array, _xlogy


def bernoulli(p: ArrayLike) -> np.ndarray:
    """The coin's distribution (p, 1 - p) along a new last axis."""
    p = _probability("p", p)
    return np.stack([p, 1.0 - p], axis=-1)


def entropy(p: ArrayLike, base: float | None = None):
    """Shannon entropy H(p) = -sum_i p_i ln p_i (Cover & Thomas 2006, eq. 2.1).

    Parameters
    ----------
    p : array_like
        Distributions along the last axis (each sums to 1).
    base : float, optional
        Logarithm base (2 for bits); natural logarithm (nats) by default.

    Returns
    -------
    float or numpy.ndarray
        H(p), one per distribution (0 ln 0 = 0).

    Raises
    ------
    ValueError
        If p is not a distribution along its last axis, or base is not a positive number
        other than 1.

    Examples
    --------
    >>> entropy([0.5, 0.5], base=2)
    1.0
    >>> round(entropy([0.6, 0.4]), 6)
    0.673012
    """
    p = _distribution("p", p)
    return _scalar_or_array(_per_base(0.0 - _xlogy(p, p).sum(axis=-1), base))  # 0, never -0


def cross_entropy(p: ArrayLike, q: ArrayLike, base: float | None = None):
    """Cross-entropy H(p, q) = -sum_i p_i ln q_i = H(p) + D(p||q).

    The average code length when data from p are coded with a code built for q; the gambler
    who bets shares q on outcomes drawn from p loses exactly this against sum p ln o.

    Parameters
    ----------
    p, q : array_like
        Distributions along the last axis (true and believed).
    base : float, optional
        Logarithm base (2 for bits); nats by default.

    Returns
    -------
    float or numpy.ndarray
        H(p, q); +inf where some q_i = 0 with p_i > 0.

    Raises
    ------
    ValueError
        If p or q is not a distribution, or base is invalid.

    Examples
    --------
    >>> cross_entropy([0.5, 0.5], [0.5, 0.5], base=2)
    1.0
    >>> round(cross_entropy([0.6, 0.4], [0.5, 0.5]), 6)  # ln 2
    0.693147
    """
    p = _distribution("p", p)
    q = _distribution("q", q)
    return _scalar_or_array(_per_base(0.0 - _xlogy(p, q).sum(axis=-1), base))  # 0, never -0


def kl_divergence(p: ArrayLike, q: ArrayLike, base: float | None = None):
    """Relative entropy D(p||q) = sum_i p_i ln(p_i / q_i) >= 0, zero iff p = q.

    Cover & Thomas (2006), eq. 2.26 and theorem 2.6.3 (information inequality).

    Parameters
    ----------
    p, q : array_like
        Distributions along the last axis.
    base : float, optional
        Logarithm base (2 for bits); nats by default.

    Returns
    -------
    float or numpy.ndarray
        D(p||q), never negative; +inf where some q_i = 0 with p_i > 0.

    Raises
    ------
    ValueError
        If p or q is not a distribution, or base is invalid.

    Examples
    --------
    >>> kl_divergence([0.6, 0.4], [0.6, 0.4])
    0.0
    >>> round(kl_divergence([0.6, 0.4], [0.5, 0.5]), 6)
    0.020136
    """
    p = _distribution("p", p)
    q = _distribution("q", q)
    divergence = (_xlogy(p, p) - _xlogy(p, q)).sum(axis=-1)
    # Rounding can leave -1e-17 where p == q; the divergence is never negative.
    return _scalar_or_array(_per_base(np.maximum(divergence, 0.0), base))
