"""Simulation results as pandas tables: growth with its error, wealth quantiles, ruin, cap.

The growth estimate of a path is its realised rate ln(W_T / W_0)/T; its mean over paths
estimates G (Kelly 1956), with standard error s/sqrt(n) and a normal 95% interval.
"""

from __future__ import annotations

import math

import numpy as np

from sim.games import CoinGame, Game
from sim.policy import Strategy
from sim.theory import portfolio_growth

Z_95 = 1.959963984540054  # two-sided 95% normal quantile
QUANTILES = (0.05, 0.25, 0.75, 0.95)

SUMMARY_COLUMNS = [
    "strategy",
    "paths",
    "rounds",
    "growth",
    "growth_se",
    "growth_ci_low",
    "growth_ci_high",
    "growth_theory",
    "mean_wealth",
    "median_wealth",
    *(f"wealth_q{round(q * 100):02d}" for q in QUANTILES),
    "p_ruin",
    "p_cap",
    "median_max_drawdown",
    "mean_rounds_to_cap",
]


def round_money(values, digits: int = 12) -> np.ndarray:
    """Round amounts to ``digits`` significant digits.

    Wealth lives in log space in the engine, so e^{ln 250} comes back as 250.00000000000003;
    twelve significant digits remove that noise and keep far more precision than money needs.

    Parameters
    ----------
    values : array_like
        Amounts; non-finite ones and magnitudes beyond 1e+-280 are left as they are.
    digits : int, default 12
        Significant digits kept.

    Returns
    -------
    numpy.ndarray
        The rounded amounts.

    Examples
    --------
    >>> float(round_money(250.00000000000003))
    250.0
    """
    values = np.asarray(values, dtype=float)
    usable = np.isfinite(values) & (np.abs(values) > 1e-280) & (np.abs(values) < 1e280)
    scaled = np.where(usable, values, 1.0)  # huge values are left as they are, never scaled
    factor = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(scaled))))
    return np.where(usable, np.round(scaled * factor) / factor, values)


def constant_shares(strategy: Strategy, game: Game) -> np.ndarray | None:
    """The strategy's constant bet as race shares on the game's decimal odds, if it has one.

    A coin stake f on heads is the portfolio (f, 0) with cash 1 - f; a tails stake |f| is (0, |f|).

    Parameters
    ----------
    strategy : Strategy
        Any policy.
    game : CoinGame or RaceGame
        The game it plays.

    Returns
    -------
    numpy.ndarray or None
        Shares per outcome, or None for an adaptive policy.

    Raises
    ------
    ValueError
        If the policy does not fit the game.

    Examples
    --------
    >>> from sim import CoinGame, parse_strategy
    >>> constant_shares(parse_strategy("fixed:0.2"), CoinGame()).tolist()
    [0.2, 0.0]
    """
    constant = strategy.constant_fractions(game)
    if constant is None:
        return None
    if isinstance(game, CoinGame):
        f = float(constant)
        return np.array([max(f, 0.0), max(-f, 0.0)])
    return np.asarray(constant, dtype=float)


def theoretical_growth(strategy: Strategy, game: Game) -> float:
    """G = sum_i p_i ln(b_0 + b_i o_i) for a constant bet under frictionless rules, else NaN.

    Parameters
    ----------
    strategy : Strategy
        Any policy.
    game : CoinGame or RaceGame
        The game it plays.

    Returns
    -------
    float
        The closed-form growth per round, NaN for adaptive policies or rules with friction.

    Examples
    --------
    >>> from sim import CoinGame, parse_strategy
    >>> round(theoretical_growth(parse_strategy("kelly"), CoinGame(p=0.6)), 6)
    0.020136
    """
    shares = constant_shares(strategy, game)
    if shares is None or not game.is_frictionless:
        return math.nan
    return float(portfolio_growth(shares, game.outcome_probs, game.decimal_odds))


