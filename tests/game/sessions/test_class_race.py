"""Class play: participants from a CSV, one race on common flips, ranked results exported.

The expected ranking is computed independently of game.sessions.class_race: the flips come from a
separate engine run (a Kelly bettor's path rises exactly on heads), and with h heads in T flips
a fraction f ends at W_0 (1 + b f)^h (1 - f)^(T - h); scipy ranks those wealths.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import rankdata

from game.sessions.class_race import (
    RESULT_COLUMNS,
    ClassRace,
    Participant,
    competition_ranks,
    parse_participants_csv,
    read_participants_csv,
)
from sim.engine import simulate
from sim.games import CoinGame
from sim.strategies import Kelly

SEED = 20240917
#: 30 students; two pairs choose the same fraction (ties), two go all-in, one bets nothing
FRACTIONS = [
    0.0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65,
    0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.0, 0.12, 0.18, 0.22, 0.28, 0.33, 0.08, 0.5,
]


def write_class(path, fractions=FRACTIONS):
    lines = ["name,fraction"] + [f"Student {i + 1:02d},{f}" for i, f in enumerate(fractions)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def engine_heads(game: CoinGame, seed: int) -> np.ndarray:
    """The race's flips, read from an independent engine run of one Kelly bettor."""
    run = simulate(game, [Kelly()], 1, seed, method="paths", record_paths=True)
    return np.diff(run.trajectories[0, 0]) > 0


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("odds", [1.0, 2.0])
def test_class_of_30_from_csv_exports_the_right_ranks(tmp_path, odds):
    game = CoinGame(p=0.6, odds=odds, start=100.0, rounds=120)
    race = ClassRace.from_csv(write_class(tmp_path / "class.csv"), game, SEED)
    out = race.export_csv(tmp_path / "results.csv")
    rows = read_rows(out)
    assert tuple(rows[0]) == RESULT_COLUMNS
    assert len(rows) == 30

    heads = engine_heads(game, SEED)
    h, t = int(heads.sum()), game.rounds
    f = np.array(FRACTIONS)
    with np.errstate(divide="ignore"):
        expected_wealth = 100.0 * (1 + odds * f) ** h * (1 - f) ** (t - h)
        log_wealth = h * np.log1p(odds * f) + (t - h) * np.log1p(-f)
    # ties: equal to 9 decimals in log-wealth (busts are -inf and tie for last)
    expected_rank = rankdata(-np.round(log_wealth, 9), method="min")

    by_name = {row["name"]: row for row in rows}
    for i, fraction in enumerate(FRACTIONS):
        row = by_name[f"Student {i + 1:02d}"]
        assert float(row["fraction"]) == fraction
        assert float(row["final_wealth"]) == pytest.approx(expected_wealth[i], rel=1e-9)
        assert int(row["rank"]) == expected_rank[i]
        growth = float(row["growth"])
        if expected_wealth[i] > 0:
            assert growth == pytest.approx(math.log(expected_wealth[i] / 100.0) / t, rel=1e-9)
        else:
            assert growth == -math.inf
        assert (row["p"], row["odds"], row["rounds"], row["seed"]) == (
            "0.6", repr(odds), str(t), str(SEED))
    # rows come out best first
    assert [int(r["rank"]) for r in rows] == sorted(int(r["rank"]) for r in rows)


def test_ties_share_a_rank_and_the_next_rank_skips(tmp_path):
    game = CoinGame(p=0.6, rounds=120)
    race = ClassRace.from_csv(write_class(tmp_path / "class.csv"), game, SEED)
    final = {s.name: s for s in race.standings()}
    assert final["Student 05"].rank == final["Student 06"].rank  # both 0.2
    assert final["Student 22"].rank == final["Student 23"].rank == 29  # both all-in: bust last
    assert final["Student 22"].wealth == 0.0
    ranks = sorted(s.rank for s in final.values())
    tied = final["Student 05"].rank
    assert tied + 1 not in ranks and tied + 2 in ranks


def test_competition_ranks():
    assert list(competition_ranks([5.0, 7.0, 7.0, 1.0, 0.0, 0.0])) == [3, 1, 1, 4, 5, 5]
    # equal to 12 significant digits counts as a tie
    assert list(competition_ranks([250.0, 250.00000000000003])) == [1, 1]


def test_live_leaderboard_round_by_round(tmp_path):
    game = CoinGame(p=0.6, rounds=50)
    race = ClassRace.from_csv(write_class(tmp_path / "class.csv"), game, SEED)
    start = race.standings(0)
    assert all(s.wealth == 100.0 and s.rank == 1 and s.growth == 0.0 for s in start)
    heads = engine_heads(game, SEED)
    np.testing.assert_array_equal(race.heads, heads)
    for t in (1, 10, 37, 50):
        h = int(heads[:t].sum())
        assert race.heads_so_far(t) == h
        for s in race.standings(t):
            expected = 100.0 * (1 + s.fraction) ** h * (1 - s.fraction) ** (t - h)
            assert s.wealth == pytest.approx(expected, rel=1e-9, abs=1e-300)
    with pytest.raises(ValueError, match="round = 51"):
        race.standings(51)


