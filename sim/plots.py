"""Figures for the command line and the handout, drawn without a display.

Figures are built on :class:`matplotlib.figure.Figure` directly (never pyplot), so no GUI
backend is ever touched and nothing global is kept between calls; save them with
:func:`sim.output.write_figure`.

* :func:`sweep_figure` — growth rate against the bet fraction: the closed form
  G(f) = p ln(1 + b f) + (1 - p) ln(1 - f) (Kelly 1956), Monte Carlo points with 95% intervals,
  the Kelly peak, and below it the same curve read as a cross-entropy:
  G = sum_i p_i ln o_i - H(p, a) with H(p, a) = H(p) + D(p||a) (Cover & Thomas 2006, §6.1).
* :func:`fan_figure` — bankroll paths on a log scale: median, 25-75% and 5-95% bands, a few
  sample paths, one panel and colour per strategy (MacLean, Thorp & Ziemba 2010: Kelly maximises
  the median, not the mean, and can draw down hard on the way).
* :func:`race_figure` — a horse race: growth per strategy against theory, and the split
  G = sum p ln o - H(p) - D(p||b).
* :func:`challenge_figure` — the Haghani & Dewey (2016) game: payouts and P(cap), P(bust).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from sim.engine import SimulationResult
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.stats import theoretical_growth
from sim.theory import bernoulli, coin_growth, cross_entropy, entropy, kelly_fraction

NATS = "nats per bet"
THEORY_POINTS = 600
#: colours per strategy, in order (matplotlib's tab10, colour-blind friendlier than the default
#: cycle's neighbours when few strategies are shown)
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
GROWTH_WINDOW_BELOW = 2.0  # the sweep's y range reaches down to -2 G*: past double Kelly
GROWTH_WINDOW_ABOVE = 0.6


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _interval_errors(centre: np.ndarray, low, high) -> np.ndarray:
    """Error-bar lengths (2, n) below and above ``centre``; NaN where the growth is -inf."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    with np.errstate(invalid="ignore"):  # -inf - (-inf) for a bankroll that went bust
        return np.vstack([centre - low, high - centre])


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
    top = min(float(fractions.max()), 1.0)
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
    upper.plot(grid, theory, color=_colour(0), linewidth=2.2, label=f"theory  {formula}")
    mc = table["growth_mc"].to_numpy(dtype=float)
    finite = np.isfinite(mc)
    shown = finite & (mc >= low) & (mc <= high)
    errors = _interval_errors(mc, table["growth_ci_low"], table["growth_ci_high"])
    sample = f"{paths:,} paths × {game.rounds:,} bets" if paths else f"{game.rounds:,} bets"
    tiny = bool(np.all(np.nan_to_num(errors[:, shown]) < 0.004 * (high - low)))
    interval = "95% CI narrower than the dots" if tiny else "95% CI"
    upper.errorbar(
        fractions[shown], mc[shown], yerr=errors[:, shown], fmt="o", markersize=3.2,
        color=_colour(1), ecolor=_colour(1), elinewidth=1, capsize=1.5, zorder=3,
        label=f"Monte Carlo mean of $\\ln(W_T/W_0)/T$ ({sample}; {interval})",
    )
    if np.any(finite):
        best = int(np.nanargmax(np.where(finite, mc, -np.inf)))
        upper.plot(
            fractions[best], mc[best], marker="*", markersize=14, color=_colour(1),
            markeredgecolor="black", linestyle="none", zorder=4,
            label=f"Monte Carlo best: f = {fractions[best]:.3g}",
        )
    upper.axvline(f_star, color=_colour(3), linestyle="--", linewidth=1.3,
                  label=f"Kelly peak  f* = {f_star:.3g},  G* = {g_star:.4g} {NATS}")
    upper.text(f_star, 0.97, f"  f* = {f_star:.3g}", transform=upper.get_xaxis_transform(),
               ha="left", va="top", color=_colour(3), fontsize=10.5, fontweight="bold")
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
    lower.fill_between(grid, h, cross, color=_colour(4), alpha=0.2, linewidth=0,
                       label=r"$D(p\|a) = H(p, a) - H(p)$")
    lower.fill_between(grid, cross, log_odds, where=cross <= log_odds, color=_colour(2),
                       alpha=0.35, interpolate=True, linewidth=0,
                       label=r"$G = \sum p \ln o - H(p, a) > 0$")
    lower.axhline(log_odds, color="black", linestyle="--", linewidth=1.2,
                  label=f"{odds_label} = {log_odds:.4f}")
    lower.axhline(h, color=_colour(2), linestyle=":", linewidth=2.0, label=f"$H(p)$ = {h:.4f}")
    lower.plot(grid, cross, color=_colour(0), linewidth=2.2,
               label="$H(p, a)$, $a$ = share on heads")
    lower.fill_between(grid, log_odds, cross, where=cross > log_odds, facecolor="none",
                       edgecolor=_colour(3), alpha=0.45, hatch="///", linewidth=0,
                       interpolate=True, label=r"$G < 0$: $H(p, a)$ above $\sum p \ln o$")
    lower.axvline(f_star, color=_colour(3), linestyle="--", linewidth=1.3)
    share_text = "a = (1+f)/2" if even else "a = (1+bf)/(1+b)"
    lower.set_xlabel(f"fraction f of the bankroll staked on heads  (share on heads {share_text})")
    lower.set_ylabel("nats per bet")
    lower.set_title(
        r"the same curve read as a cross-entropy:  $G = \sum p \ln o - H(p, a)$,"
        r"  $H(p, a) = H(p) + D(p\|a)$", fontsize=10.5,
    )
    lower.legend(loc="best", fontsize=8, ncol=2, framealpha=0.92)
    lower.grid(alpha=0.25)


