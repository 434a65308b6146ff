"""The analyses behind ``kelly sweep``, ``kelly paths``, ``kelly race`` and ``kelly challenge``.

Each function takes rules (a :class:`~sim.games.CoinGame` or :class:`~sim.games.RaceGame`),
strategies, a number of paths and a seed, and returns pandas tables (or the engine's results).
The command line (:mod:`sim.cli`) and the classroom handout (:mod:`sim.report`) both call them;
they print nothing and write no file.

* :func:`sweep` growth against the fraction staked, theory against Monte Carlo, with the
  cross-entropy split of every fraction;
* :func:`paths` several strategies on the same flips, trajectories kept for a fan chart when
  asked (as many as fit in :data:`RECORD_BUDGET_BYTES`);
* :func:`race` a horse race, growth split as log_odds + cash_term - H(p) - D(p||q);
* :func:`challenge` the Haghani-Dewey (2016) capped coin game (:mod:`sim.challenge`).

The same seed gives the same numbers whatever ``workers`` or ``executor`` run the chunks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

import numpy as np
import pandas as pd

from sim.engine import SimulationResult, simulate, simulate_summary
from sim.games import CoinGame, Game, RaceGame
from sim.lineup import DEFAULT_RACE_STRATEGIES, default_race_strategies, race_strategies
from sim.stats import constant_shares, summarize
from sim.strategies import FixedFraction, Strategy
from sim.theory import (
    bernoulli,
    coin_growth,
    cross_entropy,
    entropy,
    growth_decomposition,
    kl_divergence,
)

__all__ = [
    "DECOMPOSITION_TERMS",
    "DEFAULT_PATH_STRATEGIES",
    "DEFAULT_RACE_STRATEGIES",
    "RACE_COLUMNS",
    "RECORD_BUDGET_BYTES",
    "SWEEP_COLUMNS",
    "SWEEP_RUN_COLUMNS",
    "challenge",
    "default_race_strategies",
    "paths",
    "race",
    "race_columns",
    "race_strategies",
    "recordable_paths",
    "sweep",
]

#: trajectories kept in memory for a fan chart (strategies x paths x rounds x 8 bytes)
RECORD_BUDGET_BYTES = 256 * 1024**2
DEFAULT_PATH_STRATEGIES = ("kelly", "kelly:0.5", "kelly:2", "allin")

SWEEP_COLUMNS = [
    "fraction", "share", "growth_theory", "growth_mc", "growth_se", "growth_ci_low",
    "growth_ci_high", "log_odds", "entropy", "cross_entropy", "divergence", "median_wealth",
    "mean_wealth", "p_ruin", "p", "odds", "rounds", "paths", "start", "seed",
]
#: the sweep's rules and seed, repeated on every row so a CSV alone can be reproduced
SWEEP_RUN_COLUMNS = ("p", "odds", "rounds", "paths", "start", "seed")
DECOMPOSITION_TERMS = ("log_odds", "cash_term", "entropy", "divergence", "cross_entropy")
#: the race table's columns after ``strategy`` and the bets (see :func:`race_columns`)
RACE_COLUMNS = [
    "strategy", "cash", "growth_theory", "growth_mc", "growth_se", "growth_ci_low",
    "growth_ci_high", *DECOMPOSITION_TERMS, "median_wealth", "mean_wealth", "p_ruin",
]

Progress = Callable[[int], None] | None


def race_columns(outcomes: int) -> list[str]:
    """The race table's columns: ``strategy``, ``bet_1`` ... ``bet_K`` (the share of the
    bankroll on each outcome, in the order of the probabilities), then the rest of
    :data:`RACE_COLUMNS`.

    >>> race_columns(2)[:4]
    ['strategy', 'bet_1', 'bet_2', 'cash']
    """
    return [RACE_COLUMNS[0], *(f"bet_{i}" for i in range(1, outcomes + 1)), *RACE_COLUMNS[1:]]


def sweep(
    game: CoinGame,
    fractions: Sequence[float],
    paths: int,
    seed: int,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress = None,
) -> pd.DataFrame:
    """Growth rate of every fixed fraction f staked on heads, theory against Monte Carlo.

    One :func:`~sim.engine.simulate_summary` call runs all fractions on common random numbers
    (on frictionless rules the exact counts path: every fraction sees the same head counts) and
    keeps merged statistics rather than every path.

    Parameters
    ----------
    game : CoinGame
        The coin: p, net odds b on heads, rounds, start (and any friction).
    fractions : sequence of float
        Fractions of the bankroll staked on heads, each in [0, 1].
    paths : int
        Independent bankrolls simulated per fraction.
    seed : int
        Random seed; the same seed gives the same table.
    workers : int, optional
        Workers, threads or processes (the table does not depend on it).
    executor : concurrent.futures.Executor, optional
        Runs the chunks instead of ``workers`` (a Dask client, for instance).
    progress : callable, optional
        Called with the number of paths done after each chunk.

    Returns
    -------
    pandas.DataFrame
        One row per fraction, columns :data:`SWEEP_COLUMNS`:

        * ``share`` a = (1 + b f)/(1 + b): the fair two-way book's share on heads that is
          equivalent to staking f on heads at b-to-1 (a = (1 + f)/2 at even money);
        * ``growth_theory`` g(f) = p ln(1 + b f) + (1 - p) ln(1 - f) (Kelly 1956);
        * ``growth_mc`` the mean of ln(W_T/W_0)/T with ``growth_se`` and a 95% interval;
        * ``log_odds`` sum_i p_i ln o_i, ``entropy`` H(p), ``cross_entropy`` H(p, a),
          ``divergence`` D(p||a), so that growth_theory = log_odds - cross_entropy and
          cross_entropy = entropy + divergence (Cover & Thomas 2006, §6.1);
        * ``median_wealth``, ``mean_wealth`` (sample mean) and ``p_ruin`` over the paths;
        * the run itself, the same on every row (:data:`SWEEP_RUN_COLUMNS`): ``p``, ``odds``,
          ``rounds``, ``paths``, ``start`` and ``seed``.

    Raises
    ------
    ValueError
        A fraction outside [0, 1], or a run the engine refuses (for memory).

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> table = sweep(CoinGame(p=0.6, rounds=100), [0.0, 0.2, 0.5], paths=200, seed=1)
    >>> table["fraction"].tolist()
    [0.0, 0.2, 0.5]
    >>> bool(table["growth_theory"].idxmax() == 1)  # the Kelly fraction 2p - 1 = 0.2
    True
    >>> gap = table["growth_theory"] - (table["log_odds"] - table["cross_entropy"])
    >>> bool(abs(gap).max() < 1e-12)
    True
    """
    fractions = np.asarray(fractions, dtype=float)
    strategies = [FixedFraction(float(f)) for f in fractions]
    summary = summarize(simulate_summary(game, strategies, paths, seed, workers=workers,
                                         executor=executor, progress=progress))
    probs = bernoulli(game.p)
    shares = np.asarray(game.share_of_fraction(fractions), dtype=float)
    # tails share 1 - a = b (1 - f)/(1 + b), not 1 - a: at tiny odds a is 1 - 1e-9 and the
    # subtraction would keep only 7 digits of the cross-entropy
    tails = game.odds * (1.0 - fractions) / (1.0 + game.odds)
    split = np.stack([shares, tails], axis=-1)
    return pd.DataFrame({
        "fraction": fractions,
        "share": shares,
        "growth_theory": np.asarray(coin_growth(fractions, game.p, game.odds), dtype=float),
        "growth_mc": summary["growth"].to_numpy(),
        "growth_se": summary["growth_se"].to_numpy(),
        "growth_ci_low": summary["growth_ci_low"].to_numpy(),
        "growth_ci_high": summary["growth_ci_high"].to_numpy(),
        "log_odds": float(np.sum(probs * np.log(game.decimal_odds))),
        "entropy": float(entropy(probs)),
        "cross_entropy": np.asarray(cross_entropy(probs, split), dtype=float),
        "divergence": np.asarray(kl_divergence(probs, split), dtype=float),
        "median_wealth": summary["median_wealth"].to_numpy(),
        "mean_wealth": summary["mean_wealth"].to_numpy(),
        "p_ruin": summary["p_ruin"].to_numpy(),
        **dict(zip(SWEEP_RUN_COLUMNS, (game.p, game.odds, game.rounds, paths, game.start, seed),
                   strict=True)),
    }, columns=SWEEP_COLUMNS)


def _race_row(strategy: Strategy, row: pd.Series, game: RaceGame) -> dict:
    shares = constant_shares(strategy, game)
    if shares is None:
        split = dict.fromkeys(DECOMPOSITION_TERMS, math.nan)
        bets, cash = [math.nan] * len(game.outcome_probs), math.nan
    else:
        parts = growth_decomposition(shares, game.outcome_probs, game.decimal_odds)
        split = {name: float(getattr(parts, name)) for name in DECOMPOSITION_TERMS}
        bets = [float(share) for share in shares]
        cash = max(0.0, round(float(1.0 - shares.sum()), 12))  # no 1e-16 leftovers
    return {
        "strategy": row["strategy"],
        **{f"bet_{i}": bet for i, bet in enumerate(bets, start=1)},
        "cash": cash,
        "growth_theory": row["growth_theory"],
        "growth_mc": row["growth"],
        "growth_se": row["growth_se"],
        "growth_ci_low": row["growth_ci_low"],
        "growth_ci_high": row["growth_ci_high"],
        **split,
        "median_wealth": row["median_wealth"],
        "mean_wealth": row["mean_wealth"],
        "p_ruin": row["p_ruin"],
    }


def race(
    game: RaceGame,
    strategies: Sequence[Strategy],
    paths: int,
    seed: int,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress = None,
) -> pd.DataFrame:
    """Growth of each strategy in a horse race against theory, with the cross-entropy split.

    For a constant bet b (cash b_0 = 1 - sum b) the theory columns come from
    :func:`sim.theory.growth_decomposition`: G = log_odds + cash_term - cross_entropy with
    cross_entropy = H(p, q) = entropy + divergence, q the cash-folded shares b + b_0/o
    normalised, and cash_term = 0 unless cash is kept at unfair odds (Cover & Thomas 2006, §6.1,
    §6.3).

    Parameters
    ----------
    game : RaceGame
        Outcome probabilities, decimal odds, rounds and start.
    strategies : sequence of Strategy
        The bettors, all on the same races (see :func:`race_strategies`).
    paths : int
        Independent bankrolls simulated per strategy.
    seed : int
        Random seed; the same seed gives the same table.
    workers, executor, progress
        As in :func:`sweep`.

    Returns
    -------
    pandas.DataFrame
        One row per strategy, columns :func:`race_columns`: ``bet_1`` ... ``bet_K`` the
        constant share on each outcome; adaptive strategies get NaN there and in the
        decomposition columns.

    Raises
    ------
    ValueError
        A strategy that does not fit the race, or a run the engine refuses.

    Examples
    --------
    >>> from sim.games import RaceGame
    >>> from sim.strategies import Kelly
    >>> game = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 4.0, 6.0), rounds=50)
    >>> table = race(game, [Kelly(1.0), Kelly(0.5)], paths=100, seed=3)
    >>> table["strategy"].tolist()
    ['kelly', 'kelly:0.5']
    >>> row = table.iloc[0]
    >>> bool(abs(row["cross_entropy"] - row["entropy"] - row["divergence"]) < 1e-12)
    True
    """
    result = simulate(game, list(strategies), paths, seed, method="auto", workers=workers,
                      executor=executor, progress=progress)
    summary = summarize(result)
    rows = [_race_row(strategy, row, game)
            for strategy, (_, row) in zip(result.strategies, summary.iterrows(), strict=True)]
    return pd.DataFrame(rows, columns=race_columns(len(game.outcome_probs)))


def recordable_paths(
    game: Game, strategies: Sequence[Strategy], budget: int | None = None
) -> int:
    """How many paths' trajectories fit in ``budget`` bytes (8 bytes per round per strategy).

    Parameters
    ----------
    game : Game
        The rules (their ``rounds`` set the length of a trajectory).
    strategies : sequence of Strategy
        The strategies recorded side by side.
    budget : int, optional
        Bytes allowed; :data:`RECORD_BUDGET_BYTES` when not given.

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> from sim.strategies import Kelly
    >>> recordable_paths(CoinGame(rounds=99), [Kelly(1.0)], budget=8_000)
    10
    """
    budget = RECORD_BUDGET_BYTES if budget is None else budget
    return max(1, budget // (len(strategies) * (game.rounds + 1) * 8))


def paths(
    game: Game,
    strategies: Sequence[Strategy],
    paths: int,
    seed: int,
    *,
    record: bool,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress = None,
) -> tuple[SimulationResult, SimulationResult | None]:
    """Simulate for a summary and, if ``record``, keep trajectories for charts and long tables.

    Parameters
    ----------
    game : Game
        The rules (a coin with any cap, floor, minimum bet or tick, or a race).
    strategies : sequence of Strategy
        The bettors, all on the same flips.
    paths : int
        Independent bankrolls simulated per strategy.
    seed : int
        Random seed; the same seed gives the same paths.
    record : bool
        Keep trajectories (for :func:`sim.plots.fan_figure`, :func:`sim.stats.wealth_paths_long`).
    workers, executor, progress
        As in :func:`sweep`; the re-run of the recorded paths reports no progress.

    Returns
    -------
    tuple of SimulationResult
        (the full result, the recorded result or None). When all paths' trajectories fit in
        :data:`RECORD_BUDGET_BYTES` both are the same run; otherwise the first paths are re-run
        with the same seed and recorded (blocks of paths have their own seeds, so they are the
        same paths).

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> from sim.strategies import Kelly
    >>> full, recorded = paths(CoinGame(p=0.6, rounds=20), [Kelly(1.0)], 50, 2, record=True)
    >>> full is recorded, recorded.trajectories.shape
    (True, (1, 50, 21))
    """
    if not record:
        result = simulate(game, strategies, paths, seed, workers=workers, executor=executor,
                          progress=progress)
        return result, None
    keep = min(paths, recordable_paths(game, strategies))
    full = simulate(game, strategies, paths, seed, method="paths", record_paths=keep == paths,
                    workers=workers, executor=executor, progress=progress)
    if keep == paths:
        return full, full
    recorded = simulate(game, strategies, keep, seed, method="paths", record_paths=True,
                        workers=workers, executor=executor)
    return full, recorded


def challenge(
    strategies: Sequence[str] | None = None,
    paths: int = 100_000,
    seed: int = 0,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress = None,
) -> pd.DataFrame:
    """The Haghani-Dewey (2016) capped coin game, one row per strategy and the paper's subjects.

    Parameters
    ----------
    strategies : sequence of str, optional
        Strategy specs (``"kelly"``, ``"fixed:0.1"``, ``"optimal"``, ...); the default is
        :data:`sim.challenge.DEFAULT_STRATEGIES`.
    paths : int
        Players simulated per strategy.
    seed : int
        Random seed; the same seed gives the same table.
    workers, executor, progress
        As in :func:`sweep`.

    Returns
    -------
    pandas.DataFrame
        :func:`sim.challenge.challenge_table`: columns :data:`sim.challenge.CHALLENGE_COLUMNS`,
        a last row with the paper's observed subjects.

    Raises
    ------
    ValueError
        An unknown strategy spec.

    Examples
    --------
    >>> table = challenge(["fixed:0.1", "allin"], paths=200, seed=5)
    >>> table["strategy"].tolist()
    ['fixed:0.1', 'allin', 'paper: observed subjects']
    >>> bool(table.loc[1, "p_bust"] > 0.8)  # all-in: busts unless four heads come first (0.6^4)
    True
    """
    from sim.challenge import DEFAULT_STRATEGIES, challenge_table

    chosen = list(strategies) if strategies else list(DEFAULT_STRATEGIES)
    return challenge_table(chosen, paths, seed, workers=workers, executor=executor,
                           progress=progress)
