"""Families of hostile *values*: wrong types, lesson format specs and parameters, huge numbers,
output destinations, a dead scheduler, lost scores, slow saved sessions and signals."""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
from collections.abc import Callable
from pathlib import Path

from files_families import SWEEP, Target, file_case, lesson_text, targets
from harness import PROBE, Case, Result, signal_moment

MANY_STRATEGIES = [part for i in range(30000) for part in ("--strategy", f"fixed:{i / 40000:.6f}")]
ADD_SCORE = Target("add_score", "data/scores.json", (PROBE, "add_score"), "ok")
PATHS = ["-m", "sim", "paths", "--paths", "20", "--rounds", "10", "-q"]


def _score(**changes) -> dict:
    score = {"kind": "coin", "game": "p=0.6 b=1", "seed": 1, "rounds": 100,
             "final_wealth": 150.0, "growth": 0.004, "best_growth": 0.02, "rank": 1,
             "bettors": 4, "when": "2026-01-01T00:00:00"}
    return {**score, **changes}


def _json(data) -> bytes:
    return json.dumps(data).encode()  # allow_nan: writes NaN / Infinity as Python would


def types_family() -> list[Case]:
    t = targets()
    settings = {
        '"version": true': {"version": True, "settings": {"rounds": 50}},
        '"version": "1"': {"version": "1", "settings": {}},
        "sound as text": {"version": 1, "settings": {"sound": "yes"}},
        "rounds as 1e3": {"version": 1, "settings": {"rounds": 1e3}},
        "p = NaN": {"version": 1, "settings": {"p": float("nan")}},
        "odds = Infinity": {"version": 1, "settings": {"odds": float("inf")}},
        "settings a list": {"version": 1, "settings": [1, 2]},
        "top level a list": [1, 2, 3],
    }
    cases = [file_case("types", label, t["settings"], _json(data), quick=label == "p = NaN")
             for label, data in settings.items()]
    scores = {
        '"version": true': {"version": True, "scores": [_score()]},
        "growth NaN": {"version": 1, "scores": [_score(growth=float("nan"))]},
        "integer when": {"version": 1, "scores": [_score(), _score(when=5)]},
        "final_wealth NaN": {"version": 1, "scores": [_score(final_wealth=float("nan"))]},
        "final_wealth Infinity": {"version": 1, "scores": [_score(final_wealth=float("inf"))]},
        "seed 2**70": {"version": 1, "scores": [_score(seed=2**70)]},
        "kind a number": {"version": 1, "scores": [_score(kind=3)]},
        "scores a dict": {"version": 1, "scores": {"a": 1}},
    }
    for label, data in scores.items():
        cases.append(file_case("types", label, t["scores"], _json(data),
                               quick=label == "integer when"))
        cases.append(file_case("types", f"{label} (then a score is added)",
                               ADD_SCORE, _json(data)))
    cases.append(Case("types", "play with final_wealth NaN in scores",
                      ["-m", "sim", "play", "--headless", "--frames", "2"], expect="ok",
                      setup=lambda d: (d / "data/scores.json").write_bytes(
                          _json({"version": 1, "scores": [_score(final_wealth=float("nan"))]})),
                      timeout=20, quick=True))
    configs = {
        "p = true": ("p = true\n", "p"), 'p = "abc"': ('p = "abc"\n', "abc"),
        "p = [1, 2]": ("p = [1, 2]\n", "p"), "fractions a table": ("fractions = {a = 1}\n",
                                                                 "fractions"),
        "p = nan": ("p = nan\n", "nan"), "p = inf": ("p = inf\n", "inf"),
        "rounds = 1.5": ("rounds = 1.5\n", "1.5"), 'quiet = "yes"': ('quiet = "yes"\n', "yes"),
        "unknown key": ("colour = 1\n", "colour"), "a date": ("p = 1979-05-27\n", "p"),
    }
    for label, (text, names) in configs.items():
        case = file_case("types", label, t["config"], text.encode(), quick=label == "p = nan")
        case.names = names
        cases.append(case)
    return cases


def _lesson_case(family: str, label: str, text: str, probe: str = "lesson",
                 quick: bool = False) -> Case:
    target = targets()["lesson"]
    case = file_case(family, label, target, text.encode(), expect="clean", quick=quick,
                     timeout=25 if probe == "lesson_draw" else 8)
    case.argv = [PROBE, probe, "{dir}/lesson.toml"]
    return case


