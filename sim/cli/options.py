"""Argument types and option groups of the ``kelly`` command line (and of ``kelly play``).

Each type takes the text typed and returns the value, or raises
:class:`argparse.ArgumentTypeError` naming the value and what is allowed; :class:`Parser` turns
every argparse error into one :class:`UsageError` (a ValueError: one line, no usage dump).
:func:`parse_number` is the same check for a number typed into a text box, with a field name.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import textwrap

import numpy as np

from sim.cli.exits import EXIT_INTERRUPTED, EXIT_USAGE, PROG  # noqa: F401  (re-exported)
from sim.cli.limits import MAX_COUNT_WORK, MAX_ROUND_WORK, MAX_SOLVE_WORK
from sim.i18n import available_languages, language_tag, set_language
from sim.i18n import gettext as _
from sim.strategies import STRATEGY_EXAMPLES, parse_strategy

MAX_GRID_POINTS = 10_001
STRATEGY_HELP = "; ".join(STRATEGY_EXAMPLES.values())
#: how much of a bad value a message quotes
QUOTE_LIMIT = 80


class UsageError(ValueError):
    """A command-line mistake caught by argparse (bad flag, bad value, missing argument)."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` instead of printing usage and
    exiting; with ``hint`` (the default) the message ends with "(see 'PROG --help')"."""

    def __init__(self, *args, hint: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hint = hint

    def error(self, message: str):  # type: ignore[override]
        if self.hint:
            message = _("{message} (see '{command} --help')").format(message=message,
                                                                    command=self.prog)
        raise UsageError(message)


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the examples' line breaks; show each option's default unless it is unset."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        unset = action.default is None or action.nargs == 0  # nothing set, or a flag
        said = "%(default)" in text or "(default" in text  # the help says it already
        if unset or action.default == argparse.SUPPRESS or said:
            return text
        return text + " (default: %(default)s)"


def wrap(text: str, width: int = 88) -> str:
    """Fill each paragraph of a description (the raw formatter keeps line breaks as given)."""
    return "\n\n".join(textwrap.fill(paragraph, width) for paragraph in text.split("\n\n"))


def _quoted(text: str) -> str:
    """``repr`` of a typed value, shortened to about :data:`QUOTE_LIMIT` characters."""
    shown = repr(text)
    return shown if len(shown) <= QUOTE_LIMIT else shown[: QUOTE_LIMIT - 3] + "..."


# --------------------------------------------------------------------------------------------
# Value types


def parse_number(name: str, text: str) -> float:
    """A finite number typed into a field called ``name``; ``70%`` reads as 0.7.

    Parameters
    ----------
    name : str
        The field, named in the message (``p``, ``odds of Red``, ...).
    text : str
        What was typed; spaces around it are ignored.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        ``"NAME = 'TEXT' is not a number"`` or ``"... is not a finite number"``.

    Examples
    --------
    >>> parse_number("p", " 0.6 "), parse_number("p", "70%")
    (0.6, 0.7)
    >>> parse_number("odds", "inf")
    Traceback (most recent call last):
    ...
    ValueError: odds = 'inf' is not a finite number
    """
    value, scale = str(text).strip(), 1.0
    if value.endswith("%"):
        value, scale = value[:-1], 100.0  # divided, not times 0.01: '70%' is exactly 0.7
    try:
        number = float(value) / scale
    except ValueError:
        raise ValueError(_("{name} = {value} is not a number")
                         .format(name=name, value=_quoted(text))) from None
    if not math.isfinite(number):
        raise ValueError(_("{name} = {value} is not a finite number")
                         .format(name=name, value=_quoted(text)))
    return number


def finite(text: str) -> float:
    """A finite number (``--p``, ``--start``, ``--floor``, ...)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a number").format(value=_quoted(text))) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(
            _("{value} is not allowed; expected a finite number").format(value=_quoted(text)))
    return value


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a whole number").format(value=_quoted(text))) from None
    if value < least:
        raise argparse.ArgumentTypeError(
            _("{value} is not allowed; expected a whole number of at least {least}")
            .format(value=_quoted(text), least=least)
        )
    return value


def positive_int(text: str) -> int:
    """A whole number >= 1 (paths, rounds, workers, frames).

    >>> positive_int("12")
    12
    """
    return _whole(text, 1)


def seed_int(text: str) -> int:
    """A seed: a whole number in [0, 2**64) (tables and saved sessions keep it in 64 bits)."""
    value = _whole(text, 0)
    if value >= 2**64:
        raise argparse.ArgumentTypeError(
            f"{_quoted(text)} is too large for a seed; expected a whole number below 2**64"
        )
    return value


