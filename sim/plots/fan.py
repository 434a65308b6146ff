"""The fan chart: bankroll paths on a log scale, one panel and colour per strategy.

Median, 25-75% and 5-95% bands and a few sample paths (MacLean, Thorp & Ziemba 2010: Kelly
maximises the median, not the mean, and can draw down hard on the way).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from sim.engine import SimulationResult
from sim.games import CoinGame
from sim.plots.common import colour, money_label, money_tick
from sim.stats import theoretical_growth

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
                              label=f"cap {money_label(game.cap)}"))
    if game.floor > 0:
        handles.append(Line2D([], [], color=colour(3), linestyle="--", linewidth=1.0,
                              label=f"floor {money_label(game.floor)}"))
    handles.append(Line2D([], [], color="0.4", linewidth=0.8,
                          label=f"start {money_label(game.start)}"))
    figure.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4),
                  fontsize=9, frameon=False)


SHORT_LIVED = 0.5  # a panel whose paths all end before this share of the bets is zoomed


def _last_playing(log_wealth: np.ndarray, cap: float | None) -> int:
    """The last round at which some path is still betting: not bust (ln W > -inf) and below
    the cap, if there is one."""
    playing = ~np.isneginf(log_wealth)
    if cap is not None:
        playing &= log_wealth < math.log(cap) - 1e-12
    rounds = np.flatnonzero(playing.any(axis=0))
    return int(rounds[-1]) if rounds.size else 0


def _wealth_limits(bands: list[np.ndarray], game, upto: int) -> tuple[float, float]:
    """A log axis from the bands' positive wealth up to round ``upto``, start (and cap) shown."""
    # wealth past the largest float (inf after exp) is drawn at the top edge
    positive = np.concatenate([b[:, : upto + 1][(b[:, : upto + 1] > 0)
                                                & np.isfinite(b[:, : upto + 1])] for b in bands]
                              + [np.array([game.start])])
    top = min(max(float(positive.max()), game.cap or 0.0) * 1.6, 1e250)
    bottom = max(float(positive.min()) / 1.6, game.start * 1e-4)
    if game.floor > 0:
        bottom = min(bottom, game.floor / 1.6)
    return bottom, top


def _fan_panel(axis, result: SimulationResult, i: int, bands: np.ndarray,
               limits: tuple[float, float], samples: int, last: int | None = None,
               full: SimulationResult | None = None) -> bool:
    """One strategy's panel of the fan chart; True if it draws the theory line. With ``last``
    (the round by which every path had ended) the x axis ends a little after it; P(ruin) and
    P(cap) come from ``full`` (every path) when given, else from ``result``."""
    game, label = result.game, result.labels[i]
    full = result if full is None else full
    bottom, top = limits
    rounds = np.arange(game.rounds + 1)
    theory_shown = False
    tint = colour(i)
    q05, q25, q50, q75, q95 = (np.clip(b, bottom, top) for b in bands)
    axis.fill_between(rounds, q05, q95, color=tint, alpha=0.16, linewidth=0)
    axis.fill_between(rounds, q25, q75, color=tint, alpha=0.36, linewidth=0)
    with np.errstate(over="ignore"):
        paths = np.exp(result.trajectories[i, : min(samples, result.paths)])
    for path in paths:
        axis.plot(rounds, np.clip(path, bottom, top), color=tint, linewidth=0.6, alpha=0.6)
    axis.plot(rounds, q50, color=tint, linewidth=2.0)
    if np.any(bands[0] <= 0):
        note = "paths at 0 (bust) lie on the bottom edge"
        if last is not None:
            ended = "bust or at the cap" if game.cap is not None else "bust"
            note = f"every path {ended} by bet {last + 1}\n{note}"
        axis.text(0.99, 0.015, note, transform=axis.transAxes, ha="right", va="bottom",
                  fontsize=8, color="0.3")
    growth = theoretical_growth(result.strategies[i], game)
    stats = [f"P(ruin) = {float(full.ruined[i].mean()):.0%}"]
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
        stats.append(f"P(cap) = {float(full.capped[i].mean()):.0%}")
    if game.floor > 0:
        axis.axhline(game.floor, color=colour(3), linestyle="--", linewidth=1.0)
    axis.set_title(label, loc="left", fontsize=12, color=tint, fontweight="bold")
    axis.set_title(",  ".join(stats), loc="right", fontsize=9, color="0.25")
    axis.set_yscale("log")
    axis.set_ylim(bottom, top)
    end = game.rounds if last is None else min(game.rounds, max(10, math.ceil(1.3 * (last + 1))))
    axis.set_xlim(-0.02 * end, 1.02 * end)
    axis.yaxis.set_major_formatter(FuncFormatter(money_tick))
    axis.yaxis.set_minor_formatter(NullFormatter())  # a short range would label 2×10¹, 3×10¹...
    if top / bottom < 1e3:  # under three decades: 1-2-5 steps, so the axis has numbers on it
        axis.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.grid(alpha=0.25, which="major")
    return theory_shown