def format_family() -> list[Case]:
    bodies = ["{p:>99999999}", "{p:.99999999f}", "{p:<99999999.99999999f}", "{p.__class__}",
              "{p.__class__.__mro__}", "{p[0]}", "{p!r}", "{0}", "{}", "{p:{p}}",
              "{p:,>99999999}", "{p:99999999999999999999999}", "{p:%>99999999}", "{p:=^40000}",
              "{H_bits:.3f} {" + "x" * 5000 + "}"]
    cases = [_lesson_case("format", f"body {body[:40]}", lesson_text(body=body),
                          quick=body in ("{p:>99999999}", "{p.__class__}"))
             for body in bodies]
    labels = {
        "step_counter": ["Step {number:>99999999} of {total}", "{number:.99999999f} {total}",
                         "{number.__class__} {total}"],
        "round_counter": ["{number:>99999999} {total}", "{number.real.__class__} {total}",
                          "{number} {total} {total.__class__.__mro__}"],
    }
    for key, texts in labels.items():
        for text in texts:
            table = f"[labels]\n{key} = {json.dumps(text)}\n"
            cases.append(_lesson_case("format", f"label {key} {text[:30]}",
                                      lesson_text(labels=table)))
    return cases


def lesson_params_family() -> list[Case]:
    edges = [("peak_decomposition", "share = 0.0"), ("peak_decomposition", "share = 1.0"),
             ("overbetting", "p = 1e-300"), ("two_outcomes", "odds = 5e-324"),
             ("many_worlds", "odds = 5e-324"), ("growth_curve", "p = 0.0"),
             ("same_flips", "p = 1.0\nshare = 1.0"), ("unknown_p", "prior = [1e-300, 1e300]")]
    return [_lesson_case("lesson params", f"{step} {params}",
                         lesson_text(body="", params=params, step=step), probe="lesson_draw",
                         quick=params == "odds = 5e-324")
            for step, params in edges]


def numbers_family() -> list[Case]:
    digits = "9" * 200
    rows = [
        ("--paths with 200 digits", [*SWEEP, "--paths", digits], "paths"),
        ("--paths 18446744073709551616 --force",
         [*SWEEP, "--paths", "18446744073709551616", "--force"], "paths"),
        ("--rounds 1e400", [*SWEEP, "--rounds", "1e400"], "rounds"),
        ("--p nan", [*SWEEP, "--p", "nan"], "nan"),
        ("--p inf", [*SWEEP, "--p", "inf"], "inf"),
        ("--odds 5e-324", [*SWEEP, "--odds", "5e-324"], "odds"),
        ("--tick 5e-324 --strategy optimal",
         [*PATHS, "--strategy", "optimal", "--cap", "250", "--start", "25", "--tick", "5e-324"],
         "tick"),
        ("--seed -1", [*SWEEP, "--seed", "-1"], "seed"),
        ("--seed 2**64", [*SWEEP, "--seed", str(2**64)], "seed"),
        ("--workers 0", [*SWEEP, "--workers", "0"], "workers"),
        ("race --odds -2,4,6", ["-m", "sim", "race", "--odds", "-2,4,6", "-q"], "-2"),
        ("race with 1,000 outcomes",
         ["-m", "sim", "race", "--probs", ",".join(["0.001"] * 1000),
          "--odds", ",".join(["1000"] * 1000), "--paths", "10", "--rounds", "5", "-q",
          "--plot", "{dir}/race.png"], "outcomes"),
        ("190,000 fractions", [*SWEEP[:-3], "--fractions", "0:0.95:0.000005", "-q"],
         "fractions"),
        ("30,000 strategies", [*PATHS, *MANY_STRATEGIES], "strateg"),
        ("--fractions 0:1:0", [*SWEEP[:-3], "--fractions", "0:1:0", "-q"], "fractions"),
    ]
    return [Case("numbers", label, argv, expect="clean" if "1,000" in label else "usage",
                 names=names, timeout=12, quick=label.startswith(("--paths with", "--tick")))
            for label, argv, names in rows]


def _mode_kept(mode: int) -> Callable[[Path, Result], list[str]]:
    def check(folder: Path, _result: Result) -> list[str]:
        got = stat.S_IMODE(os.stat(folder / "out.csv").st_mode)
        return [] if got == mode else [f"mode {oct(mode)} became {oct(got)}"]

    return check


