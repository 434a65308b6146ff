"""``kelly play``: open the game; the options after ``play`` go to it.

The options are defined in :func:`sim.cli.play_options.add_play_options`, so ``kelly play --help``
lists them and a bad value fails before pygame loads; the game parses the same tokens again
with the same definitions. The only place sim imports the game, lazily, when this subcommand
runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sim.cli.context import RunContext
from sim.cli.options import EXIT_USAGE
from sim.cli.play_options import add_play_options
from sim.config import read_config
from sim.files import excerpt, path_excerpt
from sim.i18n import gettext as _

NAME = "play"
HELP = "open the game"
DESCRIPTION = (
    "Open the pygame window. With --config FILE.toml, the file's keys become flags too "
    "(key = value gives --key value, key = true gives --key); flags given here come after "
    "them. Without a display (and without --headless) it stops with one line instead of "
    "running an invisible window; an SDL_VIDEODRIVER you set yourself is used as asked."
)
EXAMPLES = (
    "  kelly play\n"
    "  kelly play --fullscreen\n"
    "  kelly play --screen coin --p 0.7 --odds 2 --seed 42\n"
    "  kelly play --classroom --lesson zh-TW\n"
    "  kelly play --headless --frames 120 --screenshot shot.png --seed 1\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_play_options(parser)
    parser.add_argument("--config", metavar="FILE.toml",
                        help="game options from a TOML file; flags given here come after them")


def game_arguments(tokens: Sequence[str]) -> list[str]:
    """What follows ``play`` on the command line, less ``--config FILE`` and a first ``--``
    (``kelly play -- --help`` is the game's --help)."""
    given: list[str] = []
    rest = iter(tokens)
    for token in rest:
        if token == "--config":
            next(rest, None)
        elif not token.startswith("--config="):
            given.append(token)
    if "--" in given:
        given.remove("--")
    return given


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
            raise ValueError(_("config {path}: {key} is a table; 'kelly play' takes plain keys")
                             .format(path=path_excerpt(path), key=excerpt(key)))
        else:
            flags += [flag, str(value)]
    return flags


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    try:
        from game.app import main as play_main
    except ImportError as error:
        raise ValueError(_("the game is not available ({error})").format(error=error)) from None
    forwarded = (config_flags(args.config) if args.config else []) + game_arguments(ctx.extra)
    if getattr(args, "lang", None) and "--lang" not in forwarded:  # `kelly --lang TAG play`
        forwarded += ["--lang", args.lang]
    try:
        status = play_main(forwarded)
    except SystemExit as done:  # the game's own argparse: --help, bad flags
        status = done.code
    if status is None:
        return 0
    return status if isinstance(status, int) else EXIT_USAGE