BAND_ROUNDS = 256  # rounds per slice: np.quantile copies its input, so slice the trajectories


def _quantile_bands(log_wealth: np.ndarray, quantiles) -> np.ndarray:
    """Wealth quantiles across paths (axis 0) per round; a bust (ln W = -inf) counts as 0.

    Computed a slice of rounds at a time, so the temporary copies stay small however many
    paths were recorded.
    """
    rounds = log_wealth.shape[1]
    bands = np.empty((len(quantiles), rounds))
    for start in range(0, rounds, BAND_ROUNDS):
        part = log_wealth[:, start:start + BAND_ROUNDS]
        floored = np.where(np.isneginf(part), -1e300, part)
        bands[:, start:start + BAND_ROUNDS] = np.quantile(floored, quantiles, axis=0)
    with np.errstate(over="ignore"):
        return np.exp(bands)


def _money(value: float, _position=None) -> str:
    """Axis label for an amount: 1,000 style in the everyday range, powers of ten outside it."""
    if value <= 0:
        return "0"
    if not math.isfinite(value):
        return "∞"
    if value >= 1e9 or value < 1e-3:
        return f"$10^{{{round(math.log10(value))}}}$"
    return f"{value:,.10g}"


def _fan_legend(figure: Figure, game, theory_shown: bool) -> None:
    """One legend for all panels, in neutral colours (each panel's colour is its strategy)."""
    grey = "0.35"
    handles = [
        Patch(color=grey, alpha=0.16, label="5–95% of paths"),
        Patch(color=grey, alpha=0.4, label="25–75% of paths"),
        Line2D([], [], color=grey, linewidth=2.4, label="median"),
        Line2D([], [], color=grey, linewidth=0.7, alpha=0.7, label="sample paths"),
    ]
    if theory_shown:
        handles.append(Line2D([], [], color="black", linestyle=":", linewidth=1.3,
                              label=r"theory $W_0\,e^{Gt}$ (the median's long-run path)"))
    if game.cap is not None:
        handles.append(Line2D([], [], color="black", linestyle="--", linewidth=1.1,
                              label=f"cap {_money(game.cap)}"))
    if game.floor > 0:
        handles.append(Line2D([], [], color=_colour(3), linestyle="--", linewidth=1.0,
                              label=f"floor {_money(game.floor)}"))
    handles.append(Line2D([], [], color="0.4", linewidth=0.8, label=f"start {_money(game.start)}"))
    figure.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4),
                  fontsize=9, frameon=False)


