"""The compiled kernels (sim.jit) against the numpy round-by-round engine on the same draws.

Where the rules count money in whole ticks under a cap, the wealth is the same bit for bit (so
to the cent); elsewhere the documented bound of sim.jit.runner applies: relative 1e-12, and paths
that fell to dust (below 1e-9 of the start) may be declared ruined a round apart, and what is
left after losing nearly everything agrees to 1e-10 of the start (cancellation in w - stake).
"""

import math

import numpy as np
import pytest

import sim.engine.kernels as engine_kernels
import sim.engine.rules as engine_rules
from sim.engine import simulate, simulate_summary
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.jit import forms, runner
from sim.jit.dispatch import play_chunk
from sim.strategies import BetContext, Kelly, parse_strategy

PATHS = 2048 + 300  # three blocks, the last one padded
COIN_ALL = ["kelly", "fixed:0.1", "fixed:0.05", "fixed:0.15", "amount:5", "martingale",
            "bayes", "bayes:2,3", "allin", "share:0.6"]


def both(game, strategies, paths=PATHS, seed=11, **kwargs):
    """The same request with the kernels and with the numpy loop."""
    original = engine_kernels.JIT
    try:
        engine_kernels.JIT = True
        compiled = simulate(game, strategies, paths, seed=seed, method="paths", **kwargs)
        engine_kernels.JIT = False
        reference = simulate(game, strategies, paths, seed=seed, method="paths", **kwargs)
    finally:
        engine_kernels.JIT = original
    return compiled, reference


def assert_same_flags(compiled, reference, rows=slice(None)):
    for key in ("capped", "ruined", "rounds_played"):
        np.testing.assert_array_equal(getattr(compiled, key)[rows], getattr(reference, key)[rows])


EXACT_GAMES = {
    "haghani-dewey": (HAGHANI_DEWEY, [*COIN_ALL, "optimal"]),
    "heads only, min bet, floor": (
        CoinGame(p=0.6, start=10, cap=20, tick=0.05, min_bet=0.25, floor=1, rounds=200,
                 allow_tails=False),
        [*COIN_ALL, "optimal"],
    ),
    "tails favoured at 2-to-1, quarter ticks": (
        CoinGame(p=0.3, odds=2.0, start=20, cap=80, tick=0.25, rounds=250),
        COIN_ALL,
    ),
    "1.5-to-1, floor": (
        CoinGame(p=0.55, odds=1.5, start=20, cap=500, tick=0.05, floor=5, rounds=300),
        COIN_ALL,
    ),
    "tails favoured at even money, tails allowed": (
        CoinGame(p=0.4, start=10, cap=40, tick=0.05, rounds=260),
        ["kelly", "bayes", "bayes:2,3", "fixed:0.1", "allin"],
    ),
    "race, cap and tick": (
        RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.2, 3.1, 4.5), start=50, cap=400, tick=0.05,
                 min_bet=0.5, rounds=200),
        ["kelly", "share:0.3,0.3,0.2", "bayes", "allin", "kelly:3"],
    ),
}


@pytest.mark.parametrize("name", list(EXACT_GAMES))
def test_whole_ticks_under_a_cap_give_the_same_wealth_bit_for_bit(name):
    game, strategies = EXACT_GAMES[name]
    compiled, reference = both(game, strategies)
    assert forms.chunk_forms(game, compiled.strategies) is not None  # really compiled
    np.testing.assert_array_equal(compiled.log_wealth, reference.log_wealth)
    assert_same_flags(compiled, reference)
    np.testing.assert_allclose(compiled.max_drawdown, reference.max_drawdown, rtol=0, atol=1e-12)
    assert reference.capped.any() and reference.ruined.any()  # the rules were exercised


@pytest.mark.parametrize("rounds", [1, 5, 8, 13])
def test_bayes_in_whole_ticks_for_tiles_narrower_than_a_group(rounds):
    """Fewer than 8 rounds (or a last group shorter than 8) packs the tile's outcomes into
    words instead of viewing them (sim.jit.bayes._group_words)."""
    game = CoinGame(p=0.6, start=25, cap=250, tick=0.01, rounds=rounds)
    compiled, reference = both(game, ["bayes", "bayes:3,1"], paths=1500)
    np.testing.assert_array_equal(compiled.log_wealth, reference.log_wealth)
    assert_same_flags(compiled, reference)


ROUNDED_GAMES = {
    "cap never reached, no tick": (
        CoinGame(p=0.6, start=25, cap=1e12, rounds=600),
        ["fixed:0.2", "kelly:2", "martingale", "amount:3", "bayes"],
    ),
    "min bet, no tick, 2-to-1": (
        CoinGame(p=0.4, odds=2.0, start=30, min_bet=0.5, rounds=300),
        ["fixed:0.1", "kelly", "martingale", "amount:3", "bayes"],
    ),
    "frictionless adaptive": (CoinGame(p=0.6, rounds=400), ["martingale", "amount:3", "bayes"]),
    "race with a floor": (
        RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 3.5, 5.5), start=50, floor=10, min_bet=1,
                 rounds=300),
        ["kelly", "share:0.5,0.3,0.2", "bayes"],
    ),
    "frictionless race": (RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 3.5, 5.5), rounds=300),
                          ["bayes"]),
}


