"""Kelly's private wire: closed forms (sim.theory.side_information), the simulation (sim.wire),
its figure and ``kelly wire`` (sim.cli.wire, through sim.cli.main)."""

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim.theory.side_information
import sim.wire
import sim.wire_plots
from sim.cli import main
from sim.engine import simulate
from sim.games import RaceGame
from sim.strategies import Kelly
from sim.theory import coin_growth, entropy
from sim.theory.side_information import (
    conditional_entropy,
    joint_distribution,
    mutual_information,
    tip_capacity,
    tip_joint,
    wire_value,
)
from sim.wire import joint_table, parse_joint, simulate_wire, tip_curve, tip_table

LN2 = math.log(2.0)


def binary_entropy(q: float) -> float:
    return 0.0 if q in (0.0, 1.0) else -(q * math.log(q) + (1 - q) * math.log(1 - q))


@st.composite
def joint_tables(draw):
    """A random joint table (2-4 outcomes x 1-4 signals), some cells possibly 0."""
    outcomes = draw(st.integers(2, 4))
    signals = draw(st.integers(1, 4))
    cells = draw(st.lists(st.one_of(st.just(0.0), st.floats(0.01, 1.0)),
                          min_size=outcomes * signals, max_size=outcomes * signals))
    table = np.array(cells).reshape(outcomes, signals)
    if table.sum() == 0:
        table[0, 0] = 1.0
    return table / table.sum()


@st.composite
def odds_for(draw, outcomes: int, take: tuple[float, float]):
    """Decimal odds whose inverses sum to 1 + a take drawn from ``take``."""
    weights = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=outcomes,
                                     max_size=outcomes)))
    total = 1.0 + draw(st.floats(*take))
    return 1.0 / (total * weights / weights.sum())


# ---------------------------------------------------------------------------------------------
# Closed forms.


@pytest.mark.parametrize("q", [0.0, 0.1, 0.5, 0.55, 0.6, 0.75, 0.9, 0.99, 1.0])
def test_wire_at_even_money_grows_at_ln2_minus_binary_entropy(q):
    value = wire_value(tip_joint(q), [2.0, 2.0])
    expected = LN2 - binary_entropy(q)
    assert value.with_wire == pytest.approx(expected, abs=1e-12)
    assert tip_capacity(q) == pytest.approx(expected, abs=1e-12)
    assert value.without_wire == pytest.approx(0.0, abs=1e-15)
    # Kelly (1956): stake f = |2q - 1| on the tip's side (against it when q < 1/2)
    side = max(q, 1 - q)
    assert coin_growth(2 * side - 1, side) == pytest.approx(expected, abs=1e-12)


def test_capacity_of_a_60_percent_tip_is_the_60_percent_coins_growth():
    assert tip_capacity(0.6) == pytest.approx(0.0201355, abs=5e-8)
    assert tip_capacity(0.6, base=2) == pytest.approx((LN2 - binary_entropy(0.6)) / LN2)


@given(joint_tables(), st.data())
def test_wire_adds_exactly_the_mutual_information_at_fair_odds(table, data):
    odds = data.draw(odds_for(table.shape[0], (0.0, 0.0)))
    value = wire_value(table, odds)
    information = mutual_information(table)
    assert value.gain == pytest.approx(information, abs=1e-9)
    assert value.with_wire == pytest.approx(value.log_odds - conditional_entropy(table), abs=1e-9)
    assert value.without_wire == pytest.approx(value.log_odds - value.entropy, abs=1e-9)


@given(joint_tables())
def test_uniform_fair_odds_give_ln_m_minus_conditional_entropy(table):
    m = table.shape[0]
    value = wire_value(table)  # default: m-for-1 on every outcome
    assert value.with_wire == pytest.approx(math.log(m) - conditional_entropy(table), abs=1e-9)
    assert value.inverse_odds == pytest.approx(1.0)


@given(joint_tables(), st.data())
def test_betting_every_dollar_the_gain_is_mutual_information_at_any_odds(table, data):
    odds = data.draw(odds_for(table.shape[0], (-0.3, 0.5)))
    value = wire_value(table, odds, cash=False)
    assert value.gain == pytest.approx(mutual_information(table), abs=1e-9)


@given(joint_tables(), st.data())
def test_with_cash_at_subfair_odds_the_gain_lies_between_0_and_information(table, data):
    odds = data.draw(odds_for(table.shape[0], (0.001, 0.5)))
    value = wire_value(table, odds, cash=True)
    assert -1e-12 <= value.gain <= mutual_information(table) + 1e-9
    # keeping cash never grows slower than betting everything
    assert value.with_wire >= wire_value(table, odds, cash=False).with_wire - 1e-12


def test_subfair_odds_can_make_the_wire_worth_strictly_less_than_its_information():
    table = [[0.3, 0.1], [0.1, 0.5]]
    value = wire_value(table, [2.2, 1.6])
    assert value.without_wire == 0.0  # no edge without the tip: keep the cash
    assert 0 < value.gain < value.mutual_information - 0.01


