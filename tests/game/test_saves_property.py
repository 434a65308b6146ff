"""Properties of the save files (issue 17), against game.saves' API.

1. Any mutation of a valid settings, scores or last-session file either loads (and the file is
   left as it was) or is moved aside intact (its exact bytes kept in ``NAME.corrupt-*``) while
   the defaults are used. Nothing else: no exception, no deleted or rewritten original.
2. A valid score is never lost when another is added: after ``add_score`` the file holds exactly
   the best ``MAX_SCORES`` per kind of the old valid scores plus the new one; when the old file
   also holds damaged entries, the valid ones are still salvaged into the table and the damaged
   original is kept aside intact.

Cases the current loader fails are marked ``xfail(strict=False)``; wiring sim.files into
game/saves.py should make them pass (then drop the marks).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from game import saves
from game.saves import MAX_SCORES, Score, Settings

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
# the known failures stop at the first failing example (no shrinking: they are expected to fail)
KNOWN_FAILING = settings(PROPERTY, phases=[Phase.explicit, Phase.generate])
LOADERS: dict[str, Callable[[Path], object]] = {
    saves.SETTINGS_FILE: saves.load_settings,
    saves.SCORES_FILE: saves.load_scores,
    saves.UNFINISHED_FILE: saves.load_unfinished,
}
DEFAULTS = {saves.SETTINGS_FILE: Settings(), saves.SCORES_FILE: [], saves.UNFINISHED_FILE: None}
KNOWN_FAILURE = "the loader does not yet go through sim.files (issue 17); flip when wired"

# -- valid files ---------------------------------------------------------------------------------

settings_values = st.builds(
    Settings, sound=st.booleans(), auto_speed=st.floats(0.25, 30.0), p=st.floats(0.01, 0.99),
    odds=st.floats(0.1, 10.0), rounds=st.integers(10, 1000),
)
scores_values = st.builds(
    Score, kind=st.sampled_from(["coin", "race", "challenge"]),
    game=st.text(max_size=20), seed=st.integers(0, 2**63 - 1), rounds=st.integers(0, 10**6),
    final_wealth=st.floats(0, 1e12), growth=st.one_of(st.floats(-10, 10), st.just(-math.inf)),
    best_growth=st.floats(-10, 10), rank=st.integers(0, 50), bettors=st.integers(0, 50),
    when=st.datetimes().map(lambda moment: moment.isoformat(timespec="seconds")),
)
session_records = st.builds(
    lambda seed, bets, p: {"kind": "coin", "game": {"p": p, "rounds": 20}, "seed": seed,
                           "bets": bets},
    seed=st.integers(0, 2**32), bets=st.lists(st.floats(-0.5, 0.5), max_size=20),
    p=st.floats(0.05, 0.95),
)


def write_valid(folder: Path, name: str, data) -> bytes:
    if name == saves.SETTINGS_FILE:
        saves.save_settings(data, folder)
    elif name == saves.SCORES_FILE:
        saves.write_json(folder / name, {"version": saves.VERSION,
                                         "scores": [s.to_json() for s in data]})
    else:
        saves.save_unfinished(data, "coin", folder)
    return (folder / name).read_bytes()


valid_files = st.one_of(
    st.tuples(st.just(saves.SETTINGS_FILE), settings_values),
    st.tuples(st.just(saves.SCORES_FILE), st.lists(scores_values, max_size=8)),
    st.tuples(st.just(saves.UNFINISHED_FILE), session_records),
)

# -- mutations -----------------------------------------------------------------------------------

HOSTILE_VALUES = [None, True, False, 0, -1, 2**70, 1.5, math.nan, math.inf, -math.inf, "",
                  "x" * 1000, [], {}, [1, "a", None], {"version": 1}]


@st.composite
def byte_mutation(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "bom", "duplicate"]))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if kind == "flip":
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 16)):]
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    return data + data[at:]


@st.composite
def value_mutation(draw, data: bytes) -> bytes:
    """Replace one value anywhere in the JSON tree by a hostile one (or wrap it deep)."""
    tree = json.loads(data)
    holder, key = None, None
    node = tree
    while isinstance(node, (dict, list)) and node and draw(st.integers(0, 5)) > 0:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        holder, key = node, draw(st.sampled_from(keys))
        node = node[key]
    hostile = draw(st.one_of(st.sampled_from(HOSTILE_VALUES),
                             st.integers(1, 60).map(lambda depth: _nest(node, depth))))
    if holder is None:
        tree = hostile
    else:
        holder[key] = hostile
    return json.dumps(tree).encode()  # allow_nan: NaN and Infinity as Python writes them


def _nest(value, depth: int):
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def leaf_mutation(draw, data: bytes) -> bytes:
    """Replace one leaf (a field of a score, a setting, a bet) by a hostile value."""
    tree = json.loads(data)
    holder, key, node = None, None, tree
    while isinstance(node, (dict, list)) and node:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        holder, key = node, draw(st.sampled_from(keys))
        node = node[key]
    if holder is None:
        return data
    holder[key] = draw(st.sampled_from(HOSTILE_VALUES))
    return json.dumps(tree).encode()


def mutation(data: bytes):
    return st.one_of(byte_mutation(data), value_mutation(data), leaf_mutation(data))


# -- the property --------------------------------------------------------------------------------

def check_loaded_or_kept(folder: Path, name: str, original: bytes, loaded) -> None:
    """Either the file loaded in place, or its exact bytes were moved aside and defaults used."""
    path = folder / name
    aside = [p for p in folder.iterdir() if p.name.startswith(f"{name}.corrupt-")]
    if path.exists() and path.read_bytes() == original and not aside:
        assert loaded is not None or name == saves.UNFINISHED_FILE
        return
    assert not path.exists(), f"{name} was rewritten instead of moved aside"
    assert [p.read_bytes() for p in aside] == [original], "the damaged bytes were not kept"
    assert loaded == DEFAULTS[name]


def load_quietly(name: str, folder: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LOADERS[name](folder)


def check_mutation(name: str, value, data) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        valid = write_valid(folder, name, value)
        mutated = data.draw(mutation(valid), label="mutated")
        (folder / name).write_bytes(mutated)
        loaded = load_quietly(name, folder)
        check_loaded_or_kept(folder, name, mutated, loaded)
        if name == saves.SCORES_FILE:  # what loaded is usable: the next add_score keeps it
            assert all(isinstance(s, Score) for s in loaded)
            extra = Score("coin", "g", 1, 10, 1.0, 0.0, 0.0, 1, 1, "2026-01-01T00:00:00")
            add_quietly(extra, folder)
            assert best_per_kind([*loaded, extra]) <= on_disk(folder)


@PROPERTY
@given(file=st.tuples(st.just(saves.SETTINGS_FILE), settings_values), data=st.data())
def test_any_mutation_of_settings_loads_or_is_moved_aside_intact(file, data):
    check_mutation(*file, data)


@pytest.mark.xfail(strict=False, reason=KNOWN_FAILURE + ": scores with a NaN or a wrong type")
@settings(KNOWN_FAILING, max_examples=250)  # a NaN in a score's field is one draw in ~100
@given(file=st.tuples(st.just(saves.SCORES_FILE), st.lists(scores_values, max_size=8)),
       data=st.data())
def test_any_mutation_of_scores_loads_or_is_moved_aside_intact(file, data):
    check_mutation(*file, data)


@PROPERTY
@given(file=st.tuples(st.just(saves.UNFINISHED_FILE), session_records), data=st.data())
def test_any_mutation_of_the_last_session_loads_or_is_moved_aside_intact(file, data):
    check_mutation(*file, data)


# -- special files and depth (the families of issue 17) ------------------------------------------

def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _deep(path: Path) -> None:
    path.write_text('{"version": 1, "settings": ' + "[" * 5000 + "]" * 5000 + "}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("name", list(LOADERS))
@pytest.mark.parametrize("make", [
    pytest.param(_fifo, id="fifo", marks=pytest.mark.skip(reason="hangs the current loader; "
                                                         "enable once wired (issue 17)")),
    pytest.param(_zero, id="dev-zero", marks=pytest.mark.skip(
        reason="reads until MemoryError in the current loader; enable once wired (issue 17)")),
    pytest.param(_deep, id="5000-deep", marks=pytest.mark.xfail(strict=False,
                                                               reason=KNOWN_FAILURE)),
])
def test_special_and_deep_files_give_defaults_without_hanging(tmp_path, name, make):
    make(tmp_path / name)
    assert load_quietly(name, tmp_path) == DEFAULTS[name]
    assert os.path.lexists(tmp_path / name) is False
    assert [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]


# -- no valid score is lost ----------------------------------------------------------------------

def best_per_kind(scores: list[Score]) -> set[tuple]:
    """The MAX_SCORES richest scores of each kind, as comparable records (written from the
    promise, not from saves' code)."""
    kept: list[Score] = []
    for kind in {s.kind for s in scores}:
        mine = sorted((s for s in scores if s.kind == kind),
                      key=lambda s: (-s.final_wealth, s.when))
        kept += mine[:MAX_SCORES]
    return {json.dumps(s.to_json(), sort_keys=True) for s in kept}


def on_disk(folder: Path) -> set[tuple]:
    entries = json.loads((folder / saves.SCORES_FILE).read_text())["scores"]
    return {json.dumps(entry, sort_keys=True) for entry in entries}


def add_quietly(score: Score, folder: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        saves.add_score(score, folder)


@PROPERTY
@given(old=st.lists(scores_values, max_size=30), new=scores_values)
def test_adding_a_score_keeps_every_valid_one(old, new):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if old:
            write_valid(folder, saves.SCORES_FILE, old)
        add_quietly(new, folder)
        assert on_disk(folder) == best_per_kind([*old, new])


BAD_ENTRIES = {
    "integer when": {"when": 7},
    "NaN growth": {"growth": math.nan},
    "infinite final_wealth": {"final_wealth": math.inf},
    "NaN final_wealth": {"final_wealth": math.nan},
    "text seed": {"seed": "7"},
    "missing field": None,
}


@pytest.mark.xfail(strict=False, reason=KNOWN_FAILURE + ": a damaged entry loses the file")
@KNOWN_FAILING
@given(old=st.lists(scores_values, min_size=1, max_size=10), new=scores_values,
       damage=st.sampled_from(sorted(BAD_ENTRIES)), version_true=st.booleans())
def test_a_damaged_entry_never_costs_the_valid_scores(old, new, damage, version_true):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        bad = old[0].to_json()
        bad = {"kind": "coin"} if BAD_ENTRIES[damage] is None else {**bad, **BAD_ENTRIES[damage]}
        content = {"version": True if version_true else 1,
                   "scores": [*(s.to_json() for s in old), bad]}
        original = json.dumps(content).encode()
        (folder / saves.SCORES_FILE).write_bytes(original)
        add_quietly(new, folder)
        # the valid entries are salvaged into the table, and the damaged original is kept
        assert best_per_kind([*old, new]) <= on_disk(folder)
        aside = [p for p in folder.iterdir() if ".corrupt-" in p.name]
        assert [p.read_bytes() for p in aside] == [original]
