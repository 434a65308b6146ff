"""Ctrl-C during long ``kelly`` runs: exit 130 within seconds, one line saying how far the run got,
no output file and no temporary file left behind.

The subprocess tests start ``python -m sim`` in its own session with stderr on a pseudo-terminal,
so the CLI draws its progress bar there; the first bytes of the bar are the marker that the run
has started (imports done, simulation under way). Then SIGINT goes to the whole process group,
as a terminal's Ctrl-C does. Each job would run for tens of seconds; the test requires it to stop
within :data:`STOP_SECONDS`, generous for a loaded 2-core machine and still far below the job.

The in-process tests raise KeyboardInterrupt at a chosen moment (after the second chunk of paths,
or while the figure is written) and check the line and the files exactly.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sim
from sim import analysis
from sim.cli import EXIT_INTERRUPTED, main

#: a stopped run must end within this many seconds of SIGINT (the jobs take far longer)
STOP_SECONDS = 6.0
#: how long the run goes on after its progress bar appears, before Ctrl-C
RUN_SECONDS = 1.5
#: the subprocess tests need a pseudo-terminal and process groups
posix_only = pytest.mark.skipif(os.name != "posix", reason="needs pty and os.killpg (POSIX)")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


class Terminal:
    """A ``python -m sim`` subprocess whose stderr is a pseudo-terminal (read continuously, so
    the progress bar never blocks on a full terminal buffer)."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        import pty  # POSIX only

        master, slave = pty.openpty()
        env = {**os.environ, "PYTHONPATH": str(Path(sim.__file__).parents[1]),
               "COLUMNS": "120", "LINES": "40", "TERM": "xterm"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sim", *argv], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=slave, start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()

    def drain(self, seconds: float) -> bool:
        """Read what the program wrote for up to ``seconds``; False once the terminal closed."""
        ready, _, _ = select.select([self.master], [], [], seconds)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every writer closed the terminal
            return False
        self.output.extend(chunk)
        return bool(chunk)

    def wait_for_output(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.output and time.monotonic() < deadline and self.process.poll() is None:
            self.drain(0.05)
        assert self.output, f"no progress bar within {seconds} s (status {self.process.poll()})"

    def keep_running(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.drain(0.05)
        assert self.process.poll() is None, "the job ended before Ctrl-C; make it longer"

    def ctrl_c(self, stop_within: float) -> float:
        """SIGINT to the process group; returns the seconds until the process ended."""
        sent = time.monotonic()
        os.killpg(self.process.pid, signal.SIGINT)
        while self.process.poll() is None and time.monotonic() - sent < stop_within:
            self.drain(0.02)
        elapsed = time.monotonic() - sent
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.close()
            pytest.fail(f"still running {stop_within} s after Ctrl-C")
        while self.drain(0.1):
            pass
        return elapsed

    def close(self) -> None:
        os.close(self.master)
        self.process.stdout.close()

    @property
    def lines(self) -> list[str]:
        text = ANSI.sub("", self.output.decode("utf-8", errors="replace"))
        return [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]


def interrupt(argv: list[str], cwd: Path) -> tuple[int, float, list[str], str]:
    terminal = Terminal(argv, cwd)
    try:
        terminal.wait_for_output(120)
        terminal.keep_running(RUN_SECONDS)
        elapsed = terminal.ctrl_c(STOP_SECONDS)
        stdout = terminal.process.stdout.read().decode()
        return terminal.process.returncode, elapsed, terminal.lines, stdout
    finally:
        if terminal.process.poll() is None:
            os.killpg(terminal.process.pid, signal.SIGKILL)
            terminal.process.wait()
        if not terminal.process.stdout.closed:
            terminal.close()


def assert_stopped(status: int, lines: list[str], stdout: str, folder: Path, pattern: str) -> None:
    said = [line for line in lines if line.startswith("kelly:")]
    assert status == EXIT_INTERRUPTED, lines
    assert len(said) == 1 and re.fullmatch(pattern, said[0]), lines
    assert not any("Traceback" in line for line in lines), lines
    assert stdout == ""
    assert os.listdir(folder) == []  # no output file, no temporary file


@posix_only
def test_ctrl_c_stops_a_long_paths_run_within_seconds(tmp_path):
    # Bayes bets round by round: 40 chunks of 16,384 paths x 2,000 rounds, a minute or more.
    status, elapsed, lines, stdout = interrupt(
        ["paths", "--strategy", "bayes", "--paths", str(40 * 16_384), "--rounds", "2000",
         "--out", "summary.csv", "--plot", "fan.png"], tmp_path,
    )
    assert_stopped(status, lines, stdout, tmp_path,
                   r"kelly: interrupted \(paths of 1 strategy: [\d,]+ of 655,360 paths "
                   r"simulated; no file written\)")
    assert elapsed < STOP_SECONDS


@posix_only
def test_ctrl_c_stops_a_long_sweep_within_seconds(tmp_path):
    # 101 fractions x 200 million paths by the exact counts method, merged chunk by chunk:
    # tens of seconds if it ran to the end (above the work limit, hence --force).
    status, elapsed, lines, stdout = interrupt(
        ["sweep", "--paths", "200000000", "--fractions", "0:1:0.01", "--force",
         "--out", "sweep.csv"],
        tmp_path,
    )
    assert_stopped(status, lines, stdout, tmp_path,
                   r"kelly: interrupted \(sweep of 101 fractions: [\d,]+ of 200,000,000 paths "
                   r"simulated; no file written\)")
    assert elapsed < STOP_SECONDS


@posix_only
def test_ctrl_c_stops_worker_processes_within_seconds(tmp_path):
    # Four chunks of 16,384 Bayes paths x 30,000 rounds on two workers: each chunk ~20 s, so
    # waiting for the running chunks (or starting the queued ones) would take far too long.
    status, elapsed, lines, stdout = interrupt(
        ["paths", "--strategy", "bayes", "--paths", str(4 * 16_384), "--rounds", "30000",
         "--workers", "2", "--out", "summary.csv"], tmp_path,
    )
    assert_stopped(status, lines, stdout, tmp_path,
                   r"kelly: interrupted \(paths of 1 strategy: [\d,]+ of 65,536 paths "
                   r"simulated; no file written\)")
    assert elapsed < STOP_SECONDS


# ------------------------------------------------------------------------------- in-process


def _interrupt_after_chunks(monkeypatch, chunks: int) -> None:
    """Make the engine's progress report raise KeyboardInterrupt after ``chunks`` chunks."""

    def interrupting(real):
        def run(*args, progress=None, **kwargs):
            seen = []

            def report(done: int) -> None:
                if progress is not None:
                    progress(done)
                seen.append(done)
                if len(seen) == chunks:
                    raise KeyboardInterrupt

            return real(*args, progress=report, **kwargs)

        return run

    for name in ("simulate", "simulate_summary"):  # paths/race and sweep
        monkeypatch.setattr(analysis, name, interrupting(getattr(analysis, name)))


def test_interrupted_line_counts_the_paths_done(tmp_path, capsys, monkeypatch):
    _interrupt_after_chunks(monkeypatch, 2)
    out = tmp_path / "summary.csv"
    status = main(["paths", "--strategy", "kelly", "--strategy", "bayes", "--paths", "40000",
                   "--rounds", "10", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == EXIT_INTERRUPTED and captured.out == ""
    assert captured.err.splitlines() == [
        "kelly: interrupted (paths of 2 strategies: 32,768 of 40,000 paths simulated; "
        "no file written)"
    ]
    assert os.listdir(tmp_path) == []


def test_interrupted_while_drawing_keeps_the_finished_table(tmp_path, capsys, monkeypatch):
    out, plot = tmp_path / "sweep.csv", tmp_path / "sweep.png"

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", stopped)
    status = main(["sweep", "--fractions", "0,0.1,0.2", "--paths", "100", "--rounds", "10",
                   "--out", str(out), "--plot", str(plot)])
    captured = capsys.readouterr()
    assert status == EXIT_INTERRUPTED
    assert captured.err.splitlines() == [
        f"kelly: interrupted (sweep of 3 fractions: 100 of 100 paths simulated; wrote {out})",
    ]
    assert os.listdir(tmp_path) == ["sweep.csv"]  # complete; no half-written figure or temp file


def test_quiet_interrupt_is_one_short_line(tmp_path, capsys, monkeypatch):
    _interrupt_after_chunks(monkeypatch, 1)
    status = main(["sweep", "--fractions", "0.1", "--paths", "300000", "--rounds", "10", "-q",
                   "--out", str(tmp_path / "s.csv")])
    assert status == EXIT_INTERRUPTED
    assert capsys.readouterr().err.splitlines() == ["kelly: interrupted"]
    assert os.listdir(tmp_path) == []
