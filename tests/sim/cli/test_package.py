"""The command-line package's own pieces: option types shared with the game, the run context,
the public analysis API's doctests, and which modules the headless commands import."""

from __future__ import annotations

import argparse
import doctest
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
import sim.analysis
import sim.cli.options
from sim.cli import dispatch, options
from sim.cli.context import RunContext, RunLog
from sim.report import SWEEP_FRACTIONS


@pytest.mark.parametrize("module", [sim.analysis, sim.cli.options])
def test_doctests_pass(module):
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert attempted > 0 and failed == 0


def test_every_subcommand_module_has_the_agreed_interface():
    assert dispatch.COMMANDS == ("sweep", "paths", "race", "challenge", "report", "gym-baselines",
                                 "play")
    for module in dispatch.SUBCOMMANDS:
        assert isinstance(module.NAME, str) and isinstance(module.HELP, str)
        assert callable(module.add_arguments) and callable(module.run)


def test_parse_number_names_the_field_and_reads_percent():
    assert options.parse_number("p", "0.25") == 0.25
    assert options.parse_number("share", " 70% ") == 0.7
    with pytest.raises(ValueError, match=r"^odds = 'abc' is not a number$"):
        options.parse_number("odds", "abc")
    for bad in ("nan", "inf", "-inf", "1e999"):
        with pytest.raises(ValueError, match="is not a finite number"):
            options.parse_number("p", bad)
    with pytest.raises(ValueError) as caught:
        options.parse_number("p", "9" * 400 + "x")
    assert len(str(caught.value)) < 120  # the value is quoted, shortened


def test_window_size_and_seed_types():
    assert options.window_size("1280x720") == (1280, 720)
    assert options.window_size(" 640 X 480 ") == (640, 480)
    for bad in ("1280", "ax720", "1280x720x2", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="is not WIDTHxHEIGHT"):
            options.window_size(bad)
    assert options.seed_int("0") == 0
    with pytest.raises(argparse.ArgumentTypeError, match="at least 0"):
        options.seed_int("-1")


def test_lesson_source_checks_the_lesson(tmp_path):
    assert options.lesson_source("zh-TW") == "zh-TW"
    with pytest.raises(argparse.ArgumentTypeError, match=r"cannot read|lesson"):
        options.lesson_source(str(tmp_path / "missing.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\nlanguage = "en"\n[[steps]]\nid = "nope"\nheading = "h"\n')
    with pytest.raises(argparse.ArgumentTypeError, match="nope"):
        options.lesson_source(str(bad))


def test_one_parser_class_raises_usage_errors():
    parser = options.Parser(prog="kelly play", hint=False)
    parser.add_argument("--size", type=options.window_size)
    with pytest.raises(options.UsageError) as caught:
        parser.parse_args(["--size", "big"])
    assert isinstance(caught.value, ValueError)
    assert "see 'kelly play --help'" not in str(caught.value)
    hinted = options.Parser(prog="kelly")
    with pytest.raises(options.UsageError, match=r"\(see 'kelly --help'\)$"):
        hinted.parse_args(["--nope"])


def test_run_context_is_built_from_the_arguments_without_changing_them():
    args = argparse.Namespace(quiet=True, workers=3, scheduler=None)
    before = vars(args).copy()
    ctx = RunContext.from_args(args, RunLog(), ["--x"])
    assert (ctx.quiet, ctx.workers, ctx.scheduler, ctx.extra) == (True, 3, None, ("--x",))
    with ctx.simulation("sweep of 2 fractions", 100) as simulation:
        assert simulation.options()["workers"] == 3 and simulation.executor is None
        simulation.progress(40)
    assert (ctx.log.task, ctx.log.done, ctx.log.total) == ("sweep of 2 fractions", 40, 100)
    assert vars(args) == before


def test_report_fractions_are_the_sweep_default_grid():
    np.testing.assert_array_equal(SWEEP_FRACTIONS, options.fraction_grid("0:0.99:0.01"))


def test_headless_commands_do_not_import_the_game():
    code = ("import sys, sim.cli, sim.report, sim.analysis, sim.lessons.figures; "
            "print(sorted(m for m in sys.modules if m == 'game' or m.startswith('game.')))")
    root = str(Path(sim.__file__).parents[1])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": root, "MPLBACKEND": "Agg"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
