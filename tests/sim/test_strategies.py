"""Policies: parsing, constant bets, and adaptive rules."""

import numpy as np
import pytest

from sim.games import CoinGame, RaceGame
from sim.strategies import (
    AllIn,
    BetContext,
    FixedFraction,
    Kelly,
    Martingale,
    Shares,
    coin_fraction_for_share,
    coin_multipliers,
    parse_strategy,
)

COIN = CoinGame(p=0.6)
RACE = RaceGame(probs=[0.5, 0.3, 0.2], odds=[2, 4, 6])


def context(game, wealth, **extra):
    n = len(wealth)
    fields = {
        "round": 0,
        "log_wealth": np.log(np.asarray(wealth, dtype=float)),
        "counts": None,
        "last_stake": np.zeros(n),
        "last_won": np.zeros(n, dtype=bool),
    }
    fields.update(extra)
    return BetContext(game=game, **fields)


@pytest.mark.parametrize(
    ("spec", "label", "fraction"),
    [
        ("kelly", "kelly", 0.2),
        ("kelly:0.5", "kelly:0.5", 0.1),
        ("Kelly:2", "kelly:2", 0.4),
        ("fixed:0.3", "fixed:0.3", 0.3),
        ("allin", "allin", 1.0),
        ("share:0.6", "share:0.6", 0.2),
        ("share:0.4", "share:0.4", -0.2),
    ],
)
def test_constant_specs_on_the_even_money_coin(spec, label, fraction):
    strategy = parse_strategy(spec)
    assert strategy.label == label
    assert strategy.constant_fractions(COIN) == pytest.approx(fraction)


def test_kelly_takes_the_side_with_the_edge():
    assert Kelly().constant_fractions(CoinGame(p=0.4)) == pytest.approx(-0.2)
    assert Kelly().constant_fractions(CoinGame(p=0.4, allow_tails=False)) == 0.0
    assert Kelly().constant_fractions(CoinGame(p=0.55, odds=2)) == pytest.approx(0.325)
    assert Kelly(10).constant_fractions(COIN) == 1.0  # never more than the bankroll


def test_share_and_fraction_give_the_same_multipliers_at_any_odds():
    game = CoinGame(p=0.55, odds=2.5)
    heads_odds, tails_odds = game.decimal_odds
    for share in (0.1, 0.3, 0.5, 0.9):
        expected = [share * heads_odds, (1 - share) * tails_odds]
        assert Shares((share,)).multipliers(game) == pytest.approx(expected)
        fraction = coin_fraction_for_share(game, share)
        assert coin_multipliers(game, fraction) == pytest.approx(expected)


def test_race_kelly_is_proportional_betting_at_fair_odds():
    shares = Kelly().constant_fractions(RaceGame(probs=[0.5, 0.3, 0.2], odds=[2, 10 / 3, 5]))
    assert shares == pytest.approx([0.5, 0.3, 0.2])
    assert Kelly(0.5).constant_fractions(RACE).sum() == pytest.approx(0.5)
    assert AllIn().constant_fractions(RACE).tolist() == [0, 0, 1]  # 0.2 x 6 is the best


def test_fractions_are_vectorised_over_paths():
    ctx = context(COIN, [10.0, 20.0, 30.0])
    assert parse_strategy("kelly").fractions(ctx).tolist() == pytest.approx([0.2] * 3)
    assert parse_strategy("amount:5").fractions(ctx).tolist() == pytest.approx([0.5, 0.25, 1 / 6])
    race_ctx = context(RACE, [10.0, 20.0])
    assert parse_strategy("share:0.5,0.3,0.2").fractions(race_ctx).shape == (2, 3)


def test_martingale_doubles_after_a_loss_and_resets_after_a_win():
    strategy = Martingale(2.0)
    wealth = np.array([100.0, 100.0, 5.0])
    first = strategy.fractions(context(COIN, wealth))
    assert (first * wealth).tolist() == pytest.approx([2.0, 2.0, 2.0])
    later = strategy.fractions(context(
        COIN, wealth, round=3, last_stake=np.array([4.0, 4.0, 4.0]),
        last_won=np.array([False, True, False]),
    ))
    assert (later * wealth).tolist() == pytest.approx([8.0, 2.0, 5.0])  # capped by the bankroll


def test_bayes_bets_kelly_for_its_posterior_mean():
    strategy = parse_strategy("bayes")
    counts = np.array([[0, 0], [7, 3], [1, 9]])
    ctx = context(COIN, [1.0, 1.0, 1.0], counts=counts)
    # posterior means 1/2, 8/12, 2/12 -> Kelly fractions 0, 1/3 on heads, 2/3 on tails
    assert strategy.fractions(ctx).tolist() == pytest.approx([0.0, 1 / 3, -2 / 3])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("fixed:1.2", "1.2"),
        ("fixed:-0.1", "-0.1"),
        ("fixed:nan", "nan"),
        ("fixed", "needs a value"),
        ("kelly:abc", "'abc'"),
        ("kelly:-1", "kelly:-1"),
        ("amount:0", "amount:0"),
        ("share:0.7,0.6", "sum above 1"),
        ("allin:3", "no argument"),
        ("bayes:1", "ALPHA,BETA"),
        ("bayes:0,1", "alpha"),
        ("magic", "unknown strategy 'magic'"),
        ("", "empty"),
    ],
)
def test_bad_specs_raise_value_error_naming_the_value(spec, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_strategy(spec)


def test_strategies_that_do_not_fit_the_game_are_refused():
    with pytest.raises(ValueError, match="coin games"):
        FixedFraction(0.2).constant_fractions(RACE)
    with pytest.raises(ValueError, match="one share"):
        Shares((0.2, 0.3)).constant_fractions(COIN)
    with pytest.raises(ValueError, match="2 shares for a race of 3"):
        Shares((0.2, 0.3)).constant_fractions(RACE)