def test_information_identities():
    table = np.array([[0.2, 0.1, 0.05], [0.05, 0.3, 0.3]])
    marginal = table.sum(axis=1)
    assert mutual_information(table) == pytest.approx(mutual_information(table.T))
    assert mutual_information(table) == pytest.approx(entropy(marginal)
                                                      - conditional_entropy(table))
    assert mutual_information(np.outer([0.3, 0.7], [0.5, 0.5])) == pytest.approx(0.0, abs=1e-15)
    assert mutual_information(np.diag([0.2, 0.3, 0.5])) == pytest.approx(entropy([0.2, 0.3, 0.5]))
    assert conditional_entropy(np.diag([0.2, 0.3, 0.5])) == 0.0
    assert mutual_information(table, base=2) == pytest.approx(mutual_information(table) / LN2)


def test_a_signal_that_never_comes_is_ignored():
    table = [[0.4, 0.1, 0.0], [0.1, 0.4, 0.0]]
    assert wire_value(table).with_wire == pytest.approx(wire_value(tip_joint(0.8)).with_wire)


def test_tip_on_a_race_spreads_its_mistakes_over_the_other_horses():
    table = tip_joint(0.7, [0.5, 0.3, 0.2])
    assert table.sum() == pytest.approx(1.0)
    assert table[0].tolist() == pytest.approx([0.35, 0.075, 0.075])
    assert np.allclose(table.sum(axis=1), [0.5, 0.3, 0.2])


# ---------------------------------------------------------------------------------------------
# Monte Carlo.


@pytest.mark.parametrize("q", [0.55, 0.7, 0.9])
def test_monte_carlo_growth_with_the_wire_within_4_standard_errors(q):
    table, _ = tip_table([q], paths=4000, rounds=100, seed=11)
    row = table.iloc[0]
    expected = LN2 - binary_entropy(q)
    assert row["with_se"] > 0
    assert abs(row["with_mc"] - expected) < 4 * row["with_se"]
    assert abs(row["gain_mc"] - row["mutual_information"]) < 4 * row["gain_se"]
    assert abs(row["gain_z"]) < 4


def test_monte_carlo_at_a_biased_coin_and_subfair_odds_within_4_standard_errors():
    joint = tip_joint(0.7, [0.6, 0.4])
    table, _ = joint_table(joint, [1.9, 1.9], paths=4000, rounds=100, seed=5)
    row = table.iloc[0]
    for name in ("without", "with", "gain"):
        assert abs(row[f"{name}_mc"] - row[f"{name}_theory"]) < 4 * row[f"{name}_se"], name
    assert row["gain_theory"] <= row["mutual_information"]


def test_without_the_wire_the_bettor_sees_exactly_the_engines_races():
    joint = tip_joint(0.8, [0.6, 0.4])
    odds = [2.0, 2.0]
    run = simulate_wire(joint, odds, paths=1500, rounds=40, seed=9)
    game = RaceGame(probs=(0.6, 0.4), odds=(2.0, 2.0), rounds=40, start=1.0)
    engine = simulate(game, [Kelly()], paths=1500, seed=9, method="paths")
    assert np.allclose(run.log_wealth_without, engine.log_wealth[0], atol=1e-9)


def test_paths_do_not_depend_on_how_many_are_asked_for():
    joint = tip_joint(0.65, [0.5, 0.3, 0.2])
    small = simulate_wire(joint, paths=700, rounds=30, seed=4, samples=3)
    large = simulate_wire(joint, paths=2100, rounds=30, seed=4, samples=5)
    assert np.array_equal(small.log_wealth_with, large.log_wealth_with[:700])
    assert np.array_equal(small.log_wealth_without, large.log_wealth_without[:700])
    assert np.array_equal(small.sample_with, large.sample_with[:3])
    again = simulate_wire(joint, paths=700, rounds=30, seed=4)
    assert np.array_equal(small.log_wealth_with, again.log_wealth_with)
    other = simulate_wire(joint, paths=700, rounds=30, seed=5)
    assert not np.array_equal(small.log_wealth_with, other.log_wealth_with)


def test_sample_paths_end_where_the_totals_do():
    run = simulate_wire(tip_joint(0.7), paths=50, rounds=25, seed=2, samples=4)
    assert run.sample_with.shape == (4, 26)
    assert np.allclose(run.sample_with[:, -1], run.log_wealth_with[:4])
    assert np.allclose(run.sample_without[:, 0], 0.0)


def test_a_perfect_wire_doubles_every_even_money_bet():
    run = simulate_wire(tip_joint(1.0), [2.0, 2.0], paths=20, rounds=15, seed=0)
    assert np.allclose(run.log_wealth_with, 15 * LN2)


