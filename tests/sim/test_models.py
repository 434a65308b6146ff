"""Learning is betting (sim.models): data sets, models, the bettor, the per-step identity,
the overfit table that goes bust, the scores, the figure and the ``kelly learn`` module."""

import doctest
import math
import sys

import numpy as np
import pandas as pd
import pytest

import sim.models
import sim.models.betting
import sim.models.datasets
import sim.models.experiment
import sim.models.models
import sim.models.plots
from sim.cli import main
from sim.models import (
    BaseRate,
    FrequencyTable,
    ModeBettor,
    Races,
    SoftmaxRegression,
    bet_races,
    brier_score,
    check_identity,
    learning_curve,
    learning_run,
    load_races,
    log_loss,
    make_model,
    score_races,
    split_races,
    synthetic_races,
)

LN3 = math.log(3.0)


def races(features, outcomes, name="hand-made") -> Races:
    features = np.asarray(features, dtype=float).reshape(len(outcomes), -1)
    return Races(name, features, np.asarray(outcomes), ("A", "B", "C"),
                 tuple(f"x{j}" for j in range(features.shape[1])))


def identity_holds(curve: pd.DataFrame, split: str) -> bool:
    growth = curve[f"{split}_growth"].to_numpy()
    expected = (curve[f"{split}_log_odds"] - curve[f"{split}_cross_entropy"]).to_numpy()
    same_infinity = np.isneginf(growth) & np.isneginf(expected)
    close = np.isclose(growth, expected, rtol=0, atol=1e-9)
    return bool(np.all(same_infinity | close))


# ---------------------------------------------------------------------------------------------
# The identity growth = sum p ln o - cross-entropy, on every step.


@pytest.mark.parametrize("model", sim.models.MODELS)
def test_identity_on_every_step_for_every_model(model):
    train, test = split_races(synthetic_races(150, seed=3), seed=3)
    curve = learning_curve(make_model(model, bins=4), train, test, steps=12)
    assert len(curve) == 12
    for split in ("train", "test"):
        assert identity_holds(curve, split)
        assert (curve[f"{split}_identity_gap"] == 0).all() or \
            curve[f"{split}_identity_gap"].abs().max() < 1e-9


def test_identity_at_the_bookmakers_odds():
    train, test = split_races(synthetic_races(120, seed=1), seed=1)
    odds = [2.5, 2.8, 3.1]  # a take: sum 1/o > 1
    curve = learning_curve(SoftmaxRegression(), train, test, steps=8, odds=odds)
    assert identity_holds(curve, "test")
    assert curve["test_log_odds"].iloc[0] == pytest.approx(
        np.log(np.array(odds)[test.outcomes]).mean())


def test_growth_is_the_bankroll_not_a_restated_loss():
    q = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    outcomes = np.array([1, 2])
    wealth = 1.0
    for row, winner in zip(q, outcomes, strict=True):  # settle race by race in money
        wealth = wealth * row[winner] * 3.0
    assert bet_races(q, outcomes, [3, 3, 3]).sum() == pytest.approx(math.log(wealth))
    assert LN3 - log_loss(q, outcomes) == pytest.approx(math.log(wealth) / 2)


def test_check_identity_catches_a_mismatch():
    assert check_identity(-math.inf, LN3, math.inf) == 0.0
    with pytest.raises(ArithmeticError):
        check_identity(0.5, LN3, 1.0)
    with pytest.raises(ArithmeticError):
        check_identity(-math.inf, LN3, 1.0)


# ---------------------------------------------------------------------------------------------
# Against the field's own tool.


@pytest.mark.parametrize(("dataset", "model"), [("iris", "softmax"), ("iris", "smoothed"),
                                                ("wine", "softmax"), ("synthetic", "base")])
def test_sklearn_log_loss_is_ln_m_minus_growth_per_race(dataset, model):
    metrics = pytest.importorskip("sklearn.metrics")
    run = learning_run(dataset, model, steps=30, seed=2)
    q = run.model.predict(run.test.features)
    growth = bet_races(q, run.test.outcomes, run.odds).mean()
    theirs = metrics.log_loss(run.test.outcomes, q, labels=list(range(run.test.horses)))
    assert theirs == pytest.approx(LN3 - growth, abs=1e-9)
    assert run.curve["test_growth"].iloc[-1] == pytest.approx(growth, abs=1e-12)


