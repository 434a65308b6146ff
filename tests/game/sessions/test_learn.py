"""The Learn to bet session without pygame: step by step, the same numbers as sim.models."""

import math

import numpy as np
import pandas as pd
import pytest

from game.sessions.learn import STEPS, LearnSession
from sim.models import learning_run


def test_the_session_curve_is_sims_learning_curve():
    session = LearnSession("synthetic", "smoothed", 1.0)
    session.run_to_end()
    run = learning_run("synthetic", "smoothed", smoothing=1.0, steps=STEPS["smoothed"], bins=4)
    pd.testing.assert_frame_equal(session.curve(), run.curve)
    assert np.allclose(session.paths["test"], run.paths["test"])


def test_training_goes_a_step_at_a_time_and_keeps_the_identity():
    session = LearnSession("synthetic", "softmax")
    assert not session.training and session.latest() is None
    session.train()
    assert session.advance(3) == 3 and session.step == 3 and session.training
    for row in session.rows:
        for split in ("train", "test"):
            assert row[f"{split}_growth"] == pytest.approx(
                math.log(3) - row[f"{split}_cross_entropy"], abs=1e-9)
    latest = session.latest()
    assert session.bankroll("test")[-1] == pytest.approx(100 * math.exp(latest["test_log_wealth"]))
    session.advance(10**6)
    assert session.finished and session.step == STEPS["softmax"]


def test_the_unsmoothed_table_goes_bust_on_the_test_races_and_smoothing_saves_it():
    session = LearnSession("synthetic", "table", 0.0)
    session.run_to_end()
    race = session.bust_race("test")
    assert race is not None and session.latest()["test_bust"]
    assert session.bankroll("test")[race] == 0.0
    assert session.latest()["train_cross_entropy"] < session.break_even  # it looked brilliant
    session.choose(model="smoothed", smoothing=1.0)
    assert session.latest() is None  # a new choice clears the run
    session.run_to_end()
    assert session.bust_race("test") is None and not session.latest()["test_bust"]


def test_hard_bets_go_bust_on_iris():
    session = LearnSession("iris", "hard")
    session.run_to_end()
    assert session.latest()["test_bust"] and session.latest()["test_accuracy"] > 0.8


@pytest.mark.parametrize(
    ("change", "named"),
    [({"dataset": "cards"}, "'cards'"), ({"model": "tree"}, "'tree'"),
     ({"smoothing": -1.0}, "-1")],
)
def test_bad_choices_are_named(change, named):
    session = LearnSession()
    with pytest.raises(ValueError, match=named):
        session.choose(**change)
    assert session.dataset == "synthetic" and session.model == "table"


def test_the_data_sets_are_imported_once_off_the_frame_loop():
    import sys

    from game.sessions.learn import preload_datasets

    thread = preload_datasets()
    assert preload_datasets() is thread  # once per process
    assert thread.daemon and thread.name == "kelly-learn-datasets"
    thread.join(timeout=120)
    assert "sklearn.datasets" in sys.modules  # picking iris now costs no import
