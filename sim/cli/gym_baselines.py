"""``kelly gym-baselines``: baseline agents in the Gymnasium env, beside their exact values.

The options are parsed here, with the shared option types; the environments and agents are the
``kelly_gym`` layer above ``sim``, imported only when the command runs (like ``kelly play``), so
the other subcommands never load gymnasium and work without the ``gym`` extra.
"""

from __future__ import annotations

import argparse

from sim.cli.context import RunContext, check_outputs
from sim.cli.options import finite, positive_int, seed_int, strategy_spec

NAME = "gym-baselines"
HELP = "baseline agents in the Gymnasium env: mean payout ± s.e. beside the exact values"
DESCRIPTION = (
    "Play each agent for --episodes episodes of the coin game at once in the vector env "
    "(kelly_gym.vector) and print the mean payout with its standard error beside the exact "
    "expected payout of dynamic programming where one exists (optimal play, constant fractions). "
    "Needs the gym extra: pip install 'kelly-game[gym]'."
)
EXAMPLES = (
    "  kelly gym-baselines\n"
    "  kelly gym-baselines --agent optimal --agent kelly:0.5 --episodes 20000 --out hd.csv\n"
    "  kelly gym-baselines --prior 7,3 --agent bayes --agent kelly\n"
)
NO_CAP = "none"
RULES = ("p", "odds", "start", "cap", "tick", "rounds")


def cap_amount(text: str) -> float | str:
    """A finite cap, or :data:`NO_CAP` for ``none`` (argparse keeps None for "not given")."""
    return NO_CAP if str(text).strip().lower() in {"none", "off"} else finite(text)


def prior_pair(text: str) -> tuple[float, float]:
    """``ALPHA,BETA`` of a Beta prior, both finite and > 0."""
    parts = str(text).split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"{text[:80]!r}: expected ALPHA,BETA such as 7,3")
    alpha, beta = (finite(part) for part in parts)
    if alpha <= 0 or beta <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: both ALPHA and BETA must be greater than 0")
    return alpha, beta


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--agent", action="append", type=strategy_spec, metavar="SPEC",
                        help="an agent: kelly, kelly:C, fixed:F, allin, bayes, bayes:A,B or "
                             "optimal (repeat for several; default: kelly, kelly:0.5, fixed:0.1, "
                             "fixed:0.2, fixed:0.4, bayes, optimal)")
    parser.add_argument("--episodes", type=positive_int, default=100_000,
                        help="episodes per agent")
    parser.add_argument("--seed", type=seed_int, default=0,
                        help="random seed: the same seed gives the same episodes")
    rules = parser.add_argument_group("rules (default: Haghani & Dewey 2016)")
    rules.add_argument("--p", type=finite, help="probability of heads (default 0.6)")
    rules.add_argument("--odds", type=finite, help="heads pays ODDS-to-1 (default 1)")
    rules.add_argument("--start", type=finite, help="starting bankroll (default 25)")
    rules.add_argument("--cap", type=cap_amount, help="winnings cap, or none (default 250)")
    rules.add_argument("--tick", type=finite, help="stakes in multiples of TICK (default 0.01)")
    rules.add_argument("--rounds", type=positive_int, help="flips (default 300)")
    parser.add_argument("--prior", type=prior_pair, metavar="ALPHA,BETA",
                        help="unknown coin: draw p from Beta(ALPHA, BETA) every episode")
    parser.add_argument("--out", metavar="FILE",
                        help="write the table to FILE: .csv, .json (records) or .parquet "
                             "(needs pyarrow); without it the table is printed")
    parser.add_argument("-q", "--quiet", action="store_true", help="no 'wrote FILE' note")


def _rules(args: argparse.Namespace) -> dict:
    given = {name: getattr(args, name) for name in RULES if getattr(args, name) is not None}
    if given.get("cap") == NO_CAP:
        given["cap"] = None
    if args.prior is not None and "p" in given:
        raise ValueError(f"--p {given['p']:g} with --prior: the unknown coin draws p "
                         "from the prior")
    return given


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    check_outputs(args, figures=())
    try:  # the layer above sim, loaded only for this command
        from kelly_gym.agents import DEFAULT_AGENTS
        from kelly_gym.baselines import baseline_table
        from kelly_gym.rules import coin_game
    except ImportError as error:
        raise ValueError(f"kelly gym-baselines needs the gym extra ({error})") from None
    game = coin_game(**_rules(args))
    table = baseline_table(game, args.episodes, args.seed, args.agent or DEFAULT_AGENTS,
                           prior=args.prior)
    coin = "p ~ Beta({:g}, {:g})".format(*args.prior) if args.prior else f"p = {game.p:g}"
    cap = "no cap" if game.cap is None else f"cap {game.cap:g}"
    title = (f"{args.episodes} episodes per agent, seed {args.seed}: {coin}, odds {game.odds:g}, "
             f"start {game.start:g}, {cap}, tick {game.tick:g}, {game.rounds} rounds")
    ctx.emit_table(table, args.out, title)
    return 0
