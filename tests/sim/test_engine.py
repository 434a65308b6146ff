"""The Monte Carlo engine against theory, against itself, and against the rules."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from sim.engine import settle, simulate
from sim.games import CoinGame, RaceGame
from sim.stats import summarize
from sim.strategies import FixedFraction, Shares
from sim.theory import coin_growth, drawdown_probability, portfolio_growth

COIN = CoinGame(p=0.6, odds=1.0, start=1.0, rounds=1000)


def realised_growth(result):
    return (result.log_wealth - math.log(result.game.start)) / result.game.rounds


@pytest.mark.parametrize("method", ["paths", "counts"])
def test_monte_carlo_growth_matches_theory(method):
    fractions = [0.0, 0.1, 0.2, 0.3, 0.5]
    result = simulate(COIN, [FixedFraction(f) for f in fractions], paths=4000, seed=11,
                      method=method)
    growth = realised_growth(result)
    for f, rates in zip(fractions, growth, strict=True):
        theory = coin_growth(f, COIN.p)
        error = rates.std(ddof=1) / math.sqrt(rates.size)
        if f == 0:
            assert np.all(rates == 0)
        else:
            assert abs(rates.mean() - theory) < 4 * error, (f, rates.mean(), theory, error)


def test_sweep_argmax_is_the_kelly_fraction():
    fractions = np.round(np.arange(0, 0.6001, 0.02), 2)
    result = simulate(COIN, [FixedFraction(f) for f in fractions], paths=20_000, seed=5)
    best = fractions[np.argmax(realised_growth(result).mean(axis=1))]
    assert abs(best - 0.2) <= 0.02 + 1e-12


def test_race_growth_peaks_at_b_equal_p():
    game = RaceGame(probs=[0.5, 0.3, 0.2], odds=[2.0, 4.0, 6.0], rounds=500)
    p = np.array(game.probs)
    candidates = [p, *(np.clip(p + d, 0.01, None) for d in (
        [0.15, -0.1, -0.05], [-0.15, 0.1, 0.05], [-0.1, -0.05, 0.15], [0.05, 0.05, -0.1],
    ))]
    candidates = [c / c.sum() for c in candidates]
    result = simulate(game, [Shares(tuple(c)) for c in candidates], paths=4000, seed=3,
                      method="paths")
    growth = realised_growth(result)
    means = growth.mean(axis=1)
    assert np.argmax(means) == 0
    for shares, rates in zip(candidates, growth, strict=True):
        error = rates.std(ddof=1) / math.sqrt(rates.size)
        assert abs(rates.mean() - portfolio_growth(shares, p, game.odds)) < 4 * error


def test_fast_path_and_path_engine_agree_in_distribution():
    game = CoinGame(p=0.6, rounds=200)
    strategies = ["fixed:0.2", "share:0.3"]
    by_paths = simulate(game, strategies, paths=3000, seed=1, method="paths")
    by_counts = simulate(game, strategies, paths=3000, seed=2, method="counts")
    for i in range(len(strategies)):
        # Both give the same atoms up to float rounding (a sum of rounds vs a product of
        # counts); round them so the two-sample test compares atoms, not last bits.
        test = scipy_stats.ks_2samp(np.round(by_paths.log_wealth[i], 9),
                                    np.round(by_counts.log_wealth[i], 9))
        assert test.pvalue > 1e-3
    # and the win counts behind them are binomial(T, p)
    heads = np.round(
        (by_paths.log_wealth[0] - math.log(game.start) - game.rounds * math.log(0.8))
        / math.log(1.2 / 0.8)
    )
    expected = scipy_stats.binom(game.rounds, game.p)
    assert abs(heads.mean() - expected.mean()) < 4 * expected.std() / math.sqrt(heads.size)


@pytest.mark.parametrize("method", ["paths", "counts"])
def test_same_seed_same_result_whatever_the_chunking(method):
    game = CoinGame(p=0.55, rounds=70)
    strategies = ["kelly", "fixed:0.5"] + (["bayes", "martingale"] if method == "paths" else [])
    runs = [
        simulate(game, strategies, paths=5000, seed=42, method=method, chunk_size=size)
        for size in (1000, 2048, 65_536)
    ]
    for other in runs[1:]:
        assert np.array_equal(runs[0].log_wealth, other.log_wealth)
        assert np.array_equal(runs[0].rounds_played, other.rounds_played)
    different = simulate(game, strategies, paths=5000, seed=43, method=method)
    assert not np.array_equal(runs[0].log_wealth, different.log_wealth)


def test_a_generator_can_stand_in_for_the_seed():
    game = CoinGame(p=0.6, rounds=10)
    one = simulate(game, ["kelly"], paths=100, rng=np.random.default_rng(7))
    two = simulate(game, ["kelly"], paths=100, rng=np.random.default_rng(7))
    assert np.array_equal(one.log_wealth, two.log_wealth)


def test_common_random_numbers_make_equal_bets_equal():
    game = CoinGame(p=0.6, rounds=50)
    result = simulate(game, ["kelly", "fixed:0.2", "share:0.6"], paths=500, seed=0,
                      method="paths")
    assert np.allclose(result.log_wealth[0], result.log_wealth[1])
    assert np.allclose(result.log_wealth[0], result.log_wealth[2])


def test_all_in_busts_on_the_first_loss():
    game = CoinGame(p=0.6, rounds=30)
    result = simulate(game, ["allin", "kelly"], paths=2000, seed=9, method="paths",
                      record_paths=True)
    bust = result.ruined[0]
    assert 0.99 < bust.mean() <= 1.0
    assert np.all(result.log_wealth[0][bust] == -np.inf)
    # bust exactly on the round where Kelly (same flips) first lost
    kelly_steps = np.diff(result.trajectories[1], axis=1)
    first_loss = np.argmax(kelly_steps < 0, axis=1)
    allin_dead = np.argmax(np.isneginf(result.trajectories[0][:, 1:]), axis=1)
    assert np.array_equal(first_loss[bust], allin_dead[bust])
    assert summarize(result).loc[0, "growth"] == -np.inf


def test_cap_ends_the_path_at_the_cap():
    game = CoinGame(p=0.6, start=25.0, cap=250.0, tick=0.01, rounds=300)
    result = simulate(game, ["fixed:0.2"], paths=3000, seed=4, record_paths=True)
    capped = result.capped[0]
    assert 0.9 < capped.mean() < 0.98  # Haghani & Dewey: ~94% for a constant 20%
    wealth = result.final_wealth[0]
    assert wealth[capped] == pytest.approx(np.full(capped.sum(), 250.0), rel=1e-12)
    assert np.all(wealth <= 250.0 * (1 + 1e-12))
    assert np.all(result.rounds_played[0][capped] <= 300)
    # after the cap the path stays flat
    trajectory = result.trajectories[0][capped]
    stop = result.rounds_played[0][capped]
    for row, t in zip(trajectory[:50], stop[:50], strict=True):
        assert np.all(row[t:] == row[t])


def test_floor_stops_betting_and_counts_as_ruin():
    game = CoinGame(p=0.5, start=100.0, floor=50.0, rounds=400)
    result = simulate(game, ["fixed:0.2"], paths=2000, seed=8, method="paths")
    ruined = result.ruined[0]
    assert ruined.mean() > 0.5
    assert np.all(result.final_wealth[0][ruined] <= 50.0)
    assert np.all(result.rounds_played[0][ruined] <= 400)
    assert np.median(result.rounds_played[0][ruined]) < 200


@pytest.mark.slow
@pytest.mark.parametrize(("multiple", "x"), [(1.0, 0.5), (0.5, 0.5)])
def test_thorp_drawdown_probability(multiple, x):
    # P(wealth ever falls to x of its start) ~ x^(2/c - 1) (Thorp 2006, continuous limit)
    game = CoinGame(p=0.51, start=1.0, floor=x, rounds=60_000)
    result = simulate(game, [f"kelly:{multiple}"], paths=4000, seed=12, method="paths")
    expected = drawdown_probability(x, multiple)
    assert abs(result.ruined[0].mean() - expected) < 0.05


def test_settle_applies_ticks_minimum_bets_and_no_borrowing():
    game = CoinGame(p=0.6, start=10.0, tick=0.01, min_bet=1.0, rounds=5)
    wealth = np.array([10.0, 10.0, 10.0, 0.5, 10.0])
    fractions = np.array([0.12345, 0.05, -0.2, 0.5, 3.0])
    heads = np.array([0, 1, 1, 0, 1])
    result = settle(game, wealth, fractions, heads)
    # 1.2345 -> 1.23 on heads, wins; 0.5 -> raised to the 1.00 minimum, loses on tails;
    # 2.00 on tails wins at even money; 0.5 < min bet: cannot bet, ruined; 30 -> capped at 10
    assert result.wealth.tolist() == pytest.approx([11.23, 9.0, 12.0, 0.5, 0.0])
    assert result.stake.tolist() == pytest.approx([1.23, 1.0, 2.0, 0.0, 10.0])
    assert result.ruined.tolist() == [False, False, False, True, True]


def test_settle_pays_a_race_and_keeps_cash():
    game = RaceGame(probs=[0.5, 0.3, 0.2], odds=[2, 4, 6], cap=300.0, start=100.0)
    wealth = np.array([100.0, 100.0])
    shares = np.array([[0.2, 0.2, 0.1], [0.0, 0.0, 0.6]])
    result = settle(game, wealth, shares, np.array([1, 2]))
    # cash 50 + 20 x 4 = 130; cash 40 + 60 x 6 = 400 -> capped at 300
    assert result.wealth.tolist() == pytest.approx([130.0, 300.0])
    assert result.capped.tolist() == [False, True]


def test_ten_thousand_rounds_do_not_overflow():
    game = CoinGame(p=0.6, rounds=10_000)
    result = simulate(game, ["kelly", "bayes"], paths=1024, seed=0, method="paths")
    assert np.all(np.isfinite(result.log_wealth))
    assert np.all(result.log_wealth > 100)  # e^(0.02 x 10^4) would overflow float64 money


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"paths": 0}, "paths = 0"),
        ({"paths": 2.5}, "paths = 2.5"),
        ({"seed": -1}, "seed = -1"),
        ({"strategies": ["nope"]}, "unknown strategy 'nope'"),
        ({"strategies": []}, "no strategy"),
        ({"method": "magic"}, "method = 'magic'"),
        ({"strategies": ["bayes"], "method": "counts"}, "constant-fraction"),
        ({"paths": 10**7, "record_paths": True}, "GiB"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    arguments = {"strategies": ["kelly"], "paths": 10, "seed": 0, **kwargs}
    with pytest.raises(ValueError, match=message):
        simulate(CoinGame(p=0.6, rounds=100), **arguments)