def _fan_panel(axis, result: SimulationResult, i: int, bands: np.ndarray,
               limits: tuple[float, float], samples: int) -> bool:
    """One strategy's panel of the fan chart; True if it draws the theory line."""
    game, label = result.game, result.labels[i]
    bottom, top = limits
    rounds = np.arange(game.rounds + 1)
    theory_shown = False
    colour = _colour(i)
    q05, q25, q50, q75, q95 = (np.clip(b, bottom, top) for b in bands)
    axis.fill_between(rounds, q05, q95, color=colour, alpha=0.16, linewidth=0)
    axis.fill_between(rounds, q25, q75, color=colour, alpha=0.36, linewidth=0)
    with np.errstate(over="ignore"):
        paths = np.exp(result.trajectories[i, : min(samples, result.paths)])
    for path in paths:
        axis.plot(rounds, np.clip(path, bottom, top), color=colour, linewidth=0.6, alpha=0.6)
    axis.plot(rounds, q50, color=colour, linewidth=2.0)
    if np.any(bands[0] <= 0):
        axis.text(0.99, 0.015, "paths at 0 (bust) lie on the bottom edge",
                  transform=axis.transAxes, ha="right", va="bottom", fontsize=8, color="0.3")
    growth = theoretical_growth(result.strategies[i], game)
    stats = [f"P(ruin) = {float(result.ruined[i].mean()):.0%}"]
    if math.isfinite(growth):
        theory_shown = True
        # ln W_0 + g t, clipped to the axis before exp: no overflow at huge odds
        line = np.clip(math.log(game.start) + growth * rounds, math.log(bottom),
                       math.log(top))
        axis.plot(rounds, np.exp(line), color="black", linestyle=":", linewidth=1.3)
        stats.insert(0, f"G = {growth:.4g}/bet")
    axis.axhline(game.start, color="0.4", linewidth=0.8)
    if game.cap is not None:
        axis.axhline(game.cap, color="black", linestyle="--", linewidth=1.1)
        stats.append(f"P(cap) = {float(result.capped[i].mean()):.0%}")
    if game.floor > 0:
        axis.axhline(game.floor, color=_colour(3), linestyle="--", linewidth=1.0)
    axis.set_title(label, loc="left", fontsize=12, color=colour, fontweight="bold")
    axis.set_title(",  ".join(stats), loc="right", fontsize=9, color="0.25")
    axis.set_yscale("log")
    axis.set_ylim(bottom, top)
    axis.yaxis.set_major_formatter(FuncFormatter(_money))
    axis.grid(alpha=0.25, which="major")
    return theory_shown


def _fan_title(result: SimulationResult, total_paths: int | None) -> str:
    """The fan chart's title: the rules and which paths the bands come from."""
    game = result.game
    shown = f"{result.paths:,} paths" if not total_paths or total_paths == result.paths else (
        f"the first {result.paths:,} of {total_paths:,} paths"
    )
    rules = [f"p = {game.p:g}" if isinstance(game, CoinGame) else "race",
             f"start {_money(game.start)}"]
    if isinstance(game, CoinGame) and game.odds != 1:
        rules.insert(1, f"{game.odds:g}-to-1")
    if game.tick > 0:
        rules.append(f"bets in steps of {game.tick:g}")
    return f"Bankroll over {game.rounds:,} bets ({', '.join(rules)}; bands from {shown})"


