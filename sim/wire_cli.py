"""``kelly wire``: Kelly's private wire, growth without and with the tip (theory and Monte Carlo).

A subcommand module of the ``kelly`` command line (NAME, HELP, DESCRIPTION, EXAMPLES,
:func:`add_arguments`, :func:`run`). Bad values raise ValueError naming the value; the command
line turns that into one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from sim.information import quote
from sim.output import check_figure_path, check_table_path, print_table, write_figure, write_table
from sim.wire import joint_table, parse_joint, tip_curve, tip_table

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
    "of accuracy q is worth ln 2 - H(q)."
)
EXAMPLES = (
    "  kelly wire --accuracy 0.6\n"
    "  kelly wire --accuracy 0.55,0.6,0.7,0.8,0.9 --plot wire.png\n"
    "  kelly wire --joint '0.3,0.1;0.1,0.5' --odds 2.2,1.6 --out wire.csv\n"
    "  kelly wire --accuracy 0.7 --prior 0.5,0.3,0.2 --odds 1.8,3,4.5\n"
)
DEFAULT_ACCURACY = "0.6"


def number_list(name: str, text: str) -> list[float]:
    """Comma-separated numbers such as ``0.5,0.3,0.2``; ValueError naming ``--name`` if not.

    Examples
    --------
    >>> number_list("odds", "2, 2")
    [2.0, 2.0]
    """
    try:
        return [float(item) for item in str(text).split(",")]
    except ValueError:
        raise ValueError(f"--{name} {quote(text)} is not a list of numbers separated by commas"
                         ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``kelly wire``'s options to ``parser``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> options = parser.parse_args(["--joint", "0.4,0.1;0.1,0.4"])
    >>> options.joint, options.accuracy, options.paths, options.cash
    ('0.4,0.1;0.1,0.4', None, 10000, True)
    """
    signal = parser.add_mutually_exclusive_group()
    signal.add_argument("--accuracy", metavar="Q[,Q...]",
                        help=f"a symmetric tip right with probability Q, in [0, 1]; several "
                             f"give one row each (default: {DEFAULT_ACCURACY})")
    signal.add_argument("--joint", metavar="TABLE",
                        help="a joint table P(X=x, Y=y): rows (outcomes) split by ';', "
                             "entries (signals) by ','; it must sum to 1")
    parser.add_argument("--prior", metavar="P,P,...", default="0.5,0.5",
                        help="the outcome's distribution under a symmetric tip")
    parser.add_argument("--odds", metavar="O,O,...",
                        help="decimal odds per outcome (default: fair m-for-1)")
    parser.add_argument("--no-cash", dest="cash", action="store_false",
                        help="bet every dollar (no cash kept at subfair odds)")
    parser.add_argument("--paths", type=int, default=10_000, help="independent bankrolls")
    parser.add_argument("--rounds", type=int, default=100, help="races per bankroll")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--samples", type=int, default=20,
                        help="bankrolls drawn in the figure's right panel")
    parser.add_argument("--out", metavar="FILE",
                        help="write the table: .csv, .json or .parquet; without it, printed")
    parser.add_argument("--plot", metavar="FILE", help="draw the figure: .png or .svg")
    parser.add_argument("-q", "--quiet", action="store_true", help="no 'wrote FILE' notes")


def _note(args, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(f"kelly: {message}", file=sys.stderr)


def compute(args):
    """The table, the runs and (for a tip) the theory curve that ``args`` ask for."""
    odds = None if args.odds is None else number_list("odds", args.odds)
    simulation = {"paths": args.paths, "rounds": args.rounds, "seed": args.seed,
                  "cash": args.cash, "samples": min(args.samples, args.paths)}
    if args.joint is not None:
        table, runs = joint_table(parse_joint(args.joint), odds, **simulation)
        return table, runs, None
    prior = number_list("prior", args.prior)
    accuracies = number_list("accuracy", args.accuracy or DEFAULT_ACCURACY)
    table, runs = tip_table(accuracies, prior, odds, **simulation)
    return table, runs, tip_curve(prior, odds, args.cash)


def run(ctx, args) -> int:
    """Run ``kelly wire``: check the output paths, simulate, write or print the table, draw.

    ``ctx`` is the command line's run context (unused here: output goes through
    :mod:`sim.output`, and 'wrote FILE' notes to stderr unless ``--quiet``).
    """
    if args.out:
        check_table_path(args.out)
    if args.plot:
        check_figure_path(args.plot)
    table, runs, curve = compute(args)
    if args.out:
        write_table(table, args.out)
        _note(args, f"wrote {args.out}")
    else:
        print_table(table, title=f"Private wire: {args.paths} paths x {args.rounds} races "
                                 "(growth in nats per race)")
    if args.plot:
        from sim.wire_plots import wire_figure

        write_figure(wire_figure(table, runs, curve), args.plot)
        _note(args, f"wrote {args.plot}")
    return 0
