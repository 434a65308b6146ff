"""``kelly sweep``: growth rate against the bet fraction, theory and Monte Carlo."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from sim.analysis import sweep
from sim.cli.context import RunContext, check_outputs
from sim.cli.limits import check_work
from sim.cli.options import add_coin, add_common, add_force, add_outputs, fraction_grid
from sim.games import CoinGame
from sim.i18n import gettext as _
from sim.strategies import FixedFraction
from sim.theory import kelly_fraction

NAME = "sweep"
HELP = "growth rate against the bet fraction (theory and Monte Carlo)"
DESCRIPTION = (
    "Stake a fixed fraction f of the bankroll on heads every round, for every f in a grid, "
    "on the same simulated flips. Columns: fraction, share a = (1+bf)/(1+b) (the fair two-way "
    "book's share on heads, (1+f)/2 at even money), growth_theory, growth_mc with its standard "
    "error and 95% CI, log_odds = sum p ln o, entropy H(p), cross_entropy H(p, a), divergence "
    "D(p||a), median_wealth, mean_wealth, p_ruin. Identity: growth = log_odds - cross_entropy."
)
EXAMPLES = (
    "  kelly sweep --p 0.6 --plot sweep.png\n"
    "  kelly sweep --p 0.55 --odds 2 --fractions 0:0.6:0.005 --out sweep.csv\n"
    "  kelly sweep --fractions 0,0.1,0.2,0.3 --rounds 100 --paths 1000\n"
)
#: the columns of the short table printed beside a figure
SUMMARY_COLUMNS = ["row", "fraction", "growth_theory", "growth_mc", "median_wealth", "p_ruin"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_coin(parser, rounds=1000, paths=10_000)
    parser.add_argument("--fractions", type=fraction_grid, default="0:0.99:0.01",
                        metavar="START:STOP:STEP|LIST",
                        help="fractions of the bankroll staked on heads, each in [0, 1]")
    add_outputs(parser, "table", "growth curve and its cross-entropy panel")
    parser.add_argument("--table", action="store_true",
                        help="print every row even with --plot (which otherwise prints a few: "
                             "half, full and double Kelly, the Monte Carlo best, the largest f)")
    add_force(parser)
    add_common(parser)


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    game = CoinGame(p=args.p, odds=args.odds, rounds=args.rounds, start=args.start)
    check_outputs(args)
    check_work(game, [FixedFraction(float(f)) for f in args.fractions], args.paths,
               force=args.force)
    task = _("sweep of {count} fractions").format(count=len(args.fractions))
    with ctx.simulation(task, args.paths) as simulation:
        table = sweep(game, args.fractions, args.paths, args.seed, **simulation.options())
    title = _("Growth against the fraction (p = {p}, odds {odds}-to-1, {rounds} bets, {paths} "
              "paths; nats per bet)").format(p=f"{args.p:g}", odds=f"{args.odds:g}",
                                             rounds=args.rounds, paths=args.paths)
    if args.plot and not args.out and not args.table and len(table) > SHORT_ROWS:
        short = sweep_summary(table, game)
        title += _(": {shown} of {total} rows (all: --table or --out FILE.csv)").format(
            shown=len(short), total=len(table))
        ctx.emit_table(short, None, title)
    else:
        ctx.emit_table(table, args.out, title)
    if args.plot:
        from sim.plots import sweep_figure

        ctx.emit_figure(sweep_figure(table, game, paths=args.paths), args.plot)
    return 0


SHORT_ROWS = 6  # a sweep this short is printed whole


def sweep_summary(table: pd.DataFrame, game: CoinGame) -> pd.DataFrame:
    """The rows of a sweep worth reading beside its figure: the fractions nearest half, full
    and double Kelly, the Monte Carlo best and the largest fraction, each named in ``row``.

    >>> table = pd.DataFrame({"fraction": [0.0, 0.1, 0.2, 0.4, 0.9],
    ...                       "growth_mc": [0.0, 1.0, 2.0, 1.0, -5.0]})
    >>> for row in sweep_summary(table, CoinGame(p=0.6))[["row", "fraction"]].values:
    ...     print(*row)
    half Kelly 0.1
    Kelly f*, best MC 0.2
    double Kelly 0.4
    largest f 0.9
    """
    fractions = table["fraction"].to_numpy(dtype=float)
    f_star = float(kelly_fraction(game.p, game.odds))
    growth = table["growth_mc"].to_numpy(dtype=float)
    marks = [(name, int(np.argmin(np.abs(fractions - target)))) for name, target in
             (("half Kelly", f_star / 2), ("Kelly f*", f_star), ("double Kelly", 2 * f_star))]
    if np.isfinite(growth).any():
        marks.append(("best MC", int(np.nanargmax(np.where(np.isfinite(growth), growth,
                                                                    -np.inf)))))
    marks.append(("largest f", len(fractions) - 1))
    names: dict[int, list[str]] = {}
    for name, index in marks:
        names.setdefault(index, []).append(name)
    rows = sorted(names)
    short = table.iloc[rows].reset_index(drop=True)
    short.insert(0, "row", [", ".join(names[i]) for i in rows])
    return short[[c for c in SUMMARY_COLUMNS if c in short.columns]]
