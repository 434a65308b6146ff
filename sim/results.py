"""The results of a run: per-path arrays (:class:`SimulationResult`) or merged tallies
(:class:`SimulationSummary`).

Both give the same summary table (:meth:`to_frame`, the columns of
:data:`sim.stats.SUMMARY_COLUMNS`), built row by row by :func:`sim.stats.summary_row`, and both
print as a small table in a terminal (``repr``) and in a notebook (``_repr_html_``).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from sim.accumulate import StrategyTally
from sim.games import Game
from sim.money import format_money
from sim.policy import Strategy
from sim.stats import (
    QUANTILES,
    growth_estimate,
    mean_wealth_of,
    summary_frame,
    summary_row,
    wealth_quantiles_of,
)

#: the columns of the printed table: (title, summary column, format)
_SHOWN = (
    ("strategy", "strategy", "{}"),
    ("growth", "growth", "{:+.5f}"),
    ("± se", "growth_se", "{:.5f}"),
    ("theory", "growth_theory", "{:+.5f}"),
    ("median wealth", "median_wealth", "money"),
    ("P(ruin)", "p_ruin", "{:.4f}"),
    ("P(cap)", "p_cap", "{:.4f}"),
)


def _cell(form: str, value) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "-"
    if form == "money":
        return format_money(value)
    return form.format(value)


def _table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    titles = [title for title, _, _ in _SHOWN]
    cells = [[_cell(form, row[key]) for _, key, form in _SHOWN] for row in rows]
    return titles, cells


def _text(head: str, rows: list[dict]) -> str:
    titles, cells = _table(rows)
    widths = [max(len(t), *(len(c[i]) for c in cells)) for i, t in enumerate(titles)]

    def line(values: list[str]) -> str:
        first = values[0].ljust(widths[0])
        rest = (v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return "\n".join([head, line(titles), *(line(c) for c in cells)])


def _html(head: str, rows: list[dict]) -> str:
    titles, cells = _table(rows)
    header = "".join(f"<th>{html.escape(t)}</th>" for t in titles)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in cells
    )
    head = "<br>".join(html.escape(line) for line in head.split("\n"))
    return (f"<div><p>{head}</p><table><thead><tr>{header}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def _heading(result) -> str:
    return (f"{type(result).__name__}: {result.paths:,} paths x {result.rounds:,} rounds, "
            f"seed {result.seed}, method {result.method!r}\n{result.game!r}")


class _Printable:
    """``repr`` and ``_repr_html_`` from :meth:`summary_rows` (shared by both result types)."""

    def __repr__(self) -> str:
        return _text(_heading(self), self.summary_rows())

    def _repr_html_(self) -> str:
        return _html(_heading(self), self.summary_rows())

    def to_frame(self):
        """One row per strategy with the columns of :data:`sim.stats.SUMMARY_COLUMNS`.

        Returns
        -------
        pandas.DataFrame
            The summary table (see :func:`sim.stats.summarize`).
        """
        return summary_frame(self.summary_rows())


@dataclass(frozen=True, repr=False)
class SimulationResult(_Printable):
    """Per-strategy, per-path outcomes of :func:`sim.simulate` (arrays are strategies x paths).

    Examples
    --------
    >>> from sim import CoinGame, simulate
    >>> result = simulate(CoinGame(p=0.6, rounds=50), ["kelly", "allin"], paths=1024, seed=3)
    >>> print(result)  # doctest: +NORMALIZE_WHITESPACE
    SimulationResult: 1,024 paths x 50 rounds, seed 3, method 'counts'
    CoinGame(start=100.0, cap=None, floor=0.0, min_bet=0.0, tick=0.0, rounds=50, p=0.6, odds=1.0,
    allow_tails=True)
    strategy    growth     ± se    theory  median wealth  P(ruin)  P(cap)
    kelly     +0.01976  0.00087  +0.02014        $273.68   0.0000  0.0000
    allin         -inf        -      -inf          $0.00   1.0000  0.0000
    """

    game: Game
    labels: tuple[str, ...]
    strategies: tuple[Strategy, ...]
    seed: int
    method: str
    log_wealth: np.ndarray  # ln W_T (float64; -inf where the bankroll hit 0)
    rounds_played: np.ndarray  # rounds bet before the path stopped (cap, floor, bust) or T
    capped: np.ndarray  # bool: reached the cap
    ruined: np.ndarray  # bool: fell to the floor / 0 or can no longer place a bet
    max_drawdown: np.ndarray | None  # largest fall from a peak, as a fraction; None for counts
    trajectories: np.ndarray | None = None  # (strategies, paths, T + 1) ln W_t if recorded

    @property
    def paths(self) -> int:
        return self.log_wealth.shape[1]

    @property
    def rounds(self) -> int:
        return self.game.rounds

    @property
    def final_wealth(self) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(self.log_wealth)

    def summary_rows(self) -> list[dict]:
        """One summary row (a dict of :data:`sim.stats.SUMMARY_COLUMNS`) per strategy."""
        game = self.game
        start = math.log(game.start)
        rows = []
        for i, (label, strategy) in enumerate(zip(self.labels, self.strategies, strict=True)):
            log_wealth = self.log_wealth[i]
            growth, error = growth_estimate(log_wealth - start, game.rounds)
            capped = self.capped[i]
            rows.append(summary_row(
                label, strategy, game,
                paths=self.paths,
                growth=growth,
                growth_se=error,
                mean_wealth=mean_wealth_of(log_wealth),
                wealth_quantiles=wealth_quantiles_of(log_wealth, [0.5, *QUANTILES]),
                p_ruin=float(self.ruined[i].mean()),
                p_cap=float(capped.mean()),
                median_max_drawdown=(
                    math.nan if self.max_drawdown is None
                    else float(np.median(self.max_drawdown[i]))
                ),
                mean_rounds_to_cap=(
                    float(self.rounds_played[i][capped].mean()) if capped.any() else math.nan
                ),
            ))
        return rows


@dataclass(frozen=True, repr=False)
class SimulationSummary(_Printable):
    """The per-strategy statistics of a run, without per-path arrays (:func:`sim.simulate_summary`).

    Examples
    --------
    >>> from sim import CoinGame, simulate_summary
    >>> summary = simulate_summary(CoinGame(p=0.6, rounds=50), "kelly", paths=1024, seed=3)
    >>> summary.paths, summary.to_frame().shape
    (1024, (1, 18))
    """

    game: Game
    labels: tuple[str, ...]
    strategies: tuple[Strategy, ...]
    seed: int
    method: str
    tallies: tuple[StrategyTally, ...]

    @property
    def paths(self) -> int:
        return self.tallies[0].paths

    @property
    def rounds(self) -> int:
        return self.game.rounds

    def summary_rows(self) -> list[dict]:
        """One summary row (a dict of :data:`sim.stats.SUMMARY_COLUMNS`) per strategy."""
        game = self.game
        rows = []
        for label, strategy, tally in zip(self.labels, self.strategies, self.tallies, strict=True):
            growth, error = tally.growth(math.log(game.start), game.rounds)
            rows.append(summary_row(
                label, strategy, game,
                paths=tally.paths,
                growth=growth,
                growth_se=error,
                mean_wealth=tally.mean_wealth(),
                wealth_quantiles=tally.wealth_quantiles([0.5, *QUANTILES]),
                p_ruin=tally.ruined / tally.paths,
                p_cap=tally.capped / tally.paths,
                median_max_drawdown=(
                    math.nan if tally.max_drawdown is None
                    else float(tally.max_drawdown.quantile(0.5)[0])
                ),
                mean_rounds_to_cap=(
                    tally.rounds_to_cap / tally.capped if tally.capped else math.nan
                ),
            ))
        return rows
