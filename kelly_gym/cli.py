"""``kelly gym-baselines``: the baseline agents in the vector env, beside their exact values.

A subcommand module (``NAME``, ``HELP``, ``add_arguments``, ``run``) for the ``kelly`` command line;
``python -m kelly_gym.cli`` runs it on its own. Bad values are refused by argparse (exit status 2)
or raise ``ValueError`` naming them, which :func:`main` prints as one line on stderr (exit 2).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

from sim.strategies import parse_strategy

NAME = "gym-baselines"
HELP = "baseline agents in the Gymnasium env: mean payout ± s.e. beside the exact values"
DESCRIPTION = (
    "Play each agent for --episodes episodes of the coin game at once in the vector env "
    "(kelly_gym.vector) and print the mean payout with its standard error beside the exact "
    "expected payout of dynamic programming where one exists (optimal play, constant fractions)."
)
EXAMPLES = (
    "examples:\n"
    "  kelly gym-baselines\n"
    "  kelly gym-baselines --agent optimal --agent kelly:0.5 --episodes 20000 --out hd.csv\n"
    "  kelly gym-baselines --prior 7,3 --agent bayes --agent kelly\n"
)
AGENT_KINDS = ("kelly", "fixed", "allin", "bayes", "optimal")
NO_CAP = "none"


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
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of at least {least}")
    return value


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    return _whole(text, 1)


def seed_int(text: str) -> int:
    """A seed: a whole number >= 0."""
    return _whole(text, 0)


def cap_amount(text: str) -> float | str:
    """A finite cap, or :data:`NO_CAP` for ``none`` (argparse keeps None for "not given")."""
    return NO_CAP if str(text).strip().lower() in {"none", "off"} else _finite(text)


def agent_spec(text: str) -> str:
    """A spec an agent exists for (kelly, kelly:C, fixed:F, allin, bayes, bayes:A,B, optimal)."""
    try:
        parse_strategy(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    kind = str(text).strip().partition(":")[0].lower()
    if kind not in AGENT_KINDS:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no agent; expected one of {', '.join(AGENT_KINDS)} (with arguments)"
        )
    return str(text).strip()


def prior_pair(text: str) -> tuple[float, float]:
    """``ALPHA,BETA`` of a Beta prior, both finite and > 0."""
    parts = str(text).split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"{text!r}: expected ALPHA,BETA such as 7,3")
    alpha, beta = (_finite(part) for part in parts)
    if alpha <= 0 or beta <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: both ALPHA and BETA must be greater than 0")
    return alpha, beta


def csv_path(text: str) -> Path:
    """A ``.csv`` file in an existing folder."""
    path = Path(text)
    if path.suffix.lower() != ".csv":
        raise argparse.ArgumentTypeError(f"{text!r}: the table is written as CSV; name a .csv file")
    if not path.parent.resolve().is_dir():
        raise argparse.ArgumentTypeError(
            f"{text!r}: the folder {str(path.parent)!r} does not exist"
        )
    return path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kelly gym-baselines``."""
    parser.description = DESCRIPTION
    parser.epilog = EXAMPLES
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--agent", action="append", type=agent_spec, metavar="SPEC",
                        help="an agent (repeat for several; default: kelly, kelly:0.5, "
                             "fixed:0.1, fixed:0.2, fixed:0.4, bayes, optimal)")
    parser.add_argument("--episodes", type=positive_int, default=100_000,
                        help="episodes per agent (default 100000)")
    parser.add_argument("--seed", type=seed_int, default=0, help="fixes every flip (default 0)")
    rules = parser.add_argument_group("rules (default: Haghani & Dewey 2016)")
    rules.add_argument("--p", type=_finite, help="probability of heads (default 0.6)")
    rules.add_argument("--odds", type=_finite, help="heads pays ODDS-to-1 (default 1)")
    rules.add_argument("--start", type=_finite, help="starting bankroll (default 25)")
    rules.add_argument("--cap", type=cap_amount, help="winnings cap, or none (default 250)")
    rules.add_argument("--tick", type=_finite, help="stakes in multiples of TICK (default 0.01)")
    rules.add_argument("--rounds", type=positive_int, help="flips (default 300)")
    parser.add_argument("--prior", type=prior_pair, metavar="ALPHA,BETA",
                        help="unknown coin: draw p from Beta(ALPHA, BETA) every episode")
    parser.add_argument("--out", type=csv_path, metavar="FILE.csv",
                        help="also write the table as CSV (atomically)")


def _write_csv(table, path: Path) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    os.close(handle)
    try:
        table.to_csv(temporary, index=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    """Print the baseline table (and write ``--out``); ValueError for a bad rule or prior."""
    from kelly_gym.agents import DEFAULT_AGENTS
    from kelly_gym.baselines import baseline_table
    from kelly_gym.rules import coin_game

    names = ("p", "odds", "start", "cap", "tick", "rounds")
    given = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    if given.get("cap") == NO_CAP:
        given["cap"] = None
    if args.prior is not None and "p" in given:
        raise ValueError(
            f"--p {given['p']:g} with --prior: the unknown coin draws p from the prior"
        )
    game = coin_game(**given)
    table = baseline_table(game, args.episodes, args.seed, args.agent or DEFAULT_AGENTS,
                           prior=args.prior)
    coin = "p ~ Beta({:g}, {:g})".format(*args.prior) if args.prior else f"p = {game.p:g}"
    cap = "no cap" if game.cap is None else f"cap {game.cap:g}"
    print(f"{args.episodes} episodes per agent, seed {args.seed}: {coin}, odds {game.odds:g}, "
          f"start {game.start:g}, {cap}, tick {game.tick:g}, {game.rounds} rounds")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.6g}"))
    if args.out is not None:
        _write_csv(table, args.out)
        print(f"wrote {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser (``python -m kelly_gym.cli``)."""
    parser = argparse.ArgumentParser(prog=f"kelly {NAME}")
    add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run stand-alone; a ValueError becomes one line on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except ValueError as error:
        print(f"kelly {NAME}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
