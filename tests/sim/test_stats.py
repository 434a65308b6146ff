"""Summaries of simulation results."""

import math

import numpy as np
import pytest

from sim.engine import simulate
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.stats import SUMMARY_COLUMNS, summarize, wealth_paths_long
from sim.theory import coin_growth, portfolio_growth


def test_summary_has_one_row_per_strategy_and_every_column():
    result = simulate(CoinGame(p=0.6, rounds=200), ["kelly", "kelly:0.5", "allin", "bayes"],
                      paths=2000, seed=1, method="paths")
    table = summarize(result)
    assert list(table.columns) == SUMMARY_COLUMNS
    assert table["strategy"].tolist() == ["kelly", "kelly:0.5", "allin", "bayes"]
    kelly = table.iloc[0]
    assert kelly["growth_theory"] == pytest.approx(coin_growth(0.2, 0.6))
    assert kelly["growth_ci_low"] < kelly["growth"] < kelly["growth_ci_high"]
    assert kelly["growth_ci_high"] - kelly["growth_ci_low"] == pytest.approx(
        2 * 1.959964 * kelly["growth_se"], rel=1e-5
    )
    assert kelly["wealth_q05"] <= kelly["wealth_q25"] <= kelly["median_wealth"]
    assert kelly["median_wealth"] <= kelly["wealth_q75"] <= kelly["wealth_q95"]
    assert 0 <= kelly["median_max_drawdown"] <= 1
    assert math.isnan(table.iloc[3]["growth_theory"])  # adaptive: no closed form
    allin = table.iloc[2]
    assert allin["growth"] == -np.inf and allin["p_ruin"] > 0.99


def test_growth_interval_covers_theory_about_95_percent_of_the_time():
    game = CoinGame(p=0.6, rounds=50)
    hits = 0
    for seed in range(60):
        row = summarize(simulate(game, ["fixed:0.3"], paths=400, seed=seed)).iloc[0]
        hits += row["growth_ci_low"] <= row["growth_theory"] <= row["growth_ci_high"]
    assert 50 <= hits <= 60  # binomial(60, 0.95): 50 or more with probability > 0.99


def test_mean_wealth_matches_the_ensemble_average():
    # E[W_T] = W_0 (p(1 + f) + (1 - p)(1 - f))^T for a constant fraction (Peters 2019)
    game = CoinGame(p=0.6, rounds=20, start=10.0)
    row = summarize(simulate(game, ["fixed:0.2"], paths=200_000, seed=2)).iloc[0]
    assert row["mean_wealth"] == pytest.approx(10.0 * 1.04**20, rel=0.01)


def test_capped_game_reports_cap_probability_and_time_to_cap():
    table = summarize(simulate(HAGHANI_DEWEY, ["fixed:0.1", "fixed:0.05"], paths=4000, seed=3))
    assert table.loc[0, "p_cap"] > table.loc[1, "p_cap"]
    assert 0 < table.loc[0, "mean_rounds_to_cap"] < table.loc[1, "mean_rounds_to_cap"] <= 300
    assert math.isnan(table.loc[0, "growth_theory"])  # caps have no closed form here


def test_race_theory_column_uses_portfolio_growth():
    game = RaceGame(probs=[0.5, 0.3, 0.2], odds=[2, 4, 6], rounds=100)
    table = summarize(simulate(game, ["kelly", "share:0.4,0.4,0.2"], paths=1000, seed=0))
    assert table.loc[1, "growth_theory"] == pytest.approx(
        portfolio_growth([0.4, 0.4, 0.2], game.probs, game.odds)
    )


def test_long_form_paths():
    result = simulate(CoinGame(p=0.6, rounds=5, start=10.0), ["kelly", "allin"], paths=3,
                      seed=0, record_paths=True)
    table = wealth_paths_long(result)
    assert list(table.columns) == ["path", "round", "strategy", "wealth"]
    assert len(table) == 2 * 3 * 6
    assert (table.loc[table["round"] == 0, "wealth"] == 10.0).all()
    with pytest.raises(ValueError, match="record_paths"):
        wealth_paths_long(simulate(CoinGame(p=0.6, rounds=5), ["kelly"], paths=3, seed=0))


def test_summarize_takes_the_streaming_summary_too():
    from sim.engine import simulate_summary

    game = CoinGame(p=0.6, rounds=300)
    strategies = ["kelly", "kelly:0.5", "allin"]
    streamed = summarize(simulate_summary(game, strategies, 5000, seed=4))
    arrays = summarize(simulate(game, strategies, 5000, seed=4))
    assert list(streamed.columns) == SUMMARY_COLUMNS
    numeric = [c for c in SUMMARY_COLUMNS if c not in ("strategy", "median_max_drawdown")]
    np.testing.assert_allclose(streamed[numeric].to_numpy(float), arrays[numeric].to_numpy(float),
                               rtol=1e-9)
