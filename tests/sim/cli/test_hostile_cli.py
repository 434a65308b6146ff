"""Hostile command lines, configs and signals (issues 17, 18): one short line and exit 2 for
bad input, 130 / 143 and one line for a signal, no temporary file left, modes and links kept."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sim
from sim.cli import main
from sim.cli.limits import MAX_STRATEGIES

ROOT = Path(sim.__file__).resolve().parents[1]
SWEEP = ["sweep", "--paths", "200", "--rounds", "20", "-q"]
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and FIFOs")


def error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert len(err[0]) < 300, err[0][:400]
    return err[0]


@pytest.mark.parametrize(("argv", "named"), [
    (["sweep", "--paths", "9" * 200], "paths"),
    (["sweep", "--paths", str(2**64), "--force", "-q"], "paths = 1.845e+19"),
    (["sweep", "--seed", str(2**64)], "seed"),
    (["race", "--odds", "-2,4,6", "-q"], "odds[0] = -2"),
    (["paths", "--paths", "20", "--rounds", "10", "-q", "--strategy", "optimal", "--cap", "250",
      "--start", "25", "--tick", "5e-324"], "tick"),
    ([*SWEEP, "--out", "a.csv", "--out", "b.csv"], "--out given twice"),
    ([*SWEEP, "--plot", "a.png", "--plot", "b.png"], "--plot given twice"),
    ([*SWEEP, "--out", "x" * 5000 + ".csv"], "characters"),
    ([*SWEEP, "--scheduler", "tcp://" + "h" * 5000], "scheduler"),
    (["paths", *(w for i in range(MAX_STRATEGIES + 1) for w in ("--strategy", f"fixed:{i / 1e5}"))],
     "command-line arguments"),
])
def test_a_bad_value_is_one_short_line_naming_it(capsys, tmp_path, monkeypatch, argv, named):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert named in error_line(capsys)
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "b.csv").exists()


def test_a_dead_scheduler_is_one_line_at_once(capsys):
    started = time.monotonic()
    assert main([*SWEEP, "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "127.0.0.1:1" in error_line(capsys)
    assert time.monotonic() - started < 25  # not Dask's 30 s timeout and its traceback


def test_too_many_strategies_are_refused_before_any_work(capsys):
    from sim.cli.limits import check_work
    from sim.games import CoinGame
    from sim.strategies import parse_strategy

    many = [parse_strategy(f"fixed:{i / 1e5}") for i in range(MAX_STRATEGIES + 1)]
    with pytest.raises(ValueError, match="strategies are above the limit"):
        check_work(CoinGame(rounds=10), many, 20)
    check_work(CoinGame(rounds=10), many, 20, force=True)  # --force is the way past


@pytest.mark.parametrize(("content", "named"), [
    (b"p = 0.6\nodds = \xe9\n", "not UTF-8 text (byte 0xe9 at line 2"),
    (b"\xff\xfep\x00 \x00=\x00", "not UTF-8"),
    (b"p = [" + b"[" * 5000 + b"]" * 5001 + b"\n", "nested more than 16 deep"),
    (b"p = [" + b"0.1, " * 200_000 + b"0.2]\n", "p = [0.1, 0.1"),
    (b'strategy = "' + b"k" * 200_000 + b'"\n', "strategy"),
])
def test_a_hostile_config_is_one_short_line_naming_the_file(capsys, tmp_path, monkeypatch,
                                                            content, named):
    monkeypatch.chdir(tmp_path)  # a short name: a path past ~80 characters is quoted shortened
    config = Path("cfg.toml")
    config.write_bytes(content)
    assert main([*SWEEP, "--config", str(config)]) == 2
    line = error_line(capsys)
    assert "cfg.toml" in line and named in line


@pytest.mark.parametrize("content", [b"p = 0.6\nodds = \xe9\n", b"no_such_key = 1\n",
                                     b"rounds = 'ten'\n"])
def test_a_config_deep_in_folders_is_named_by_its_file(capsys, tmp_path, content):
    """A path past ~80 characters is quoted by its end, so the file's own name stays."""
    folder = tmp_path.joinpath(*["folder-of-configs"] * 6)
    folder.mkdir(parents=True)
    config = folder / "my-settings.toml"
    config.write_bytes(content)
    assert len(str(config)) > 100
    assert main([*SWEEP, "--config", str(config)]) == 2
    assert "my-settings.toml" in error_line(capsys)