def test_tip_curve_is_the_capacity():
    curve = tip_curve(points=11)
    expected = [LN2 - binary_entropy(q) for q in curve["accuracy"]]
    assert np.allclose(curve["with_wire"], expected, atol=1e-12)
    assert np.allclose(curve["mutual_information"], expected, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Bad input.


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: tip_joint(1.5), "1.5"),
        (lambda: tip_joint(-0.1), "-0.1"),
        (lambda: tip_joint(float("nan")), "nan"),
        (lambda: tip_capacity(2), "accuracy = 2"),
        (lambda: joint_distribution([[0.5, 0.1], [0.1, 0.5]]), "sums to 1.2"),
        (lambda: joint_distribution([[0.6, -0.1], [0.1, 0.4]]), "negative"),
        (lambda: joint_distribution([0.5, 0.5]), "[0.5, 0.5]"),
        (lambda: joint_distribution([["a", 1]]), "'a'"),
        (lambda: wire_value(tip_joint(0.6), [2.0]), "odds = [2.0]"),
        (lambda: wire_value(tip_joint(0.6), [2.0, 0.0]), "odds = [2.0, 0.0]"),
        (lambda: simulate_wire(tip_joint(0.6), paths=0), "paths = 0"),
        (lambda: simulate_wire(tip_joint(0.6), rounds=0), "rounds = 0"),
        (lambda: simulate_wire(tip_joint(0.6), rounds=10**6), "rounds = 1000000"),
        (lambda: simulate_wire(tip_joint(0.6), seed=-1), "seed = -1"),
        (lambda: parse_joint("0.5;0.2,0.3"), "same number of entries"),
        (lambda: parse_joint("a,b;c,d"), "'a,b;c,d'"),
        (lambda: tip_joint(0.6, [0.7, 0.7]), "prior"),
    ],
)
def test_bad_input_raises_value_error_naming_the_value(call, named):
    with pytest.raises(ValueError, match=None) as caught:
        call()
    assert named in str(caught.value)
    assert len(str(caught.value)) < 200


def test_a_long_bad_table_is_quoted_short():
    with pytest.raises(ValueError) as caught:
        joint_distribution(np.full((40, 40), 1.0))
    assert len(str(caught.value)) < 160


# ---------------------------------------------------------------------------------------------
# Figure and subcommand.


def _wire(*argv: str) -> int:
    return main(["wire", *argv])


def test_subcommand_interface():
    import sim.cli.wire

    assert sim.cli.wire.NAME == "wire"
    assert sim.cli.wire.HELP


def test_wire_command_writes_table_and_figures(tmp_path, capsys):
    table = tmp_path / "wire.csv"
    figure = tmp_path / "wire.png"
    assert _wire("--accuracy", "0.6,0.8", "--paths", "300", "--rounds", "20",
                  "--out", str(table), "--plot", str(figure)) == 0
    frame = pd.read_csv(table)
    assert frame["accuracy"].tolist() == [0.6, 0.8]
    assert frame["with_theory"].tolist() == pytest.approx([tip_capacity(0.6), tip_capacity(0.8)])
    assert figure.read_bytes().startswith(b"\x89PNG")
    assert "wrote" in capsys.readouterr().err


def test_wire_command_joint_table_to_json_and_svg(tmp_path):
    table, figure = tmp_path / "wire.json", tmp_path / "wire.svg"
    assert _wire("--joint", "0.3,0.1;0.1,0.5", "--odds", "2.2,1.6", "--paths", "200",
                  "--rounds", "10", "--out", str(table), "--plot", str(figure), "-q") == 0
    records = pd.read_json(table)
    assert records.loc[0, "gain_theory"] < records.loc[0, "mutual_information"]
    assert b"<svg" in figure.read_bytes()[:500]


def test_wire_command_prints_a_table_without_out(capsys):
    assert _wire("--paths", "100", "--rounds", "5") == 0
    assert "mutual_information" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("--accuracy", "1.5"), "1.5"),
        (("--joint", "0.5,0.1;0.1,0.5"), "sums to 1.2"),
        (("--odds", "2,x"), "'2,x'"),
        (("--paths", "0"), "'0'"),
        (("--rounds", "-3"), "'-3'"),
        (("--paths", "1000000", "--rounds", "10000"), "work limit"),
        (("--out", "table.txt"), "table.txt"),
    ],
)
def test_wire_command_bad_input(argv, named, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert _wire(*argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kelly: error: ")
    assert named in lines[0]
    assert captured.out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("module", [sim.theory.side_information, sim.wire, sim.wire_plots])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_wire_command_writes_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    table = tmp_path / "wire.parquet"
    assert _wire("--accuracy", "0.7", "--paths", "100", "--rounds", "5", "--out", str(table),
                  "-q") == 0
    assert pd.read_parquet(table)["with_theory"].iloc[0] == pytest.approx(tip_capacity(0.7))


def test_closed_forms_are_exported_from_sim_theory_and_sim():
    import sim
    import sim.theory

    for name in ("mutual_information", "conditional_entropy", "tip_capacity", "tip_joint",
                 "wire_value", "WireValue"):
        assert getattr(sim, name) is getattr(sim.theory.side_information, name)
        assert getattr(sim.theory, name) is getattr(sim.theory.side_information, name)
        assert name in sim.__all__ and name in sim.theory.__all__