def fan_figure(
    result: SimulationResult,
    samples: int = 5,
    total_paths: int | None = None,
) -> Figure:
    """Bankroll paths per strategy on a log scale: median, 25-75% and 5-95% bands, samples.

    ``result`` must hold recorded trajectories; ``total_paths`` (if the trajectories are a
    subset of a larger run) is mentioned in the title. A bust bankroll (0) is drawn at the
    bottom edge of the log axis.
    """
    if result.trajectories is None:
        raise ValueError("the fan chart needs recorded paths; simulate with record_paths=True")
    game = result.game
    labels = result.labels
    count = len(labels)
    columns = 2 if count == 4 else min(count, 3)
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(4.8 * columns + 0.6, 3.6 * rows + 1.3), layout="constrained")
    axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    bands = [_quantile_bands(result.trajectories[i], [0.05, 0.25, 0.5, 0.75, 0.95])
             for i in range(count)]
    # wealth past the largest float (inf after exp) is drawn at the top edge
    positive = np.concatenate([b[(b > 0) & np.isfinite(b)] for b in bands]
                              + [np.array([game.start])])
    top = min(max(float(positive.max()), game.cap or 0.0) * 1.6, 1e250)
    bottom = max(float(positive.min()) / 1.6, game.start * 1e-4)
    if game.floor > 0:
        bottom = min(bottom, game.floor / 1.6)
    theory_shown = False
    for i, axis in enumerate(axes[:count]):
        theory_shown |= _fan_panel(axis, result, i, bands[i], (bottom, top), samples)
    for axis in axes[count:]:
        axis.set_visible(False)
    for axis in axes[(rows - 1) * columns:]:
        axis.set_xlabel("bet number")
    for axis in axes[::columns]:
        axis.set_ylabel("bankroll (log scale)")
    figure.suptitle(_fan_title(result, total_paths), fontsize=12.5, fontweight="bold")
    _fan_legend(figure, game, theory_shown)
    return figure


