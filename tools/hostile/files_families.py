"""Families of hostile *files*: every file the program reads, placed where it reads it.

Targets: settings, scores and last-session saves (``$KELLY_DATA_DIR``), a lesson file, a
class-race CSV, a ``--config`` TOML and the optimal-play cache (``$KELLY_CACHE_DIR``).
Saves and the cache must never stop the program (expect ``ok``: defaults or a fresh solve) and
must never lose the damaged bytes (moved aside intact, never deleted); lessons, CSVs and configs
are refused with one short line naming the file (``usage``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness import PROBE, Case, Result

SWEEP = ["-m", "sim", "sweep", "--paths", "20", "--rounds", "5", "--fractions", "0,0.5", "-q"]
HUGE = 60 * 2**20  # bytes of a "huge" file (sparse: cheap to make, costly to read)
DEEP = 5000

Maker = Callable[[Path], None]  # builds the hostile thing at a path


@dataclass(frozen=True)
class Target:
    name: str
    where: str  # relative to the case folder; {cache} is the cache file's name
    argv: tuple[str, ...]
    expect: str
    names: str | None = None


def targets() -> dict[str, Target]:
    cache_name = f"cache/{cache_file_name()}"
    return {t.name: t for t in (
        Target("settings", "data/settings.json", (PROBE, "settings"), "ok"),
        Target("scores", "data/scores.json", (PROBE, "scores"), "ok"),
        Target("session", "data/last_session.json", (PROBE, "unfinished"), "ok"),
        Target("lesson", "lesson.toml", (PROBE, "lesson", "{dir}/lesson.toml"), "usage",
               "lesson.toml"),
        Target("csv", "class.csv", (PROBE, "csv", "{dir}/class.csv"), "usage", "class.csv"),
        Target("config", "cfg.toml", (*SWEEP, "--config", "{dir}/cfg.toml"), "usage",
               "cfg.toml"),
        Target("cache", cache_name, (PROBE, "optimal"), "ok"),
    )}


@cache
def valid_cache() -> tuple[str, bytes]:
    """The file name and bytes of a correct cache entry of the probe's small game."""
    import probe  # the probe's game, so the harness and the probe agree

    with tempfile.TemporaryDirectory() as folder:
        os.environ["KELLY_CACHE_DIR"] = folder
        from sim.optimal import cache_path, solve

        game = probe.small_game()
        solve(game)
        path = cache_path(game)
        return path.name, path.read_bytes()


def cache_file_name() -> str:
    return valid_cache()[0]


def _digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def kept(original: bytes, folder_name: str) -> Callable[[Path, Result], list[str]]:
    """A check: the hostile bytes still exist in that folder (loaded in place or moved aside)."""
    wanted = hashlib.sha256(original).hexdigest()

    def check(folder: Path, _result: Result) -> list[str]:
        for path in (folder / folder_name).iterdir():
            if path.is_file() and not path.is_symlink() and _digest(path) == wanted:
                return []
        return ["the damaged file is gone (not kept aside)"]

    return check