def test_sklearn_brier_agrees_on_two_horses():
    metrics = pytest.importorskip("sklearn.metrics")
    q = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    outcomes = np.array([0, 0, 1])
    # scikit-learn's binary Brier is the mean (q_1 - [x = 1])^2, half of the two-class sum
    theirs = metrics.brier_score_loss(outcomes, q[:, 1])
    assert brier_score(q, outcomes) == pytest.approx(2 * theirs)


# ---------------------------------------------------------------------------------------------
# Overfitting is overbetting.


def test_unsmoothed_table_goes_bust_where_a_cells_outcome_never_came_and_smoothing_avoids_it():
    # cell x < 0.5 saw only horse A win in training; a test race there is won by B
    train = races([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 2, 1])
    test = races([0.15, 0.85], [1, 1])
    mle = FrequencyTable(bins=2, smoothing=0.0, features=(0,))
    mle.train_step(train, 1, 1)
    assert mle.predict(test.features)[0].tolist() == [1.0, 0.0, 0.0]
    scores = score_races(mle.predict(test.features), test, [3, 3, 3])
    assert scores["bust"] and scores["cross_entropy"] == math.inf
    assert score_races(mle.predict(train.features), train, [3, 3, 3])["growth"] > 0.5
    smoothed = FrequencyTable(bins=2, smoothing=1.0, features=(0,))
    smoothed.train_step(train, 1, 1)
    q = smoothed.predict(test.features)
    assert q[0].tolist() == pytest.approx([4 / 6, 1 / 6, 1 / 6])
    kept = score_races(q, test, [3, 3, 3])
    assert not kept["bust"] and math.isfinite(kept["growth"])


def test_the_mle_fits_training_better_and_loses_everything_on_new_races():
    run = learning_run("synthetic", "table", bins=4, steps=1, seed=0)
    smooth = learning_run("synthetic", "smoothed", smoothing=1.0, bins=4, steps=1, seed=0)
    assert run.curve["train_cross_entropy"].iloc[0] < smooth.curve["train_cross_entropy"].iloc[0]
    assert run.curve["test_bust"].iloc[0] and not smooth.curve["test_bust"].iloc[0]
    assert np.isneginf(np.cumsum(run.paths["test"])[-1])


def test_a_cell_never_seen_falls_back_on_the_base_rate_or_the_prior():
    # two features cut at their medians: training fills cells (low, low) and (high, high)
    train = races([[0.1, 0.1], [0.2, 0.2], [0.8, 0.8], [0.9, 0.9]], [0, 0, 1, 2])
    seen, unseen = np.array([[0.85, 0.85]]), np.array([[0.9, 0.1]])
    mle = FrequencyTable(bins=2, smoothing=0.0, features=(0, 1))
    mle.train_step(train, 1, 1)
    assert mle.predict(seen)[0].tolist() == pytest.approx([0.0, 0.5, 0.5])
    assert mle.predict(unseen)[0].tolist() == pytest.approx([0.5, 0.25, 0.25])  # base rate
    smoothed = FrequencyTable(bins=2, smoothing=2.0, features=(0, 1))
    smoothed.train_step(train, 1, 1)
    assert smoothed.predict(seen)[0].tolist() == pytest.approx([2 / 8, 3 / 8, 3 / 8])
    assert smoothed.predict(unseen)[0].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_the_accuracy_tuned_bettor_goes_bust_though_its_brier_score_is_better():
    run = learning_run("synthetic", "hard", steps=50, seed=0)
    honest = learning_run("synthetic", "softmax", steps=50, seed=0)
    last, honest_last = run.curve.iloc[-1], honest.curve.iloc[-1]
    assert last["test_bust"] and not honest_last["test_bust"]
    assert last["test_accuracy"] == pytest.approx(honest_last["test_accuracy"])  # same mode
    assert set(np.unique(run.model.predict(run.test.features))) == {0.0, 1.0}


