"""The ``kelly`` parser and :func:`main`: parse once, build the run context, run a subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import sim
import sim.cli.challenge as challenge
import sim.cli.gym_baselines as gym_baselines
import sim.cli.paths as paths
import sim.cli.play as play
import sim.cli.race as race
import sim.cli.report as report
import sim.cli.sweep as sweep
from sim.cli.context import RunContext, RunLog
from sim.cli.options import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    PROG,
    Formatter,
    Parser,
    UsageError,
    add_language,
    choose_language,
    wrap,
)
from sim.config import apply_config
from sim.i18n import gettext as _
from sim.i18n import set_language

#: the subcommands in the order ``kelly --help`` lists them
SUBCOMMANDS = (sweep, paths, race, challenge, report, gym_baselines, play)
COMMANDS = tuple(module.NAME for module in SUBCOMMANDS)
RUNNERS = {module.NAME: module.run for module in SUBCOMMANDS}

EPILOG = (
    "examples:\n"
    "  kelly sweep --p 0.6 --plot sweep.png\n"
    "  kelly paths --strategy kelly --strategy kelly:0.5 --plot paths.png\n"
    "  kelly race --probs 0.5,0.3,0.2 --odds 2,4,6\n"
    "  kelly report --out report\n"
    "  kelly play\n\n"
    "Growth is in nats per bet: G = sum_i p_i ln o_i - H(p, b), largest at b = p."
)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The ``kelly`` parser and its subcommand parsers by name."""
    parser = Parser(
        prog=PROG, formatter_class=Formatter, allow_abbrev=False,
        description=wrap("Kelly: the betting game that teaches cross-entropy. Simulate "
                         "repeated bets without a window and get tables and figures."),
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {sim.__version__}")
    add_language(parser, default=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub: dict[str, argparse.ArgumentParser] = {}
    for module in SUBCOMMANDS:
        made = commands.add_parser(
            module.NAME, help=module.HELP, description=wrap(module.DESCRIPTION),
            epilog="examples:\n" + module.EXAMPLES, formatter_class=Formatter,
            allow_abbrev=False,
        )
        module.add_arguments(made)
        sub[module.NAME] = made
    return parser, sub


def parse(argv: list[str]) -> tuple[argparse.ArgumentParser, argparse.Namespace, list[str]]:
    """Parse ``argv`` (a ``--config`` file's options become defaults, then argv again)."""
    parser, sub = build_parser()
    args, extra = parser.parse_known_args(argv)
    config = getattr(args, "config", None)
    if config is not None and not str(config).strip():
        raise UsageError(_("--config {value}: the file name is empty").format(value=repr(config)))
    if args.command not in (None, "play") and config:
        apply_config(sub[args.command], args.config, args.command, COMMANDS)
        args, extra = parser.parse_known_args(argv)
    if args.command == "play":  # the game parses its tokens itself (checked here already)
        extra = argv[argv.index("play") + 1:]
    elif extra:
        where = f"{PROG} {args.command}" if args.command else PROG
        raise UsageError(_("unrecognized arguments: {arguments} (see '{command} --help')")
                         .format(arguments=" ".join(extra), command=where))
    return parser, args, extra


def _fail(message: str) -> int:
    line = _("{prog}: error: {message}").format(prog=PROG, message=" ".join(str(message).split()))
    print(line, file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kelly`` command line; returns the exit status (0, 2 for bad input, 130 on ^C)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    log, quiet = RunLog(), False
    try:
        choose_language(argv)  # before parsing, so its errors are in the language asked for
        parser, args, extra = parse(argv)
        if getattr(args, "lang", None):  # also from a --config file
            set_language(args.lang)
        ctx = RunContext.from_args(args, log, extra)
        quiet = ctx.quiet
        if args.command is None:
            parser.print_help()
            return 0
        status = RUNNERS[args.command](ctx, args)
        for path in log.written:
            ctx.note(_("wrote {path}").format(path=path))
        return status
    except SystemExit as done:  # --help and --version end argparse this way
        return done.code if isinstance(done.code, int) else 0
    except ValueError as error:  # a UsageError from argparse or a bad value
        if log.written:
            error = _("{error} (wrote {paths} before that)").format(
                error=error, paths=", ".join(log.written))
        return _fail(str(error))
    except KeyboardInterrupt:  # -q keeps the line short; otherwise it says how far the run got
        line = (_("{prog}: interrupted") if quiet else _("{prog}: interrupted ({summary})"))
        print(line.format(prog=PROG, summary="" if quiet else log.summary()), file=sys.stderr)
        return EXIT_INTERRUPTED
