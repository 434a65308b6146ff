"""The ``kelly`` command line, in-process (main([...])) and as a subprocess (python -m sim)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

import sim
from sim import analysis
from sim.analysis import SWEEP_COLUMNS, race_columns
from sim.cli import context, main
from sim.stats import SUMMARY_COLUMNS
from sim.theory import coin_growth, entropy, kelly_fraction

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SMALL = ["--rounds", "50", "--paths", "200", "-q"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_png(path: Path, min_side: int = 300) -> None:
    assert path.read_bytes()[:8] == PNG_MAGIC
    height, width = imread(path).shape[:2]
    assert width >= min_side and height >= min_side
    assert width <= 4000 and height <= 4000


# -------------------------------------------------------------------------------- sweep


def test_sweep_writes_table_and_figure(tmp_path, capsys):
    out, plot = tmp_path / "sweep.csv", tmp_path / "sweep.png"
    status, stdout, _ = run(capsys, "sweep", "--fractions", "0:0.9:0.1", *SMALL,
                            "--out", str(out), "--plot", str(plot))
    assert status == 0 and stdout == ""
    table = pd.read_csv(out)
    assert list(table.columns) == SWEEP_COLUMNS
    np.testing.assert_allclose(table["fraction"], np.round(np.arange(10) * 0.1, 12))
    np.testing.assert_allclose(table["share"], (1 + table["fraction"]) / 2)
    np.testing.assert_allclose(table["growth_theory"], coin_growth(table["fraction"], 0.6))
    # G = sum p ln o - H(p, a) and H(p, a) = H(p) + D(p||a)
    np.testing.assert_allclose(table["log_odds"], np.log(2))
    np.testing.assert_allclose(table["growth_theory"], table["log_odds"] - table["cross_entropy"],
                               atol=1e-12)
    np.testing.assert_allclose(table["cross_entropy"], table["entropy"] + table["divergence"],
                               atol=1e-12)
    np.testing.assert_allclose(table["entropy"], entropy([0.6, 0.4]))
    assert (table["growth_ci_low"] <= table["growth_mc"]).all()
    assert (table["growth_mc"] <= table["growth_ci_high"]).all()
    assert_png(plot)


def test_sweep_share_is_the_fair_book_share_at_other_odds(tmp_path, capsys):
    out = tmp_path / "s.json"
    status, _, _ = run(capsys, "sweep", "--p", "0.55", "--odds", "2", "--fractions",
                       "0,0.325,0.5", *SMALL, "--out", str(out))
    assert status == 0
    records = json.loads(out.read_text())
    shares = [r["share"] for r in records]
    np.testing.assert_allclose(shares, [(1 + 2 * f) / 3 for f in (0, 0.325, 0.5)])
    growth = [r["growth_theory"] for r in records]
    np.testing.assert_allclose(growth, coin_growth([0, 0.325, 0.5], 0.55, 2.0))


@pytest.mark.parametrize(("p", "odds"), [(0.6, 1.0), (0.55, 2.0)])
def test_sweep_monte_carlo_argmax_is_the_kelly_fraction(tmp_path, capsys, p, odds):
    out = tmp_path / "sweep.csv"
    status, _, _ = run(capsys, "sweep", "--p", str(p), "--odds", str(odds), "--rounds", "1000",
                       "--paths", "2000", "--seed", "11", "-q", "--out", str(out))
    assert status == 0
    table = pd.read_csv(out)
    assert len(table) == 100  # default grid 0:0.99:0.01
    best = table["fraction"][table["growth_mc"].idxmax()]
    assert abs(best - kelly_fraction(p, odds)) <= 0.02
    # every Monte Carlo point agrees with the closed form within its error
    inside = table["fraction"] < 0.95
    gap = (table["growth_mc"] - table["growth_theory"]).abs()[inside]
    assert (gap <= 4.5 * table["growth_se"][inside] + 1e-12).all()


def test_sweep_without_out_prints_a_table(capsys):
    status, stdout, _ = run(capsys, "sweep", "--fractions", "0,0.2", *SMALL)
    assert status == 0
    assert "fraction" in stdout and "growth_mc" in stdout and "0.2" in stdout


def test_same_seed_same_numbers(tmp_path, capsys):
    first, second, other = (tmp_path / f"{name}.csv" for name in ("a", "b", "c"))
    for path, seed in ((first, "5"), (second, "5"), (other, "6")):
        assert main(["sweep", "--fractions", "0.1,0.3", *SMALL, "--seed", seed,
                     "--out", str(path)]) == 0
    assert first.read_text() == second.read_text()
    assert first.read_text() != other.read_text()


# -------------------------------------------------------------------------------- paths


def test_paths_writes_summary_long_paths_and_fan_chart(tmp_path, capsys):
    out, long, plot = tmp_path / "sum.csv", tmp_path / "paths.parquet", tmp_path / "fan.png"
    status, _, _ = run(
        capsys, "paths", "--strategy", "kelly", "--strategy", "fixed:0.5", "--strategy", "allin",
        "--start", "25", "--cap", "250", "--tick", "0.01", "--rounds", "60", "--paths", "300",
        "--paths-out-max", "7", "-q", "--out", str(out), "--paths-out", str(long),
        "--plot", str(plot),
    )
    assert status == 0
    summary = pd.read_csv(out)
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert summary["strategy"].tolist() == ["kelly", "fixed:0.5", "allin"]
    assert (summary["paths"] == 300).all() and (summary["rounds"] == 60).all()
    assert (summary["mean_wealth"] <= 250 + 1e-9).all()  # the cap holds
    paths = pd.read_parquet(long)
    assert list(paths.columns) == ["path", "round", "strategy", "wealth"]
    assert sorted(paths["path"].unique()) == list(range(7))
    assert len(paths) == 3 * 7 * 61
    assert paths.loc[paths["round"] == 0, "wealth"].eq(25).all()
    assert_png(plot)


def test_paths_default_strategies_and_terminal_table(capsys):
    status, stdout, _ = run(capsys, "paths", *SMALL)
    assert status == 0
    for label in analysis.DEFAULT_PATH_STRATEGIES:
        assert label in stdout


def test_paths_records_only_what_fits(monkeypatch, tmp_path, capsys):
    # 30 paths of 2 strategies
    monkeypatch.setattr(analysis, "RECORD_BUDGET_BYTES", 2 * 41 * 8 * 30)
    plot, out = tmp_path / "fan.svg", tmp_path / "sum.csv"
    status, _, _ = run(capsys, "paths", "--strategy", "kelly", "--strategy", "kelly:0.5",
                       "--rounds", "40", "--paths", "100", "-q", "--plot", str(plot),
                       "--out", str(out))
    assert status == 0
    assert "<svg" in plot.read_text()[:2000]
    assert (pd.read_csv(out)["paths"] == 100).all()


def test_recorded_subset_is_the_first_paths_of_the_full_run():
    from sim.games import CoinGame
    from sim.strategies import parse_strategy

    game = CoinGame(p=0.6, rounds=30)
    strategies = [parse_strategy("kelly")]
    full, recorded = analysis.paths(game, strategies, 2500, 4, record=True)
    assert full is recorded
    small_budget = analysis.recordable_paths(game, strategies, budget=31 * 8 * 1500)
    assert small_budget == 1500
    subset = analysis.simulate(game, strategies, small_budget, 4, method="paths", record_paths=True)
    np.testing.assert_array_equal(subset.trajectories[0], full.trajectories[0, :small_budget])


# -------------------------------------------------------------------------------- race


def test_race_table_has_decomposition_and_the_optimum_row(tmp_path, capsys):
    out, plot = tmp_path / "race.csv", tmp_path / "race.png"
    status, _, _ = run(capsys, "race", "--probs", "0.5,0.3,0.2", "--odds", "2,4,6", "--bets",
                       "0.6,0.3,0.1", "--rounds", "200", "--paths", "500", "-q",
                       "--out", str(out), "--plot", str(plot))
    assert status == 0
    table = pd.read_csv(out)
    assert list(table.columns) == race_columns(3)
    assert table["strategy"].tolist() == ["share:0.6,0.3,0.1", "optimum b = p"]
    optimum = table.iloc[1]
    bets = optimum[["bet_1", "bet_2", "bet_3"]].tolist()
    assert bets == pytest.approx([0.5, 0.3, 0.2], abs=1e-15)
    assert optimum["divergence"] == pytest.approx(0, abs=1e-12)
    h = entropy([0.5, 0.3, 0.2])
    log_odds = 0.5 * np.log(2) + 0.3 * np.log(4) + 0.2 * np.log(6)
    assert optimum["growth_theory"] == pytest.approx(log_odds - h)
    np.testing.assert_allclose(table["growth_theory"],
                               table["log_odds"] - table["entropy"] - table["divergence"])
    np.testing.assert_allclose(table["cash_term"], 0.0, atol=1e-12)
    assert (table["growth_ci_low"] <= table["growth_theory"]).all()
    assert (table["growth_theory"] <= table["growth_ci_high"]).all()
    assert table["growth_theory"].idxmax() == 1
    assert_png(plot)


def test_race_at_subfair_odds_splits_off_what_cash_earns(tmp_path, capsys):
    out = tmp_path / "race.csv"
    status, _, _ = run(capsys, "race", "--probs", "0.5,0.3,0.2", "--odds", "1.8,3,4.5",
                       "--bets", "0.3,0.2,0.1", "--rounds", "50", "--paths", "200", "-q",
                       "--out", str(out))
    assert status == 0
    table = pd.read_csv(out)
    assert (table["divergence"] >= 0).all() and (table["cash_term"] > 0).all()
    np.testing.assert_allclose(
        table["growth_theory"],
        table["log_odds"] + table["cash_term"] - table["entropy"] - table["divergence"],
        atol=1e-12,
    )


def test_race_with_subfair_odds_keeps_kelly_shares(capsys, tmp_path):
    out = tmp_path / "r.csv"
    status, _, _ = run(capsys, "race", "--probs", "0.5,0.5", "--odds", "1.5,1.9",
                       "--strategy", "share:0.5,0.5", "-q", "--rounds", "20", "--paths", "50",
                       "--out", str(out))
    assert status == 0
    table = pd.read_csv(out)
    assert table["strategy"].iloc[-1] == "optimum (Kelly shares)"
    assert table["growth_theory"].iloc[-1] >= table["growth_theory"].iloc[0]


# ---------------------------------------------------------------- report, challenge, play


def test_report_writes_the_handout(tmp_path, capsys):
    folder = tmp_path / "handout" / "nested"
    status, _, _ = run(capsys, "report", "--out", str(folder), "-q")
    assert status == 0
    names = {"sweep.csv", "sweep.png", "paths.csv", "paths.png", "race.csv", "race.png",
             "index.html", "report.md"}
    assert names <= {path.name for path in folder.iterdir()}
    page = (folder / "index.html").read_text()
    for image in ("sweep.png", "paths.png", "race.png"):
        assert f'src="{image}"' in page
        assert_png(folder / image)
    assert "cross-entropy" in page
    sweep = pd.read_csv(folder / "sweep.csv")
    best = sweep["fraction"][sweep["growth_mc"].idxmax()]
    assert f"peak at f = {best:.2f}" in (folder / "report.md").read_text()
    assert list(sweep.columns) == SWEEP_COLUMNS
    lesson_figures = sorted((folder / "lesson").glob("step-*.png"))
    assert len(lesson_figures) == 8
    for figure in lesson_figures:
        assert f'src="lesson/{figure.name}"' in page
    assert_png(lesson_figures[0])


def test_report_can_leave_out_the_lesson_or_use_another_language(tmp_path, capsys):
    status, _, _ = run(capsys, "report", "--out", str(tmp_path / "a"), "--lesson", "none", "-q")
    assert status == 0 and not (tmp_path / "a" / "lesson").exists()
    status, _, err = run(capsys, "report", "--out", str(tmp_path / "b"), "--lesson",
                         str(tmp_path / "missing.toml"), "-q")
    assert status == 2 and "missing.toml" in err and len(err.strip().splitlines()) == 1


def test_challenge_command(tmp_path, capsys):
    pytest.importorskip("sim.challenge")
    out = tmp_path / "hd.csv"
    status, _, err = run(capsys, "challenge", "--strategy", "kelly", "--strategy", "fixed:0.1",
                         "--paths", "200", "-q", "--out", str(out))
    assert status == 0, err
    table = pd.read_csv(out)
    for column in ("strategy", "mean_payout", "median_payout", "p_cap", "p_bust", "mean_flips"):
        assert column in table.columns
    assert {"kelly", "fixed:0.1"} <= set(table["strategy"])


@pytest.fixture
def fake_game(monkeypatch):
    """A stand-in for game.app that records what `kelly play` forwards."""
    calls: list[list[str]] = []
    module = types.ModuleType("game.app")

    def fake_main(argv):
        calls.append(list(argv))
        return 0

    module.main = fake_main
    monkeypatch.setitem(sys.modules, "game.app", module)
    return calls


def test_play_forwards_its_arguments(fake_game, tmp_path, capsys):
    config = tmp_path / "play.toml"
    config.write_text('seed = 3\nclassroom = true\nfullscreen = false\n')
    argv = ["--headless", "--frames", "5", "--screenshot", "x.png"]
    assert main(["play", *argv]) == 0
    assert main(["play", "--config", str(config), "--frames", "2"]) == 0
    assert main(["play", "--", "--help"]) == 0
    assert fake_game == [argv, ["--seed", "3", "--classroom", "--frames", "2"], ["--help"]]


def test_play_help_names_the_game_flags(capsys):
    status, stdout, _ = run(capsys, "play", "--help")
    assert status == 0
    for flag in ("--headless", "--frames", "--screenshot", "--seed", "--fullscreen",
                 "--classroom"):
        assert flag in stdout


@pytest.mark.parametrize("command", ["sweep", "paths", "race", "challenge", "report", "play"])
def test_every_command_has_help_with_examples(capsys, command):
    status, stdout, _ = run(capsys, command, "--help")
    assert status == 0
    assert "examples:" in stdout and f"kelly {command}" in stdout
    if command != "play":
        assert "--config" in stdout


def test_version_and_bare_command(capsys):
    status, stdout, _ = run(capsys, "--version")
    assert status == 0 and stdout.strip() == f"kelly {sim.__version__}"
    status, stdout, _ = run(capsys)
    assert status == 0 and "sweep" in stdout and "report" in stdout


# -------------------------------------------------------------------------------- config


def test_config_file_with_flags_overriding(tmp_path, capsys):
    config = tmp_path / "k.toml"
    config.write_text(
        'p = 0.55\nodds = 2\nrounds = 40\nquiet = true\n'
        'strategy = ["kelly", "allin"]\n'
        '[paths]\npaths-out-max = 3\nheads_only = true\nstart = 50\n'
        '[sweep]\nfractions = [0.1, 0.2]\n'
    )
    out, long = tmp_path / "sum.csv", tmp_path / "long.csv"
    status, _, err = run(capsys, "paths", "--config", str(config), "--paths", "30",
                         "--rounds", "20", "--out", str(out), "--paths-out", str(long))
    assert status == 0, err
    assert err == ""  # quiet came from the file
    summary = pd.read_csv(out)
    assert summary["strategy"].tolist() == ["kelly", "allin"]
    assert (summary["rounds"] == 20).all() and (summary["paths"] == 30).all()
    paths = pd.read_csv(long)
    assert paths["path"].nunique() == 3
    assert paths.loc[paths["round"] == 0, "wealth"].eq(50).all()
    # a --strategy on the command line replaces the file's list
    status, _, _ = run(capsys, "paths", "--config", str(config), "--strategy", "kelly:0.5",
                       "--paths", "20", "--out", str(out))
    assert status == 0 and pd.read_csv(out)["strategy"].tolist() == ["kelly:0.5"]


def test_config_grid_for_sweep(tmp_path, capsys):
    config = tmp_path / "s.toml"
    config.write_text('fractions = [0.3, 0.1]\nrounds = 30\npaths = 40\n')
    out = tmp_path / "s.csv"
    assert main(["sweep", "--config", str(config), "-q", "--out", str(out)]) == 0
    assert pd.read_csv(out)["fraction"].tolist() == [0.1, 0.3]


# -------------------------------------------------------------------------------- bad input


def _bad_cases(tmp: Path) -> list[tuple[list[str], str]]:
    unknown_key = tmp / "unknown.toml"
    unknown_key.write_text("p = 0.6\nbogus_key = 3\n")
    bad_value = tmp / "bad.toml"
    bad_value.write_text('paths = "lots"\n')
    broken = tmp / "broken.toml"
    broken.write_text("p = = 1\n")
    return [
        (["sweep", "--p", "1.5"], "1.5"),
        (["sweep", "--p", "nan"], "nan"),
        (["sweep", "--p", "x"], "'x'"),
        (["sweep", "--odds", "0"], "odds"),
        (["sweep", "--paths", "0"], "'0'"),
        (["sweep", "--rounds", "1.5"], "'1.5'"),
        (["sweep", "--seed", "-1"], "'-1'"),
        (["sweep", "--fractions", "0.1,,x"], "0.1,,x"),
        (["sweep", "--fractions", "0,0.5,1.5"], "1.5"),
        (["sweep", "--fractions", "0:1:0"], "STEP"),
        (["sweep", "--bogus"], "--bogus"),
        (["swep"], "swep"),
        (["sweep", "--out", "/proc/x.csv"], "/proc/x.csv"),
        (["sweep", "--out", str(tmp / "missing" / "x.csv")], "missing"),
        (["sweep", "--out", str(tmp / "x.xlsx")], ".xlsx"),
        (["sweep", "--plot", str(tmp / "x.pdf")], ".pdf"),
        (["paths", "--strategy", "foo"], "foo"),
        (["paths", "--strategy", "fixed:2"], "fixed:2"),
        (["paths", "--cap", "50"], "cap"),
        (["paths", "--tick", "-1"], "tick"),
        (["paths", "--paths-out", str(tmp / "p.txt")], ".txt"),
        (["race", "--probs", "0.5,0.6,0.2"], "sum"),
        (["race", "--odds", "2,4"], "odds"),
        (["race", "--bets", "0.7,0.6,0.1"], "share:0.7,0.6,0.1"),
        (["race", "--strategy", "fixed:0.1"], "fixed:0.1"),
        (["sweep", "--config", str(tmp / "nope.toml")], "nope.toml"),
        (["sweep", "--config", str(unknown_key)], "bogus_key"),
        (["paths", "--config", str(bad_value)], "lots"),
        (["race", "--config", str(broken)], "broken.toml"),
        (["report", "--out", "/proc/handout"], "/proc/handout"),
    ]


def test_every_bad_value_gives_one_line_and_status_2(tmp_path, capsys):
    for argv, named in _bad_cases(tmp_path):
        status, stdout, stderr = run(capsys, *argv, "--rounds", "5", "--paths", "5") if (
            argv[0] in {"sweep", "paths"} and "--rounds" not in argv and "--paths" not in argv
            and "--config" not in argv
        ) else run(capsys, *argv)
        lines = stderr.splitlines()
        assert status == 2, (argv, stderr)
        assert len(lines) == 1, (argv, stderr)
        assert lines[0].startswith("kelly: error: "), (argv, stderr)
        assert named in lines[0], (argv, lines[0])
        assert "Traceback" not in stderr and stdout == ""
    assert sorted(os.listdir(tmp_path)) == ["bad.toml", "broken.toml", "unknown.toml"]


def test_ctrl_c_exits_130_and_leaves_no_file(tmp_path, capsys, monkeypatch):
    out = tmp_path / "sweep.csv"

    def interrupted(self, path, **kwargs):
        Path(path).write_text("fraction,sh")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    status, _, stderr = run(capsys, "sweep", "--fractions", "0.1", *SMALL, "--out", str(out))
    assert status == 130
    assert stderr.splitlines() == ["kelly: interrupted"]
    assert os.listdir(tmp_path) == []


def test_progress_bar_only_on_a_terminal(monkeypatch):
    quiet = types.SimpleNamespace(quiet=True)
    loud = types.SimpleNamespace(quiet=False)
    with context.progress_bar(loud.quiet, "x", 10) as callback:
        assert callback is None  # pytest's stderr is not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with context.progress_bar(quiet.quiet, "x", 10) as callback:
        assert callback is None
    with context.progress_bar(loud.quiet, "x", 10) as callback:
        assert callable(callback)
        callback(5)


# -------------------------------------------------------------------------------- subprocess


def _python(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(sim.__file__).parents[1])}
    return subprocess.run([sys.executable, "-m", "sim", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_subprocess_sweep_writes_csv(tmp_path):
    done = _python("sweep", "--fractions", "0:0.4:0.2", "--rounds", "20", "--paths", "50",
                   "--out", "s.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == ["kelly: wrote s.csv"]
    assert pd.read_csv(tmp_path / "s.csv")["fraction"].tolist() == [0.0, 0.2, 0.4]


@pytest.mark.parametrize("argv", [["sweep", "--p", "1.5"], ["paths", "--strategy", "nope"],
                                  ["--version"]])
def test_subprocess_errors_are_one_line(tmp_path, argv):
    done = _python(*argv, cwd=tmp_path)
    if argv == ["--version"]:
        assert done.returncode == 0 and done.stdout.strip() == f"kelly {sim.__version__}"
        return
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("kelly: error: ")
    assert "Traceback" not in done.stderr
