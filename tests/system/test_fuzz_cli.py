"""Fuzzing the ``kelly`` command line: generated argument lists, run in-process.

Every run must end with exit status 0 or 2 (a SystemExit counts by its code; any other exception
fails), print exactly one non-empty line on stderr when the status is 2, and never show a
traceback. The arguments come from pools of edge values (numbers at and beyond every bound, NaN,
infinities, hex floats, underflowing and empty texts, malformed lists, unknown strategies, flags
and commands, unwritable and odd output paths, broken config files) mixed with values that
hypothesis makes up.

Valid runs stay tiny: ``--paths`` and ``--rounds`` are drawn either small (at most 40) or far
beyond the CLI's work limits (which must refuse them up front); ``--force`` is only drawn with
small sizes. ``kelly report`` always gets one argument that must stop it before any work, and
``kelly play`` (the game) is left out. Each example runs in a fresh folder as the working
directory; output paths are names in that folder or places nobody can write (/proc), so nothing
is written outside the test's temporary folder, and each run must leave there only the outputs
it was given (no temporary files).

``make test`` runs :data:`SHORT_EXAMPLES` examples; the slow test runs :data:`LONG_EXAMPLES`::

    .venv/bin/pytest tests/test_fuzz_cli.py -m slow -q
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

SHORT_EXAMPLES = 300
LONG_EXAMPLES = 10_000

#: RuntimeWarnings from these modules are known bugs with xfail tests in
#: tests/test_numerical_edges.py (the fan chart's theory line overflows at huge odds); remove
#: an entry once its test passes. Any other warning from sim/ fails the run.
KNOWN_WARNING_MODULES = {f"plots/{name}.py" for name in
                         ("common", "sweep", "fan", "race", "challenge")}

# ------------------------------------------------------------------------------ value pools

EDGE_NUMBERS = [
    "0", "1", "-0.0", "1.0000001", "1e308", "-1e308", "1e309", "nan", "NaN", "inf", "-inf",
    "Infinity", "", " ", "0x1p-3", "1e-400", "5e-324", "-5e-324", "0.5", "0.6", "0.55", "2",
    "-1", "1e-9", "1e9", "1e300", "1e-300", "abc", "1,2", "0.5;0.5", "[0.5]", "+.5", " 0.3 ",
    "1_000", "٣", "１", "9" * 400, "-", ".", "e", "0.1e1", "100", "25", "1e6",
]
#: accepted values, many of them at a bound
VALID = {
    "p": ["0", "1", "0.6", "0.5", "-0.0", "1e-400", "5e-324", "0.999999"],
    "odds": ["1", "2", "0.5", "1e-9", "1e9", "1e300", "1e-300", "1e308", "3"],
    "start": ["100", "25", "1e308", "1e-300", "5e-324", "1", "250"],
    "floor": ["0", "5", "99", "1e-300", "24.99"],
    "min_bet": ["0", "1", "5", "1e308", "0.01"],
}
EDGE_INTS = ["0", "-1", "1", "2", "1.5", "", "1e3", "10**12", "nan", str(2**63), str(10**30),
             "0x10", "٣", "1_0", " 3 ", "-0", "+4"]
SMALL_INTS = st.integers(1, 40).map(str)
HUGE_PATHS = [str(10**9), str(10**12), str(2**63), str(10**40)]
HUGE_ROUNDS = [str(10**9), str(10**12), str(2**53), str(2**53 + 1), str(10**19), str(10**100)]
BAD_SIZES = ["0", "-5", "1.5", "", "nan", "1e3", "inf", "x"]
FRACTIONS = [
    "0:1:0.25", "0:0.99:0.01", "0.1", "0,0.5,1", "0:1:0", "1:0:0.1", "0:1:1e-300",
    "0:1e308:1e-308", "nan:1:0.1", "::", ",", "0.1,,0.2", "0.5;0.5", "[0.5]", "", "0:1",
    "0:1:0.1:2", "-0.0", "1.0000001", "0,0.5:1:0.1", "0:1:0.001", "1", "0", "-0.1,0.5",
    "0:0.5:inf", "0.2:0.2:0.1",
]
VALID_FRACTIONS = ["0:1:0.25", "0.1", "0,0.5,1", "1", "0", "-0.0", "0:0.99:0.01", "1e-400"]
VALID_STRATEGIES = ["kelly", "kelly:0.5", "kelly:100", "kelly:0", "fixed:0", "fixed:1", "allin",
                    "amount:5", "amount:1e308", "martingale", "martingale:1e-300", "share:0.6",
                    "share:0", "share:1", "bayes", "bayes:1e-300,1e300", "optimal",
                    "share:0.5,0.3,0.2", " kelly ", "KELLY"]
STRATEGIES = [
    "kelly", "kelly:0.5", "kelly:2", "kelly:100", "kelly:101", "kelly:-1", "kelly:nan",
    "kelly:inf", "kelly:", "fixed:0", "fixed:1", "fixed:1.5", "fixed:", "fixed", "fixed:0x1p-3",
    "allin", "allin:1", "amount:5", "amount:1e308", "amount:0", "amount:-1", "martingale",
    "martingale:1e-300", "martingale:1e308", "share:0.6", "share:0.5,0.3,0.2", "share:1,1",
    "share:[0.5]", "share:0.5;0.5", "share:", "bayes", "bayes:2,2", "bayes:0,1", "bayes:1e308,1",
    "bayes:1", "optimal", "optimal:1", "", " ", "foo", "KELLY", " kelly ", "kelly:0.5:1",
    ":", "::", "share:0.2,0.3,0.5", "share:1e-320,0,0",
]
VALID_CAPS = ["none", "off", "150", "250", "1e308", "125"]
VALID_TICKS = ["0", "1", "0.25", "5", "0.5"]
VALID_PROBS = ["0.5,0.3,0.2", "1,0", "1,0,0", "0.5,0.5", "0.6,0.4", "0,1", "0.25,0.25,0.25,0.25"]
VALID_RACE_ODDS = ["2,4,6", "2,2", "1e-9,1e9", "1e308,1e308", "1.8,2.1", "1,1,1", "4,4,4,4"]
CAPS = ["none", "off", "", "150", "250", "1e308", "-1", "nan", "inf", "100", "100.0000001",
        "1e-300", "125"]
TICKS = ["0", "1", "0.25", "5", "-1", "nan", "1e308", "1e-300", "", "0.5"]
PROBS = ["0.5,0.3,0.2", "1,0", "1,0,0", "0.5,0.5", "0.6,0.4", "0.5", "", ",", "0.5,,0.5",
         "nan,0.5", "0.5,0.6", "-0.5,1.5", "1e-400,1", "0.3333333333,0.3333333333,0.3333333334",
         "[0.5,0.5]", "0.5;0.5", "0.25,0.25,0.25,0.25"]
RACE_ODDS = ["2,4,6", "2,2", "1e-9,1e9", "1e308,1e308", "1e-320,2", "0,2", "-1,2", "inf,2",
             "1.8,2.1", "2", "2,4", "1,1,1", "1.5,3,4.5", "4,4,4,4", "1e-9,1e-9,1e-9"]
BETS = ["0.5,0.3,0.2", "1,0", "0.6,0.6", "0,0,0", "1e-320,0,0", "nan,0,0", "0.5,0.5", "1", ""]
NAMES = ["a,b,c", "a,b", "", ",,", "α,β,γ", "a" * 1000, "x,y,z,w"]
LESSONS = ["en", "zh-TW", "none", "missing.toml", "c.toml", "xx", ""]
#: outputs: names in the example's folder (d.csv is a folder, f.txt a file), places nobody can
#: write, and {DIR} for the folder's absolute path
TABLE_OUTPUTS = [
    "out.csv", "out.json", "out.parquet", "out.CSV", "out.xlsx", "out", "", " ", ".", "d.csv",
    "missing/x.csv", "f.txt/x.csv", "/proc/kelly-fuzz.csv", "/proc/self/kelly.json",
    "a" * 300 + ".csv", "{DIR}/abs.csv", "two words.json", "new\nline.csv", "ü.csv",
]
FIGURE_OUTPUTS = [
    "fig.png", "fig.svg", "fig.PNG", "fig.pdf", "fig", "", ".", "d.csv", "missing/x.png",
    "/proc/kelly-fuzz.png", "{DIR}/abs.svg", "fig.png.csv",
]
CONFIGS = ["c.toml", "nope.toml", "d.csv", "f.txt", "/proc/self/status", ""]
UNKNOWN = [["--frobnicate"], ["-x"], ["--P", "0.5"], ["—p", "0.5"], ["--pa", "3"], ["foo"],
           ["-"], ["--"], ["--p=0.5"], ["--odds=nan"], ["-q", "-q"], ["--help"], ["--quiet=1"]]
TOP_LEVEL = [[], ["--help"], ["-h"], ["--version"], ["bogus"], ["--bogus"], ["SWEEP"], ["swep"],
             ["", ""], ["-"], ["--"], ["sweep", "--help"], ["paths", "-h"], ["help"],
             ["race", "--help"], ["challenge", "-h"], ["report", "--help"]]
REPORT_FAILURES = [["--out", "/proc/kelly-report"], ["--out", "f.txt"], ["--seed", "-1"],
                   ["--workers", "0"], ["--bogus"], ["--out"], ["--out", ""],
                   ["--seed", "nan"]]


MADE_UP = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(str),
)


def _mixed(pool: list[str], valid: list[str] | st.SearchStrategy | None = None
           ) -> st.SearchStrategy:
    """Values accepted at the edge of the allowed range (half the time, so that valid runs are
    common), values from the pool of edges (most of them refused), or made-up text and floats."""
    options = [st.sampled_from(pool)] * 2 + [MADE_UP]
    if valid is not None:
        accepted = valid if isinstance(valid, st.SearchStrategy) else st.sampled_from(valid)
        options += [accepted] * 3
    return st.one_of(options)


def _number(name: str) -> st.SearchStrategy:
    return _mixed(EDGE_NUMBERS, VALID[name])


# the options of each command: flag -> values (None: a flag without a value)
COMMON = {
    "--seed": _mixed(EDGE_INTS, SMALL_INTS),
    "--workers": st.sampled_from(["1", "1", "2", "1000000", "0", "-1", "x", ""]),
    "-q": None,
    "--quiet": None,
    "--out": st.sampled_from(TABLE_OUTPUTS),
    "--plot": st.sampled_from(FIGURE_OUTPUTS),
}
#: the challenge's own strategies skip 'optimal' (solving the 25,000-tick preset takes seconds;
#: tests/test_challenge.py covers it) and every challenge run names its strategies
CHALLENGE_STRATEGIES = [s for s in VALID_STRATEGIES if s != "optimal"]
OPTIONS = {
    "sweep": {**COMMON, "--p": _number("p"), "--odds": _number("odds"),
              "--start": _number("start"), "--fractions": _mixed(FRACTIONS, VALID_FRACTIONS)},
    "paths": {
        **COMMON, "--p": _number("p"), "--odds": _number("odds"), "--start": _number("start"),
        "--cap": _mixed(CAPS, VALID_CAPS), "--floor": _number("floor"),
        "--min-bet": _number("min_bet"), "--tick": _mixed(TICKS, VALID_TICKS),
        "--heads-only": None, "--strategy": _mixed(STRATEGIES, VALID_STRATEGIES),
        "--paths-out": st.sampled_from(TABLE_OUTPUTS),
        "--paths-out-max": _mixed(EDGE_INTS, SMALL_INTS), "--samples": _mixed(EDGE_INTS),
    },
    "race": {**COMMON, "--probs": _mixed(PROBS, VALID_PROBS),
             "--odds": _mixed(RACE_ODDS, VALID_RACE_ODDS), "--names": _mixed(NAMES),
             "--bets": _mixed(BETS), "--strategy": _mixed(STRATEGIES, VALID_STRATEGIES),
             "--start": _number("start")},
    "challenge": {**COMMON, "--strategy": _mixed(
        [s for s in STRATEGIES if s != "optimal"], CHALLENGE_STRATEGIES
    )},
    "report": {"--seed": _mixed(EDGE_INTS, SMALL_INTS), "--workers": st.sampled_from(["1", "2"]),
               "-q": None, "--lesson": st.sampled_from(LESSONS),
               "--out": st.sampled_from(["handout", "/proc/x", "f.txt", "d.csv", ""])},
}
PATH_OPTIONS = {"--out", "--plot", "--paths-out"}

# config files: TOML with the commands' keys (and wrong ones), or text that is not TOML
CONFIG_KEYS = ["p", "odds", "start", "fractions", "seed", "quiet", "strategy", "cap", "tick",
               "floor", "min_bet", "min-bet", "heads_only", "probs", "bets", "names", "samples",
               "paths_out_max", "lesson", "workers", "bogus", "paths", "rounds", "config", "help",
               "P", "out", "plot", "paths_out"]


def _toml_scalar() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["nan", "inf", "-inf", "1e308", "0", "1", "0.6", "-1", "1e-400"]),
        st.integers(-(10**20), 10**20).map(str),
        st.booleans().map(lambda b: "true" if b else "false"),
        _mixed(EDGE_NUMBERS + STRATEGIES + FRACTIONS + PROBS).map(json.dumps),
    )


@st.composite
def config_text(draw) -> str:
    if draw(st.integers(0, 5)) == 0:  # not TOML at all (or by chance valid)
        return draw(st.text(max_size=40))
    lines = []
    for _ in range(draw(st.integers(0, 5))):
        key = draw(st.sampled_from(CONFIG_KEYS))
        if key in {"out", "plot", "paths_out"}:
            value = json.dumps(draw(st.sampled_from(TABLE_OUTPUTS + FIGURE_OUTPUTS)))
        elif draw(st.booleans()):
            value = draw(_toml_scalar())
        else:
            value = "[" + ", ".join(draw(st.lists(_toml_scalar(), max_size=3))) + "]"
        lines.append(f"{key} = {value}")
    if draw(st.booleans()):
        section = draw(st.sampled_from(["sweep", "paths", "race", "bogus", "play"]))
        lines.append(f"[{section}]")
        lines.append(f"{draw(st.sampled_from(CONFIG_KEYS[:8]))} = {draw(_toml_scalar())}")
    return "\n".join(lines) + "\n"


@st.composite
def invocations(draw) -> tuple[list[str], str | None]:
    """(argv with {DIR} placeholders, config file text or None)."""
    command = draw(st.sampled_from(
        ["sweep"] * 3 + ["paths"] * 4 + ["race"] * 2 + ["challenge", "report", "top"]
    ))
    if command == "top":
        return list(draw(st.sampled_from(TOP_LEVEL))), None
    options = OPTIONS[command]
    groups: list[list[str]] = []
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.integers(0, 11)) == 0:
            groups.append(list(draw(st.sampled_from(UNKNOWN))))
            continue
        flag = draw(st.sampled_from(sorted(options)))
        values = options[flag]
        if values is None:
            groups.append([flag])
        elif draw(st.integers(0, 24)) == 0:
            groups.append([flag])  # the value is missing (or the next flag is taken as it)
        else:
            groups.append([flag, draw(values)])
    config = None
    if draw(st.integers(0, 5)) == 0:
        where = draw(st.sampled_from(CONFIGS))
        if where == "c.toml":
            config = draw(config_text())
        groups.append(["--config", where])
    small = False  # --force only where both sizes are small
    if command == "challenge":
        groups.append(["--strategy", draw(st.sampled_from(CHALLENGE_STRATEGIES))])
    if command == "report":
        groups.append(list(draw(st.sampled_from(REPORT_FAILURES))))
    else:
        size = draw(st.sampled_from(["small"] * 5 + ["long", "huge", "huge", "bad"]))
        small = size == "small"
        paths = {"small": SMALL_INTS, "long": SMALL_INTS, "huge": st.sampled_from(HUGE_PATHS),
                 "bad": st.sampled_from(BAD_SIZES)}[size]
        groups.append(["--paths", draw(paths)])
        if command != "challenge":
            # "long": T = 10^9..2^53 rounds, cheap for exact counts, refused round by round
            rounds = {"small": SMALL_INTS, "long": st.sampled_from(HUGE_ROUNDS[:3]),
                      "huge": st.sampled_from(HUGE_ROUNDS) | SMALL_INTS,
                      "bad": st.sampled_from(BAD_SIZES)}[size]
            groups.append(["--rounds", draw(rounds)])
    if small and draw(st.integers(0, 4)) == 0:
        groups.append(["--force"])
    groups = draw(st.permutations(groups))
    return [command, *(token for group in groups for token in group)], config


# ---------------------------------------------------------------------------------- running


@contextlib.contextmanager
def _inside(folder: Path):
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _outputs_named(argv: list[str]) -> set[str]:
    """The file names (in the working folder) that the run was asked to write."""
    names = set()
    for flag, value in itertools.pairwise(argv):
        if flag in PATH_OPTIONS and "/" not in value.replace("{DIR}/", ""):
            names.add(value.replace("{DIR}/", ""))
    return names


def check_invocation(root: Path, argv: list[str], config: str | None) -> int:
    """Run ``kelly argv`` in a fresh folder under ``root`` and check the contract."""
    folder = Path(tempfile.mkdtemp(dir=root))
    (folder / "d.csv").mkdir()
    (folder / "f.txt").write_text("not a folder\n")
    fixtures = {"d.csv", "f.txt"}
    if config is not None:
        (folder / "c.toml").write_text(config, encoding="utf-8")
        fixtures.add("c.toml")
    argv = [token.replace("{DIR}", str(folder)) for token in argv]
    stdout, stderr = io.StringIO(), io.StringIO()
    with _inside(folder), warnings.catch_warnings(record=True) as caught, \
            contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        warnings.simplefilter("always")
        try:
            status = main(list(argv))
        except SystemExit as done:  # allowed, judged by its code
            status = done.code if isinstance(done.code, int) else 2
    out, err = stdout.getvalue(), stderr.getvalue()
    context = f"kelly {argv!r}\nstatus {status}\nstderr {err!r}"
    assert status in (0, 2), context
    assert "Traceback" not in out and "Traceback" not in err, context
    if status == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].strip(), context
        assert lines[0].startswith("kelly: error: "), context
    ours = [
        w for w in caught
        if issubclass(w.category, RuntimeWarning)
        and f"{os.sep}sim{os.sep}" in w.filename
        and "/".join(Path(w.filename).parts[-2:]) not in KNOWN_WARNING_MODULES
    ]
    assert not ours, f"{context}\nwarnings {[str(w.message) for w in ours]}"
    left = set(os.listdir(folder)) - fixtures
    asked = _outputs_named([token.replace(str(folder) + "/", "{DIR}/") for token in argv])
    assert left <= asked, f"{context}\nleft behind: {sorted(left - asked)}"
    return status


_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                       HealthCheck.too_slow])


@settings(max_examples=SHORT_EXAMPLES, **_SETTINGS)
@given(invocation=invocations())
def test_fuzzed_arguments_exit_0_or_2_with_one_line(tmp_path, invocation):
    check_invocation(tmp_path, *invocation)


@pytest.mark.slow
@settings(max_examples=LONG_EXAMPLES, **_SETTINGS)
@given(invocation=invocations())
def test_fuzzed_arguments_long_run(tmp_path, invocation):
    check_invocation(tmp_path, *invocation)


# ------------------------------------------------------- the edges named in the brief, always


@pytest.mark.parametrize("value", [
    "0", "1", "-0.0", "1.0000001", "1e308", "nan", "inf", "-inf", "", "0x1p-3", "1e-400",
])
@pytest.mark.parametrize("flag", ["--p", "--odds", "--start"])
def test_every_named_edge_number(tmp_path, flag, value):
    check_invocation(tmp_path, ["sweep", flag, value, "--paths", "5", "--rounds", "5"], None)


@pytest.mark.parametrize("value", [",", "0.1,,0.2", "0.5;0.5", "[0.5]", "", "nan,0.5"])
def test_malformed_lists(tmp_path, value):
    assert check_invocation(tmp_path, ["race", "--probs", value], None) == 2
    assert check_invocation(tmp_path, ["sweep", "--fractions", value], None) == 2


@pytest.mark.parametrize("argv", [
    ["sweep", "--paths", str(10**12), "--rounds", str(10**9)],
    ["paths", "--paths", str(10**12), "--rounds", str(10**9)],
    ["paths", "--strategy", "bayes", "--paths", "10", "--rounds", str(10**9)],
    ["paths", "--plot", "fig.png", "--paths", "10", "--rounds", str(10**8)],
    ["race", "--strategy", "bayes", "--paths", "10", "--rounds", str(10**9)],
    ["challenge", "--paths", str(10**9)],
    ["sweep", "--fractions", "0:1:0.0001", "--paths", "100000"],
    ["paths", "--strategy", "optimal", "--cap", "250", "--tick", "0.01", "--start", "25",
     "--odds", "2", "--rounds", "300", "--paths", "10"],
])
def test_huge_work_is_refused_up_front_and_force_is_named(tmp_path, argv):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    stderr = io.StringIO()
    with _inside(folder), contextlib.redirect_stderr(stderr):
        assert main(argv) == 2
    assert "work limit" in stderr.getvalue() and "--force" in stderr.getvalue()


def test_the_work_limit_and_force_are_in_the_help(capsys):
    for command in ("sweep", "paths", "race", "challenge"):
        assert main([command, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "--force" in text and "work limit" in text and "1e+10" in text, command


def test_force_lifts_the_limit_but_not_the_memory_guard(tmp_path, capsys):
    assert main(["paths", "--strategy", "bayes", "--paths", "10", "--rounds", str(10**9)]) == 2
    capsys.readouterr()
    # with --force the engine's own memory guard still refuses what cannot fit
    status = main(["paths", "--force", "--strategy", "kelly", "--paths", str(10**12),
                   "--rounds", "10"])
    assert status == 2 and "GiB" in capsys.readouterr().err


def test_a_failure_after_a_written_file_is_still_one_line(tmp_path, capsys, monkeypatch):
    def full(figure, path, dpi=150):
        raise ValueError(f"cannot write {str(path)!r}: No space left on device")

    monkeypatch.setattr("sim.cli.context.write_figure", full)
    out, plot = tmp_path / "out.csv", tmp_path / "fig.png"
    status = main(["sweep", "--paths", "5", "--rounds", "5", "--out", str(out),
                   "--plot", str(plot)])
    assert status == 2
    assert capsys.readouterr().err.splitlines() == [
        f"kelly: error: cannot write '{plot}': No space left on device (wrote {out} before that)"
    ]
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]