def window_size(text: str) -> tuple[int, int]:
    """A window size ``WIDTHxHEIGHT`` such as ``1280x720`` (``kelly play --size``).

    >>> window_size(" 800 X 600 ")
    (800, 600)
    """
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", str(text))
    if not match:
        raise argparse.ArgumentTypeError(
            _("--size {value} is not WIDTHxHEIGHT, e.g. 1280x720").format(value=_quoted(text))
        )
    return int(match[1]), int(match[2])


def lesson_source(text: str) -> str:
    """A classroom lesson: a shipped language (``en``, ``zh-TW``) or a lesson TOML file.

    The lesson is loaded and checked (:mod:`sim.lessons`), so a bad file is refused before a
    window opens or a simulation runs; returns the text as given.
    """
    from sim.lessons import available_languages, load_lesson

    if text not in available_languages():
        try:
            load_lesson(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return text


def number_list(text: str) -> list[float]:
    """Comma-separated finite numbers such as ``0.5,0.3,0.2``.

    >>> number_list("0.5, 0.3,0.2")
    [0.5, 0.3, 0.2]
    """
    items = [item.strip() for item in str(text).split(",")]
    values = []
    for position, item in enumerate(items, start=1):
        if not item:
            raise argparse.ArgumentTypeError(
                _("{value}: item {position} is empty; expected numbers separated by commas")
                .format(value=_quoted(text), position=position)
            )
        try:
            value = float(item)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("{value}: item {position} ({item}) is not a number")
                .format(value=_quoted(text), position=position, item=_quoted(item))
            ) from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(
                _("{value}: item {position} ({item}) is not a finite number")
                .format(value=_quoted(text), position=position, item=_quoted(item))
            )
        values.append(value)
    return values


def _outside(text: str, fraction: float) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(
        _("{value}: fraction {fraction} is outside [0, 1] (the share of the bankroll bet)")
        .format(value=_quoted(text), fraction=f"{fraction:g}")
    )


def _grid_range(text: str) -> np.ndarray:
    """The fractions of ``START:STOP:STEP`` (STOP included)."""
    parts = text.split(":")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(
            _("{value} is not START:STOP:STEP (e.g. 0:0.99:0.01) or a list (e.g. 0,0.1,0.2)")
            .format(value=_quoted(text))
        )
    numbers = [number_list(part) for part in parts]
    if any(len(values) != 1 for values in numbers):
        raise argparse.ArgumentTypeError(
            _("{value}: START, STOP and STEP must be one number each (e.g. 0:0.99:0.01)")
            .format(value=_quoted(text))
        )
    start, stop, step = (values[0] for values in numbers)
    if step <= 0 or stop < start:
        raise argparse.ArgumentTypeError(
            _("{value}: STEP must be greater than 0 and STOP at least START")
            .format(value=_quoted(text))
        )
    for end in (start, stop):
        if not 0 <= end <= 1:
            raise _outside(text, end)
    span = (stop - start) / step  # inf when STEP is tiny: check before making it a count
    count = math.floor(span + 1e-9) + 1 if span < MAX_GRID_POINTS else math.inf
    if count > MAX_GRID_POINTS:
        raise argparse.ArgumentTypeError(
            _("{value} gives {count} fractions; at most {limit} are allowed")
            .format(value=_quoted(text), count=f"{span + 1:.4g}", limit=MAX_GRID_POINTS)
        )
    return np.round(start + step * np.arange(count), 12)


def fraction_grid(text: str) -> np.ndarray:
    """Bet fractions in [0, 1]: ``START:STOP:STEP`` (STOP included) or a list ``0,0.1,0.2``.

    Returns the sorted distinct fractions, rounded to 12 decimals so 0.1 + 0.2 stays 0.3.

    >>> fraction_grid("0:0.3:0.1").tolist()
    [0.0, 0.1, 0.2, 0.3]
    """
    text = str(text).strip()
    values = _grid_range(text) if ":" in text else np.asarray(number_list(text))
    outside = values[(values < 0) | (values > 1)]
    if outside.size:
        raise _outside(text, outside[0])
    return np.unique(values)


