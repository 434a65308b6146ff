"""Settings and high scores: versioned JSON, atomic writes, bad files moved aside."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.assets import asset, assets_dir, load_theme
from game.saves import (
    MAX_SCORES,
    SCORES_FILE,
    SETTINGS_FILE,
    Score,
    Settings,
    add_score,
    best_scores,
    data_dir,
    file_lock,
    load_scores,
    load_settings,
    save_settings,
    write_json,
)
from sim.files import UnwritableFile


def score(final, kind="coin", seed=1, growth=0.01):
    return Score(kind=kind, game="p=0.6 b=1", seed=seed, rounds=100, final_wealth=final,
                 growth=growth, best_growth=0.0201, rank=2, bettors=5, when="2026-01-01 10:00")


def test_data_dir_follows_the_environment(kelly_data_dir):
    assert data_dir() == kelly_data_dir


def test_settings_round_trip_and_defaults(tmp_path):
    assert load_settings(tmp_path) == Settings()
    mine = Settings(sound=False, auto_speed=5.5, p=0.55, odds=2.0, rounds=40)
    path = save_settings(mine, tmp_path)
    assert path == tmp_path / SETTINGS_FILE
    assert json.loads(path.read_text())["version"] == 1
    assert load_settings(tmp_path) == mine
    assert sorted(p.name for p in tmp_path.iterdir()) == [SETTINGS_FILE]


@pytest.mark.parametrize("content", [
    '{"version": 1, "settings": {"sound": tr',  # truncated
    "not json at all",
    '{"version": 99, "settings": {}}',  # a future version
    '{"version": 1, "settings": {"p": 7}}',  # out of range
    '{"version": 1, "settings": {"colour": "red"}}',  # unknown field
    '{"version": 1, "settings": {"rounds": "many"}}',
    "[1, 2, 3]",
])
def test_bad_settings_are_moved_aside_with_a_warning(tmp_path, content):
    path = tmp_path / SETTINGS_FILE
    path.write_text(content)
    with pytest.warns(UserWarning, match="moved it to settings.json.corrupt-"):
        assert load_settings(tmp_path) == Settings()
    assert not path.exists()
    aside = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == content
    assert load_settings(tmp_path) == Settings()  # and the next start is quiet


def test_two_bad_files_in_one_second_keep_both(tmp_path):
    for content in ("bad one", "bad two"):
        (tmp_path / SCORES_FILE).write_text(content)
        with pytest.warns(UserWarning):
            assert load_scores(tmp_path) == []
    texts = sorted(p.read_text() for p in tmp_path.glob("scores.json.corrupt-*"))
    assert texts == ["bad one", "bad two"]


def test_scores_keep_the_best_per_kind(tmp_path):
    for i in range(MAX_SCORES + 5):
        add_score(score(100.0 + i, seed=i), tmp_path)
    add_score(score(5.0, kind="race"), tmp_path)
    add_score(score(0.0, seed=999, growth=-math.inf), tmp_path)
    scores = load_scores(tmp_path)
    coins = [s for s in scores if s.kind == "coin"]
    assert len(coins) == MAX_SCORES
    assert max(s.final_wealth for s in coins) == 100.0 + MAX_SCORES + 4
    top = best_scores("coin", scores, limit=3)
    assert [s.final_wealth for s in top] == [124.0, 123.0, 122.0]
    assert [s.kind for s in best_scores("race", scores)] == ["race"]


def test_bust_growth_survives_json(tmp_path):
    add_score(score(0.0, growth=-math.inf), tmp_path)
    stored = json.loads((tmp_path / SCORES_FILE).read_text())
    assert stored["scores"][0]["growth"] is None
    assert load_scores(tmp_path)[0].growth == -math.inf


def test_bad_score_entries_are_rejected(tmp_path):
    entry = score(10.0).to_json()
    entry["rank"] = -1
    write_json(tmp_path / SCORES_FILE, {"version": 1, "scores": [entry]})
    with pytest.warns(UserWarning, match="could not be read"):
        assert load_scores(tmp_path) == []


def test_settings_validate_by_name():
    with pytest.raises(ValueError, match="auto_speed"):
        Settings(auto_speed=0)
    with pytest.raises(ValueError, match="rounds"):
        Settings(rounds=5)
    with pytest.raises(ValueError, match="sound"):
        Settings(sound="yes")


def test_write_json_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "file.json"
    write_json(target, {"a": 1})

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("sim.files.writing.os.replace", explode)
    with pytest.raises(UnwritableFile, match="cannot be written"):
        write_json(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["file.json"]


def test_assets_are_found_and_complete():
    folder = assets_dir()
    assert (folder / "theme.json").is_file()
    for name in ("flip", "win", "lose", "bust", "goal", "click"):
        assert asset("sounds", f"{name}.wav").is_file()
    theme = load_theme()
    font = theme["@primary"]["font"]
    assert font["name"] == "dejavusans" and font["regular_path"].endswith("DejaVuSans.ttf")
    licences = (folder / "LICENSES.md").read_text()
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "LICENSES.md" and "__pycache__" not in path.parts:
            assert path.relative_to(folder).as_posix() in licences, path


# -- bad files of every sort, for settings and high scores alike ---------------------------------

LOADERS = {SETTINGS_FILE: (load_settings, Settings()), SCORES_FILE: (load_scores, [])}
BAD_CONTENTS = {
    "truncated": b'{"version": 1, "scores": [{"kind": "co',
    "not-json bytes": bytes(range(256)),
    "wrong version": b'{"version": 0, "scores": [], "settings": {}}',
    "wrong types": b'{"version": 1, "scores": {"a": 1}, "settings": ["p", 0.6]}',
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(LOADERS))
@pytest.mark.parametrize("case", sorted(BAD_CONTENTS))
def test_every_bad_file_is_moved_aside_and_defaults_used(tmp_path, name, case):
    load, default = LOADERS[name]
    (tmp_path / name).write_bytes(BAD_CONTENTS[case])
    with pytest.warns(UserWarning, match=rf"moved it to {name}\.corrupt-\d{{8}}T\d{{6}}"):
        assert load(tmp_path) == default
    (aside,) = tmp_path.glob(f"{name}.corrupt-*")
    assert aside.read_bytes() == BAD_CONTENTS[case]
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_folder_where_the_file_should_be_is_moved_aside(tmp_path, name):
    load, default = LOADERS[name]
    (tmp_path / name).mkdir()
    (tmp_path / name / "inside.txt").write_text("kept")
    with pytest.warns(UserWarning, match="unreadable"):
        assert load(tmp_path) == default
    (aside,) = tmp_path.glob(f"{name}.corrupt-*")
    assert (aside / "inside.txt").read_text() == "kept"
    if name == SETTINGS_FILE:  # and saving works again afterwards
        save_settings(Settings(p=0.7), tmp_path)
        assert load_settings(tmp_path) == Settings(p=0.7)
    else:
        assert add_score(score(150.0), tmp_path) == [score(150.0)]


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_an_unreadable_file_is_moved_aside(tmp_path, monkeypatch, name):
    # chmod 000 does not stop root, so the refusal is simulated where the file is read
    load, default = LOADERS[name]
    (tmp_path / name).write_text('{"version": 1}')
    real = os.open

    def refuse(path, *args, **kwargs):  # where sim.files opens the file
        if Path(path).name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.warns(UserWarning, match="Permission denied"):
        assert load(tmp_path) == default
    assert len(list(tmp_path.glob(f"{name}.corrupt-*"))) == 1


def test_a_bad_file_that_cannot_be_moved_still_gives_defaults(tmp_path, monkeypatch):
    (tmp_path / SETTINGS_FILE).write_text("garbage")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Read-only file system")

    # sim.files.move_aside claims the new name with a hard link, else renames
    monkeypatch.setattr(os, "link", refuse)
    monkeypatch.setattr(os, "rename", refuse)
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.warns(UserWarning, match="nor moved aside"):
        assert load_settings(tmp_path) == Settings()
    assert (tmp_path / SETTINGS_FILE).read_text() == "garbage"


def test_a_score_that_cannot_be_written_warns_and_the_game_goes_on(tmp_path, monkeypatch):
    add_score(score(120.0), tmp_path)

    def refuse(*args):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.warns(UserWarning, match="not saved"):
        assert add_score(score(130.0), tmp_path) == [score(130.0), score(120.0)]
    monkeypatch.undo()
    assert load_scores(tmp_path) == [score(120.0)]


# -- two processes saving high scores at once ------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from game.saves import Score, add_score
folder, kind, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
sys.stdin.readline()  # start together
for i in range(count):
    add_score(Score(kind=kind, game="race", seed=i, rounds=10, final_wealth=100.0 + i,
                    growth=0.0, best_growth=0.0, rank=1, bettors=1, when="2026-01-01 10:00"),
              folder)
"""


