"""The Private wire session without pygame: the flips, the tips, the two bankrolls and the
theory beside them all come from sim."""

import math

import numpy as np
import pytest

from game.sessions.wire import CHECK_PATHS, WireSession, capacity_curve
from sim.theory import entropy, tip_joint
from sim.wire import path_draws, simulate_wire


def play_all(session: WireSession) -> list:
    flips = []
    while (flip := session.flip()) is not None:
        flips.append(flip)
    return flips


def test_bankrolls_are_path_zero_of_the_simulation():
    session = WireSession(seed=11, rounds=200, accuracy=0.7)
    play_all(session)
    run = simulate_wire(tip_joint(0.7), paths=3, rounds=200, seed=11, samples=1)
    assert math.log(session.wealth_with()[-1] / 100) == pytest.approx(run.log_wealth_with[0])
    assert session.wealth_without()[-1] == pytest.approx(100.0)  # no edge: bet nothing
    outcomes, tips = path_draws(tip_joint(0.7), 200, 11)
    assert session.tips_right() == int(np.sum(outcomes == tips))


def test_each_flip_stakes_two_q_minus_one_on_the_tip():
    session = WireSession(seed=3, rounds=60, accuracy=0.8)
    assert session.stake == pytest.approx(0.6)
    previous = session.start
    for flip in play_all(session):
        assert flip.stake == pytest.approx(0.6)
        assert flip.side == flip.tip
        factor = 1 + flip.stake if flip.tip_right else 1 - flip.stake
        assert flip.wealth_with == pytest.approx(previous * factor)
        previous = flip.wealth_with
    assert session.finished and session.flip() is None


def test_a_tip_below_half_is_bet_against():
    session = WireSession(seed=3, rounds=10, accuracy=0.2)
    flip = session.flip()
    assert flip.side != flip.tip and flip.stake == pytest.approx(0.6)


def test_changing_the_accuracy_keeps_the_flips():
    session = WireSession(seed=5, rounds=80, accuracy=0.6)
    before = session.outcomes.copy()
    session.set_accuracy(0.9)
    assert np.array_equal(session.outcomes, before)
    assert session.capacity == pytest.approx(math.log(2) - entropy([0.9, 0.1]))
    assert session.value.with_wire == pytest.approx(session.capacity)
    assert session.value.gain == pytest.approx(session.value.mutual_information)
    session.new_flips(6)
    assert session.seed == 6 and session.round == 0


def test_monte_carlo_check_agrees_with_the_capacity():
    session = WireSession(seed=2, rounds=100, accuracy=0.65)
    check = session.check()
    assert check["paths"] == CHECK_PATHS
    assert check["with_theory"] == pytest.approx(session.capacity)
    assert abs(check["with_mc"] - check["with_theory"]) < 4 * check["with_se"]


def test_capacity_curve_is_ln2_minus_binary_entropy():
    curve = capacity_curve()
    q = curve["accuracy"].to_numpy()
    expected = [math.log(2) - entropy([x, 1 - x]) for x in q]
    assert np.allclose(curve["with_wire"], expected)
    assert np.allclose(curve["without_wire"], 0.0)


def test_restart_replays_from_flip_zero_and_bad_values_are_named():
    session = WireSession(seed=1, rounds=5)
    play_all(session)
    session.restart()
    assert session.round == 0 and session.growth() == (0.0, 0.0)
    with pytest.raises(ValueError, match=r"accuracy = 1\.5"):
        session.set_accuracy(1.5)
    with pytest.raises(ValueError, match="flip = 9"):
        session.record(9)
