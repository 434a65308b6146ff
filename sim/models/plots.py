"""The figure of ``kelly learn``: loss curves beside bankroll curves, train and test.

Drawn on :class:`matplotlib.figure.Figure` directly (no pyplot, no display); save it with
:func:`sim.output.write_figure`. Three panels:

1. cross-entropy (log loss) per training step on the training and the test races, with the
   break-even line sum p ln o (ln m at fair m-for-1 odds: a loss above it loses money) and, for
   synthetic races, the expected test loss H(p) + D(p||q) beside H(p), the true chances'
   expected loss (the gap is the divergence D(p||q));
2. growth per race of the bettor who stakes the model's q, = log odds - cross-entropy
   (Kelly 1956; Cover & Thomas 2006, ch. 6);
3. that bettor's bankroll race by race with the final model, on the training and test races.

A step where a loss is infinite (the bettor went bust) is marked with a cross at the panel's
edge, since it has no point on the scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

TRAIN_COLOUR = "#1f77b4"
TEST_COLOUR = "#d62728"
REFERENCE_COLOUR = "#7f7f7f"
#: curves with at most this many points get a dot per point
DOTTED_POINTS = 60


def _curve(axes, steps: np.ndarray, values: np.ndarray, colour: str, label: str,
           bust_at_top: bool, first_bust_only: bool = False, linestyle: str = "-") -> None:
    """Plot the finite values; mark infinite ones (bust) with crosses at the panel's edge.

    Short curves get a dot per step, so a finite step between two busts still shows.
    """
    finite = np.isfinite(values)
    axes.plot(steps, np.where(finite, values, np.nan), color=colour, label=label,
              linestyle=linestyle, marker="." if steps.size <= DOTTED_POINTS else None)
    busts = np.flatnonzero(~finite)
    if busts.size:
        busts = busts[:1] if first_bust_only else busts
        axes.scatter(steps[busts], np.full(busts.size, 1.0 if bust_at_top else 0.0), marker="x",
                     s=60, color=colour, transform=axes.get_xaxis_transform(), clip_on=False,
                     label=f"{label}: bust (infinite loss)", zorder=3)


def _loss_panel(axes, curve: pd.DataFrame) -> None:
    steps = curve["step"].to_numpy()
    for split, colour in (("train", TRAIN_COLOUR), ("test", TEST_COLOUR)):
        _curve(axes, steps, curve[f"{split}_cross_entropy"].to_numpy(dtype=float), colour,
               f"{split} races", bust_at_top=True)
    axes.axhline(curve["test_log_odds"].iloc[-1], color=REFERENCE_COLOUR, linestyle="--",
                 label="break-even: sum p ln o")
    if "test_divergence" in curve:  # synthetic races: the expected loss H(p) + D(p||q)
        expected = (curve["test_entropy"] + curve["test_divergence"]).to_numpy(dtype=float)
        _curve(axes, steps, expected, TEST_COLOUR, "test, expected: H(p) + D(p||q)",
               bust_at_top=True, linestyle=":")
        axes.axhline(curve["test_entropy"].iloc[-1], color=REFERENCE_COLOUR, linestyle=":",
                     label="H(p): the true chances' expected loss")
    axes.set_xlabel("training step")
    axes.set_ylabel("cross-entropy (nats per race)")
    axes.set_title("Loss: what the model gives up")
    axes.legend(fontsize="small")


def _growth_panel(axes, curve: pd.DataFrame) -> None:
    steps = curve["step"].to_numpy()
    for split, colour in (("train", TRAIN_COLOUR), ("test", TEST_COLOUR)):
        _curve(axes, steps, curve[f"{split}_growth"].to_numpy(dtype=float), colour,
               f"{split} races", bust_at_top=False)
    axes.axhline(0.0, color=REFERENCE_COLOUR, linewidth=0.8)
    axes.set_xlabel("training step")
    axes.set_ylabel("growth (nats per race)")
    axes.set_title("Growth = log odds - cross-entropy")
    axes.legend(fontsize="small")


def _bankroll_panel(axes, paths: dict[str, np.ndarray]) -> None:
    for (split, path), colour in zip(paths.items(), (TRAIN_COLOUR, TEST_COLOUR), strict=False):
        wealth = np.concatenate([[0.0], np.cumsum(path)])
        races = np.arange(wealth.size)
        _curve(axes, races, wealth, colour, f"{split} races", bust_at_top=False,
               first_bust_only=True)
    axes.axhline(0.0, color=REFERENCE_COLOUR, linewidth=0.8)
    axes.set_xlabel("race")
    axes.set_ylabel("ln(bankroll / start)")
    axes.set_title("Betting the final model, race by race")
    axes.legend(fontsize="small")


def learn_figure(curve: pd.DataFrame, paths: dict[str, np.ndarray] | None = None,
                 title: str = "") -> Figure:
    """Loss curves, growth curves and (optionally) bankroll paths of a learning run.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`sim.models.betting.learning_curve`.
    paths : dict, optional
        ``{"train": steps, "test": steps}``: per-race log multipliers of the final model
        (:func:`sim.models.betting.bet_races`) for the third panel.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from sim.models.betting import learning_curve
    >>> from sim.models.datasets import split_races, synthetic_races
    >>> from sim.models.models import SoftmaxRegression
    >>> train, test = split_races(synthetic_races(90), seed=0)
    >>> figure = learn_figure(learning_curve(SoftmaxRegression(), train, test, 5))
    >>> len(figure.axes)
    2
    """
    panels = 3 if paths else 2
    figure = Figure(figsize=(5.2 * panels, 4.2), layout="constrained")
    axes = figure.subplots(1, panels)
    _loss_panel(axes[0], curve)
    _growth_panel(axes[1], curve)
    if paths:
        _bankroll_panel(axes[2], paths)
    if title:
        figure.suptitle(title)
    return figure
