"""``kelly ... --help``: the game's real options under ``kelly play --help``, each default said
once (issue 15)."""

from __future__ import annotations

import argparse

import pytest

from sim.cli import main
from sim.cli.dispatch import build_parser
from sim.cli.options import Formatter
from sim.cli.play import game_arguments


def test_play_help_lists_the_games_own_options(capsys):
    assert main(["play", "--help"]) == 0
    shown = capsys.readouterr().out
    for flag in ("--headless", "--frames", "--screenshot", "--seed", "--p", "--odds",
                 "--fullscreen", "--classroom", "--lesson", "--screen", "--size", "--auto",
                 "--config"):
        assert f"  {flag} " in shown or f"  {flag}\n" in shown, flag


def test_play_checks_its_options_before_the_game_loads(capsys):
    assert main(["play", "--size", "huge"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--size 'huge' is not WIDTHxHEIGHT" in error


def test_game_arguments_drop_config_and_the_first_double_dash():
    assert game_arguments(["--config", "a.toml", "--seed", "3"]) == ["--seed", "3"]
    assert game_arguments(["--config=a.toml", "--", "--help"]) == ["--help"]
    assert game_arguments(["--frames", "2"]) == ["--frames", "2"]


def _options(parser: argparse.ArgumentParser):
    for action in parser._actions:  # argparse has no public list
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _options(sub)
        elif action.option_strings:
            yield parser.prog, action


@pytest.mark.parametrize(("prog", "action"), list(_options(build_parser()[0])),
                         ids=lambda item: getattr(item, "dest", item))
def test_every_default_is_said_at_most_once(prog, action):
    text = Formatter(prog)._get_help_string(action).replace("%(default)s", "D")
    assert text.count("default") <= 1, f"{prog} {action.option_strings}: {text!r}"


def test_the_defaults_that_used_to_be_said_twice(capsys):
    main(["sweep", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "(default: every core; results do not depend on it)" in shown
    assert "(default: every core; results do not depend on it) (default" not in shown
    main(["play", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "window size (default 1280x720, least 960x600) --auto" in shown