def _fan_title(result: SimulationResult, total_paths: int | None, from_all: bool) -> str:
    """The fan chart's title: the rules and which paths the bands come from."""
    game = result.game
    shown = f"{result.paths:,} paths" if not total_paths or total_paths == result.paths else (
        f"all {total_paths:,} paths" if from_all
        else f"the first {result.paths:,} of {total_paths:,} paths"
    )
    rules = [f"p = {game.p:g}" if isinstance(game, CoinGame) else "race",
             f"start {money_label(game.start)}"]
    if isinstance(game, CoinGame) and game.odds != 1:
        rules.insert(1, f"{game.odds:g}-to-1")
    if game.tick > 0:
        rules.append(f"bets in steps of {game.tick:g}")
    return f"Bankroll over {game.rounds:,} bets ({', '.join(rules)}; bands from {shown})"


def fan_figure(
    result: SimulationResult,
    samples: int = 5,
    total_paths: int | None = None,
    bands: Sequence[np.ndarray | None] | None = None,
    full: SimulationResult | None = None,
) -> Figure:
    """Bankroll paths per strategy on a log scale: median, 25-75% and 5-95% bands, samples.

    ``result`` must hold recorded trajectories; ``total_paths`` (if the trajectories are a
    subset of a larger run) is mentioned in the title. ``bands`` (per strategy, the wealth
    at the 5, 25, 50, 75 and 95% quantiles per round over every path, as
    :func:`sim.bands.fan_quantiles` gives them) replace the bands of the recorded sample where
    given (None: from the sample); ``full`` (the run of every path) gives P(ruin) and P(cap).
    A bust bankroll (0) is drawn at the bottom edge of the log axis.
    """
    if result.trajectories is None:
        raise ValueError("the fan chart needs recorded paths; simulate with record_paths=True")
    game = result.game
    labels = result.labels
    count = len(labels)
    columns = 2 if count == 4 else min(count, 3)
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(4.8 * columns + 0.6, 3.6 * rows + 1.3), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    given = list(bands) if bands is not None else [None] * count
    from_all = all(b is not None for b in given)
    bands = [given[i] if given[i] is not None else
             _quantile_bands(result.trajectories[i], [0.05, 0.25, 0.5, 0.75, 0.95])
             for i in range(count)]
    # panels share one wealth axis, except those whose paths all ended early (bust or at the
    # cap): each of those gets the bets it played, not a long empty stretch after them
    ends = [_last_playing(result.trajectories[i], game.cap) for i in range(count)]
    short = [end < SHORT_LIVED * game.rounds for end in ends]
    lasting = [b for b, brief in zip(bands, short, strict=True) if not brief] or bands
    shared = _wealth_limits(lasting, game, game.rounds)
    theory_shown = False
    for i, axis in enumerate(axes[:count]):
        last = ends[i] if short[i] else None
        limits = shared if last is None else _wealth_limits([bands[i]], game, last + 1)
        theory_shown |= _fan_panel(axis, result, i, bands[i], limits, samples, last, full)
    for axis in axes[count:]:
        axis.set_visible(False)
    for axis in axes[(rows - 1) * columns:]:
        axis.set_xlabel("bet number")
    for axis in axes[::columns]:
        axis.set_ylabel("bankroll (log scale)")
    figure.suptitle(_fan_title(result, total_paths, from_all), fontsize=12.5,
                    fontweight="bold")
    _fan_legend(figure, game, theory_shown)
    return figure
