"""``kelly sweep``: growth rate against the bet fraction, theory and Monte Carlo."""

from __future__ import annotations

import argparse

from sim.analysis import sweep
from sim.cli.context import RunContext, check_outputs
from sim.cli.limits import check_work
from sim.cli.options import add_coin, add_common, add_force, add_outputs, fraction_grid
from sim.games import CoinGame
from sim.i18n import gettext as _
from sim.strategies import FixedFraction

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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_coin(parser, rounds=1000, paths=10_000)
    parser.add_argument("--fractions", type=fraction_grid, default="0:0.99:0.01",
                        metavar="START:STOP:STEP|LIST",
                        help="fractions of the bankroll staked on heads, each in [0, 1]")
    add_outputs(parser, "table", "growth curve and its cross-entropy panel")
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
    ctx.emit_table(table, args.out, title)
    if args.plot:
        from sim.plots import sweep_figure

        ctx.emit_figure(sweep_figure(table, game, paths=args.paths), args.plot)
    return 0
