"""Figures of Kelly's private wire, drawn without a display (matplotlib's Figure, never pyplot).

:func:`wire_figure` shows, on the left, the growth per race without and with the wire against
theory (for a symmetric tip: the capacity curve ln 2 - H(q) of Kelly 1956 over every accuracy,
with the Monte Carlo points at the accuracies simulated; for a joint table: bars of the closed
forms with the Monte Carlo estimates and the mutual information I(X;Y), Cover & Thomas 2006,
§6.2), and on the right a few bankrolls with and without the wire on the same races, beside the
theoretical slopes. Save it with :func:`sim.output.write_figure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.wire import WireRun

WITHOUT_COLOUR = "#7f7f7f"
WITH_COLOUR = "#1f77b4"
INFORMATION_COLOUR = "#d62728"
NATS = "nats per race"


def _errors(table: pd.DataFrame, name: str) -> np.ndarray:
    """Two standard errors, 0 where none could be computed (a bet that cannot vary)."""
    return np.nan_to_num(2.0 * table[f"{name}_se"].to_numpy(dtype=float), nan=0.0)


def _capacity_panel(axes, table: pd.DataFrame, curve: pd.DataFrame) -> None:
    q = curve["accuracy"]
    axes.plot(q, curve["with_wire"], color=WITH_COLOUR, label="with the wire (theory)")
    axes.plot(q, curve["without_wire"], color=WITHOUT_COLOUR, label="without (theory)")
    axes.plot(q, curve["without_wire"] + curve["mutual_information"], color=INFORMATION_COLOUR,
              linestyle=":", label="without + I(X;Y)")
    for name, colour in (("with", WITH_COLOUR), ("without", WITHOUT_COLOUR)):
        axes.errorbar(table["accuracy"], table[f"{name}_mc"], yerr=_errors(table, name),
                      fmt="o", color=colour, capsize=3, label=f"{name} (Monte Carlo ± 2 se)")
    axes.set_xlabel("tip accuracy q")
    axes.set_ylabel(f"growth ({NATS})")
    axes.set_title("The wire's worth: ln 2 - H(q) at even money")
    axes.legend(fontsize="small")


def _joint_panel(axes, table: pd.DataFrame) -> None:
    names = ("without", "with", "gain")
    positions = np.arange(len(names))
    row = table.iloc[0]
    theory = [row[f"{name}_theory"] for name in names]
    axes.bar(positions, theory, color=[WITHOUT_COLOUR, WITH_COLOUR, "#2ca02c"], alpha=0.6,
             label="theory")
    axes.errorbar(positions, [row[f"{name}_mc"] for name in names],
                  yerr=[2.0 * np.nan_to_num(row[f"{name}_se"]) for name in names],
                  fmt="o", color="black", capsize=3, label="Monte Carlo ± 2 se")
    axes.axhline(row["mutual_information"], color=INFORMATION_COLOUR, linestyle=":",
                 label="I(X;Y)")
    axes.set_xticks(positions, ["without wire", "with wire", "gain"])
    axes.set_ylabel(f"growth ({NATS})")
    axes.set_title("Growth with side information")
    axes.legend(fontsize="small")


def _paths_panel(axes, table: pd.DataFrame, run: WireRun) -> None:
    samples = run.sample_with.shape[0]
    rounds = np.arange(run.rounds + 1)
    row = table.iloc[-1]
    for i in range(samples):
        axes.plot(rounds, run.sample_without[i], color=WITHOUT_COLOUR, alpha=0.4, linewidth=0.8)
        axes.plot(rounds, run.sample_with[i], color=WITH_COLOUR, alpha=0.4, linewidth=0.8)
    axes.plot(rounds, row["without_theory"] * rounds, color=WITHOUT_COLOUR, linestyle="--",
              linewidth=2, label=f"without: slope {row['without_theory']:.4g}")
    axes.plot(rounds, row["with_theory"] * rounds, color=WITH_COLOUR, linestyle="--",
              linewidth=2, label=f"with: slope {row['with_theory']:.4g}")
    axes.set_xlabel("race")
    axes.set_ylabel("ln(bankroll / start)")
    label = f" ({row['label']})" if row["label"] else ""
    axes.set_title(f"{samples} bankrolls on the same races{label}")
    axes.legend(fontsize="small")


def wire_figure(table: pd.DataFrame, runs: list[WireRun], curve: pd.DataFrame | None = None):
    """The wire's growth against theory (left) and sample bankrolls on common races (right).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`sim.wire.tip_table` or :func:`sim.wire.joint_table`.
    runs : list of WireRun
        The runs behind the rows; the last one's sample paths are drawn.
    curve : pandas.DataFrame, optional
        :func:`sim.wire.tip_curve` for a tip: the left panel draws the capacity curve.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from sim.wire import tip_curve, tip_table
    >>> table, runs = tip_table([0.6, 0.8], paths=200, rounds=30, seed=0, samples=5)
    >>> figure = wire_figure(table, runs, tip_curve(points=21))
    >>> len(figure.axes)
    2
    """
    figure = Figure(figsize=(11, 4.2), layout="constrained")
    left, right = figure.subplots(1, 2)
    if curve is not None:
        _capacity_panel(left, table, curve)
    else:
        _joint_panel(left, table)
    _paths_panel(right, table, runs[-1])
    return figure
