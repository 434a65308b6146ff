"""``kelly play``: open the game; every option after ``play`` goes to it.

The only place sim imports the game, lazily, when this subcommand runs.
"""

from __future__ import annotations

import argparse

from sim.cli.context import RunContext
from sim.cli.options import EXIT_USAGE
from sim.config import read_config
from sim.files import excerpt, path_excerpt

NAME = "play"
HELP = "open the game (options pass through to it)"
PLAY_FLAGS = "--headless --frames N --screenshot FILE --seed N --fullscreen --classroom"
DESCRIPTION = (
    "Open the pygame window. Every option after 'play' goes to the game, for example "
    f"{PLAY_FLAGS}. With --config FILE.toml, the file's keys become flags too "
    "(key = value gives --key value, key = true gives --key). 'kelly play -- --help' shows "
    "the game's own options."
)
EXAMPLES = (
    "  kelly play\n"
    "  kelly play --fullscreen\n"
    "  kelly play --classroom --seed 42\n"
    "  kelly play --headless --frames 120 --screenshot shot.png --seed 1\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE.toml",
                        help="game options from a TOML file; flags given here come after them")


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
            raise ValueError(f"config {path_excerpt(path)}: {excerpt(key)} is a table; "
                             "'kelly play' takes plain keys")
        else:
            flags += [flag, str(value)]
    return flags


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    try:
        from game.app import main as play_main
    except ImportError as error:
        raise ValueError(f"the game is not available ({error})") from None
    extra = list(ctx.extra)
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
