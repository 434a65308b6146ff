"""The options of ``kelly play``: defined here, pygame-free, so ``kelly play --help`` lists them
without opening the game, and :mod:`game.app` parses with the same definitions."""

from __future__ import annotations

import argparse

from sim.cli.options import (
    add_language,
    finite,
    lesson_source,
    positive_int,
    seed_int,
    window_size,
)

WINDOW_SIZE = (1280, 720)
MIN_WINDOW = (960, 600)
HEADLESS_FRAMES = 600  # a headless run with no --frames stops after ten seconds of game time
SCREENS = "menu, coin, worlds, race, challenge, unknown, classroom, results, settings"


def add_play_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``kelly play`` (the window, the first screen, the first game's rules)."""
    parser.add_argument("--headless", action="store_true",
                        help="no window, no sound (SDL dummy drivers): tests, screenshots")
    parser.add_argument("--frames", type=positive_int, metavar="N",
                        help=f"stop after N frames (with --headless: {HEADLESS_FRAMES} if not "
                             "given)")
    parser.add_argument("--screenshot", metavar="FILE.png", help="save the last frame as PNG")
    parser.add_argument("--seed", type=seed_int, help="seed of the first game (replays it exactly)")
    parser.add_argument("--p", type=finite, metavar="P",
                        help="chance of heads of the Coin screen's coin, 0.01 to 0.99 "
                             "(default: the one in Settings)")
    parser.add_argument("--odds", type=finite, metavar="B",
                        help="net odds on heads (b-to-1) of the Coin screen, 0.1 to 10 "
                             "(default: the ones in Settings)")
    parser.add_argument("--fullscreen", action="store_true", help="open full screen")
    parser.add_argument("--classroom", action="store_true",
                        help="open classroom mode (the menu while it is not installed)")
    parser.add_argument("--lesson", type=lesson_source, metavar="FILE|LANG",
                        help="classroom lesson: a TOML file, or a shipped language (en, zh-TW)")
    parser.add_argument("--screen", metavar="NAME", default="menu",
                        help=f"start on this screen: {SCREENS}")
    parser.add_argument("--size", type=window_size, default=WINDOW_SIZE, metavar="WxH",
                        help=f"window size (default {WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}, least "
                             f"{MIN_WINDOW[0]}x{MIN_WINDOW[1]})")
    parser.add_argument("--auto", action="store_true",
                        help="start auto-flip / auto-run on the first screen (demos, screenshots)")
    add_language(parser)


def replay_command(seed: int, screen: str, rules: dict[str, float] | None = None,
                   usual: dict[str, float] | None = None) -> str:
    """The command that replays a game: its seed, its screen and its rules (``--p``,
    ``--odds``), leaving out a rule equal to the ``usual`` one (what a plain ``kelly play``
    would use; None: spell every rule out).

    >>> replay_command(7, "coin", {"p": 0.7, "odds": 1.0}, usual={"p": 0.6, "odds": 1.0})
    'kelly play --seed 7 --screen coin --p 0.7'
    >>> replay_command(7, "race")
    'kelly play --seed 7 --screen race'
    """
    usual = usual or {}
    flags = "".join(f" --{name} {value:.12g}" for name, value in (rules or {}).items()
                    if usual.get(name) != value)
    return f"kelly play --seed {seed} --screen {screen}{flags}"
