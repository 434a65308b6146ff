"""What the figures share: the palette, error-bar lengths and the money axis labels."""

from __future__ import annotations

import math

import numpy as np

from sim.money import format_money

NATS = "nats per bet"
#: colours per strategy, in order (matplotlib's tab10, colour-blind friendlier than the default
#: cycle's neighbours when few strategies are shown)
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def colour(i: int) -> str:
    """The colour of the i-th strategy (the palette repeats)."""
    return PALETTE[i % len(PALETTE)]


def interval_errors(centre: np.ndarray, low, high) -> np.ndarray:
    """Error-bar lengths (2, n) below and above ``centre``; NaN where the growth is -inf."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    with np.errstate(invalid="ignore"):  # -inf - (-inf) for a bankroll that went bust
        return np.vstack([centre - low, high - centre])


def money_tick(value: float, _position=None) -> str:
    """Axis label for an amount: 1,000 style in the everyday range, powers of ten outside it."""
    if value <= 0:
        return "0"
    if not math.isfinite(value):
        return "∞"
    if value >= 1e9 or value < 1e-3:
        return f"$10^{{{round(math.log10(value))}}}$"
    return f"{value:,.10g}"


def money_label(value: float) -> str:
    """An amount in a title or legend: :func:`sim.money.format_money` (the one formatter; no
    ``.00`` on whole amounts), its ``$`` escaped so matplotlib does not read math.

    >>> print(money_label(250), money_label(0.5), money_label(1.41e9))
    \\$250 \\$0.50 \\$1.41B
    """
    return format_money(value, cents=False).replace("$", r"\$")