def test_a_config_with_a_byte_order_mark_is_read(tmp_path):
    config = tmp_path / "cfg.toml"
    config.write_bytes(b"\xef\xbb\xbffractions = [0.15, 0.25]\n")
    out = tmp_path / "t.csv"
    assert main([*SWEEP, "--config", str(config), "--out", str(out)]) == 0
    rows = out.read_text().splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["0.15", "0.25"]


@posix_only
def test_a_fifo_or_dev_urandom_config_is_refused_at_once(capsys, tmp_path):
    os.mkfifo(tmp_path / "cfg.toml")
    assert main([*SWEEP, "--config", str(tmp_path / "cfg.toml")]) == 2
    assert "FIFO" in error_line(capsys)
    assert main([*SWEEP, "--config", "/dev/urandom"]) == 2
    assert "device" in error_line(capsys)


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_an_overwritten_output_keeps_its_mode(tmp_path, mode):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    os.chmod(out, mode)
    assert main([*SWEEP, "--out", str(out)]) == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == mode and "fraction" in out.read_text()


@posix_only
def test_a_symlinked_output_is_written_through_and_a_device_refused(capsys, tmp_path):
    (tmp_path / "real.csv").write_text("old\n")
    (tmp_path / "out.csv").symlink_to("real.csv")
    assert main([*SWEEP, "--out", str(tmp_path / "out.csv")]) == 0
    assert (tmp_path / "out.csv").is_symlink() and "fraction" in (tmp_path / "real.csv").read_text()
    (tmp_path / "full.csv").symlink_to("/dev/full")
    assert main([*SWEEP, "--out", str(tmp_path / "full.csv")]) == 2
    assert "device" in error_line(capsys)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_an_upper_case_figure_extension_leaves_no_temporary(tmp_path):
    assert main([*SWEEP, "--plot", str(tmp_path / "fig.PNG")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.PNG"]


def _kelly(argv: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "sim", *argv], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@posix_only
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_program_loads_is_one_line(tmp_path, signum, status):
    process = _kelly(["paths", "--paths", "20000", "--rounds", "2000", "-q"], tmp_path)
    time.sleep(0.15)  # inside the imports of numpy and pandas
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    if process.returncode == 0:  # a very fast machine finished first: nothing to judge
        pytest.skip("the run ended before the signal")
    assert process.returncode == status, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.slow
@posix_only
@pytest.mark.parametrize("delay", [0.6, 1.2, 2.0, 3.0])
def test_sigterm_at_any_moment_of_a_pool_run_leaves_no_temporary(tmp_path, delay):
    process = _kelly(["paths", "--paths", "100000", "--rounds", "500", "--workers", "2",
                      "--paths-out", "P.csv", "--paths-out-max", "100000", "-q"], tmp_path)
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode in (0, 143), err
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert len(err.strip().splitlines()) <= 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_main_called_from_python_puts_the_callers_handlers_back(capsys):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    assert main(["sweep", "--paths", "x"]) == 2
    assert {s: signal.getsignal(s) for s in before} == before


def test_an_interrupt_after_the_files_are_written_says_so_and_keeps_the_status(
        tmp_path, capsys, monkeypatch):
    from sim.cli.context import RunContext

    def interrupted(self, message):
        raise KeyboardInterrupt  # Ctrl-C just as "wrote X.csv" is printed

    monkeypatch.setattr(RunContext, "note", interrupted)
    out = tmp_path / "X.csv"
    assert main([*SWEEP, "--out", str(out)]) == 0  # the run had finished: its status stands
    line = error_line(capsys)
    assert "after the run finished" in line and "X.csv" in line and "complete" in line
    assert "fraction" in out.read_text()


@pytest.mark.slow
def test_a_race_of_1000_outcomes_draws(tmp_path):
    probs, odds = ",".join(["0.001"] * 1000), ",".join(["1000"] * 1000)
    figure = tmp_path / "race.png"
    assert main(["race", "--probs", probs, "--odds", odds, "--paths", "10", "--rounds", "5",
                 "-q", "--plot", str(figure), "--out", str(tmp_path / "race.csv")]) == 0
    assert figure.stat().st_size > 0
