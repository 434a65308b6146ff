"""The sweep figure: growth rate against the bet fraction, and the same curve as a cross-entropy.

The closed form G(f) = p ln(1 + b f) + (1 - p) ln(1 - f) (Kelly 1956), Monte Carlo points with
95% intervals, the Kelly peak, and below it G = sum_i p_i ln o_i - H(p, a) with
H(p, a) = H(p) + D(p||a) (Cover & Thomas 2006, §6.1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.games import CoinGame
from sim.plots.common import NATS, colour, interval_errors
from sim.theory import bernoulli, coin_growth, cross_entropy, entropy, kelly_fraction

THEORY_POINTS = 600
GROWTH_WINDOW_BELOW = 2.0  # the sweep's y range reaches down to -2 G*: past double Kelly
GROWTH_WINDOW_ABOVE = 0.6


def _growth_window(peak: float, curve: np.ndarray) -> tuple[float, float]:
    """A y range that shows the peak and the fall past double Kelly; steeper parts go off scale."""
    if peak > 0:
        return -GROWTH_WINDOW_BELOW * peak, (1.0 + GROWTH_WINDOW_ABOVE) * peak
    finite = curve[np.isfinite(curve)]
    low = float(np.quantile(finite, 0.5)) if finite.size else -1.0
    low = low if low < 0 else -1.0
    return low, -GROWTH_WINDOW_ABOVE * low


def sweep_figure(table: pd.DataFrame, game: CoinGame, paths: int | None = None) -> Figure:
    """Growth against the fraction staked on heads, with the cross-entropy reading below.

    ``table`` is the output of ``kelly sweep`` (columns fraction, growth_mc, growth_ci_low,
    growth_ci_high). The theory curves are drawn from the closed forms on a fine grid.
    """
    p, odds = game.p, game.odds
    fractions = table["fraction"].to_numpy(dtype=float)
    # the swept range, widened to show the Kelly peak (and never a zero-width axis)
    top = min(max(float(fractions.max()), 1.25 * float(kelly_fraction(game.p, game.odds)), 0.05),
              1.0)
    grid = np.linspace(0.0, top, THEORY_POINTS)
    if top >= 1.0:
        grid = grid[:-1]  # G(1) = -inf

    figure = Figure(figsize=(8.5, 8.0), layout="constrained")
    upper, lower = figure.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    even = odds == 1
    odds_text = "even money" if even else f"{odds:g}-to-1 on heads"
    figure.suptitle(
        f"Growth rate of betting a fraction f on heads: p = {p:g}, {odds_text}",
        fontsize=13, fontweight="bold",
    )
    _sweep_growth_panel(upper, table, game, grid, paths)
    _sweep_cross_entropy_panel(lower, game, grid)
    lower.set_xlim(0.0, max(top, 1e-9))
    return figure


def _sweep_growth_panel(upper, table: pd.DataFrame, game: CoinGame, grid: np.ndarray,
                        paths: int | None) -> None:
    """The sweep's upper panel: G(f), theory and Monte Carlo."""
    p, odds = game.p, game.odds
    even = odds == 1
    f_star = float(kelly_fraction(p, odds))
    g_star = float(coin_growth(f_star, p, odds))
    fractions = table["fraction"].to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        theory = np.asarray(coin_growth(grid, p, odds))
    low, high = _growth_window(g_star, theory)
    upper.axhline(0.0, color="0.55", linewidth=0.8)
    formula = (r"$G(f) = p\,\ln(1+f) + (1-p)\,\ln(1-f)$" if even
               else r"$G(f) = p\,\ln(1+bf) + (1-p)\,\ln(1-f)$")
    upper.plot(grid, theory, color=colour(0), linewidth=2.2, label=f"theory  {formula}")
    mc = table["growth_mc"].to_numpy(dtype=float)
    finite = np.isfinite(mc)
    shown = finite & (mc >= low) & (mc <= high)
    errors = interval_errors(mc, table["growth_ci_low"], table["growth_ci_high"])
    sample = f"{paths:,} paths × {game.rounds:,} bets" if paths else f"{game.rounds:,} bets"
    tiny = bool(np.all(np.nan_to_num(errors[:, shown]) < 0.004 * (high - low)))
    interval = "95% CI narrower than the dots" if tiny else "95% CI"
    upper.errorbar(
        fractions[shown], mc[shown], yerr=errors[:, shown], fmt="o", markersize=3.2,
        color=colour(1), ecolor=colour(1), elinewidth=1, capsize=1.5, zorder=3,
        label=f"Monte Carlo mean of $\\ln(W_T/W_0)/T$ ({sample}; {interval})",
    )
    if np.any(finite):
        best = int(np.nanargmax(np.where(finite, mc, -np.inf)))
        upper.plot(
            fractions[best], mc[best], marker="*", markersize=14, color=colour(1),
            markeredgecolor="black", linestyle="none", zorder=4,
            label=f"Monte Carlo best: f = {fractions[best]:.3g}",
        )
    upper.axvline(f_star, color=colour(3), linestyle="--", linewidth=1.3,
                  label=f"Kelly peak  f* = {f_star:.3g},  G* = {g_star:.4g} {NATS}")
    upper.text(f_star, 0.97, f"  f* = {f_star:.3g}", transform=upper.get_xaxis_transform(),
               ha="left", va="top", color=colour(3), fontsize=10.5, fontweight="bold",
               clip_on=True)  # a label past the axis must not stretch the saved figure
    off = finite & ~shown
    if np.any(off):
        worst = int(np.argmin(np.where(finite, mc, np.inf)))
        upper.plot([], [], " ", label=f"off scale: G falls to {mc[worst]:.3g} {NATS} "
                                      f"at f = {fractions[worst]:.3g}")
    upper.set_ylim(low, high)
    upper.set_ylabel(f"growth rate G ({NATS})")
    upper.legend(loc="best", fontsize=8.5, framealpha=0.92)
    upper.grid(alpha=0.25)


