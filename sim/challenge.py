"""The Haghani-Dewey coin challenge: strategies on the same flips, beside the paper's subjects.

Haghani & Dewey (2016, SSRN 2856963) gave 61 finance students and young professionals $25 and a
coin they were told lands heads 60% of the time, bets in cents on either side, about 300 flips,
winnings capped at $250. 21% reached the cap, 28% went bust, the mean payout was $91 and one
third finished below their $25 start, although betting a constant 10-20% of the bankroll reaches
the cap about 95% of the time. :func:`challenge_table` plays :data:`sim.games.HAGHANI_DEWEY` for
any strategies on common random numbers (:func:`sim.engine.simulate`) and puts the paper's
observed population beside them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engine import SimulationResult, simulate
from sim.games import HAGHANI_DEWEY, CoinGame
from sim.optimal import OptimalStrategy, cap_probability, evaluate, fraction_stakes, solve
from sim.strategies import Strategy

DEFAULT_STRATEGIES = (
    "fixed:0.05",
    "fixed:0.1",
    "fixed:0.15",
    "fixed:0.2",
    "fixed:0.4",
    "kelly",
    "optimal",
    "allin",
)

CHALLENGE_COLUMNS = [
    "strategy",
    "mean_payout",
    "mean_payout_se",
    "mean_payout_exact",
    "median_payout",
    "p_cap",
    "p_cap_exact",
    "p_bust",
    "mean_flips",
    "p_below_start",
]

PAPER_LABEL = "paper: observed subjects"


@dataclass(frozen=True)
class PaperObservation:
    """What Haghani & Dewey (2016) report for their subjects (fractions of the 61 players)."""

    subjects: int = 61
    p_cap: float = 0.21  # reached the $250 cap
    p_bust: float = 0.28  # lost everything
    mean_payout: float = 91.0  # dollars
    p_below_start: float = 1 / 3  # finished below the $25 they started with
    source: str = (
        "Haghani, V. & Dewey, R. (2016). Rational Decision-Making Under Uncertainty: "
        "Observed Betting Patterns on a Biased Coin. SSRN 2856963."
    )


PAPER_OBSERVED = PaperObservation()


def payouts(result: SimulationResult, index: int) -> np.ndarray:
    """Final bankrolls of strategy ``index`` in money, rounded to the game's tick.

    The engine keeps ln W; e^(ln W) can miss a whole number of cents by 1e-15, which would put a
    path that ends exactly at $25 below the start.

    Parameters
    ----------
    result : SimulationResult
        A run of a game (with a tick, or without).
    index : int
        The strategy's position in ``result.labels``.

    Returns
    -------
    numpy.ndarray
        Final wealth per path.

    Examples
    --------
    >>> from sim import HAGHANI_DEWEY, simulate
    >>> money = payouts(simulate(HAGHANI_DEWEY, "fixed:0.1", paths=1024, seed=2), 0)
    >>> bool(money.max() <= 250.0 and money.min() >= 0.0)
    True
    """
    wealth = result.final_wealth[index]
    tick = result.game.tick
    return np.round(wealth / tick) * tick if tick > 0 else wealth


def policy_stakes(strategy: Strategy, game: CoinGame) -> np.ndarray | None:
    """The strategy as signed stakes in ticks on the dynamic program's grid, where it is one:
    optimal play (its solved table) and constant fractions (as the engine rounds them)."""
    if isinstance(strategy, OptimalStrategy):
        return solve(game).stakes
    constant = strategy.constant_fractions(game)
    if constant is None:
        return None
    return fraction_stakes(game, float(constant))


def exact_outcome(strategy: Strategy, game: CoinGame) -> tuple[float, float]:
    """(E[payout], P(cap)) by exact policy evaluation (:mod:`sim.optimal`).

    Parameters
    ----------
    strategy : Strategy
        Optimal play or a constant fraction; other policies give NaN.
    game : CoinGame
        A coin game with a cap and a tick.

    Returns
    -------
    tuple of float
        Expected payout and the probability of reaching the cap, NaN if not a grid policy
        (adaptive strategies such as ``bayes`` or ``martingale``).

    Examples
    --------
    >>> from sim import HAGHANI_DEWEY, parse_strategy
    >>> mean, p_cap = exact_outcome(parse_strategy("fixed:0.1"), HAGHANI_DEWEY)
    >>> 200 < mean < 250 and 0.9 < p_cap < 1
    True
    """
    stakes = policy_stakes(strategy, game)
    if stakes is None:
        return math.nan, math.nan
    start = round(game.start / game.tick)
    return (
        float(evaluate(game, stakes)[game.rounds, start]),
        float(cap_probability(game, stakes)[game.rounds, start]),
    )


def challenge_table(
    strategies: Sequence[str] = DEFAULT_STRATEGIES,
    paths: int = 100_000,
    seed: int = 0,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Play the Haghani-Dewey preset for every strategy spec on common flips.

    One row per strategy (columns :data:`CHALLENGE_COLUMNS`): mean payout with its standard error;
    median payout; P(cap); P(bust) (the engine's ``ruined``: the bankroll can no longer cover a
    one-cent bet); mean flips bet (``rounds_played``); P(payout below the $25 start). The
    ``_exact`` columns give E[payout] and P(cap) by exact policy evaluation where the strategy is
    optimal play or a constant fraction (:func:`exact_outcome`), NaN otherwise. A last row gives
    the paper's observed subjects, NaN where the paper reports nothing.

    Parameters
    ----------
    strategies : sequence of str, default :data:`DEFAULT_STRATEGIES`
        Strategy specs (:func:`sim.parse_strategy`).
    paths : int, default 100_000
        Simulated subjects per strategy.
    seed : int, default 0
        Seed of the common flips.
    workers, executor, progress
        As for :func:`sim.simulate`.

    Returns
    -------
    pandas.DataFrame
        One row per strategy, then the paper's row.

    Raises
    ------
    ValueError
        On a bad strategy spec or size.

    Examples
    --------
    >>> table = challenge_table(["fixed:0.1"], paths=2048, seed=1)
    >>> table["strategy"].tolist()
    ['fixed:0.1', 'paper: observed subjects']
    >>> bool(abs(table.loc[0, "mean_payout"] - table.loc[0, "mean_payout_exact"]) < 5)
    True
    """
    game = HAGHANI_DEWEY
    result = simulate(game, list(strategies), paths, seed, workers=workers, executor=executor,
                      progress=progress)
    rows = []
    for i, (label, strategy) in enumerate(zip(result.labels, result.strategies, strict=True)):
        money = payouts(result, i)
        mean_exact, p_cap_exact = exact_outcome(strategy, game)
        rows.append({
            "strategy": label,
            "mean_payout": float(money.mean()),
            "mean_payout_se": float(money.std(ddof=1) / math.sqrt(money.size))
            if money.size > 1 else math.nan,
            "mean_payout_exact": mean_exact,
            "median_payout": float(np.median(money)),
            "p_cap": float(result.capped[i].mean()),
            "p_cap_exact": p_cap_exact,
            "p_bust": float(result.ruined[i].mean()),
            "mean_flips": float(result.rounds_played[i].mean()),
            "p_below_start": float(np.mean(money < game.start - game.tick / 2)),
        })
    paper = PAPER_OBSERVED
    rows.append({
        "strategy": PAPER_LABEL,
        "mean_payout": paper.mean_payout,
        "p_cap": paper.p_cap,
        "p_bust": paper.p_bust,
        "p_below_start": paper.p_below_start,
    })
    return pd.DataFrame(rows, columns=CHALLENGE_COLUMNS)
