"""Validation and the shared arithmetic of the closed forms (0 ln 0 = 0, log bases)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

PROBABILITY_TOLERANCE = 1e-6


def _per_base(value: np.ndarray, base: float | None) -> np.ndarray:
    if base is None:
        return value
    if not np.isfinite(base) or base <= 0 or base == 1:
        raise ValueError(f"base = {base!r} must be a positive number other than 1")
    return value / np.log(base)


def _scalar_or_array(value: np.ndarray):
    return value.item() if value.ndim == 0 else value


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x ln y with 0 ln y = 0 for every y (including y = 0), elementwise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        product = x * np.log(y)
    return np.where(x == 0, 0.0, product)


def _distribution(name: str, values: ArrayLike) -> np.ndarray:
    """``values`` as a float array of distributions along the last axis, validated."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        raise ValueError(f"{name} = {values!r} is a single number; expected a distribution")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} = {values!r} contains NaN or infinity")
    if np.any(array < 0):
        raise ValueError(f"{name} = {values!r} has a negative probability")
    totals = array.sum(axis=-1)
    if np.any(np.abs(totals - 1.0) > PROBABILITY_TOLERANCE):
        raise ValueError(f"{name} = {values!r} does not sum to 1 along its last axis")
    return array


def _probability(name: str, values: ArrayLike) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if not np.all((array >= 0) & (array <= 1)):  # also rejects NaN
        raise ValueError(f"{name} = {values!r} is not a probability in [0, 1]")
    return array


def _positive(name: str, values: ArrayLike) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if not np.all((array > 0) & np.isfinite(array)):
        raise ValueError(f"{name} = {values!r} must be finite and greater than 0")
    return array


def _shares(b: ArrayLike) -> np.ndarray:
    b = np.asarray(b, dtype=float)
    if not np.all((b >= 0) & np.isfinite(b)):
        raise ValueError(f"b = {b!r} must be non-negative shares of the bankroll")
    if np.any(b.sum(axis=-1) > 1.0 + PROBABILITY_TOLERANCE):
        raise ValueError(f"b = {b!r} bets more than the whole bankroll (shares sum above 1)")
    return b


def _cash(b: np.ndarray) -> np.ndarray:
    """Cash b_0 = 1 - sum_i b_i, kept >= 0 against rounding when the shares sum to 1."""
    return np.maximum(1.0 - b.sum(axis=-1, keepdims=True), 0.0)