def strategy_spec(text: str) -> str:
    """A strategy spec such as ``kelly:0.5``, checked by parsing it (see
    :data:`sim.strategies.STRATEGY_EXAMPLES`); returned as the cleaned-up text."""
    try:
        parse_strategy(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    except ImportError as error:
        raise argparse.ArgumentTypeError(
            _("strategy {value} is not available here ({error})")
            .format(value=_quoted(text), error=error)
        ) from None
    return str(text).strip()


def optional_amount(text: str) -> float | None:
    """A finite number, or ``none`` for no limit."""
    if str(text).strip().lower() in {"none", "off", ""}:
        return None
    return finite(text)


def language(text: str) -> str:
    """A shipped language tag for ``--lang`` (``en``, ``zh-TW``), made the current language."""
    try:
        return set_language(language_tag(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def choose_language(argv: list[str]) -> None:
    """Set the language of ``--lang TAG`` / ``--lang=TAG`` anywhere in ``argv`` (before a
    ``--``), before the parser is built, so help and errors are in it; else keep the
    system's. Raises ValueError naming an unknown tag and the shipped ones."""
    for position, item in enumerate(argv):
        if item == "--":
            return
        if item.startswith("--lang="):
            set_language(item.split("=", 1)[1])
            return
        if item == "--lang" and position + 1 < len(argv):
            set_language(argv[position + 1])
            return


def add_language(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    """``--lang TAG``: the language of messages (given before or after the subcommand)."""
    parser.add_argument("--lang", type=language, default=default, metavar="TAG",
                        help=f"language of messages: {', '.join(available_languages())} "
                             "(default: the system locale when it is one of them, else en)")


# --------------------------------------------------------------------------------------------
# Option groups shared by several subcommands


WORK_HELP = (
    "run even above the work limits, which otherwise refuse a run before it starts: "
    f"{MAX_ROUND_WORK:.0e} strategy x path x round steps when rounds are played one by one, "
    f"{MAX_COUNT_WORK:.0e} strategy x paths for the exact counts method (frictionless rules, "
    f"constant bets), {MAX_SOLVE_WORK:.0e} stakes tried when solving optimal play"
)


def add_common(parser: argparse.ArgumentParser, seed: bool = True) -> None:
    """--config, --seed, --workers, --scheduler/--dask, -q/--quiet and --lang."""
    parser.add_argument("--config", metavar="FILE.toml",
                        help="read options from a TOML file; flags given here win")
    if seed:
        parser.add_argument("--seed", type=seed_int, default=0,
                            help="random seed: the same seed gives the same numbers")
        parser.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1,
                            help="workers, threads or processes (default: every core; results "
                                 "do not depend on it)")
        parser.add_argument("--scheduler", metavar="ADDRESS",
                            help="run the chunks on a Dask cluster: tcp://HOST:PORT, or 'local' "
                                 "for one on this machine (needs kelly-game[dask]; results "
                                 "do not depend on it)")
        parser.add_argument("--dask", dest="scheduler", choices=["local"],
                            help="same as --scheduler local")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar and no 'wrote FILE' notes on stderr")
    add_language(parser)


def add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help=WORK_HELP)


def add_coin(parser: argparse.ArgumentParser, rounds: int, paths: int) -> None:
    """--p, --odds, --rounds, --paths and --start of a coin game."""
    parser.add_argument("--p", type=finite, default=0.6, help="probability of heads, in [0, 1]")
    parser.add_argument("--odds", type=finite, default=1.0,
                        help="net odds b on heads (b-to-1; tails pays 1/b-to-1); 1 = even money")
    parser.add_argument("--rounds", type=positive_int, default=rounds, help="bets per path")
    parser.add_argument("--paths", type=positive_int, default=paths,
                        help="independent bankrolls simulated")
    parser.add_argument("--start", type=finite, default=100.0, help="starting bankroll")


class OnceAction(argparse.Action):
    """Like ``store``, but a second use is refused ("--out given twice"): argparse would keep
    the last one and silently drop the other file. A value set by a config file may be
    overridden once on the command line."""

    def __call__(self, parser, namespace, values, option_string=None):
        current = getattr(namespace, self.dest, None)
        if current is not self.default:
            raise UsageError(f"{option_string} given twice ({_quoted(current)} and "
                             f"{_quoted(values)}); give it once (see '{parser.prog} --help')")
        setattr(namespace, self.dest, values)


def add_outputs(parser: argparse.ArgumentParser, table: str, figure: str) -> None:
    """--out FILE for the table and --plot FILE for the figure (each at most once)."""
    parser.add_argument("--out", metavar="FILE", action=OnceAction,
                        help=f"write the {table} to FILE: .csv, .json (records) or .parquet "
                             "(needs pyarrow); without it a table is printed")
    parser.add_argument("--plot", metavar="FILE", action=OnceAction,
                        help=f"draw the {figure} to FILE: .png or .svg")