def _sweep_cross_entropy_panel(lower, game: CoinGame, grid: np.ndarray) -> None:
    """The sweep's lower panel: the same curve as a cross-entropy."""
    p, odds = game.p, game.odds
    even = odds == 1
    probs = bernoulli(p)
    log_odds = float(np.sum(probs * np.log(game.decimal_odds)))
    h = float(entropy(probs))
    f_star = float(kelly_fraction(p, odds))
    with np.errstate(divide="ignore"):
        shares = game.share_of_fraction(grid)
        cross = np.asarray(cross_entropy(probs, np.stack([shares, 1 - shares], -1)))
    span = max(abs(log_odds - h), 0.01)
    lower.set_ylim(min(h, log_odds) - 0.35 * span, log_odds + GROWTH_WINDOW_BELOW * span)
    odds_label = r"$\sum p \ln o = \ln 2$" if even else r"$\sum p \ln o$"
    lower.fill_between(grid, h, cross, color=colour(4), alpha=0.2, linewidth=0,
                       label=r"$D(p\|a) = H(p, a) - H(p)$")
    lower.fill_between(grid, cross, log_odds, where=cross <= log_odds, color=colour(2),
                       alpha=0.35, interpolate=True, linewidth=0,
                       label=r"$G = \sum p \ln o - H(p, a) > 0$")
    lower.axhline(log_odds, color="black", linestyle="--", linewidth=1.2,
                  label=f"{odds_label} = {log_odds:.4f}")
    lower.axhline(h, color=colour(2), linestyle=":", linewidth=2.0, label=f"$H(p)$ = {h:.4f}")
    lower.plot(grid, cross, color=colour(0), linewidth=2.2,
               label="$H(p, a)$, $a$ = share on heads")
    lower.fill_between(grid, log_odds, cross, where=cross > log_odds, facecolor="none",
                       edgecolor=colour(3), alpha=0.45, hatch="///", linewidth=0,
                       interpolate=True, label=r"$G < 0$: $H(p, a)$ above $\sum p \ln o$")
    lower.axvline(f_star, color=colour(3), linestyle="--", linewidth=1.3)
    share_text = "a = (1+f)/2" if even else "a = (1+bf)/(1+b)"
    lower.set_xlabel(f"fraction f of the bankroll staked on heads  (share on heads {share_text})")
    lower.set_ylabel("nats per bet")
    lower.set_title(
        r"the same curve read as a cross-entropy:  $G = \sum p \ln o - H(p, a)$,"
        r"  $H(p, a) = H(p) + D(p\|a)$", fontsize=10.5,
    )
    # under the axes: the cross-entropy rises steeply to a corner, and 'best' then covers it
    lower.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8, ncol=3,
                 frameon=False)
    lower.grid(alpha=0.25)