def test_processes_saving_at_once_lose_no_entry(tmp_path):
    processes, count = 3, MAX_SCORES
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"p{k}", str(count)],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k in range(processes)
    ]
    for writer in writers:  # release them at (nearly) the same moment
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    data = json.loads((tmp_path / SCORES_FILE).read_text())
    saved = {(entry["kind"], entry["seed"]) for entry in data["scores"]}
    assert saved == {(f"p{k}", i) for k in range(processes) for i in range(count)}
    assert sorted(p.name for p in tmp_path.iterdir()) == [SCORES_FILE, SCORES_FILE + ".lock"]


def test_the_lock_excludes_and_times_out(tmp_path):
    path = tmp_path / SCORES_FILE
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from game.saves import file_lock\n"
         "with file_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)",
         str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(TimeoutError, match="held by another process"):
            with file_lock(path, timeout=0.2):
                pass
    finally:
        holder.kill()
        holder.wait()
    with file_lock(path, timeout=5):  # the dead process's lock is gone with it
        pass


def test_a_saved_session_with_optimal_bots_at_odd_rules_is_refused_not_solved(tmp_path,
                                                                              monkeypatch):
    # issue 18: odds 2 and cap 2,500 took over a minute to solve at load
    import sim.optimal_solver as solver
    from game.saves import UNFINISHED_FILE, load_unfinished, save_unfinished

    record = {"kind": "coin", "seed": 3, "bets": [], "draws": "engine-blocks",
              "game": {"p": 0.6, "odds": 2.0, "rounds": 300, "start": 25.0, "cap": 2500.0,
                       "tick": 1.0},
              "bots": [["Optimal", "optimal"]]}
    save_unfinished(record, "coin", tmp_path)
    monkeypatch.setattr(solver, "solve_tables", lambda *a: pytest.fail("solved at load"))
    with pytest.warns(UserWarning, match="saved session may solve while it loads"):
        assert load_unfinished(tmp_path) is None
    assert list(tmp_path.glob(UNFINISHED_FILE + ".corrupt-*"))  # kept aside, not deleted
