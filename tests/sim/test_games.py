"""Games validate themselves and describe their outcomes."""

import math

import numpy as np
import pytest

from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame


def test_coin_is_a_fair_two_way_book():
    game = CoinGame(p=0.55, odds=2.0)
    assert np.sum(1 / game.decimal_odds) == pytest.approx(1.0)
    assert game.outcome_probs.tolist() == pytest.approx([0.55, 0.45])
    assert game.share_of_fraction(0.0) == pytest.approx(1 / 3)
    assert CoinGame(p=0.6).share_of_fraction(0.2) == pytest.approx(0.6)
    assert CoinGame(p=0.6).share_of_fraction(-0.2) == pytest.approx(0.4)
    # a tails stake of 0.5 at 2-to-1 on heads leaves 0.5 of the bankroll if heads comes
    assert game.share_of_fraction(-0.5) * game.decimal_odds[0] == pytest.approx(0.5)


def test_haghani_dewey_preset():
    game = HAGHANI_DEWEY
    assert (game.start, game.p, game.odds, game.cap, game.tick, game.rounds) == (
        25.0, 0.6, 1.0, 250.0, 0.01, 300,
    )
    assert game.allow_tails and not game.is_frictionless


def test_race_normalises_and_names_outcomes():
    game = RaceGame(probs=[0.5, 0.3, 0.2], odds=[2, 4, 6])
    assert game.probs == (0.5, 0.3, 0.2)
    assert game.outcome_names == ("#1", "#2", "#3")
    assert game.is_frictionless


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"p": 1.5}, "p = 1.5"),
        ({"p": math.nan}, "p = nan"),
        ({"p": -0.1}, "p = -0.1"),
        ({"odds": 0}, "odds = 0"),
        ({"odds": math.inf}, "odds = inf"),
        ({"start": -5}, "start = -5"),
        ({"start": 0}, "start = 0"),
        ({"cap": 50, "start": 100}, "cap = 50"),
        ({"floor": -1}, "floor = -1"),
        ({"floor": 100, "start": 100}, "floor = 100"),
        ({"min_bet": -1}, "min_bet = -1"),
        ({"tick": -0.01}, "tick = -0.01"),
        ({"rounds": 0}, "rounds = 0"),
        ({"rounds": 2.5}, "rounds = 2.5"),
        ({"p": "0.6"}, "p = '0.6'"),
    ],
)
def test_bad_coin_values_are_named(kwargs, named):
    with pytest.raises(ValueError, match=named.replace(".", r"\.").replace("+", r"\+")):
        CoinGame(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"probs": [0.5, 0.6], "odds": [2, 2]}, "sum to 1.1"),
        ({"probs": [0.5, 0.5], "odds": [2, -1]}, r"odds\[1\] = -1"),
        ({"probs": [1.0], "odds": [2]}, "at least 2 outcomes"),
        ({"probs": [0.5, 0.5], "odds": [2, 2, 2]}, "has 3 entries"),
        ({"probs": [0.5, math.nan], "odds": [2, 2]}, r"probs\[1\] = nan"),
        ({"probs": 0.5, "odds": [2, 2]}, "not a list"),
    ],
)
def test_bad_race_values_are_named(kwargs, named):
    with pytest.raises(ValueError, match=named):
        RaceGame(**kwargs)
