"""The ``kelly`` command line: simulations without a window, as tables and figures.

Commands (``kelly COMMAND --help`` shows each one's options and examples)::

    kelly sweep      growth rate against the bet fraction, theory and Monte Carlo
    kelly paths      bankroll paths of several strategies: summary table and fan chart
    kelly race       a horse race: growth of bet shares and its cross-entropy split
    kelly challenge  the Haghani & Dewey (2016) capped coin game, strategy by strategy
    kelly report     the classroom handout: CSVs, PNGs and index.html in one folder
    kelly play       open the game (options pass through to it)

Every bad value ends the run with one line on stderr (``kelly: error: ...``) and exit status 2;
Ctrl-C ends it with status 130 and one line saying how far it got and which files it wrote.
Files are written atomically (:mod:`sim.output`), so an interrupted run leaves no partial file.

Runs above a work limit are refused before they start (exit 2) unless ``--force`` is given:
:data:`MAX_ROUND_WORK` strategy x path x round steps when rounds are played one by one, and
:data:`MAX_COUNT_WORK` strategy x path values for the exact counts method (frictionless rules,
constant bets: one binomial draw per path whatever the number of rounds). See
:func:`check_work`.

The analysis functions (:func:`sweep_table`, :func:`race_table`, :func:`run_paths`) return
pandas tables and are used by :mod:`sim.report` as well.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.config import CollectAction, apply_config, read_config
from sim.engine import BLOCK_PATHS, SimulationResult, simulate, simulate_summary
from sim.games import HAGHANI_DEWEY, CoinGame, Game, RaceGame
from sim.output import (
    check_figure_path,
    check_table_path,
    print_table,
    write_figure,
    write_table,
)
from sim.stats import constant_shares, summarize, wealth_paths_long
from sim.strategies import STRATEGY_EXAMPLES, FixedFraction, Kelly, Shares, Strategy, parse_strategy
from sim.theory import (
    bernoulli,
    coin_growth,
    cross_entropy,
    entropy,
    growth_decomposition,
    kl_divergence,
)

PROG = "kelly"
COMMANDS = ("sweep", "paths", "race", "challenge", "report", "play")
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_GRID_POINTS = 10_001
#: trajectories kept in memory for a fan chart (strategies x paths x rounds x 8 bytes)
RECORD_BUDGET_BYTES = 256 * 1024**2
#: the most strategy x path x round steps a command plays round by round without --force
#: (adaptive strategies run at about 10^7-10^8 steps a second per core, constant bets faster)
MAX_ROUND_WORK = 10**10
#: the most strategy x path terminal values of the exact counts method without --force
#: (about 10^7 a second, summaries included; the engine refuses above ~2.4 x 10^8 for memory)
MAX_COUNT_WORK = 2 * 10**8
#: the most (rounds x stakes x wealth levels) optimal play's dynamic program may try without
#: --force (about 2 x 10^8 a second when it has to try every stake)
MAX_SOLVE_WORK = 10**10
DEFAULT_PATH_STRATEGIES = ("kelly", "kelly:0.5", "kelly:2", "allin")
DEFAULT_RACE_STRATEGIES = ("kelly", "kelly:0.5", "share:0.6,0.3,0.1")
PLAY_FLAGS = "--headless --frames N --screenshot FILE --seed N --fullscreen --classroom"

SWEEP_COLUMNS = [
    "fraction", "share", "growth_theory", "growth_mc", "growth_se", "growth_ci_low",
    "growth_ci_high", "log_odds", "entropy", "cross_entropy", "divergence", "median_wealth",
    "mean_wealth", "p_ruin",
]
DECOMPOSITION_TERMS = ("log_odds", "cash_term", "entropy", "divergence", "cross_entropy")
RACE_COLUMNS = [
    "strategy", "bets", "cash", "growth_theory", "growth_mc", "growth_se", "growth_ci_low",
    "growth_ci_high", *DECOMPOSITION_TERMS, "median_wealth", "mean_wealth", "p_ruin",
]

Progress = Callable[[int], None] | None


class UsageError(Exception):
    """A command-line mistake caught by argparse (bad flag, bad value, missing argument)."""


# --------------------------------------------------------------------------------------------
# Value parsers for argparse: each raises ArgumentTypeError naming the value and what is allowed.


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed; expected a finite number")
    return value


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not allowed; expected a whole number of at least {least}"
        )
    return value


def positive_int(text: str) -> int:
    """A whole number >= 1 (paths, rounds, workers)."""
    return _whole(text, 1)


def seed_int(text: str) -> int:
    """A seed: a whole number >= 0."""
    return _whole(text, 0)


def number_list(text: str) -> list[float]:
    """Comma-separated finite numbers such as ``0.5,0.3,0.2``."""
    items = [item.strip() for item in str(text).split(",")]
    values = []
    for position, item in enumerate(items, start=1):
        if not item:
            raise argparse.ArgumentTypeError(
                f"{text!r}: item {position} is empty; expected numbers separated by commas"
            )
        try:
            value = float(item)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r}: item {position} ({item!r}) is not a number"
            ) from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(
                f"{text!r}: item {position} ({item!r}) is not a finite number"
            )
        values.append(value)
    return values


def fraction_grid(text: str) -> np.ndarray:
    """Bet fractions in [0, 1]: ``START:STOP:STEP`` (STOP included) or a list ``0,0.1,0.2``.

    Returns the sorted distinct fractions, rounded to 12 decimals so 0.1 + 0.2 stays 0.3.
    """
    text = str(text).strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not START:STOP:STEP (e.g. 0:0.99:0.01) or a list (e.g. 0,0.1,0.2)"
            )
        numbers = [number_list(part) for part in parts]
        if any(len(values) != 1 for values in numbers):
            raise argparse.ArgumentTypeError(
                f"{text!r}: START, STOP and STEP must be one number each (e.g. 0:0.99:0.01)"
            )
        start, stop, step = (values[0] for values in numbers)
        if step <= 0 or stop < start:
            raise argparse.ArgumentTypeError(
                f"{text!r}: STEP must be greater than 0 and STOP at least START"
            )
        for end in (start, stop):
            if not 0 <= end <= 1:
                raise argparse.ArgumentTypeError(
                    f"{text!r}: fraction {end:g} is outside [0, 1] (the share of the bankroll bet)"
                )
        span = (stop - start) / step  # inf when STEP is tiny: check before making it a count
        count = math.floor(span + 1e-9) + 1 if span < MAX_GRID_POINTS else math.inf
        if count > MAX_GRID_POINTS:
            raise argparse.ArgumentTypeError(
                f"{text!r} gives {span + 1:.4g} fractions; at most {MAX_GRID_POINTS} are allowed"
            )
        values = np.round(start + step * np.arange(count), 12)
    else:
        values = np.asarray(number_list(text))
    outside = values[(values < 0) | (values > 1)]
    if outside.size:
        raise argparse.ArgumentTypeError(
            f"{text!r}: fraction {outside[0]:g} is outside [0, 1] (the share of the bankroll bet)"
        )
    return np.unique(values)


def strategy_spec(text: str) -> str:
    """A strategy spec such as ``kelly:0.5``, checked by parsing it (see
    :data:`sim.strategies.STRATEGY_EXAMPLES`); returned as the cleaned-up text."""
    try:
        parse_strategy(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    except ImportError as error:
        raise argparse.ArgumentTypeError(
            f"strategy {text!r} is not available here ({error})"
        ) from None
    return str(text).strip()


def optional_amount(text: str) -> float | None:
    """A finite number, or ``none`` for no limit."""
    if str(text).strip().lower() in {"none", "off", ""}:
        return None
    return _finite(text)


# --------------------------------------------------------------------------------------------
# Analyses: pure functions from rules to tables.


def sweep_table(
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
    keeps merged statistics rather than every path. Columns:

    * ``share`` a = (1 + b f)/(1 + b): the fair two-way book's share on heads that is
      equivalent to staking f on heads at b-to-1 (a = (1 + f)/2 at even money);
    * ``growth_theory`` g(f) = p ln(1 + b f) + (1 - p) ln(1 - f) (Kelly 1956);
    * ``growth_mc`` the mean of ln(W_T/W_0)/T with ``growth_se`` and a 95% interval;
    * ``log_odds`` sum_i p_i ln o_i, ``entropy`` H(p), ``cross_entropy`` H(p, a),
      ``divergence`` D(p||a), so that growth_theory = log_odds - cross_entropy and
      cross_entropy = entropy + divergence (Cover & Thomas 2006, §6.1);
    * ``median_wealth``, ``mean_wealth`` (sample mean) and ``p_ruin`` over the paths.
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
    }, columns=SWEEP_COLUMNS)


def race_strategies(
    game: RaceGame, strategies: Sequence[Strategy], bets: Sequence[float] | None = None
) -> list[Strategy]:
    """The strategies of ``kelly race``: ``--bets`` as shares, then ``--strategy`` ones, then the
    optimum (Kelly: b = p at fair or better odds, :func:`sim.theory.kelly_shares` otherwise)
    unless full Kelly is already among them."""
    chosen: list[Strategy] = []
    if bets is not None:
        chosen.append(Shares(tuple(bets)))
    chosen.extend(strategies)
    if not chosen:
        chosen = default_race_strategies(len(game.outcome_probs))
    if not any(isinstance(s, Kelly) and s.multiple == 1 for s in chosen):
        fair = float(np.sum(1.0 / game.decimal_odds)) <= 1.0 + 1e-12
        chosen.append(Kelly(1.0, label="optimum b = p" if fair else "optimum (Kelly shares)"))
    return chosen


def default_race_strategies(outcomes: int) -> list[Strategy]:
    """:data:`DEFAULT_RACE_STRATEGIES`; a share bet that does not fit a race of ``outcomes``
    horses becomes equal shares 1/K (the bettor who knows nothing about the horses)."""
    chosen = []
    for spec in DEFAULT_RACE_STRATEGIES:
        strategy = parse_strategy(spec)
        if isinstance(strategy, Shares) and len(strategy.shares) != outcomes:
            strategy = Shares((1.0 / outcomes,) * outcomes)
        chosen.append(strategy)
    return chosen


def race_table(
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
    §6.3). Adaptive strategies get NaN there.
    """
    result = simulate(game, list(strategies), paths, seed, method="auto", workers=workers,
                      executor=executor, progress=progress)
    summary = summarize(result)
    rows = []
    for strategy, (_, row) in zip(result.strategies, summary.iterrows(), strict=True):
        shares = constant_shares(strategy, game)
        if shares is None:
            split = dict.fromkeys(DECOMPOSITION_TERMS, math.nan)
            bets, cash = "adaptive", math.nan
        else:
            parts = growth_decomposition(shares, game.outcome_probs, game.decimal_odds)
            split = {name: float(getattr(parts, name)) for name in DECOMPOSITION_TERMS}
            bets = ",".join(f"{s:.4g}" for s in shares)
            cash = max(0.0, round(float(1.0 - shares.sum()), 12))  # no 1e-16 leftovers
        rows.append({
            "strategy": row["strategy"],
            "bets": bets,
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
        })
    return pd.DataFrame(rows, columns=RACE_COLUMNS)