def test_same_seed_same_race_and_a_new_seed_new_flips(tmp_path):
    people = [Participant("Ada", 0.2), Participant("Bo", 0.5)]
    game = CoinGame(p=0.6, rounds=200)
    first, again = ClassRace(people, game, 1), ClassRace(people, game, 1)
    np.testing.assert_array_equal(first.wealth, again.wealth)
    assert not np.array_equal(first.heads, ClassRace(people, game, 2).heads)


def test_export_is_atomic_and_safe_for_spreadsheets(tmp_path):
    people = [Participant("=HYPERLINK(1)", 0.2), Participant("Bo", 0.1)]
    race = ClassRace(people, CoinGame(p=0.6, rounds=10), 3)
    out = race.export_csv(tmp_path / "results.csv")
    names = {row["name"] for row in read_rows(out)}
    assert "'=HYPERLINK(1)" in names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]  # no temp file left
    with pytest.raises(ValueError, match="does not exist"):
        race.export_csv(tmp_path / "missing" / "results.csv")


def test_fractions_may_be_percentages_and_blank_lines_are_skipped():
    people = parse_participants_csv("Name,Fraction,Team\nAda, 20% ,red\n\nBo,0.1,blue\n")
    assert people == (Participant("Ada", 0.2), Participant("Bo", 0.1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,share\nAda,0.2\n", r"missing column 'fraction'"),
        ("student,fraction\nAda,0.2\n", r"missing column 'name'"),
        ("", r"missing column 'name'"),
        ("name,fraction\n", r"no participants"),
        ("name,fraction\nAda,0.2\nBo,abc\n", r"line 3 \(Bo\): fraction = 'abc' is not a number"),
        ("name,fraction\nAda,1.5\n", r"line 2 \(Ada\): fraction = '1\.5' must be a fraction"),
        ("name,fraction\nAda,-0.1\n", r"line 2 \(Ada\): fraction = '-0\.1'"),
        ("name,fraction\nAda,nan\n", r"line 2 \(Ada\): fraction = 'nan'"),
        ("name,fraction\nAda,\n", r"line 2 \(Ada\): fraction = ''"),
        ("name,fraction\nAda,0.2\nBo,0.3\nada,0.4\n",
         r"line 4: name = 'ada' already appears on line 2"),
        ("name,fraction\n,0.2\n", r"line 2: name is empty"),
        ("name,fraction\nAda,0.2,extra\n", r"line 2 has more cells than the header"),
    ],
)
def test_bad_csv_raises_value_error_naming_the_row(text, message):
    with pytest.raises(ValueError, match=message):
        parse_participants_csv(text, source="class.csv")


def test_csv_file_errors(tmp_path):
    with pytest.raises(ValueError, match="cannot be read"):
        read_participants_csv(tmp_path / "nobody.csv")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("name,fraction\nJosé,0.2\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        read_participants_csv(latin1)
    bom = tmp_path / "excel.csv"
    bom.write_bytes("name,fraction\r\nJosé,0.2\r\n".encode("utf-8-sig"))
    assert read_participants_csv(bom) == (Participant("José", 0.2),)


def test_participants_are_validated():
    with pytest.raises(ValueError, match="name = '  ' is empty"):
        Participant("  ", 0.2)
    with pytest.raises(ValueError, match=r"'Ada': fraction = 2"):
        Participant("Ada", 2)
    with pytest.raises(ValueError, match="appears twice"):
        ClassRace([Participant("Ada", 0.1), Participant("ADA", 0.2)], CoinGame(), 1)
    with pytest.raises(ValueError, match="at least one participant"):
        ClassRace([], CoinGame(), 1)


# -- hostile class lists and destinations (issues 17, 18) ---------------------------------------

def test_a_field_over_csv_s_limit_is_one_value_error_not_csv_error(tmp_path):
    path = tmp_path / "class.csv"
    path.write_text("name,fraction\n" + "A" * 200_000 + ",0.5\n")
    with pytest.raises(ValueError, match=r"class\.csv.*line 2: field larger than field limit"):
        read_participants_csv(path)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_or_dev_zero_class_list_is_refused_at_once(tmp_path):
    import os

    os.mkfifo(tmp_path / "fifo.csv")
    with pytest.raises(ValueError, match="FIFO"):
        read_participants_csv(tmp_path / "fifo.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="device"):
        read_participants_csv(tmp_path / "zero.csv")


def test_an_export_that_cannot_be_written_keeps_the_race_and_offers_another_folder(
        tmp_path, monkeypatch):
    from game.sessions.class_race import export_results

    monkeypatch.chdir(tmp_path)  # short names: a path past ~80 characters is quoted shortened
    game = CoinGame(p=0.6, odds=1.0, rounds=10)
    race = ClassRace.from_csv(write_class(tmp_path / "class.csv"), game, SEED)
    before = race.standings()
    blocked, data = Path("file-not-folder"), Path("data-folder")
    blocked.write_text("x")  # as root a 0555 folder is writable: a file in the way refuses all
    saved, message = export_results(race, blocked / "results.csv", data)
    assert saved is None
    assert "results.csv" in message and str(data) in message
    assert race.standings() == before  # the race is kept
    saved, message = export_results(race, data / "results.csv", data)
    assert saved == data / "results.csv" and message == ""
    assert len(read_rows(saved)) == len(before)
