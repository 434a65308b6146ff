"""The hostile harness's machinery: a case, how it runs, and how its outcome is judged.

Every case runs in a fresh subprocess (``python -m sim ...`` or ``python tools/hostile/probe.py
...``) inside its own temporary folder, with ``KELLY_DATA_DIR`` and ``KELLY_CACHE_DIR`` pointed
into that folder, a wall-clock timeout and an address-space limit (``resource.setrlimit`` in
``preexec_fn``), so a hang or a memory blow-up costs seconds and cannot hurt the machine.

Expected outcomes (``Case.expect``):

``ok``       exit 0, no traceback.
``usage``    exit 2 with exactly one short stderr line (<= MAX_LINE characters) that names the
             bad value (``Case.names``), no traceback.
``clean``    either of the two above (the input may be accepted or refused, but cleanly).
``signal``   the process was sent a signal: exit 0 (it finished first), 130 (SIGINT) or 143
             (SIGTERM), at most two stderr lines, no traceback.

Every case also fails on: a timeout, death by a signal we did not send, a traceback or
``MemoryError`` on stderr, a new hidden temporary file left in the case folder, and whatever the
case's own ``check`` reports (lost data, a changed file mode, a replaced symlink, ...).
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PROBE = str(Path(__file__).with_name("probe.py"))
MEMORY_LIMIT = 2 << 30  # bytes of address space per case
# a folder no write reaches: as root a 0555 folder is writable, sysfs refuses even root
READ_ONLY = "/sys/kernel" if os.geteuid() == 0 else "{dir}/ro"
MAX_LINE = 300  # characters in "one short stderr line"
EXPECTATIONS = ("ok", "usage", "clean", "signal")

Check = Callable[[Path, "Result"], list[str]]
LIVE: set[int] = set()  # process groups of running cases, killed if the harness is stopped


@dataclass
class Case:
    """One hostile input and what must happen with it.

    ``argv`` follows the interpreter (``["-m", "sim", ...]`` or ``[PROBE, ...]``); ``{dir}`` in
    an argument becomes the case folder, ``{ro}`` a folder that cannot be written.
    ``setup(folder)`` builds the hostile files first.
    """

    family: str
    name: str
    argv: list[str]
    expect: str = "usage"
    names: str | None = None  # text the one stderr line must contain (case-insensitive)
    setup: Callable[[Path], None] | None = None
    check: Check | None = None
    timeout: float = 8.0
    send: tuple[int, float] | None = None  # (signal, seconds after start)
    send_when: str | None = None  # ... or seconds after a file matching this glob appears
    group: bool = False  # signal the whole process group (Ctrl-C in a terminal does)
    quick: bool = False  # part of --quick
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.expect not in EXPECTATIONS:
            raise ValueError(f"expect = {self.expect!r}")


@dataclass
class Result:
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setsid()  # its own process group: a timeout kills the workers too


def _environment(folder: Path, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT), "KELLY_DATA_DIR": str(folder / "data"),
        "KELLY_CACHE_DIR": str(folder / "cache"), "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1", "PYTHONWARNINGS": "default",
        "COLUMNS": "100",
    })
    env.update(extra)
    return env


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def execute(case: Case, folder: Path) -> Result:
    """Run the case's process in ``folder``; returns what it did (never raises on a hang)."""
    argv = [PYTHON, *(arg.replace("{ro}", READ_ONLY).replace("{dir}", str(folder))
                      for arg in case.argv)]
    started = time.monotonic()
    process = subprocess.Popen(
        argv, cwd=folder, env=_environment(folder, case.env), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        preexec_fn=_limits,
    )
    timed_out = False
    LIVE.add(process.pid)
    try:
        if case.send is not None:
            _signal_later(case, process, folder)
        stdout, stderr = process.communicate(timeout=case.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(process)
        stdout, stderr = process.communicate()
    _kill_group(process)  # stray workers of a finished run
    LIVE.discard(process.pid)
    return Result(process.returncode, stdout.decode(errors="replace"),
                  stderr.decode(errors="replace"), time.monotonic() - started, timed_out)


def _signal_later(case: Case, process: subprocess.Popen, folder: Path) -> None:
    """Send the case's signal at its moment (after start, or after its file appears)."""
    signum, delay = case.send
    if case.send_when is not None:
        deadline = time.monotonic() + case.timeout
        while not any(folder.glob(case.send_when)):
            if process.poll() is not None or time.monotonic() > deadline:
                return
            time.sleep(0.01)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        if case.group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)


def kill_live() -> None:
    """Kill every case still running (the harness itself was interrupted)."""
    for group in list(LIVE):
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _hidden_files(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*"):
        name = path.name
        if name.startswith(".") or name.endswith((".tmp", ".probe")):
            found.add(str(path.relative_to(folder)))
    return found


def _stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def judge(case: Case, result: Result, before: set[str], folder: Path) -> list[str]:
    """The problems with this outcome (an empty list: handled as promised)."""
    if result.timed_out:
        return [f"no answer within {case.timeout:g} s (hang or unbounded work)"]
    problems = []
    lines = _stderr_lines(result)
    if "Traceback" in result.stderr or "MemoryError" in result.stderr:
        last = next((ln for ln in reversed(lines) if ln[:1].isalpha()), lines[-1] if lines else "")
        problems.append(f"traceback: {last.strip()[:120]}")
    rc = result.returncode
    if case.expect == "signal":
        expected_codes = {0, 130, 143}
        if rc not in expected_codes:
            problems.append(f"exit {rc} after a signal (expected 0, 130 or 143)")
        if len(lines) > 2:
            problems.append(f"{len(lines)} stderr lines after a signal")
    elif rc is not None and rc < 0:
        problems.append(f"killed by signal {-rc}")
    elif case.expect == "ok" or (case.expect == "clean" and rc == 0):
        if rc != 0:
            problems.append(f"exit {rc}, expected 0: {lines[-1][:120] if lines else ''}")
    else:
        problems.extend(_usage_problems(case, rc, lines))
    stray = _hidden_files(folder) - before
    if stray:
        problems.append(f"stray temp file(s): {', '.join(sorted(stray))[:120]}")
    if case.check is not None and not result.timed_out:
        problems.extend(case.check(folder, result))
    return problems


def _usage_problems(case: Case, rc: int | None, lines: list[str]) -> list[str]:
    problems = []
    if rc != 2:
        problems.append(f"exit {rc}, expected 2")
    if len(lines) != 1:
        problems.append(f"{len(lines)} stderr lines, expected 1")
    elif len(lines[0]) > MAX_LINE:
        problems.append(f"stderr line is {len(lines[0])} characters (echoes the whole value?)")
    if case.names and lines and case.names.lower() not in "\n".join(lines).lower():
        problems.append(f"error does not name {case.names!r}: {lines[-1][:100]}")
    return problems


def run_case(case: Case) -> list[str]:
    """Set up, run and judge one case in a fresh folder that is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        (folder / "data").mkdir()
        (folder / "cache").mkdir()
        if case.setup is not None:
            case.setup(folder)
        before = _hidden_files(folder)
        result = execute(case, folder)
        return judge(case, result, before, folder)
    except Exception as error:  # a harness bug must show up as that, not as a pass
        return [f"harness error: {type(error).__name__}: {error}"]
    finally:
        _make_removable(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _make_removable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            try:
                os.chmod(path, 0o755)
            except OSError:
                pass


def signal_moment(case_name: str, low: float, high: float) -> float:
    """A random moment in [low, high) seconds, the same for the same case on every run."""
    return random.Random(case_name).uniform(low, high)