def growth_estimate(log_ratio: np.ndarray, rounds: int) -> tuple[float, float]:
    """Mean realised growth ln(W_T/W_0)/T over paths and its standard error.

    A path that went bust has growth -inf; then the mean is -inf and the error undefined (NaN).
    A path at +inf (wealth past the float range in money) gives +inf; NaN gives NaN.

    Parameters
    ----------
    log_ratio : array_like
        ln(W_T / W_0) per path.
    rounds : int
        T.

    Returns
    -------
    tuple of float
        The mean growth per round and its standard error s / sqrt(n) (NaN for one path).

    Examples
    --------
    >>> mean, error = growth_estimate([1.0, 3.0], rounds=10)
    >>> round(mean, 12), round(error, 12)
    (0.2, 0.1)
    """
    rates = np.asarray(log_ratio, dtype=float) / rounds
    if np.any(np.isnan(rates)) or (np.any(np.isposinf(rates)) and np.any(np.isneginf(rates))):
        return math.nan, math.nan
    if np.any(np.isinf(rates)):
        return float(rates[np.isinf(rates)][0]), math.nan
    n = rates.size
    error = float(rates.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return float(rates.mean()), error


def mean_wealth_of(log_wealth: np.ndarray) -> float:
    """Mean of e^{ln W} in log space: ln mean = m + ln(sum e^{ln W - m} / n), m = max ln W.

    Exact where the mean is representable; inf where it is above the largest float (e.g.
    10^6 rounds at huge odds), 0 when every path went bust, NaN if a path's wealth is NaN.

    Parameters
    ----------
    log_wealth : numpy.ndarray
        ln W per path.

    Returns
    -------
    float
        The mean wealth.

    Examples
    --------
    >>> import numpy as np
    >>> round(mean_wealth_of(np.log([1.0, 3.0])), 12), mean_wealth_of(np.array([2000.0, -np.inf]))
    (2.0, inf)
    """
    if np.any(np.isnan(log_wealth)):
        return math.nan
    if np.any(log_wealth == np.inf):
        return math.inf
    finite = log_wealth[log_wealth > -np.inf]
    if finite.size == 0:
        return 0.0
    top = finite.max()
    log_mean = top + math.log(np.exp(finite - top).sum() / log_wealth.size)
    with np.errstate(over="ignore"):
        return float(np.exp(log_mean))


def wealth_quantiles_of(log_wealth: np.ndarray, quantiles) -> np.ndarray:
    """Wealth quantiles, interpolated on the log scale.

    A bust (ln W = -inf) counts as 0 and ln W = +inf as inf (both are clipped to +-1e300 first,
    so interpolation never meets inf - inf).

    Parameters
    ----------
    log_wealth : numpy.ndarray
        ln W per path.
    quantiles : sequence of float
        Levels in [0, 1].

    Returns
    -------
    numpy.ndarray
        One wealth per level.

    Examples
    --------
    >>> import numpy as np
    >>> wealth_quantiles_of(np.log([1.0, 4.0]), [0.5]).round(12).tolist()  # geometric midpoint
    [2.0]
    """
    clipped = np.clip(log_wealth, -1e300, 1e300)
    with np.errstate(over="ignore"):
        return np.exp(np.quantile(clipped, quantiles))


def summary_row(
    label: str,
    strategy: Strategy,
    game: Game,
    *,
    paths: int,
    growth: float,
    growth_se: float,
    mean_wealth: float,
    wealth_quantiles: np.ndarray,
    p_ruin: float,
    p_cap: float,
    median_max_drawdown: float,
    mean_rounds_to_cap: float,
) -> dict:
    """One row of the summary table (the columns of :data:`SUMMARY_COLUMNS`).

    The one row builder behind both result types (:mod:`sim.results`): they measure, this adds
    the interval, the closed form and the money rounding.

    Parameters
    ----------
    label, strategy, game
        The strategy's label and policy, and the rules it played.
    paths, growth, growth_se, mean_wealth, p_ruin, p_cap
        Paths measured, mean growth per round with its standard error, mean wealth, shares of
        paths ruined and capped.
    wealth_quantiles : numpy.ndarray
        The median, then the wealth quantiles at :data:`QUANTILES`.
    median_max_drawdown, mean_rounds_to_cap : float
        NaN where not measured (counts method, no path capped).

    Returns
    -------
    dict
        Column name -> value.

    Examples
    --------
    >>> from sim import CoinGame, Kelly
    >>> row = summary_row("kelly", Kelly(), CoinGame(p=0.6), paths=4, growth=0.02, growth_se=0.001,
    ...                   mean_wealth=200.0, wealth_quantiles=[150.0] * 5, p_ruin=0.0, p_cap=0.0,
    ...                   median_max_drawdown=0.3, mean_rounds_to_cap=float("nan"))
    >>> list(row) == SUMMARY_COLUMNS, round(row["growth_theory"], 6)
    (True, 0.020136)
    """
    wealth = round_money(wealth_quantiles)
    finite = math.isfinite(growth)
    return {
        "strategy": label,
        "paths": paths,
        "rounds": game.rounds,
        "growth": growth,
        "growth_se": growth_se,
        "growth_ci_low": growth - Z_95 * growth_se if finite else growth,
        "growth_ci_high": growth + Z_95 * growth_se if finite else growth,
        "growth_theory": theoretical_growth(strategy, game),
        "mean_wealth": float(round_money(mean_wealth)),
        "median_wealth": float(wealth[0]),
        **{
            f"wealth_q{round(q * 100):02d}": float(v)
            for q, v in zip(QUANTILES, wealth[1:], strict=True)
        },
        "p_ruin": p_ruin,
        "p_cap": p_cap,
        "median_max_drawdown": median_max_drawdown,
        "mean_rounds_to_cap": mean_rounds_to_cap,
    }


def summary_frame(rows: list[dict]):
    """The summary table of :func:`summary_row` rows as a pandas DataFrame."""
    import pandas as pd  # pandas is loaded when a table is made, not by ``import sim``

    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def summarize(result):
    """One row per strategy with the columns of :data:`SUMMARY_COLUMNS`.

    Parameters
    ----------
    result : SimulationResult or SimulationSummary
        The per-path arrays of :func:`sim.simulate` or the merged tallies of
        :func:`sim.simulate_summary` (the same table, without keeping every path).

    Returns
    -------
    pandas.DataFrame
        ``result.to_frame()``.

    Examples
    --------
    >>> from sim import CoinGame, simulate
    >>> table = summarize(simulate(CoinGame(p=0.6, rounds=100), "kelly", paths=1024, seed=5))
    >>> table.loc[0, "strategy"], int(table.loc[0, "paths"])
    ('kelly', 1024)
    """
    return result.to_frame()


def wealth_paths_long(result, max_paths: int | None = None):
    """Recorded trajectories of a SimulationResult in long form: path, round, strategy, wealth.

    Parameters
    ----------
    result : SimulationResult
        A run with ``record_paths=True``.
    max_paths : int, optional
        Keep only the first paths.

    Returns
    -------
    pandas.DataFrame
        Columns path, round, strategy, wealth (rounded by :func:`round_money`).

    Raises
    ------
    ValueError
        If the result has no recorded paths.

    Examples
    --------
    >>> from sim import CoinGame, simulate
    >>> run = simulate(CoinGame(rounds=3), "kelly", paths=2, seed=1, record_paths=True)
    >>> wealth_paths_long(run).shape
    (8, 4)
    """
    import pandas as pd

    if result.trajectories is None:
        raise ValueError("this result has no recorded paths; simulate with record_paths=True")
    trajectories = result.trajectories
    if max_paths is not None:
        trajectories = trajectories[:, :max_paths]
    n_strategies, n_paths, n_steps = trajectories.shape
    with np.errstate(over="ignore"):
        wealth = np.exp(trajectories)
    return pd.DataFrame({
        "path": np.tile(np.repeat(np.arange(n_paths), n_steps), n_strategies),
        "round": np.tile(np.arange(n_steps), n_strategies * n_paths),
        "strategy": np.repeat(np.array(result.labels, dtype=object), n_paths * n_steps),
        "wealth": round_money(wealth.reshape(-1)),
    })