def test_brier_is_proper_but_not_the_growth_rate():
    truth = np.array([0] * 9 + [1])
    sure, unsure = np.tile([1.0, 0.0], (10, 1)), np.full((10, 2), 0.5)
    assert brier_score(sure, truth) < brier_score(unsure, truth)  # Brier prefers the sure one
    assert log_loss(sure, truth) == math.inf  # which goes bust
    # yet Brier is proper: for a horse that wins 90% of the time, q = 0.9 minimises its mean
    grid = np.linspace(0, 1, 101)
    expected = [0.9 * 2 * (1 - a) ** 2 + 0.1 * 2 * a**2 for a in grid]
    assert grid[int(np.argmin(expected))] == pytest.approx(0.9)


def test_absolute_error_and_accuracy_reward_all_or_nothing():
    test = races([0.0] * 10, [0] * 6 + [1] * 3 + [2])  # the favourite wins 6 in 10
    honest = score_races(np.tile([0.6, 0.3, 0.1], (10, 1)), test, [3, 3, 3])
    corner = score_races(np.tile([1.0, 0.0, 0.0], (10, 1)), test, [3, 3, 3])
    assert corner["absolute_error"] == pytest.approx(0.8)
    assert corner["absolute_error"] < honest["absolute_error"]
    assert corner["accuracy"] == honest["accuracy"] == pytest.approx(0.6)
    assert corner["bust"] and honest["growth"] > 0


# ---------------------------------------------------------------------------------------------
# Models and data.


def test_softmax_gradient_matches_finite_differences():
    train = synthetic_races(40, seed=5)
    model = SoftmaxRegression(learning_rate=1.0)
    model.train_step(train, 1, 1)  # from zero weights: weights = -gradient at 0
    gradient = -model.weights
    design = model._design(train.features)

    def loss(weights):
        q = sim.models.models.softmax(design @ weights)
        return -np.log(q[np.arange(train.size), train.outcomes]).mean()

    zero, h = np.zeros_like(gradient), 1e-6
    for index in [(0, 0), (1, 2), (2, 1)]:
        bump = zero.copy()
        bump[index] = h
        numeric = (loss(bump) - loss(-bump)) / (2 * h)
        assert gradient[index] == pytest.approx(numeric, abs=1e-7)


def test_softmax_training_lowers_the_training_loss_and_approaches_the_truth():
    train, test = split_races(synthetic_races(600, seed=8), seed=8)
    curve = learning_curve(SoftmaxRegression(learning_rate=1.0), train, test, steps=300)
    assert np.all(np.diff(curve["train_cross_entropy"]) <= 1e-12)  # a convex loss, small steps
    assert curve["test_divergence"].iloc[-1] < 0.05 < curve["test_divergence"].iloc[0]
    expected = curve["test_entropy"] + curve["test_divergence"]
    assert np.allclose(expected.iloc[-1], curve["test_cross_entropy"].iloc[-1], atol=0.1)


def test_true_chances_have_zero_divergence():
    test = synthetic_races(200, seed=1)
    scores = score_races(test.true_probs, test, [3, 3, 3])
    assert scores["divergence"] == pytest.approx(0.0, abs=1e-12)
    assert scores["entropy"] > 0


def test_base_rate_and_counting_steps():
    train = synthetic_races(100, seed=0)
    model = BaseRate(smoothing=0.0)
    seen = model.train_step(train, 1, 4)
    assert seen.size == 25
    assert model.predict(np.zeros((2, 2)))[0] == pytest.approx(
        np.bincount(train.outcomes[:25], minlength=3) / 25)
    assert model.train_step(train, 4, 4).size == 100


def test_mode_bettor_wraps_any_model():
    model = ModeBettor(BaseRate(smoothing=1.0))
    train = races([0.0] * 5, [2, 2, 1, 0, 2])
    model.train_step(train, 1, 1)
    assert model.predict(np.zeros((1, 1)))[0].tolist() == [0.0, 0.0, 1.0]


def test_split_is_seeded_disjoint_and_complete():
    data = synthetic_races(50, seed=0)
    train, test = split_races(data, test_fraction=0.3, seed=7)
    again, _ = split_races(data, test_fraction=0.3, seed=7)
    other, _ = split_races(data, test_fraction=0.3, seed=8)
    assert (train.size, test.size) == (35, 15)
    assert np.array_equal(train.features, again.features)
    assert not np.array_equal(train.features, other.features)
    rows = {tuple(r) for r in np.vstack([train.features, test.features])}
    assert rows == {tuple(r) for r in data.features}


