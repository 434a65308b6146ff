"""``kelly challenge``: the Haghani-Dewey (2016) capped coin game, strategy by strategy."""

from __future__ import annotations

import argparse

from sim.analysis import challenge
from sim.cli.context import RunContext, check_outputs
from sim.cli.limits import check_work, strategies_text
from sim.cli.options import (
    STRATEGY_HELP,
    add_common,
    add_force,
    add_outputs,
    positive_int,
    strategy_spec,
)
from sim.config import CollectAction
from sim.games import HAGHANI_DEWEY
from sim.i18n import gettext as _
from sim.strategies import parse_strategy

NAME = "challenge"
HELP = "the Haghani-Dewey capped coin game, strategy by strategy"
DESCRIPTION = (
    "The experiment of Haghani & Dewey (2016): $25, a coin landing heads 60% of the time, "
    "even money, bets in cents, winnings capped at $250, 300 flips. One row per strategy "
    "(mean and median payout, P(cap), P(bust), mean flips) and the subjects' observed row."
    f"\n\nstrategies: {STRATEGY_HELP}"
)
EXAMPLES = (
    "  kelly challenge\n"
    "  kelly challenge --strategy kelly --strategy fixed:0.1 --paths 2000 --out hd.csv\n"
    "  kelly challenge --plot challenge.png\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strategy", action=CollectAction, type=strategy_spec, metavar="SPEC",
                        help="a strategy (repeat for several); default: constant 5%%, 10%%, "
                             "15%%, 20%%, 40%%, kelly, optimal (dynamic programming), allin")
    parser.add_argument("--paths", type=positive_int, default=10_000, help="players simulated")
    add_outputs(parser, "table", "payout and P(cap)/P(bust) bars")
    add_force(parser)
    add_common(parser)


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    try:
        from sim.challenge import DEFAULT_STRATEGIES, PAPER_LABEL
    except ImportError as error:
        raise ValueError(_("the challenge simulation is not available ({error})")
                         .format(error=error)) from None
    check_outputs(args)
    specs = args.strategy or DEFAULT_STRATEGIES
    check_work(HAGHANI_DEWEY, [parse_strategy(s) for s in specs], args.paths, force=args.force)
    description = _("challenge of {strategies}").format(strategies=strategies_text(len(specs)))
    with ctx.simulation(description, args.paths) as simulation:
        table = challenge(args.strategy, args.paths, args.seed, **simulation.options())
    title = _("The Haghani-Dewey game, {paths} players per strategy").format(paths=args.paths)
    ctx.emit_table(table, args.out, title)
    if args.plot:
        from sim.plots import challenge_figure

        ctx.emit_figure(challenge_figure(table, observed=PAPER_LABEL), args.plot)
    return 0
