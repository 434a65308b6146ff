"""The race figure: growth per strategy against theory, and G = sum p ln o - H(p) - D(p||b)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.games import RaceGame
from sim.plots.common import colour, interval_errors


def _race_growth_panel(growth_axis, rows: pd.DataFrame, x: np.ndarray, labels: list[str]) -> None:
    """The race figure's left panel: growth per strategy, theory and Monte Carlo."""
    width = 0.38
    theory = rows["growth_theory"].to_numpy(dtype=float)
    mc = rows["growth_mc"].to_numpy(dtype=float)
    errors = interval_errors(mc, rows["growth_ci_low"], rows["growth_ci_high"])
    finite = np.isfinite(mc) & np.isfinite(errors).all(axis=0)
    closed = np.isfinite(theory)
    growth_axis.bar(x[closed] - width / 2, theory[closed], width, color=colour(0),
                    label="theory Σ p ln(b₀ + b o)")
    for i in np.flatnonzero(np.isnan(theory)):
        growth_axis.text(x[i] - width / 2, 0, "adaptive:\nno closed\nform", ha="center",
                         va="bottom", fontsize=7.5)
    growth_axis.bar(x[finite] + width / 2, mc[finite], width, color=colour(1),
                    yerr=errors[:, finite], capsize=3, label="Monte Carlo, 95% CI")
    for i in np.flatnonzero(np.isneginf(mc) | np.isneginf(theory)):
        growth_axis.text(x[i], 0, "bust\n(−∞)", ha="center", va="bottom", fontsize=8)
    growth_axis.axhline(0, color="0.5", linewidth=0.8)
    growth_axis.set_xticks(x, labels, rotation=20, ha="right")
    growth_axis.set_ylabel("growth rate (nats per race)")
    growth_axis.set_title("growth per strategy: theory and Monte Carlo")
    growth_axis.legend(fontsize=8)
    growth_axis.grid(alpha=0.25, axis="y")


def _race_split_panel(split_axis, rows: pd.DataFrame, x: np.ndarray, labels: list[str]) -> None:
    """The race figure's right panel: H(p, b̃) = H(p) + D(p‖b̃) under Σ p ln o."""
    log_odds = float(rows["log_odds"].dropna().iloc[0]) if rows["log_odds"].notna().any() else 0.0
    h = rows["entropy"].to_numpy(dtype=float)
    divergence = rows["divergence"].to_numpy(dtype=float)
    cross = h + divergence
    known = np.isfinite(cross)
    split_axis.bar(x[known], h[known], 0.6, color="0.72", label="H(p): paid by every bettor")
    split_axis.bar(x[known], divergence[known], 0.6, bottom=h[known], color=colour(4),
                   label="D(p‖b̃): paid for betting b̃ ≠ p")
    gap = log_odds - cross
    # kept cash earns a term of its own at unfair odds: G = Σ p ln o + cash_term − H(p, b̃)
    cash_term = (rows["cash_term"].to_numpy(dtype=float) if "cash_term" in rows
                 else np.zeros(len(x)))
    with_cash = np.abs(np.nan_to_num(cash_term)) > 1e-12
    split_axis.bar(x[known], gap[known], 0.6, bottom=cross[known], color=colour(2), alpha=0.45,
                   label="Σ p ln o − H(p, b̃) (G before the cash term)" if with_cash.any()
                   else "G = Σ p ln o − H(p, b̃)")
    split_axis.axhline(log_odds, color="black", linestyle="--", linewidth=1.2,
                       label=f"Σ p ln o = {log_odds:.4f}")
    for i in np.flatnonzero(known):
        lines = f"G = {gap[i] + np.nan_to_num(cash_term[i]):.4f}\nD = {divergence[i]:.4f}"
        if with_cash[i]:
            lines += f"\ncash term {cash_term[i]:+.4f}"
        split_axis.text(x[i], max(cross[i], log_odds), lines,
                        ha="center", va="bottom", fontsize=8)
    for i in np.flatnonzero(np.isposinf(cross)):
        split_axis.text(x[i], log_odds, "D = ∞:\nno money on\na possible\nwinner",
                        ha="center", va="top", fontsize=8)
    split_axis.set_xticks(x, labels, rotation=20, ha="right")
    values = np.concatenate([cross[known], h[known], [log_odds]])
    spread = max(float(np.ptp(values)), 0.02)
    bottom = max(0.0, float(values.min()) - 1.2 * spread)
    split_axis.set_ylim(bottom, float(values.max()) + 1.1 * spread)
    axis_note = "" if bottom == 0 else f" (axis starts at {bottom:.2f})"
    split_axis.set_ylabel(f"nats per race{axis_note}")
    split_axis.set_title("the same growth as a cross-entropy:  H(p, b̃) = H(p) + D(p‖b̃)",
                         fontsize=10)
    # under the strategy names: above the bars it would cover their G and D labels
    split_axis.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.24), ncol=2,
                      frameon=False)
    split_axis.grid(alpha=0.25, axis="y")


def race_figure(table: pd.DataFrame, game: RaceGame) -> Figure:
    """Per strategy: Monte Carlo growth against theory, and H(p, b) = H(p) + D(p||b)."""
    rows = table.reset_index(drop=True)
    labels = rows["strategy"].astype(str).tolist()
    x = np.arange(len(labels))
    figure = Figure(figsize=(max(8.0, 1.9 * len(labels) + 3.5), 4.6), layout="constrained")
    growth_axis, split_axis = figure.subplots(1, 2)
    odds = ", ".join(f"{o:g}" for o in game.odds)
    probs = ", ".join(f"{q:g}" for q in game.probs)
    figure.suptitle(f"Horse race: p = ({probs}), decimal odds = ({odds})",
                    fontsize=12, fontweight="bold")

    _race_growth_panel(growth_axis, rows, x, labels)
    _race_split_panel(split_axis, rows, x, labels)
    figure.text(0.5, -0.01, "b̃ = b + cash/o folds money kept back into the bets "
                "(Cover & Thomas 2006, §6.3); with no cash b̃ = b.",
                ha="center", va="top", fontsize=8.5, color="0.3")
    return figure