def check_work(
    game: Game,
    strategies: Sequence[Strategy],
    paths: int,
    *,
    record: bool = False,
    force: bool = False,
) -> None:
    """Refuse, before any work, a run above the work limits unless ``force`` is set.

    The engine takes the exact counts method when the rules are frictionless, every strategy
    bets constant fractions and no paths are recorded; its cost grows with strategies x paths
    (not rounds) and is limited to :data:`MAX_COUNT_WORK`. Otherwise every round is played and
    strategies x paths x rounds is limited to :data:`MAX_ROUND_WORK`. Paths count in whole
    blocks of :data:`sim.engine.BLOCK_PATHS`, as the engine simulates them (10 paths cost as
    much as 1024). Raises ValueError naming the request and how to proceed; a strategy that
    does not fit the game raises here too.
    """
    if force:
        return
    n = len(strategies)
    simulated = -(-paths // BLOCK_PATHS) * BLOCK_PATHS
    exact = not record and game.is_frictionless and all(
        s.multipliers(game) is not None for s in strategies
    )
    if exact:
        work, limit = n * simulated, MAX_COUNT_WORK
        what = f"{_strategies(n)} x {paths} paths (exact counts)"
    else:
        work, limit = n * simulated * game.rounds, MAX_ROUND_WORK
        what = f"{_strategies(n)} x {paths} paths x {game.rounds} rounds"
    if work > limit:
        raise ValueError(
            f"{what} is {work:.3g} steps (paths run in blocks of {BLOCK_PATHS}), above the "
            f"work limit of {limit:.3g}; use fewer paths, rounds or strategies, or add --force "
            "to run it anyway (it could take hours)"
        )
    if any(hasattr(s, "prepare") for s in strategies):  # optimal play solves a table first
        solve_work = optimal_solve_work(game)
        if solve_work > MAX_SOLVE_WORK:
            raise ValueError(
                f"solving optimal play for {game.rounds} rounds may try {solve_work:.3g} stakes "
                f"(every stake at every wealth when the odds are not even or there is a floor "
                f"or minimum bet), above the work limit of {MAX_SOLVE_WORK:.3g}; use fewer "
                "rounds or a coarser --tick, or add --force to run it anyway"
            )


def _strategies(count: int) -> str:
    return f"{count} strateg{'y' if count == 1 else 'ies'}"


def optimal_solve_work(game: Game) -> int:
    """Worst-case stakes tried by :func:`sim.optimal.solve`: rounds x C with the even-money
    convex step, rounds x C^2 (two sides: C^2, one side: C^2/2) when it must enumerate
    every stake (C = cap/tick ticks; see :mod:`sim.optimal`). Raises ValueError for a game
    optimal play cannot solve."""
    from sim.optimal import tick_rules

    rules = tick_rules(game)
    cap = rules.cap_ticks
    if rules.odds == 1.0 and rules.live_from == 1 and rules.min_stake == 1:
        return rules.rounds * cap
    return rules.rounds * cap * cap * len(rules.sides) // 2


def recordable_paths(
    game, strategies: Sequence[Strategy], budget: int = RECORD_BUDGET_BYTES
) -> int:
    """How many paths' trajectories fit in ``budget`` bytes (8 bytes per round per strategy)."""
    return max(1, budget // (len(strategies) * (game.rounds + 1) * 8))


def run_paths(
    game,
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

    Returns (the full result, the recorded result or None). When all paths' trajectories fit in
    :data:`RECORD_BUDGET_BYTES` both are the same run; otherwise the first paths are re-run with
    the same seed and recorded (blocks of paths have their own seeds, so they are the same paths).
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


# --------------------------------------------------------------------------------------------
# Argument parsing.


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become :class:`UsageError` (one line, no usage dump)."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the examples' line breaks; show each option's default unless it is unset."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        unset = action.default is None or action.nargs == 0  # nothing set, or a flag
        if unset or action.default == argparse.SUPPRESS or "%(default)" in text:
            return text
        return text + " (default: %(default)s)"


def _wrap(text: str, width: int = 88) -> str:
    """Fill each paragraph of a description (the raw formatter keeps line breaks as given)."""
    return "\n\n".join(textwrap.fill(paragraph, width) for paragraph in text.split("\n\n"))


def _common(parser: argparse.ArgumentParser, seed: bool = True) -> None:
    parser.add_argument("--config", metavar="FILE.toml",
                        help="read options from a TOML file; flags given here win")
    if seed:
        parser.add_argument("--seed", type=seed_int, default=0,
                            help="random seed: the same seed gives the same numbers")
        parser.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1,
                            help="worker processes (default: every core; results do not "
                                 "depend on it)")
        parser.add_argument("--scheduler", metavar="ADDRESS",
                            help="run the chunks on a Dask cluster: tcp://HOST:PORT, or 'local' "
                                 "for one on this machine (needs kelly-game[dask]; results "
                                 "do not depend on it)")
        parser.add_argument("--dask", dest="scheduler", choices=["local"],
                            help="same as --scheduler local")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar and no 'wrote FILE' notes on stderr")


WORK_HELP = (
    "run even above the work limits, which otherwise refuse a run before it starts: "
    f"{MAX_ROUND_WORK:.0e} strategy x path x round steps when rounds are played one by one, "
    f"{MAX_COUNT_WORK:.0e} strategy x paths for the exact counts method (frictionless rules, "
    f"constant bets), {MAX_SOLVE_WORK:.0e} stakes tried when solving optimal play"
)


def _force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help=WORK_HELP)


def _coin_options(parser: argparse.ArgumentParser, rounds: int, paths: int) -> None:
    parser.add_argument("--p", type=_finite, default=0.6, help="probability of heads, in [0, 1]")
    parser.add_argument("--odds", type=_finite, default=1.0,
                        help="net odds b on heads (b-to-1; tails pays 1/b-to-1); 1 = even money")
    parser.add_argument("--rounds", type=positive_int, default=rounds, help="bets per path")
    parser.add_argument("--paths", type=positive_int, default=paths,
                        help="independent bankrolls simulated")
    parser.add_argument("--start", type=_finite, default=100.0, help="starting bankroll")


def _outputs(parser: argparse.ArgumentParser, table: str, figure: str) -> None:
    parser.add_argument("--out", metavar="FILE",
                        help=f"write the {table} to FILE: .csv, .json (records) or .parquet "
                             "(needs pyarrow); without it a table is printed")
    parser.add_argument("--plot", metavar="FILE", help=f"draw the {figure} to FILE: .png or .svg")


STRATEGY_HELP = "; ".join(STRATEGY_EXAMPLES.values())


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The ``kelly`` parser and its subcommand parsers by name."""
    parser = _Parser(
        prog=PROG, formatter_class=_Formatter, allow_abbrev=False,
        description=_wrap("Kelly: the betting game that teaches cross-entropy. Simulate "
                          "repeated bets without a window and get tables and figures."),
        epilog="examples:\n"
               "  kelly sweep --p 0.6 --plot sweep.png\n"
               "  kelly paths --strategy kelly --strategy kelly:0.5 --plot paths.png\n"
               "  kelly race --probs 0.5,0.3,0.2 --odds 2,4,6\n"
               "  kelly report --out report\n"
               "  kelly play\n\n"
               "Growth is in nats per bet: G = sum_i p_i ln o_i - H(p, b), largest at b = p.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {sim.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub: dict[str, argparse.ArgumentParser] = {}

    def command(name: str, summary: str, description: str, examples: str):
        made = commands.add_parser(
            name, help=summary, description=_wrap(description), epilog="examples:\n" + examples,
            formatter_class=_Formatter, allow_abbrev=False,
        )
        sub[name] = made
        return made

    sweep = command(
        "sweep", "growth rate against the bet fraction (theory and Monte Carlo)",
        "Stake a fixed fraction f of the bankroll on heads every round, for every f in a grid, "
        "on the same simulated flips. Columns: fraction, share a = (1+bf)/(1+b) (the fair two-way "
        "book's share on heads, (1+f)/2 at even money), growth_theory, growth_mc with its standard "
        "error and 95% CI, log_odds = sum p ln o, entropy H(p), cross_entropy H(p, a), divergence "
        "D(p||a), median_wealth, mean_wealth, p_ruin. Identity: growth = log_odds - cross_entropy.",
        "  kelly sweep --p 0.6 --plot sweep.png\n"
        "  kelly sweep --p 0.55 --odds 2 --fractions 0:0.6:0.005 --out sweep.csv\n"
        "  kelly sweep --fractions 0,0.1,0.2,0.3 --rounds 100 --paths 1000\n",
    )
    _coin_options(sweep, rounds=1000, paths=10_000)
    sweep.add_argument("--fractions", type=fraction_grid, default="0:0.99:0.01",
                       metavar="START:STOP:STEP|LIST",
                       help="fractions of the bankroll staked on heads, each in [0, 1]")
    _outputs(sweep, "table", "growth curve and its cross-entropy panel")
    _force(sweep)
    _common(sweep)

    paths = command(
        "paths", "bankroll paths of several strategies: summary and fan chart",
        "Run several strategies on the same flips. The table has one row per strategy (growth "
        "with 95% CI and theory, mean/median wealth and quantiles, P(ruin), P(cap), drawdown, "
        "rounds to the cap). --paths-out writes wealth paths in long form (path, round, strategy, "
        "wealth), the first --paths-out-max paths only. The fan chart shows the median, the "
        "25-75% and 5-95% bands on a log scale and a few sample paths; its bands use all "
        f"paths whose trajectories fit in {RECORD_BUDGET_BYTES // 1024**2} MiB of memory "
        "(the first ones)."
        f"\n\nstrategies: {STRATEGY_HELP}",
        "  kelly paths --plot paths.png\n"
        "  kelly paths --strategy kelly --strategy fixed:0.5 --strategy allin \\\n"
        "      --start 25 --cap 250 --tick 0.01 --rounds 300 --out summary.csv\n"
        "  kelly paths --strategy bayes --paths 200 --paths-out paths.parquet\n",
    )
    _coin_options(paths, rounds=300, paths=1000)
    paths.add_argument("--strategy", action=CollectAction, type=strategy_spec, metavar="SPEC",
                       help="a strategy (repeat for several); default: "
                            + " ".join(DEFAULT_PATH_STRATEGIES))
    paths.add_argument("--cap", type=optional_amount, default=None,
                       help="winnings capped here; the path stops ('none': no cap)")
    paths.add_argument("--floor", type=_finite, default=0.0,
                       help="betting stops (ruin) once the bankroll falls to this")
    paths.add_argument("--min-bet", type=_finite, default=0.0, help="smallest stake accepted")
    paths.add_argument("--tick", type=_finite, default=0.0,
                       help="stakes rounded to multiples of this (0.01 = cents; 0 = none)")
    paths.add_argument("--heads-only", dest="allow_tails", action="store_false",
                       help="bets on tails are not allowed")
    paths.add_argument("--paths-out", metavar="FILE",
                       help="write wealth paths in long form (.csv, .json, .parquet)")
    paths.add_argument("--paths-out-max", type=positive_int, default=200, metavar="N",
                       help="how many paths --paths-out writes (the first N)")
    paths.add_argument("--samples", type=seed_int, default=5, metavar="N",
                       help="sample paths drawn in each panel of the fan chart")
    _outputs(paths, "summary table", "fan chart")
    _force(paths)
    _common(paths)

    race = command(
        "race", "a horse race: growth of bet shares and its cross-entropy split",
        "Bet shares b of the bankroll on K outcomes with probabilities p and decimal odds o "
        "(payout per unit staked); money not bet is kept. The table compares Monte Carlo growth "
        "with theory and splits it as G = log_odds + cash_term - H(p) - D(p||q), "
        "cross_entropy = H(p, q), where q is b + cash/o normalised and cash_term (zero at fair "
        "odds or without cash) is what keeping cash earns at unfair odds. A row for the "
        "optimum (b = p at fair or better odds; otherwise Kelly's shares with cash) is added "
        "unless full 'kelly' is among the "
        f"strategies.\n\nstrategies: {STRATEGY_HELP}",
        "  kelly race --probs 0.5,0.3,0.2 --odds 2,4,6 --bets 0.5,0.3,0.2\n"
        "  kelly race --probs 0.5,0.3,0.2 --odds 2,4,6 --strategy kelly:0.5 --plot race.png\n"
        "  kelly race --probs 0.6,0.4 --odds 1.8,2.1 --out race.json\n",
    )
    race.add_argument("--probs", type=number_list, default="0.5,0.3,0.2", metavar="LIST",
                      help="outcome probabilities (sum to 1)")
    race.add_argument("--odds", type=number_list, default="2,4,6", metavar="LIST",
                      help="decimal odds: payout per unit staked, stake included")
    race.add_argument("--names", metavar="LIST", help="outcome names, comma-separated")
    race.add_argument("--bets", type=number_list, metavar="LIST",
                      help="shares of the bankroll bet on each outcome (sum at most 1)")
    race.add_argument("--strategy", action=CollectAction, type=strategy_spec, metavar="SPEC",
                      help="a strategy (repeat for several); default without --bets: "
                           + " ".join(DEFAULT_RACE_STRATEGIES)
                           + " (equal shares 1/K if the race has K != 3 outcomes)")
    race.add_argument("--rounds", type=positive_int, default=1000, help="races per path")
    race.add_argument("--paths", type=positive_int, default=10_000, help="bankrolls simulated")
    race.add_argument("--start", type=_finite, default=100.0, help="starting bankroll")
    _outputs(race, "table", "growth bars and cross-entropy split")
    _force(race)
    _common(race)

    challenge = command(
        "challenge", "the Haghani-Dewey capped coin game, strategy by strategy",
        "The experiment of Haghani & Dewey (2016): $25, a coin landing heads 60% of the time, "
        "even money, bets in cents, winnings capped at $250, 300 flips. One row per strategy "
        "(mean and median payout, P(cap), P(bust), mean flips) and the subjects' observed row."
        f"\n\nstrategies: {STRATEGY_HELP}",
        "  kelly challenge\n"
        "  kelly challenge --strategy kelly --strategy fixed:0.1 --paths 2000 --out hd.csv\n"
        "  kelly challenge --plot challenge.png\n",
    )
    challenge.add_argument("--strategy", action=CollectAction, type=strategy_spec, metavar="SPEC",
                           help="a strategy (repeat for several); default: constant 5%%, 10%%, "
                                "15%%, 20%%, 40%%, kelly, optimal (dynamic programming), allin")
    challenge.add_argument("--paths", type=positive_int, default=10_000, help="players simulated")
    _outputs(challenge, "table", "payout and P(cap)/P(bust) bars")
    _force(challenge)
    _common(challenge)

    report = command(
        "report", "the classroom handout: CSVs, PNGs and index.html",
        "Run a fixed set of analyses with a fixed seed (a sweep at p = 0.6, a fan chart of "
        "Kelly, half Kelly, double Kelly and all-in, a horse race) and write their CSVs and "
        "PNGs with index.html and report.md, one sentence per figure.",
        "  kelly report --out report\n"
        "  kelly report --out /tmp/handout --seed 7\n",
    )
    report.add_argument("--lesson", metavar="LANG|FILE", default="en",
                        help="classroom lesson whose step figures go in DIR/lesson/: a shipped "
                             "language (en, zh-TW), a lesson TOML file, or 'none' (default: en)")
    report.add_argument("--out", metavar="DIR", default="report",
                        help="folder for the handout (created if missing)")
    _common(report)

    play = command(
        "play", "open the game (options pass through to it)",
        "Open the pygame window. Every option after 'play' goes to the game, for example "
        f"{PLAY_FLAGS}. With --config FILE.toml, the file's keys become flags too "
        "(key = value gives --key value, key = true gives --key). 'kelly play -- --help' shows "
        "the game's own options.",
        "  kelly play\n"
        "  kelly play --fullscreen\n"
        "  kelly play --classroom --seed 42\n"
        "  kelly play --headless --frames 120 --screenshot shot.png --seed 1\n",
    )
    play.add_argument("--config", metavar="FILE.toml",
                      help="game options from a TOML file; flags given here come after them")
    return parser, sub


# --------------------------------------------------------------------------------------------
# Running commands.


@dataclass
class RunLog:
    """How far a command got, for the one line printed when Ctrl-C stops it."""

    task: str = ""  # the simulation running or last run
    done: int = 0  # paths finished (the engine reports after each chunk)
    total: int = 0
    written: list[str] = field(default_factory=list)  # files complete on disk
    folder: str | None = None  # `kelly report`'s folder: the files in it are complete

    def start(self, task: str, total: int) -> None:
        self.task, self.done, self.total = task, 0, total

    def summary(self) -> str:
        """E.g. 'sweep of 100 fractions: 49,152 of 1,000,000 paths simulated; no file written'."""
        parts = []
        if self.total:
            parts.append(f"{self.task}: {self.done:,} of {self.total:,} paths simulated")
        if self.written:
            parts.append("wrote " + ", ".join(self.written))
        elif self.folder is None:
            parts.append("no file written")
        if self.folder is not None:
            parts.append(f"the files already in {self.folder} are complete")
        return "; ".join(parts)


def _note(args, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(f"{PROG}: {message}", file=sys.stderr)


def _run_log(args) -> RunLog:
    log = getattr(args, "run_log", None)
    return log if isinstance(log, RunLog) else RunLog()


@contextlib.contextmanager
def progress_bar(args, description: str, total: int) -> Iterator[Progress]:
    """A rich progress bar on stderr, only when stderr is a terminal and not --quiet."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)


@contextlib.contextmanager
def tracked(args, description: str, total: int) -> Iterator[Callable[[int], None]]:
    """:func:`progress_bar`, and the paths done recorded in the command's :class:`RunLog`."""
    log = _run_log(args)
    log.start(description, total)
    with progress_bar(args, description, total) as bar:

        def report(done: int) -> None:
            log.done = done
            if bar is not None:
                bar(done)

        yield report


def _wrote(args, path) -> None:
    """Record a finished file; :func:`main` notes it on stderr once the command succeeded, so a
    later failure still prints one line (which names the files already written)."""
    _run_log(args).written.append(str(path))


def _emit_table(args, table: pd.DataFrame, title: str) -> None:
    if args.out:
        write_table(table, args.out)
        _wrote(args, args.out)
    else:
        print_table(table, title=title)


def _emit_figure(args, figure, path) -> None:
    write_figure(figure, path)
    _wrote(args, path)


def _given(args, name: str) -> str | None:
    """The path given for option ``name``, or None; an empty or blank one raises ValueError."""
    value = getattr(args, name, None)
    if value is not None and not str(value).strip():
        raise ValueError(f"--{name.replace('_', '-')} {value!r}: the file name is empty")
    return value


def _check_outputs(args, tables: Sequence[str] = ("out",), figures: Sequence[str] = ("plot",)):
    """Validate output paths before any work, so a typo costs no simulation time."""
    for name in tables:
        if _given(args, name):
            check_table_path(getattr(args, name))
    for name in figures:
        if _given(args, name):
            check_figure_path(getattr(args, name))


@contextlib.contextmanager
def _executor(args):
    """The Dask executor of ``--scheduler``/``--dask``, or None to run here (``--workers``).

    On a cluster the cluster's workers run the chunks, so ``--workers`` is set aside.
    """
    if getattr(args, "scheduler", None) is None:
        yield None
        return
    from sim.distributed import check_scheduler, dask_executor

    with dask_executor(check_scheduler(args.scheduler)) as executor:
        args.workers = 1
        yield executor


def cmd_sweep(args, _extra) -> int:
    game = CoinGame(p=args.p, odds=args.odds, rounds=args.rounds, start=args.start)
    _check_outputs(args)
    check_work(game, [FixedFraction(float(f)) for f in args.fractions], args.paths,
               force=args.force)
    with (_executor(args) as executor,
          tracked(args, f"sweep of {len(args.fractions)} fractions", args.paths) as progress):
        table = sweep_table(game, args.fractions, args.paths, args.seed, workers=args.workers,
                            executor=executor, progress=progress)
    _emit_table(args, table, f"Growth against the fraction (p = {args.p:g}, odds {args.odds:g}"
                             f"-to-1, {args.rounds} bets, {args.paths} paths; nats per bet)")
    if args.plot:
        from sim.plots import sweep_figure

        _emit_figure(args, sweep_figure(table, game, paths=args.paths), args.plot)
    return 0


def cmd_paths(args, _extra) -> int:
    game = CoinGame(p=args.p, odds=args.odds, start=args.start, cap=args.cap, floor=args.floor,
                    min_bet=args.min_bet, tick=args.tick, rounds=args.rounds,
                    allow_tails=args.allow_tails)
    strategies = [parse_strategy(spec) for spec in args.strategy or DEFAULT_PATH_STRATEGIES]
    _check_outputs(args, tables=("out", "paths_out"))
    record = bool(args.plot or args.paths_out)
    check_work(game, strategies, args.paths, record=record, force=args.force)
    with (_executor(args) as executor,
          tracked(args, f"paths of {_strategies(len(strategies))}", args.paths) as progress):
        result, recorded = run_paths(game, strategies, args.paths, args.seed, record=record,
                                     workers=args.workers, executor=executor, progress=progress)
    _emit_table(args, summarize(result), f"Strategies over {args.rounds} bets, {args.paths} paths "
                                         "(growth in nats per bet)")
    if args.paths_out:
        write_table(wealth_paths_long(recorded, max_paths=args.paths_out_max), args.paths_out)
        _wrote(args, args.paths_out)
    if args.plot:
        from sim.plots import fan_figure

        figure = fan_figure(recorded, samples=args.samples, total_paths=args.paths)
        _emit_figure(args, figure, args.plot)
    return 0


def cmd_race(args, _extra) -> int:
    names = tuple(n.strip() for n in args.names.split(",")) if args.names else None
    game = RaceGame(probs=tuple(args.probs), odds=tuple(args.odds), names=names,
                    rounds=args.rounds, start=args.start)
    strategies = race_strategies(game, [parse_strategy(s) for s in args.strategy or []], args.bets)
    _check_outputs(args)
    check_work(game, strategies, args.paths, force=args.force)
    with (_executor(args) as executor,
          tracked(args, f"race of {_strategies(len(strategies))}", args.paths) as progress):
        table = race_table(game, strategies, args.paths, args.seed, workers=args.workers,
                           executor=executor, progress=progress)
    _emit_table(args, table, f"Horse race over {args.rounds} races, {args.paths} paths "
                             "(nats per race; growth = log_odds + cash_term - cross_entropy)")
    if args.plot:
        from sim.plots import race_figure

        _emit_figure(args, race_figure(table, game), args.plot)
    return 0


def cmd_challenge(args, _extra) -> int:
    try:
        from sim.challenge import DEFAULT_STRATEGIES, PAPER_LABEL, challenge_table
    except ImportError as error:
        raise ValueError(f"the challenge simulation is not available ({error})") from None
    chosen = {"strategies": list(args.strategy)} if args.strategy else {}
    _check_outputs(args)
    specs = args.strategy or DEFAULT_STRATEGIES
    check_work(HAGHANI_DEWEY, [parse_strategy(s) for s in specs], args.paths, force=args.force)
    with (_executor(args) as executor,
          tracked(args, f"challenge of {_strategies(len(specs))}", args.paths) as progress):
        table = challenge_table(paths=args.paths, seed=args.seed, workers=args.workers,
                                executor=executor, progress=progress, **chosen)
    _emit_table(args, table, f"The Haghani-Dewey game, {args.paths} players per strategy")
    if args.plot:
        from sim.plots import challenge_figure

        _emit_figure(args, challenge_figure(table, observed=PAPER_LABEL), args.plot)
    return 0


def cmd_report(args, _extra) -> int:
    from sim.report import build_report

    if not str(args.out).strip():
        raise ValueError(f"--out {args.out!r}: the folder name is empty")
    if args.scheduler is not None:
        raise ValueError(f"--scheduler {args.scheduler!r}: the handout runs here (use --workers)")
    _run_log(args).folder = args.out
    written = build_report(
        Path(args.out), seed=args.seed, workers=args.workers,
        progress=lambda description, total: tracked(args, description, total),
        lesson=None if args.lesson == "none" else args.lesson,
    )
    _note(args, f"wrote {len(written)} files to {args.out}/ (open {Path(args.out) / 'index.html'})")
    return 0


def config_flags(path: str) -> list[str]:
    """A TOML table as command-line flags for the game: key = value -> --key value."""
    flags: list[str] = []
    for key, value in read_config(path).items():
        flag = "--" + str(key).replace("_", "-")
        if value is True:
            flags.append(flag)
        elif value is False:
            continue
        elif isinstance(value, (list, tuple)):
            for item in value:
                flags += [flag, str(item)]
        elif isinstance(value, dict):
            raise ValueError(f"config {path!r}: {key!r} is a table; 'kelly play' takes plain keys")
        else:
            flags += [flag, str(value)]
    return flags


def cmd_play(args, extra: list[str]) -> int:
    try:
        from game.app import main as play_main
    except ImportError as error:
        raise ValueError(f"the game is not available ({error})") from None
    extra = list(extra)
    if "--" in extra:  # `kelly play -- --help`: everything after -- is the game's
        extra.remove("--")
    forwarded = (config_flags(args.config) if args.config else []) + extra
    try:
        status = play_main(forwarded)
    except SystemExit as done:  # the game's own argparse: --help, bad flags
        status = done.code
    if status is None:
        return 0
    return status if isinstance(status, int) else EXIT_USAGE


HANDLERS = {
    "sweep": cmd_sweep,
    "paths": cmd_paths,
    "race": cmd_race,
    "challenge": cmd_challenge,
    "report": cmd_report,
    "play": cmd_play,
}


def _parse(argv: list[str]):
    parser, sub = build_parser()
    args, extra = parser.parse_known_args(argv)
    config = getattr(args, "config", None)
    if config is not None and not str(config).strip():
        raise UsageError(f"--config {config!r}: the file name is empty")
    if args.command not in (None, "play") and config:
        apply_config(sub[args.command], args.config, args.command, COMMANDS)
        args, extra = parser.parse_known_args(argv)
    if extra and args.command != "play":
        where = f"{PROG} {args.command}" if args.command else PROG
        raise UsageError(f"unrecognized arguments: {' '.join(extra)} (see '{where} --help')")
    return parser, args, extra


def _fail(message: str) -> int:
    print(f"{PROG}: error: {' '.join(str(message).split())}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kelly`` command line; returns the exit status (0, 2 for bad input, 130 on ^C)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    log, quiet = RunLog(), False
    try:
        parser, args, extra = _parse(argv)
        args.run_log, quiet = log, bool(getattr(args, "quiet", False))
        if args.command is None:
            parser.print_help()
            return 0
        status = HANDLERS[args.command](args, extra)
        for path in log.written:
            _note(args, f"wrote {path}")
        return status
    except SystemExit as done:  # --help and --version end argparse this way
        return done.code if isinstance(done.code, int) else 0
    except (UsageError, ValueError) as error:
        done = f" (wrote {', '.join(log.written)} before that)" if log.written else ""
        return _fail(f"{error}{done}")
    except KeyboardInterrupt:  # -q keeps the line short; otherwise it says how far the run got
        print(f"{PROG}: interrupted" + ("" if quiet else f" ({log.summary()})"), file=sys.stderr)
        return EXIT_INTERRUPTED
