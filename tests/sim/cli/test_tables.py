"""What ``kelly sweep`` and ``kelly race`` print and write (issue 15): a short table beside a
figure, the rules and seed in the sweep's file, the race's bets as numbers."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.analysis import SWEEP_COLUMNS, SWEEP_RUN_COLUMNS, race_columns
from sim.cli import main

SMALL = ["--rounds", "40", "--paths", "200", "-q"]


def test_sweep_with_a_plot_prints_a_few_named_rows(tmp_path, capsys):
    plot = tmp_path / "sweep.png"
    assert main(["sweep", "--p", "0.6", *SMALL, "--plot", str(plot)]) == 0
    shown = capsys.readouterr().out
    assert plot.exists()
    assert "4 of 100 rows (all: --table or --out FILE.csv)" in " ".join(shown.split())
    for name in ("half Kelly", "Kelly f*", "double Kelly", "largest f"):
        assert name in shown
    assert "divergence" not in shown  # the short table, not the 20 columns
    body = [line for line in shown.splitlines() if line.startswith("│")]
    assert len(body) == 4


def test_sweep_table_flag_and_no_plot_print_every_row(tmp_path, capsys):
    plot = tmp_path / "sweep.png"
    assert main(["sweep", "--fractions", "0:0.5:0.05", *SMALL, "--plot", str(plot),
                 "--table"]) == 0
    every = [line for line in capsys.readouterr().out.splitlines() if line.startswith("│")]
    assert main(["sweep", "--fractions", "0:0.5:0.05", *SMALL]) == 0
    plain = [line for line in capsys.readouterr().out.splitlines() if line.startswith("│")]
    assert len(every) == len(plain) == 11


def test_sweep_file_records_the_rules_and_the_seed(tmp_path, capsys):
    out = tmp_path / "sweep.csv"
    assert main(["sweep", "--p", "0.55", "--odds", "2", "--start", "30", "--seed", "17",
                 "--fractions", "0,0.1,0.2", *SMALL, "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == SWEEP_COLUMNS
    assert list(table.columns[-len(SWEEP_RUN_COLUMNS):]) == list(SWEEP_RUN_COLUMNS)
    assert set(table["p"]) == {0.55} and set(table["odds"]) == {2.0}
    assert set(table["seed"]) == {17} and set(table["rounds"]) == {40}
    assert set(table["paths"]) == {200} and set(table["start"]) == {30.0}
    # the file alone reproduces the run
    row = table.iloc[0]
    again = tmp_path / "again.csv"
    assert main(["sweep", "--p", str(row["p"]), "--odds", str(row["odds"]),
                 "--start", str(row["start"]), "--seed", str(int(row["seed"])),
                 "--rounds", str(int(row["rounds"])), "--paths", str(int(row["paths"])),
                 "--fractions", "0,0.1,0.2", "-q", "--out", str(again)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(again), table)


def test_race_bets_are_numbers_one_per_horse(tmp_path, capsys):
    out = tmp_path / "race.json"
    assert main(["race", "--probs", "0.5,0.3,0.2", "--odds", "2,4,6", "--strategy", "kelly",
                 "--strategy", "bayes", *SMALL, "--out", str(out)]) == 0
    records = json.loads(out.read_text())
    assert list(records[0]) == race_columns(3)
    kelly, bayes = records
    assert [kelly[f"bet_{i}"] for i in (1, 2, 3)] == pytest.approx([0.5, 0.3, 0.2])
    assert all(isinstance(kelly[f"bet_{i}"], float) for i in (1, 2, 3))
    assert [bayes[f"bet_{i}"] for i in (1, 2, 3)] == [None, None, None]  # adaptive: no one bet
