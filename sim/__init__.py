"""Kelly's engine: closed forms and Monte Carlo for repeated bets.

The long-run growth rate of a repeated bet is a negative cross-entropy,
G(b) = sum_i p_i ln o_i - H(p, b), maximal at b = p (Kelly 1956; Cover & Thomas 2006, ch. 6).
This package never imports pygame; ``import sim`` loads numpy only (pandas when a table is made).

Games (the rules)
-----------------
CoinGame         a coin landing heads with probability p at odds-to-1; cap, floor, min bet, tick
RaceGame         K outcomes with probabilities and decimal odds (horse race, portfolio)
HAGHANI_DEWEY    the $25 / $250-cap / 300-flip coin of Haghani & Dewey (2016)

Simulation (common random numbers, same seed -> same result for any chunking)
------------------------------------------------------------------------------
simulate            per-path results of many strategies on the same flips -> SimulationResult
simulate_summary    the same statistics in bounded memory -> SimulationSummary
SimulationResult    per-path arrays; ``.to_frame()`` is the summary table; prints as a table
SimulationSummary   merged tallies; the same ``.to_frame()`` and printed table
summarize           the summary table of either result (pandas DataFrame)
block_outcomes      the exact outcomes a seed gives a block of paths (replay a path)

Strategies (policies vectorised over paths)
-------------------------------------------
parse_strategy   "kelly", "kelly:0.5", "fixed:0.2", "amount:5", "allin", "martingale",
                 "share:0.6", "bayes", "optimal"
Kelly, FixedFraction, FixedAmount, AllIn, Martingale, Shares, BayesKelly, OptimalStrategy
Strategy, BetContext   the interface to write your own

Theory (closed forms, in nats unless ``base`` is given)
-------------------------------------------------------
entropy, cross_entropy, kl_divergence          H(p), H(p, q), D(p||q)
coin_growth, kelly_fraction                    g(f) of a coin and its maximiser f*
portfolio_growth, ensemble_growth, kelly_shares    growth of race shares, of the mean, b*
growth_decomposition                           G(b) = sum p ln o - H(p) - D(p||b)
fractional_kelly_growth, drawdown_probability  c-Kelly growth, P(drawdown to x)

Analyses (the tables behind ``kelly sweep | paths | race | challenge``; load pandas on first use)
--------------------------------------------------------------------------------------------------
sweep            growth against the fraction staked: theory, Monte Carlo, the cross-entropy split
paths            several strategies on the same flips, trajectories for a fan chart
race             a horse race: growth split as sum p ln o - H(p) - D(p||b)
challenge_table  the Haghani-Dewey capped coin game, one row per strategy and the paper's subjects

Optimal play of a capped coin (dynamic programming)
---------------------------------------------------
solve            the exact policy maximising the expected capped payout -> OptimalPolicy

Submodules: sim.analysis, sim.money (the one money formatter), sim.engine (the Monte Carlo
engine), sim.results, sim.stats, sim.accumulate, sim.theory (information, growth), sim.games,
sim.policy, sim.strategies, sim.optimal, sim.optimal_solver, sim.challenge, sim.learning,
sim.lessons (the pygame-free classroom lesson), sim.distributed (Dask), sim.cli (``kelly``).
The Gymnasium environments live in the package ``kelly_gym``; the game in ``game``.

Examples
--------
>>> from sim import CoinGame, simulate, kelly_fraction, coin_growth
>>> f = kelly_fraction(0.6)
>>> round(f, 3), round(coin_growth(f, 0.6), 5)
(0.2, 0.02014)
>>> result = simulate(CoinGame(p=0.6, rounds=1000), ["kelly", "kelly:2"], paths=4096, seed=7)
>>> table = result.to_frame()
>>> bool(table.loc[0, "growth"] > table.loc[1, "growth"])
True
"""

from importlib.metadata import PackageNotFoundError, version

from sim.engine import block_outcomes, simulate, simulate_summary
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.optimal import OptimalPolicy, OptimalStrategy, solve
from sim.policy import BetContext, Strategy
from sim.results import SimulationResult, SimulationSummary
from sim.stats import summarize
from sim.strategies import (
    AllIn,
    BayesKelly,
    FixedAmount,
    FixedFraction,
    Kelly,
    Martingale,
    Shares,
    parse_strategy,
)
from sim.theory import (
    coin_growth,
    cross_entropy,
    drawdown_probability,
    ensemble_growth,
    entropy,
    fractional_kelly_growth,
    growth_decomposition,
    kelly_fraction,
    kelly_shares,
    kl_divergence,
    portfolio_growth,
)

#: the analyses, imported on first use so ``import sim`` stays light (no pandas); the challenge
#: table keeps its long name because ``sim.challenge`` is the module that computes it
_ANALYSES = ("paths", "race", "sweep")


def __getattr__(name: str):
    if name in _ANALYSES:
        from sim import analysis

        return getattr(analysis, name)
    if name == "challenge_table":
        from sim.challenge import challenge_table

        return challenge_table
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


try:
    __version__ = version("kelly-game")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    *_ANALYSES,
    "challenge_table",
    "HAGHANI_DEWEY",
    "AllIn",
    "BayesKelly",
    "BetContext",
    "CoinGame",
    "FixedAmount",
    "FixedFraction",
    "Kelly",
    "Martingale",
    "OptimalPolicy",
    "OptimalStrategy",
    "RaceGame",
    "Shares",
    "SimulationResult",
    "SimulationSummary",
    "Strategy",
    "__version__",
    "block_outcomes",
    "coin_growth",
    "cross_entropy",
    "drawdown_probability",
    "ensemble_growth",
    "entropy",
    "fractional_kelly_growth",
    "growth_decomposition",
    "kelly_fraction",
    "kelly_shares",
    "kl_divergence",
    "parse_strategy",
    "portfolio_growth",
    "simulate",
    "simulate_summary",
    "solve",
    "summarize",
]