def _race_growth_panel(growth_axis, rows: pd.DataFrame, x: np.ndarray, labels: list[str]) -> None:
    """The race figure's left panel: growth per strategy, theory and Monte Carlo."""
    width = 0.38
    theory = rows["growth_theory"].to_numpy(dtype=float)
    mc = rows["growth_mc"].to_numpy(dtype=float)
    errors = _interval_errors(mc, rows["growth_ci_low"], rows["growth_ci_high"])
    finite = np.isfinite(mc) & np.isfinite(errors).all(axis=0)
    closed = np.isfinite(theory)
    growth_axis.bar(x[closed] - width / 2, theory[closed], width, color=_colour(0),
                    label="theory Σ p ln(b₀ + b o)")
    for i in np.flatnonzero(np.isnan(theory)):
        growth_axis.text(x[i] - width / 2, 0, "adaptive:\nno closed\nform", ha="center",
                         va="bottom", fontsize=7.5)
    growth_axis.bar(x[finite] + width / 2, mc[finite], width, color=_colour(1),
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
    split_axis.bar(x[known], divergence[known], 0.6, bottom=h[known], color=_colour(4),
                   label="D(p‖b̃): paid for betting b̃ ≠ p")
    gap = log_odds - cross
    split_axis.bar(x[known], gap[known], 0.6, bottom=cross[known], color=_colour(2), alpha=0.45,
                   label="G = Σ p ln o − H(p, b̃)")
    split_axis.axhline(log_odds, color="black", linestyle="--", linewidth=1.2,
                       label=f"Σ p ln o = {log_odds:.4f}")
    for i in np.flatnonzero(known):
        split_axis.text(x[i], max(cross[i], log_odds), f"G = {gap[i]:.4f}\nD = {divergence[i]:.4f}",
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
    split_axis.legend(fontsize=8, loc="upper left", framealpha=0.92)
    split_axis.grid(alpha=0.25, axis="y")


def _listed(values, shown: int = 6) -> str:
    """'0.5, 0.3, 0.2', or the first few and a count for a long list (a title stays a line)."""
    items = ", ".join(f"{value:g}" for value in values[:shown])
    return items + (f", … ({len(values)} outcomes)" if len(values) > shown else "")


def race_figure(table: pd.DataFrame, game: RaceGame) -> Figure:
    """Per strategy: Monte Carlo growth against theory, and H(p, b) = H(p) + D(p||b).

    Long lists (a race of 1,000 outcomes) are shortened in the title and the tick labels, so
    the figure keeps its size whatever the number of outcomes."""
    rows = table.reset_index(drop=True)
    labels = [name if len(name) <= 28 else name[:27] + "…" for name in rows["strategy"].astype(str)]
    x = np.arange(len(labels))
    figure = Figure(figsize=(min(max(8.0, 1.9 * len(labels) + 3.5), 40.0), 4.6),
                    layout="constrained")
    growth_axis, split_axis = figure.subplots(1, 2)
    odds = _listed(game.odds)
    probs = _listed(game.probs)
    figure.suptitle(f"Horse race: p = ({probs}), decimal odds = ({odds})",
                    fontsize=12, fontweight="bold")

    _race_growth_panel(growth_axis, rows, x, labels)
    _race_split_panel(split_axis, rows, x, labels)
    figure.text(0.5, -0.01, "b̃ = b + cash/o folds money kept back into the bets "
                "(Cover & Thomas 2006, §6.3); with no cash b̃ = b.",
                ha="center", va="top", fontsize=8.5, color="0.3")
    return figure


def challenge_figure(
    table: pd.DataFrame, game: CoinGame = HAGHANI_DEWEY, observed: str | None = None
) -> Figure:
    """Haghani & Dewey (2016) game per strategy: mean and median payout; P(cap) and P(bust).

    The row whose strategy is ``observed`` (the paper's subjects) is drawn hatched in grey.
    """
    cap = game.cap
    rows = table.reset_index(drop=True)
    labels = rows["strategy"].astype(str).tolist()
    x = np.arange(len(labels))
    figure = Figure(figsize=(max(8.0, 1.2 * len(labels) + 4), 4.8), layout="constrained")
    money, chances = figure.subplots(1, 2)
    capped = f", winnings capped at \\${cap:g}" if cap is not None else ""
    figure.suptitle(f"The Haghani–Dewey coin: \\${game.start:g} to start, p = {game.p:g}, "
                    f"{game.rounds} flips{capped}", fontsize=12, fontweight="bold")
    width = 0.38

    def bars(axis, offset, column, colour, label):
        values = rows[column].to_numpy(dtype=float) if column in rows else np.full(len(x), np.nan)
        drawn = axis.bar(x + offset, np.nan_to_num(values), width, color=colour, label=label)
        for i, label_i in enumerate(labels):
            if label_i == observed:
                drawn[i].set_facecolor("0.75")
                drawn[i].set_hatch("//")
                drawn[i].set_edgecolor(colour)

    bars(money, -width / 2, "mean_payout", _colour(0), "mean payout")
    bars(money, width / 2, "median_payout", _colour(1), "median payout")
    if cap is not None:
        money.axhline(cap, color="black", linestyle="--", linewidth=1,
                      label=f"cap \\${cap:g}")
    money.axhline(game.start, color="0.4", linewidth=0.8, label=f"start \\${game.start:g}")
    money.set_xticks(x, labels, rotation=25, ha="right")
    money.set_ylabel("payout (\\$)")
    money.set_ylim(0, (cap or float(np.nanmax(rows["mean_payout"]))) * 1.25)
    money.legend(fontsize=8, loc="upper right", ncol=2)
    money.grid(alpha=0.25, axis="y")
    bars(chances, -width / 2, "p_cap", _colour(2), "P(reach the cap)")
    bars(chances, width / 2, "p_bust", _colour(3), "P(bust)")
    chances.set_xticks(x, labels, rotation=25, ha="right")
    chances.set_ylim(0, 1.2)
    chances.set_yticks(np.linspace(0, 1, 6))
    chances.set_ylabel("share of players")
    chances.legend(fontsize=8, loc="upper right", ncol=2)
    chances.grid(alpha=0.25, axis="y")
    if observed in labels:
        figure.text(0.5, -0.01, f"grey, hatched: {observed} (Haghani & Dewey 2016); "
                    "blank where the paper gives no number", ha="center", va="top",
                    fontsize=8.5, color="0.3")
    return figure
