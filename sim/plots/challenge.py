"""The challenge figure: the Haghani & Dewey (2016) game, payouts and P(cap), P(bust)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.games import HAGHANI_DEWEY, CoinGame
from sim.plots.common import colour, money_label


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
    capped = f", winnings capped at {money_label(cap)}" if cap is not None else ""
    figure.suptitle(f"The Haghani–Dewey coin: {money_label(game.start)} to start, p = {game.p:g}, "
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

    bars(money, -width / 2, "mean_payout", colour(0), "mean payout")
    bars(money, width / 2, "median_payout", colour(1), "median payout")
    if cap is not None:
        money.axhline(cap, color="black", linestyle="--", linewidth=1,
                      label=f"cap {money_label(cap)}")
    money.axhline(game.start, color="0.4", linewidth=0.8, label=f"start {money_label(game.start)}")
    money.set_xticks(x, labels, rotation=25, ha="right")
    money.set_ylabel("payout (\\$)")
    money.set_ylim(0, (cap or float(np.nanmax(rows["mean_payout"]))) * 1.25)
    money.legend(fontsize=8, loc="upper right", ncol=2)
    money.grid(alpha=0.25, axis="y")
    bars(chances, -width / 2, "p_cap", colour(2), "P(reach the cap)")
    bars(chances, width / 2, "p_bust", colour(3), "P(bust)")
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