def test_synthetic_races_follow_their_chances():
    data = synthetic_races(20_000, seed=3)
    assert np.bincount(data.outcomes, minlength=3) / data.size == pytest.approx(
        data.true_probs.mean(axis=0), abs=0.015)


def test_bundled_data_sets_are_three_horses():
    pytest.importorskip("sklearn")
    for name, size in (("iris", 150), ("wine", 178)):
        data = load_races(name)
        assert data.size == size and data.horses == 3 and data.true_probs is None


def test_without_scikit_learn_the_error_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn` fail
    with pytest.raises(ValueError, match="scikit-learn"):
        load_races("iris")
    assert load_races("synthetic").size == 300  # the synthetic set needs nothing


# ---------------------------------------------------------------------------------------------
# Bad input.


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"dataset": "cards"}, "'cards'"),
        ({"model": "forest"}, "'forest'"),
        ({"smoothing": -1.0}, "smoothing = -1.0"),
        ({"smoothing": float("nan")}, "smoothing = nan"),
        ({"steps": 0}, "steps = 0"),
        ({"steps": 2.5}, "steps = 2.5"),
        ({"model": "table", "bins": 0}, "bins = 0"),
        ({"model": "table", "features": (0, 7)}, "features = [0, 7]"),
        ({"test_fraction": 1.0}, "test_fraction = 1.0"),
        ({"seed": -3}, "seed = -3"),
        ({"odds": [3, 3]}, "odds = [3, 3]"),
        ({"learning_rate": 0.0}, "learning_rate = 0.0"),
    ],
)
def test_bad_input_raises_value_error_naming_the_value(kwargs, named):
    with pytest.raises(ValueError) as caught:
        learning_run(**({"steps": 2} | kwargs))
    assert named in str(caught.value)


def test_bad_forecasts_are_refused():
    with pytest.raises(ValueError, match="does not sum to 1"):
        log_loss([[0.5, 0.6, 0.1]], [0])
    with pytest.raises(ValueError, match="one column per horse"):
        score_races([[0.5, 0.5]], synthetic_races(2), [3, 3, 3])


# ---------------------------------------------------------------------------------------------
# Figure and subcommand.


def _learn(*argv: str) -> int:
    return main(["learn", *argv])


def test_subcommand_interface():
    import sim.cli.learn

    assert sim.cli.learn.NAME == "learn"
    assert sim.cli.learn.HELP


def test_learn_command_writes_every_step_and_a_figure(tmp_path):
    table, figure = tmp_path / "learn.csv", tmp_path / "learn.svg"
    assert _learn("--model", "table", "--steps", "6", "--out", str(table), "--plot", str(figure),
                  "--quiet") == 0
    frame = pd.read_csv(table)
    assert frame["step"].tolist() == list(range(1, 7))
    assert {"train_cross_entropy", "test_growth", "test_divergence"} <= set(frame.columns)
    assert b"<svg" in figure.read_bytes()[:500]


def test_learn_command_json_and_png(tmp_path):
    table, figure = tmp_path / "learn.json", tmp_path / "learn.png"
    assert _learn("--model", "smoothed", "--smoothing", "0.5", "--steps", "3",
                  "--out", str(table), "--plot", str(figure), "-q") == 0
    assert len(pd.read_json(table)) == 3
    assert figure.read_bytes().startswith(b"\x89PNG")


def test_learn_command_prints_a_short_table(capsys):
    assert _learn("--steps", "40") == 0
    out = capsys.readouterr().out
    assert "test_cross_entropy" in out and " 40 " in out


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("--dataset", "cards"), "'cards'"),
        (("--model", "tree"), "'tree'"),
        (("--smoothing", "-1"), "-1"),
        (("--steps", "0"), "'0'"),
        (("--steps", "100000"), "work limit"),
        (("--features", "1,x"), "'1,x'"),
        (("--plot", "figure.gif"), "figure.gif"),
    ],
)
def test_learn_command_bad_input(argv, named, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert _learn(*argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kelly: error: ")
    assert named in lines[0]
    assert captured.out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("module", [sim.models.datasets, sim.models.models, sim.models.betting,
                                    sim.models.experiment, sim.models.plots])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