def _writer(data: bytes, size: int | None = None) -> Maker:
    def make(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
            if size is not None:
                handle.truncate(size)

    return make


def file_case(family: str, label: str, target: Target, content: bytes | Maker,
              expect: str | None = None, quick: bool = False, timeout: float = 8.0,
              check=None) -> Case:
    """A case that puts ``content`` (bytes, or a maker) where ``target`` is read."""
    make = _writer(content) if isinstance(content, bytes) else content
    checks = [check] if check else []
    if isinstance(content, bytes) and target.expect == "ok" and target.name != "add_score":
        checks.append(kept(content, target.where.split("/")[0]))

    def combined(folder: Path, result: Result) -> list[str]:
        return [problem for one in checks for problem in one(folder, result)]

    return Case(family, f"{target.name}: {label}", list(target.argv),
                expect=expect or target.expect, names=target.names,
                setup=lambda folder: make(folder / target.where), check=combined,
                quick=quick, timeout=timeout)


# -- content --------------------------------------------------------------------------------

def lesson_text(body: str = "H = {H_bits:.3f} bits.", labels: str = "",
                params: str = "p = 0.6", step: str = "entropy") -> str:
    return (f'title = "T"\nlanguage = "en"\n{labels}\n[[steps]]\nid = "{step}"\n'
            f'heading = "H"\nbody = {json.dumps(body)}\n[steps.params]\n{params}\n')


VALID = {
    "settings": b'{"version": 1, "settings": {"rounds": 77}}\n',
    "scores": b'{"version": 1, "scores": []}\n',
    "session": b'{"version": 1, "screen": "coin", "when": "x", "session": '
               b'{"kind": "coin", "game": {"p": 0.6}, "seed": 1, "bets": []}}\n',
    "lesson": lesson_text().encode(),
    "csv": b"name,fraction\nAnn,0.2\nBo,0.5\n",
    "config": b"p = 0.55\nodds = 2\n",
}


def _fifo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _link(device: str) -> Maker:
    def make(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(device, path)

    return make


def _huge(prefix: bytes) -> Maker:
    return _writer(prefix, HUGE)


def fifo_family() -> list[Case]:
    return [file_case("fifo", "a FIFO", t, _fifo, quick=True, timeout=6)
            for t in targets().values()]


def device_family() -> list[Case]:
    cases = []
    for device in ("/dev/zero", "/dev/urandom"):
        for t in targets().values():
            cases.append(file_case("devices", f"symlink to {device}", t, _link(device),
                                   quick=device == "/dev/zero", timeout=10))
    cases.append(Case("devices", "--config /dev/urandom", [*SWEEP, "--config", "/dev/urandom"],
                      names="/dev/urandom", timeout=10, quick=True))
    cases.append(Case("devices", "report --lesson /dev/zero",
                      ["-m", "sim", "report", "--lesson", "/dev/zero", "--out", "{dir}/r", "-q"],
                      names="/dev/zero", timeout=10))
    return cases


def huge_family() -> list[Case]:
    cases = [file_case("huge", f"{HUGE >> 20} MB file", t,
                       _huge(VALID.get(t.name, b"PK\x03\x04")), timeout=10,
                       quick=t.name in ("settings", "config"))
             for t in targets().values()]
    t = targets()
    score = {"kind": "coin", "game": "g", "seed": 1, "rounds": 10, "final_wealth": 1.0,
             "growth": 0.0, "best_growth": 0.0, "rank": 1, "bettors": 1, "when": "w"}
    many = json.dumps({"version": 1, "scores": [score] * 100_000}).encode()
    cases += [
        file_case("huge", "100,000 entries", t["scores"], many, timeout=10),
        file_case("huge", "a 200,000-character field", t["csv"],
                  b"name,fraction\n" + b"A" * 200_000 + b",0.5\n", quick=True),
        file_case("huge", "a 200,000-character value", t["config"],
                  b'p = "' + b"9" * 200_000 + b'"\n', quick=True),
        file_case("huge", "a 200,000-entry array", t["config"],
                  b"fractions = [" + b"2.0, " * 200_000 + b"]\n"),
        file_case("huge", "a 200,000-character heading", t["lesson"],
                  lesson_text().replace('heading = "H"', 'heading = "' + "H" * 200_000 + '"')
                  .encode()),
        Case("huge", "--out with a 5,000-character name",
             [*SWEEP, "--out", "{dir}/" + "n" * 5000 + ".csv"], names="cannot write"),
        Case("huge", "--config with a 5,000-character name",
             [*SWEEP, "--config", "{dir}/" + "c" * 5000 + ".toml"], names="config"),
    ]
    return cases


def nesting_family() -> list[Case]:
    t = targets()
    deep_json = ("[" * DEEP + "]" * DEEP).encode()
    cases = [
        file_case("nesting", f"JSON {DEEP} deep", t["settings"],
                  b'{"version": 1, "settings": ' + deep_json + b"}", quick=True),
        file_case("nesting", f"JSON {DEEP} deep", t["scores"],
                  b'{"version": 1, "scores": ' + deep_json + b"}"),
        file_case("nesting", f"JSON {DEEP} deep", t["session"],
                  b'{"version": 1, "session": ' + deep_json + b"}"),
        file_case("nesting", "JSON 1,000 deep", t["session"],
                  b'{"version": 1, "session": ' + b'{"a":' * 1000 + b"1" + b"}" * 1000 + b"}"),
    ]
    toml_forms = {
        "array": "a = " + "[" * DEEP + "]" * DEEP + "\n",
        "inline table": "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n",
        "dotted key": "a" + ".a" * DEEP + " = 1\n",
    }
    for form, text in toml_forms.items():
        for name in ("config", "lesson"):
            cases.append(file_case("nesting", f"TOML {form} {DEEP} deep", t[name],
                                   text.encode(), quick=form == "array"))
    return cases


def encoding_family() -> list[Case]:
    t = targets()
    bom = b"\xef\xbb\xbf"

    def loaded(field: str) -> Callable[[Path, Result], list[str]]:
        def check(_folder: Path, result: Result) -> list[str]:
            return [] if field in result.stdout else [f"BOM file not loaded ({field} missing)"]

        return check

    cases = [
        file_case("encoding", "UTF-8 BOM", t["settings"], bom + VALID["settings"], quick=True,
                  check=loaded('"rounds": 77')),
        file_case("encoding", "UTF-8 BOM", t["scores"], bom + VALID["scores"]),
        file_case("encoding", "UTF-8 BOM", t["lesson"], bom + VALID["lesson"], expect="ok",
                  quick=True),
        file_case("encoding", "UTF-8 BOM", t["csv"], bom + VALID["csv"], expect="ok"),
        file_case("encoding", "UTF-8 BOM", t["config"], bom + VALID["config"], expect="ok",
                  quick=True),
        file_case("encoding", "UTF-16", t["config"], "p = 0.5\n".encode("utf-16")),
        file_case("encoding", "NUL bytes", t["config"], b"p = 0.5\x00\x00\n"),
    ]
    for name in ("settings", "lesson", "csv", "config"):
        latin = VALID[name].replace(b"\n", b"\n# caf\xe9\n", 1) if name in (
            "lesson", "config") else VALID[name].replace(b"7", b"7\xe9", 1) if name == (
            "settings") else b"name,fraction\nRen\xe9,0.2\n"
        cases.append(file_case("encoding", "Latin-1 byte", t[name], latin, quick=name == "config"))
    return cases


def _npz(**arrays) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _claims_huge(valid: bytes) -> bytes:
    """The valid cache with its stakes header claiming an 11 GiB array."""
    import numpy as np

    source = zipfile.ZipFile(io.BytesIO(valid))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bomb:
        for item in source.namelist():
            data = source.read(item)
            if item == "stakes.npy":
                header = io.BytesIO()
                np.lib.format.write_array_header_1_0(
                    header, {"descr": "<i8", "fortran_order": False, "shape": (1 << 30, 11)})
                data = header.getvalue() + b"\0" * 64
            bomb.writestr(item, data)
    return out.getvalue()


def cache_family() -> list[Case]:
    import numpy as np

    target = targets()["cache"]
    valid = valid_cache()[1]
    with np.load(io.BytesIO(valid)) as data:
        key, stakes, enumerated = data["key"], data["stakes"], data["enumerated_rounds"]
    npy = io.BytesIO()
    np.save(npy, stakes)
    contents = {
        "a .npy in place of the .npz": npy.getvalue(),
        "an array of the wrong shape": _npz(key=key, stakes=stakes[:, :-1],
                                            enumerated_rounds=enumerated),
        "stakes all zero (right shape)": _npz(key=key, stakes=np.zeros_like(stakes),
                                              enumerated_rounds=enumerated),
        "a header claiming 11 GiB": _claims_huge(valid),
        "truncated to half": valid[: len(valid) // 2],
        "random bytes": os.urandom(4096),
        "an object array (pickle)": _npz(key=key, stakes=np.array([None, 1], dtype=object),
                                         enumerated_rounds=enumerated),
    }
    cases = [file_case("cache", label, target, data, quick=label.startswith(("stakes", "a h")),
                       timeout=15) for label, data in contents.items()]

    def folder_there(path: Path) -> None:
        path.mkdir(parents=True)

    cases.append(file_case("cache", "a folder in its place", target, folder_there, timeout=15))
    return cases


FAMILIES = {"fifo": fifo_family, "devices": device_family, "huge": huge_family,
            "nesting": nesting_family, "encoding": encoding_family, "cache": cache_family}
