"""Settings and high scores: versioned JSON, atomic writes, bad files moved aside."""

import json
import math

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
    load_scores,
    load_settings,
    save_settings,
    write_json,
)


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

    monkeypatch.setattr("game.saves.os.replace", explode)
    with pytest.raises(OSError):
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
