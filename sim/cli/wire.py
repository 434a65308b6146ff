"""``kelly wire``: Kelly's private wire, growth without and with the tip (theory and Monte Carlo).

The computation is :mod:`sim.wire` (the simulation on the engine's draws) and
:mod:`sim.theory.side_information` (the closed forms); this module parses the options and emits
the table and the figure.
"""

from __future__ import annotations

import argparse

from sim.cli.context import RunContext, check_outputs
from sim.cli.limits import MAX_DRAW_WORK, check_draws
from sim.cli.options import add_common, add_outputs, number_list, positive_int, seed_int
from sim.wire import MAX_SAMPLES, joint_table, parse_joint, tip_curve, tip_table

NAME = "wire"
HELP = "Kelly's private wire: growth without and with a tip, and I(X;Y)"
DESCRIPTION = (
    "Bet the same races with and without a signal Y (a tip on the winner): a symmetric tip "
    "right with probability --accuracy on an even-money coin (or on --prior's race), or any "
    "--joint table P(X = x, Y = y). Both gamblers bet the growth-optimal shares (cash kept at "
    "subfair odds unless --no-cash). Columns: entropy H(X), conditional_entropy H(X|Y), "
    "mutual_information I(X;Y), and for without / with / gain: theory, Monte Carlo mean per "
    "race (mc) and its standard error (se); gain_z = (gain_mc - gain_theory)/gain_se. At fair "
    "odds the gain is exactly I(X;Y) (Kelly 1956; Cover & Thomas 2006, 6.2); an even-money tip "
    "of accuracy q is worth ln 2 - H(q). At subfair odds with cash it is at most I(X;Y) "
    "(Barron & Cover 1988; Cover & Thomas 2006, 16.5)."
)
EXAMPLES = (
    "  kelly wire --accuracy 0.6\n"
    "  kelly wire --accuracy 0.55,0.6,0.7,0.8,0.9 --plot wire.png\n"
    "  kelly wire --joint '0.3,0.1;0.1,0.5' --odds 2.2,1.6 --out wire.csv\n"
    "  kelly wire --accuracy 0.7 --prior 0.5,0.3,0.2 --odds 1.8,3,4.5\n"
)
DEFAULT_ACCURACY = [0.6]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    signal = parser.add_mutually_exclusive_group()
    signal.add_argument("--accuracy", type=number_list, metavar="Q[,Q...]",
                        help="a symmetric tip right with probability Q, in [0, 1]; several "
                             "give one row each (default: 0.6)")
    signal.add_argument("--joint", metavar="TABLE",
                        help="a joint table P(X=x, Y=y): rows (outcomes) split by ';', "
                             "entries (signals) by ','; it must sum to 1")
    parser.add_argument("--prior", type=number_list, metavar="P,P,...", default=[0.5, 0.5],
                        help="the outcome's distribution under a symmetric tip")
    parser.add_argument("--odds", type=number_list, metavar="O,O,...",
                        help="decimal odds per outcome (default: fair m-for-1)")
    parser.add_argument("--no-cash", dest="cash", action="store_false",
                        help="bet every dollar (no cash kept at subfair odds)")
    parser.add_argument("--paths", type=positive_int, default=10_000,
                        help="independent bankrolls")
    parser.add_argument("--rounds", type=positive_int, default=100, help="races per bankroll")
    parser.add_argument("--seed", type=seed_int, default=0,
                        help="random seed: the same seed gives the same numbers")
    parser.add_argument("--samples", type=positive_int, default=20,
                        help=f"bankrolls drawn in the figure's right panel (at most {MAX_SAMPLES})")
    add_outputs(parser, "table", "capacity curve and the bankrolls with and without the wire")
    parser.add_argument("--force", action="store_true",
                        help=f"run even above the work limit of {MAX_DRAW_WORK:.0e} rows x paths "
                             "x rounds, which otherwise refuses a run before it starts")
    add_common(parser, seed=False)


def compute(args: argparse.Namespace):
    """The table, the runs and (for a tip) the theory curve that ``args`` ask for."""
    simulation = {"paths": args.paths, "rounds": args.rounds, "seed": args.seed,
                  "cash": args.cash, "samples": min(args.samples, args.paths, MAX_SAMPLES)}
    if args.joint is not None:
        joint = parse_joint(args.joint)
        check_draws(1, args.paths, args.rounds, force=args.force)
        table, runs = joint_table(joint, args.odds, **simulation)
        return table, runs, None
    accuracies = args.accuracy or DEFAULT_ACCURACY
    check_draws(len(accuracies), args.paths, args.rounds, force=args.force)
    table, runs = tip_table(accuracies, args.prior, args.odds, **simulation)
    return table, runs, tip_curve(args.prior, args.odds, args.cash)


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    check_outputs(args)
    table, runs, curve = compute(args)
    ctx.emit_table(table, args.out, f"Private wire: {args.paths} paths x {args.rounds} races "
                                    "(growth in nats per race)")
    if args.plot:
        from sim.wire_plots import wire_figure

        ctx.emit_figure(wire_figure(table, runs, curve), args.plot)
    return 0
