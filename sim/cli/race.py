"""``kelly race``: a horse race, growth of bet shares and its cross-entropy split."""

from __future__ import annotations

import argparse

from sim.analysis import DEFAULT_RACE_STRATEGIES, race, race_strategies
from sim.cli.context import RunContext, check_outputs
from sim.cli.limits import check_work, strategies_text
from sim.cli.options import (
    STRATEGY_HELP,
    add_common,
    add_force,
    add_outputs,
    finite,
    number_list,
    positive_int,
    strategy_spec,
)
from sim.config import CollectAction
from sim.games import RaceGame
from sim.i18n import gettext as _
from sim.strategies import parse_strategy

NAME = "race"
HELP = "a horse race: growth of bet shares and its cross-entropy split"
DESCRIPTION = (
    "Bet shares b of the bankroll on K outcomes with probabilities p and decimal odds o "
    "(payout per unit staked); money not bet is kept. The table compares Monte Carlo growth "
    "with theory and splits it as G = log_odds + cash_term - H(p) - D(p||q), "
    "cross_entropy = H(p, q), where q is b + cash/o normalised and cash_term (zero at fair "
    "odds or without cash) is what keeping cash earns at unfair odds. A row for the "
    "optimum (b = p at fair or better odds; otherwise Kelly's shares with cash) is added "
    "unless full 'kelly' is among the "
    f"strategies.\n\nstrategies: {STRATEGY_HELP}"
)
EXAMPLES = (
    "  kelly race --probs 0.5,0.3,0.2 --odds 2,4,6 --bets 0.5,0.3,0.2\n"
    "  kelly race --probs 0.5,0.3,0.2 --odds 2,4,6 --strategy kelly:0.5 --plot race.png\n"
    "  kelly race --probs 0.6,0.4 --odds 1.8,2.1 --out race.json\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--probs", type=number_list, default="0.5,0.3,0.2", metavar="LIST",
                        help="outcome probabilities (sum to 1)")
    parser.add_argument("--odds", type=number_list, default="2,4,6", metavar="LIST",
                        help="decimal odds: payout per unit staked, stake included")
    parser.add_argument("--names", metavar="LIST", help="outcome names, comma-separated")
    parser.add_argument("--bets", type=number_list, metavar="LIST",
                        help="shares of the bankroll bet on each outcome (sum at most 1)")
    parser.add_argument("--strategy", action=CollectAction, type=strategy_spec, metavar="SPEC",
                        help="a strategy (repeat for several); default without --bets: "
                             + " ".join(DEFAULT_RACE_STRATEGIES)
                             + " (equal shares 1/K if the race has K != 3 outcomes)")
    parser.add_argument("--rounds", type=positive_int, default=1000, help="races per path")
    parser.add_argument("--paths", type=positive_int, default=10_000, help="bankrolls simulated")
    parser.add_argument("--start", type=finite, default=100.0, help="starting bankroll")
    add_outputs(parser, "table", "growth bars and cross-entropy split")
    add_force(parser)
    add_common(parser)


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    names = tuple(n.strip() for n in args.names.split(",")) if args.names else None
    game = RaceGame(probs=tuple(args.probs), odds=tuple(args.odds), names=names,
                    rounds=args.rounds, start=args.start)
    strategies = race_strategies(game, [parse_strategy(s) for s in args.strategy or []], args.bets)
    check_outputs(args)
    check_work(game, strategies, args.paths, force=args.force)
    description = _("race of {strategies}").format(strategies=strategies_text(len(strategies)))
    with ctx.simulation(description, args.paths) as simulation:
        table = race(game, strategies, args.paths, args.seed, **simulation.options())
    title = _("Horse race over {rounds} races, {paths} paths (nats per race; growth = log_odds "
              "+ cash_term - cross_entropy)").format(rounds=args.rounds, paths=args.paths)
    ctx.emit_table(table, args.out, title)
    if args.plot:
        from sim.plots import race_figure

        ctx.emit_figure(race_figure(table, game), args.plot)
    return 0