@pytest.mark.parametrize("name", list(ROUNDED_GAMES))
def test_continuous_money_agrees_to_rounding(name):
    game, strategies = ROUNDED_GAMES[name]
    compiled, reference = both(game, strategies)
    assert forms.chunk_forms(game, compiled.strategies) is not None
    with np.errstate(over="ignore"):
        a, b = np.exp(compiled.log_wealth), np.exp(reference.log_wealth)
    dust = 1e-9 * game.start
    live = (a > dust) | (b > dust)
    assert live.mean() > 0.5
    # relative 1e-12; what is left after losing nearly all (w - stake) keeps the absolute error
    np.testing.assert_allclose(a[live], b[live], rtol=1e-12, atol=1e-10 * game.start)
    for key in ("capped", "ruined", "rounds_played"):
        np.testing.assert_array_equal(getattr(compiled, key)[live], getattr(reference, key)[live])
    np.testing.assert_allclose(compiled.max_drawdown[live], reference.max_drawdown[live],
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("chunk_size, workers", [(1024, 1), (2048, 2), (100_000, 1)])
def test_same_seed_same_result_for_any_chunking(chunk_size, workers):
    game = HAGHANI_DEWEY
    strategies = ["kelly", "fixed:0.1", "bayes", "optimal"]
    whole = simulate(game, strategies, PATHS, seed=5)
    split = simulate(game, strategies, PATHS, seed=5, chunk_size=chunk_size, workers=workers)
    for key in ("log_wealth", "max_drawdown", "capped", "ruined", "rounds_played"):
        np.testing.assert_array_equal(getattr(split, key), getattr(whole, key))


def test_summary_takes_the_compiled_path_too():
    summary = simulate_summary(HAGHANI_DEWEY, ["kelly", "bayes"], PATHS, seed=2)
    full = simulate(HAGHANI_DEWEY, ["kelly", "bayes"], PATHS, seed=2)
    assert summary.tallies[0].capped == int(full.capped[0].sum())
    assert summary.tallies[1].ruined == int(full.ruined[1].sum())


class Sometimes(Kelly):
    """A user policy: not compiled, so the chunk must stay on numpy."""

    def fractions(self, ctx: BetContext) -> np.ndarray:
        return np.where(ctx.round % 2 == 0, 0.1, 0.2)


def test_strategies_without_a_compiled_form_fall_back_to_numpy():
    assert forms.compiled_form(Sometimes(), HAGHANI_DEWEY) is None
    compiled, reference = both(HAGHANI_DEWEY, [Sometimes(), "kelly"], paths=1500)
    np.testing.assert_array_equal(compiled.log_wealth, reference.log_wealth)


@pytest.mark.parametrize("game, spec", [
    (CoinGame(p=0.6, rounds=50), "kelly"),  # frictionless constant: the byte tables
    (CoinGame(p=0.6, rounds=5000, min_bet=1), "kelly"),  # no cap, money could overflow
    (RaceGame(probs=(0.5, 0.5), odds=(1.9, 1.9), rounds=10), "bayes"),  # over-round book
    (RaceGame(probs=(0.125,) * 8, odds=(8.0,) * 8, rounds=10, tick=0.01), "kelly"),  # 8 horses
])
def test_chunks_the_kernels_do_not_take(game, spec):
    strategy = parse_strategy(spec)
    assert forms.chunk_forms(game, [strategy]) is None
    assert play_chunk(game, [strategy], 8, 8, lambda out: None, [(0, 1, 2)]) is None


def test_the_runner_mirrors_the_engine_constants():
    assert runner.EXACT_MONEY == engine_rules.EXACT_MONEY
    assert runner.rules_vector(HAGHANI_DEWEY)[runner.layout.SMALLEST] == engine_rules.smallest_bet(
        HAGHANI_DEWEY)


def test_the_seen_table_is_numpys_round_trip():
    table = runner.seen_table(0.01, 3000)
    wealth = np.arange(3000) * 0.01
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(table, np.exp(np.log(wealth)))
    assert math.isclose(table[2505], 25.05)


def test_optimal_stake_table_stakes_nothing_in_stopped_rows():
    from sim.jit.players import stopped_rows_stake_nothing

    solved = np.array([[0, 1, 2, 1, 0]] * 3, dtype=np.int16)  # ruined at 0, capped at 4
    assert stopped_rows_stake_nothing(solved, np.array([0, 4])) is solved
    table = stopped_rows_stake_nothing(solved, np.array([1, 3]))  # a floor and a lower cap
    np.testing.assert_array_equal(table, [[0, 0, 2, 0, 0]] * 3)
    wider = stopped_rows_stake_nothing(solved, np.array([-1, 6]))  # cap row past the table
    assert wider.shape == (3, 7) and not wider[:, 5:].any()
    np.testing.assert_array_equal(solved, [[0, 1, 2, 1, 0]] * 3)  # the solver's table untouched
