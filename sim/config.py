"""``--config FILE.toml``: command options from a file; flags on the command line win.

The file uses the command's long option names, with dashes or underscores::

    # sweep.toml — `kelly sweep --config sweep.toml --paths 500`
    p = 0.55
    odds = 2
    fractions = "0:0.6:0.01"      # or a list: [0.1, 0.2, 0.3]
    rounds = 1000
    quiet = true                   # a flag: true gives it, false leaves it off

    [paths]                        # a table named after a command applies to that command only
    strategy = ["kelly", "kelly:0.5", "allin"]

Top-level keys must be options of the command being run; tables named after other commands are
skipped, so one file can serve several commands. Values go through the same parsing as the
command line, so a file cannot smuggle in anything the flags would refuse. An unknown key raises
``ValueError`` naming it. The file is read through :func:`sim.files.load_toml` (a regular file of at
most 1 MiB, UTF-8 with or without a byte-order mark, nested at most 16 deep) and parsed with
:mod:`tomllib` (``tomli`` on Python 3.10); messages quote at most ~80 characters of a value.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Mapping
from typing import Any

from sim import files
from sim.files import excerpt, path_excerpt

SKIPPED_DESTS = {"help", "config"}


class CollectAction(argparse.Action):
    """Like ``action="append"``, but values from the command line *replace* a list set as the
    default (by a config file) instead of extending it."""

    def __call__(self, parser, namespace, values, option_string=None):
        current = getattr(namespace, self.dest, None)
        if current is None or current is self.default:
            current = []  # a fresh list: the default (a config's list) stays as it was
            setattr(namespace, self.dest, current)
        current.append(values)  # in place: 30,000 repeats must not copy the list each time


def read_config(path: str | os.PathLike) -> dict[str, Any]:
    """The TOML table in ``path``; a missing, special, huge, non-UTF-8 or too deeply nested file
    or bad TOML raises :class:`sim.files.UnreadableFile` (a ValueError: one line naming the
    file)."""
    return files.load_toml(path, files.CONFIG)


def _short(message: str, limit: int = 160) -> str:
    """An inner error's message, cut (it may quote the whole value again)."""
    return message if len(message) <= limit else message[:limit] + "…"


def _key(name: str) -> str:
    return name.lstrip("-").replace("-", "_").lower()


def option_actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The parser's options by config key: every long option name and the destination."""
    actions: dict[str, argparse.Action] = {}
    for action in parser._actions:  # argparse offers no public list of a parser's actions
        if action.dest in SKIPPED_DESTS or not action.option_strings:
            continue
        for option in action.option_strings:
            if option.startswith("--"):
                actions[_key(option)] = action
        actions.setdefault(_key(action.dest), action)
    return actions


def _convert(action: argparse.Action, text: str) -> Any:
    value = action.type(text) if action.type is not None else text
    if action.choices is not None and value not in action.choices:
        allowed = ", ".join(map(str, action.choices))
        raise ValueError(f"{excerpt(text)} is not one of {allowed}")
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError(f"{excerpt(value)} is a flag value, expected a number or text")
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    if isinstance(value, (int, float, str)):
        return str(value)
    raise ValueError(f"{excerpt(value)} is not a number, text or list")


def _option_value(action: argparse.Action, value: Any) -> Any:
    if action.nargs == 0:  # a flag (store_true / store_false / store_const)
        if not isinstance(value, bool):
            raise ValueError(f"{excerpt(value)} is not true or false")
        return action.const if value else action.default
    if isinstance(action, CollectAction):
        items = value if isinstance(value, list) else [value]
        return [_convert(action, _text(item)) for item in items]
    return _convert(action, _text(value))


def command_options(
    table: Mapping[str, Any], command: str, commands: Iterable[str]
) -> dict[str, Any]:
    """Top-level keys plus the table named ``command``; tables for other commands are skipped."""
    commands = set(commands)
    options = {k: v for k, v in table.items() if not (k in commands and isinstance(v, dict))}
    section = table.get(command)
    if isinstance(section, dict):
        options.update(section)
    return options


def config_defaults(
    parser: argparse.ArgumentParser, options: Mapping[str, Any], source: str
) -> dict[str, Any]:
    """Parser defaults (by destination) from config ``options``; unknown keys raise ValueError."""
    actions = option_actions(parser)
    defaults: dict[str, Any] = {}
    for key, value in options.items():
        action = actions.get(_key(key))
        if action is None:
            names = {_key(max(a.option_strings, key=len)) for a in actions.values()}
            allowed = ", ".join(sorted(names))
            raise ValueError(
                f"config {path_excerpt(source)}: unknown key {excerpt(key)} for '{parser.prog}'; "
                f"allowed: {allowed}"
            )
        try:
            defaults[action.dest] = _option_value(action, value)
        except (ValueError, argparse.ArgumentTypeError) as error:
            raise ValueError(f"config {path_excerpt(source)}: {excerpt(key, 40)[1:-1]} = "
                             f"{excerpt(value)}: {_short(str(error))}") from None
    return defaults


def apply_config(
    parser: argparse.ArgumentParser, path: str | os.PathLike, command: str, commands: Iterable[str]
) -> None:
    """Read ``path`` and make its options the defaults of ``parser`` (flags still override)."""
    options = command_options(read_config(path), command, commands)
    parser.set_defaults(**config_defaults(parser, options, str(path)))