def _link_kept(folder: Path, _result: Result) -> list[str]:
    link = folder / "out.csv"
    if not link.is_symlink():
        return ["the symlinked --out was replaced by a regular file"]
    if "fraction" not in (folder / "real.csv").read_text():
        return ["the symlink's target was not written"]
    return []


def _both_or_refused(folder: Path, result: Result) -> list[str]:
    if result.returncode == 0 and not ((folder / "a.csv").exists() and (folder / "b.csv").exists()):
        return ["a repeated --out silently dropped the earlier one"]
    return []


def outputs_family() -> list[Case]:
    def read_only(folder: Path) -> None:
        (folder / "ro").mkdir()
        os.chmod(folder / "ro", 0o555)

    def existing(mode: int) -> Callable[[Path], None]:
        def make(folder: Path) -> None:
            (folder / "out.csv").write_text("old\n")
            os.chmod(folder / "out.csv", mode)
        return make

    def symlinked(folder: Path) -> None:
        (folder / "real.csv").write_text("old\n")
        os.symlink("real.csv", folder / "out.csv")

    def old_figure(folder: Path) -> None:
        (folder / "f.png").write_bytes(b"old")

    cases = [
        Case("outputs", "--out in a read-only folder", [*SWEEP, "--out", "{ro}/t.csv"],
             names="t.csv", setup=read_only, quick=True),
        Case("outputs", "--plot in a read-only folder", [*SWEEP, "--plot", "{ro}/f.png"],
             names="f.png", setup=read_only),
        Case("outputs", "--out over a 0600 file", [*SWEEP, "--out", "out.csv"], expect="ok",
             setup=existing(0o600), check=_mode_kept(0o600), quick=True),
        Case("outputs", "--out over a 0640 file", [*SWEEP, "--out", "out.csv"], expect="ok",
             setup=existing(0o640), check=_mode_kept(0o640)),
        Case("outputs", "--out a symlink", [*SWEEP, "--out", "out.csv"], expect="ok",
             setup=symlinked, check=_link_kept, quick=True),
        Case("outputs", "--plot fig.PNG", [*SWEEP, "--plot", "fig.PNG"], expect="ok",
             timeout=15, quick=True),
        Case("outputs", "--out T.CSV", [*SWEEP, "--out", "T.CSV"], expect="ok"),
        Case("outputs", "--plot over an existing figure", [*SWEEP, "--plot", "f.png"],
             expect="ok", setup=old_figure, timeout=15),
        Case("outputs", "repeated --out", [*SWEEP, "--out", "a.csv", "--out", "b.csv"],
             expect="clean", names="--out", check=_both_or_refused, quick=True),
        Case("outputs", "--out a folder", [*SWEEP, "--out", "{dir}/data"], names="data"),
        # never "--out /dev/full" itself: as root, a writer that replaces its destination
        # would replace the device node
        Case("outputs", "--out a symlink to /dev/full", [*SWEEP, "--out", "full.csv"],
             names="full.csv", setup=lambda d: (d / "full.csv").symlink_to("/dev/full")),
        Case("outputs", "--paths-out into a missing folder",
             [*PATHS, "--paths-out", "{dir}/nope/p.csv"], names="nope"),
        Case("outputs", "play --screenshot in a read-only folder",
             ["-m", "sim", "play", "--headless", "--frames", "2", "--screenshot",
              "{ro}/s.png"], names="s.png", timeout=20),
    ]

    def class_folder(folder: Path) -> None:
        read_only(folder)

    export = Case("outputs", "class-race export into a read-only folder",
                  [PROBE, "export", "{ro}"], names="results.csv", setup=class_folder,
                  quick=True)
    return [*cases, export]


def scheduler_family() -> list[Case]:
    rows = [("tcp://127.0.0.1:1 (nothing there)", "tcp://127.0.0.1:1", "127.0.0.1:1"),
            ("garbage://x", "garbage://x", "garbage"), ("empty", "", "scheduler"),
            ("a 5,000-character address", "tcp://" + "h" * 5000, "scheduler")]
    return [Case("scheduler", label, [*SWEEP, "--scheduler", address], names=names,
                 timeout=20, quick="nothing" in label) for label, address, names in rows]


def scores_loss_family() -> list[Case]:
    """A valid score is never lost when another is added (issue 17)."""
    valid = [_score(seed=i, final_wealth=100.0 + i) for i in range(3)]
    damages = {
        "intact file": {"version": 1, "scores": valid},
        "one entry with an integer when": {"version": 1, "scores": [*valid, _score(when=7)]},
        "one entry with NaN growth":
            {"version": 1, "scores": [*valid, _score(growth=float("nan"))]},
        "one entry with final_wealth Infinity":
            {"version": 1, "scores": [*valid, _score(final_wealth=float("inf"))]},
        "one entry missing a field": {"version": 1, "scores": [*valid, {"kind": "coin"}]},
        '"version": true': {"version": True, "scores": valid},
    }
    target = ADD_SCORE

    def survivors(folder: Path, _result: Result) -> list[str]:
        try:
            current = json.loads((folder / "data/scores.json").read_text())["scores"]
        except (OSError, ValueError, KeyError, TypeError):
            current = []
        seeds = {entry.get("seed") for entry in current if isinstance(entry, dict)}
        lost = [s["seed"] for s in valid if s["seed"] not in seeds]
        aside = [p for p in (folder / "data").iterdir() if ".corrupt" in p.name]
        return [] if not lost or aside else [f"valid scores {lost} lost and nothing kept aside"]

    return [file_case("scores", label, target, _json(data), check=survivors,
                      quick=label.startswith("one entry with an"))
            for label, data in damages.items()]


def session_family() -> list[Case]:
    t = targets()
    slow = {"version": 1, "screen": "coin", "when": "x", "session": {
        "kind": "coin", "game": {"p": 0.6, "odds": 2.0, "start": 25.0, "cap": 2500.0,
                                 "tick": 0.01, "rounds": 300},
        "seed": 1, "bets": [0.1], "bots": [["Opt", "optimal"]]}}
    many = {"version": 1, "session": {"kind": "coin", "game": {"p": 0.6}, "seed": 1,
                                      "bets": [0.1] * 10**6}}
    return [file_case("session", "optimal bot at odds 2, cap 2,500", t["session"], _json(slow),
                      timeout=10, quick=True),
            file_case("session", "a million bets", t["session"], _json(many), timeout=10)]


def _whole_output(name: str) -> Callable[[Path, Result], list[str]]:
    def check(folder: Path, result: Result) -> list[str]:
        path = folder / name
        if not path.exists():
            return []
        text = path.read_text(errors="replace")
        rows = list(csv.reader(text.splitlines()))
        if not text.endswith("\n") or len({len(r) for r in rows}) > 1:
            return [f"{name} is half-written"]
        if result.returncode not in (0, None) and name not in result.stderr:
            return [f"exit {result.returncode} does not say {name} was written whole"]
        return []

    return check


def signals_family(quick: bool) -> list[Case]:
    """Ctrl-C (SIGINT to the process group) and SIGTERM (to the process) at random moments:
    during the imports, during the run, and while --paths-out is being written."""
    big = ["-m", "sim", "paths", "--paths", "2000", "--rounds", "1000", "--paths-out", "P.csv",
           "--paths-out-max", "2000", "--strategy", "kelly", "--workers", "2"]
    sweep = ["-m", "sim", "sweep", "--paths", "20000", "--rounds", "300", "--workers", "2"]
    cases = []
    for i in range(4 if quick else 12):
        signum = signal.SIGINT if i % 2 == 0 else signal.SIGTERM
        phase = ("imports", "run", "write")[i % 3]
        name = f"{signum.name} #{i} during the {phase}"
        low, high = {"imports": (0.05, 0.5), "run": (0.6, 3.0), "write": (0.0, 0.3)}[phase]
        moment = signal_moment(name, low, high)
        argv, check = (big, _whole_output("P.csv")) if phase == "write" or i % 2 else (sweep,
                                                                                      None)
        cases.append(Case("signals", f"{name} ({' '.join(argv[2:3])}, +{moment:.2f}s)", argv,
                          expect="signal", send=(signum, moment), check=check, timeout=60,
                          send_when=".P.csv.*" if phase == "write" else None,
                          group=signum == signal.SIGINT, quick=True))
    for i in range(2 if quick else 6):
        moment = signal_moment(f"write_loop {i}", 0.5, 2.0)
        cases.append(Case("signals", f"SIGTERM during settings writes at {moment:.2f}s",
                          [PROBE, "write_loop"], expect="signal",
                          send=(signal.SIGTERM, moment), timeout=10, quick=True,
                          check=_settings_whole))
    return cases


def _settings_whole(folder: Path, _result: Result) -> list[str]:
    path = folder / "data/settings.json"
    if path.exists():
        try:
            json.loads(path.read_text())
        except ValueError:
            return ["settings.json is half-written"]
    return []

