"""The engine at scale: exact against plain loops, identical for any chunking, bounded memory,
and streaming statistics that equal the array-based ones."""

import math
import multiprocessing
import signal
import threading
import tracemalloc
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

import sim.engine.kernels as engine_kernels
import sim.engine.workers as engine_workers
from sim.accumulate import Distribution, StrategyTally
from sim.engine import (
    BLOCK_PATHS,
    DRAW_SCALE,
    MAX_RESULT_BYTES,
    block_outcomes,
    counts_log_wealth,
    outcome_thresholds,
    settle,
    simulate,
    simulate_summary,
)
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.stats import SUMMARY_COLUMNS, summarize
from sim.strategies import Kelly, parse_strategy

RESULT_FIELDS = ("log_wealth", "max_drawdown", "capped", "ruined", "rounds_played")
MIXED = ["kelly", "fixed:0.1", "allin", "share:0.3", "bayes", "martingale", "amount:5"]
RACE = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.5, 3.0, 6.0), rounds=37)


def outcomes_of(game, seed, paths):
    """(rounds, paths) outcome indices, block by block, as the engine draws them."""
    blocks = -(-paths // BLOCK_PATHS)
    return np.concatenate([block_outcomes(game, seed, b) for b in range(blocks)], axis=1)[:, :paths]


def reference_constant(game, strategy, outcomes):
    """ln W_T and the largest drawdown of a constant bet by cumulative sums over every round."""
    with np.errstate(divide="ignore"):
        steps = np.log(strategy.multipliers(game))[outcomes]
    path = math.log(game.start) + np.vstack([np.zeros(outcomes.shape[1]), np.cumsum(steps, axis=0)])
    with np.errstate(invalid="ignore"):
        falls = np.maximum.accumulate(path, axis=0) - path
    falls = np.where(np.isnan(falls), np.inf, falls)  # -inf - (-inf) after a bust
    return path[-1], -np.expm1(-falls.max(axis=0))


def assert_same_result(a, b):
    for field in RESULT_FIELDS:
        assert np.array_equal(getattr(a, field), getattr(b, field)), field


def assert_same_tallies(a, b):
    for x, y in zip(a.tallies, b.tallies, strict=True):
        assert np.array_equal(x.log_wealth.values, y.log_wealth.values)
        assert np.array_equal(x.log_wealth.weights, y.log_wealth.weights)
        assert (x.max_drawdown is None) == (y.max_drawdown is None)
        if x.max_drawdown is not None:
            assert np.array_equal(x.max_drawdown.values, y.max_drawdown.values)
            assert np.array_equal(x.max_drawdown.weights, y.max_drawdown.weights)
        assert (x.ruined, x.capped, x.rounds_to_cap) == (y.ruined, y.capped, y.rounds_to_cap)


# --- outcomes ------------------------------------------------------------------------------


def test_thresholds_are_exact_to_two_to_the_minus_32():
    assert outcome_thresholds(CoinGame(p=0.6)) == (round(0.6 * 2**32),)
    thresholds = outcome_thresholds(RACE)
    probs = np.diff([0, *thresholds, DRAW_SCALE]) / DRAW_SCALE
    assert np.all(np.abs(probs - np.array(RACE.probs)) <= 2**-32)


@pytest.mark.parametrize("p, expected", [(1.0, 0), (0.0, 1)])
def test_certain_coins(p, expected):
    assert np.all(block_outcomes(CoinGame(p=p, rounds=20), 3, 0) == expected)


def test_outcome_frequencies_match_the_probabilities():
    game = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2, 3, 5), rounds=203)
    outcomes = outcomes_of(game, 8, 3 * BLOCK_PATHS)
    observed = np.bincount(outcomes.ravel(), minlength=3)
    assert scipy_stats.chisquare(observed, observed.sum() * np.array(game.probs)).pvalue > 1e-4
    # rounds are independent: heads now and heads next round are uncorrelated
    heads = (outcomes == 0).astype(float)
    assert abs(np.corrcoef(heads[:-1].ravel(), heads[1:].ravel())[0, 1]) < 0.01


# --- the path engine against plain loops ----------------------------------------------------


@pytest.mark.parametrize("rounds", [1, 7, 64, 100, 133])
@pytest.mark.parametrize(
    "game_kwargs, spec",
    [
        ({"p": 0.6}, "fixed:0.2"),
        ({"p": 0.6}, "kelly:2"),
        ({"p": 0.6}, "allin"),
        ({"p": 0.6}, "fixed:0"),
        ({"p": 0.6}, "share:0.3"),  # a tails bet
        ({"p": 0.45, "odds": 2.5, "start": 7.0}, "kelly"),
    ],
)
def test_constant_coin_bets_match_a_plain_loop(rounds, game_kwargs, spec):
    game = CoinGame(rounds=rounds, **game_kwargs)
    strategy = parse_strategy(spec)
    result = simulate(game, strategy, 2500, seed=7, method="paths")
    log_wealth, drawdown = reference_constant(game, strategy, outcomes_of(game, 7, 2500))
    np.testing.assert_allclose(result.log_wealth[0], log_wealth, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(result.max_drawdown[0], drawdown, rtol=1e-12, atol=1e-12)
    assert np.array_equal(result.ruined[0], log_wealth == -np.inf)


@pytest.mark.parametrize("spec", ["kelly", "share:0.5,0.3,0.2", "share:0.1,0,0.6"])
def test_constant_race_bets_match_a_plain_loop(spec):
    strategy = parse_strategy(spec)
    result = simulate(RACE, strategy, 1500, seed=3, method="paths")
    log_wealth, drawdown = reference_constant(RACE, strategy, outcomes_of(RACE, 3, 1500))
    np.testing.assert_allclose(result.log_wealth[0], log_wealth, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(result.max_drawdown[0], drawdown, rtol=1e-12, atol=1e-12)


def test_terminal_wealth_is_the_counts_formula_bit_for_bit():
    game = CoinGame(p=0.55, odds=1.5, rounds=77)
    strategies = [Kelly(), parse_strategy("fixed:0.3")]
    result = simulate(game, strategies, 2000, seed=4, method="paths")
    outcomes = outcomes_of(game, 4, 2000)
    counts = np.stack([(outcomes == 0).sum(axis=0), (outcomes == 1).sum(axis=0)], axis=1)
    for row, strategy in zip(result.log_wealth, strategies, strict=True):
        assert np.array_equal(row, counts_log_wealth(game, strategy, counts))


def test_adaptive_rules_match_a_loop_over_settle():
    """Haghani & Dewey's rules (cap 250, cents) round by round through the public settle."""
    game = CoinGame(p=0.6, start=25.0, cap=250.0, tick=0.01, rounds=45)
    result = simulate(game, "kelly", 1200, seed=9, method="paths", record_paths=True)
    outcomes = outcomes_of(game, 9, 1200)
    wealth = np.full(1200, 25.0)
    active = np.ones(1200, dtype=bool)
    capped = np.zeros(1200, dtype=bool)
    for t in range(game.rounds):
        step = settle(game, wealth, np.full(1200, 0.2), outcomes[t], active)
        wealth = step.wealth
        capped |= step.capped
        active &= ~(step.capped | step.ruined)
        with np.errstate(divide="ignore"):
            np.testing.assert_allclose(np.exp(result.trajectories[0, :, t + 1]), wealth, rtol=1e-12)
    np.testing.assert_allclose(result.final_wealth[0], wealth, rtol=1e-12)
    assert np.array_equal(result.capped[0], capped)


@pytest.mark.parametrize(
    "game, spec, multiplier",
    [
        (CoinGame(p=1.0, odds=1e9, start=25, tick=0.01, rounds=60), "kelly:0.5", 1 + 0.5e9),
        (RaceGame(probs=(1, 0, 0), odds=(1e9, 2, 2), start=3, floor=1, min_bet=0.5, rounds=60),
         "share:0.5,0,0", 0.5 + 0.5e9),
    ],
)
def test_rules_with_friction_past_the_largest_float(game, spec, multiplier):
    """Beyond 2^53 ticks (minimum bets, floors) those rules cannot change a stake: the bankroll
    goes on in log space past 1.8e308 instead of overflowing to inf and NaN."""
    result = simulate(game, spec, 3, seed=1, method="paths")
    expected = math.log(game.start) + game.rounds * math.log(multiplier)
    np.testing.assert_allclose(result.log_wealth[0], expected, rtol=1e-12)
    assert not result.ruined.any()


def test_bayes_sees_only_past_counts():
    """Kelly on the posterior mean q = (1 + heads)/(2 + flips) before each flip (Beta(1, 1))."""
    game = CoinGame(p=0.6, rounds=30)
    result = simulate(game, "bayes", 1100, seed=2, method="paths")
    outcomes = outcomes_of(game, 2, 1100)
    log_wealth = np.zeros(1100) + math.log(game.start)
    heads = np.zeros(1100)
    for t in range(game.rounds):
        q = (1 + heads) / (2 + t)
        f = np.where(q >= 0.5, 2 * q - 1, -(1 - 2 * q))  # even money: f = 2q - 1 on the favourite
        won = (outcomes[t] == 0) == (f >= 0)
        log_wealth += np.where(won, np.log1p(np.abs(f)), np.log1p(-np.abs(f)))
        heads += outcomes[t] == 0
    np.testing.assert_allclose(result.log_wealth[0], log_wealth, rtol=1e-12)


# --- identical for any chunking or worker count --------------------------------------------


@pytest.mark.parametrize("method, specs", [("paths", MIXED), ("counts", ["kelly", "fixed:0.4"])])
def test_identical_for_chunk_sizes_and_workers(method, specs):
    game = CoinGame(p=0.6, rounds=70)
    base = simulate(game, specs, 5000, seed=21, method=method, chunk_size=1000)
    assert_same_result(base, simulate(game, specs, 5000, seed=21, method=method, chunk_size=65_536))
    assert_same_result(base, simulate(game, specs, 5000, seed=21, method=method, chunk_size=2048,
                                      workers=2))


def test_identical_with_spawned_worker_processes():
    game = CoinGame(p=0.6, rounds=40)
    base = simulate(game, MIXED, 3000, seed=5, chunk_size=1000, method="paths")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        spawned = simulate(game, MIXED, 3000, seed=5, chunk_size=1000, method="paths",
                           executor=pool)
    assert_same_result(base, spawned)


def test_summary_identical_for_chunk_sizes_and_workers():
    for game, specs in ((HAGHANI_DEWEY, ["kelly", "bayes", "fixed:0.1"]),
                        (CoinGame(p=0.6, rounds=500), ["kelly", "allin", "fixed:0.35"])):
        base = simulate_summary(game, specs, 4000, seed=8, chunk_size=1000)
        assert_same_tallies(base, simulate_summary(game, specs, 4000, seed=8, chunk_size=65_536))
        assert_same_tallies(base, simulate_summary(game, specs, 4000, seed=8, chunk_size=2048,
                                                   workers=2))


class Stop(Exception):
    pass


def test_a_stopped_run_leaves_no_worker_processes(monkeypatch):
    def stop(done):
        raise Stop(done)

    monkeypatch.setattr(engine_kernels, "JIT", False)  # numpy chunks: worker processes
    with pytest.raises(Stop):
        simulate(CoinGame(p=0.6, rounds=3000), "bayes", 8 * 2048, seed=1, chunk_size=2048,
                 workers=2, progress=stop)
    assert multiprocessing.active_children() == []


def test_progress_counts_paths():
    seen = []
    simulate(CoinGame(rounds=10), "kelly", 2500, seed=1, chunk_size=1024, progress=seen.append)
    assert seen == [1024, 2048, 2500]


# --- streaming statistics ------------------------------------------------------------------


@pytest.mark.parametrize(
    "game, specs, method",
    [
        (HAGHANI_DEWEY, ["kelly", "bayes", "allin", "martingale"], "paths"),
        (CoinGame(p=0.6, rounds=300), ["kelly", "fixed:0.1", "allin", "share:0.3"], "paths"),
        (CoinGame(p=0.6, rounds=300), ["kelly", "fixed:0.1", "allin", "fixed:0"], "counts"),
        (RACE, ["kelly", "share:0.2,0.2,0.2"], "counts"),
        (RACE, ["kelly", "share:0.2,0.2,0.2"], "paths"),
    ],
)
def test_summary_equals_the_array_statistics(game, specs, method):
    arrays = summarize(simulate(game, specs, 3000, seed=13, method=method))
    streamed = simulate_summary(game, specs, 3000, seed=13, method=method).to_frame()
    assert list(streamed.columns) == SUMMARY_COLUMNS
    assert list(streamed["strategy"]) == list(arrays["strategy"])
    numbers = [c for c in SUMMARY_COLUMNS if c != "strategy"]
    np.testing.assert_allclose(streamed[numbers].to_numpy(float), arrays[numbers].to_numpy(float),
                               rtol=1e-9, atol=1e-12)


values_lists = st.lists(
    st.one_of(st.sampled_from([-math.inf, 0.0, 1.5, 2.0, math.inf, math.nan]),
              st.floats(-50, 50, allow_nan=False)),
    min_size=1, max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(values_lists, values_lists, values_lists, st.permutations(range(3)))
def test_merging_is_exact_and_order_independent(a, b, c, order):
    parts = [Distribution.of(np.array(x)) for x in (a, b, c)]
    merged = Distribution.merge_all(parts)
    shuffled = Distribution.merge_all([parts[i] for i in order])
    pairwise = parts[order[0]].merge(parts[order[1]]).merge(parts[order[2]])
    whole = Distribution.of(np.array(a + b + c))
    for other in (shuffled, pairwise, whole):
        assert np.array_equal(merged.values, other.values, equal_nan=True)
        assert np.array_equal(merged.weights, other.weights)
    assert merged.count == len(a + b + c)
    everything = np.array(a + b + c)
    everything = everything[everything != math.inf]  # numpy interpolates inf - inf to NaN
    if everything.size == 0:
        return
    q = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]
    with np.errstate(invalid="ignore"):
        expected = np.quantile(np.where(np.isneginf(everything), -1e300, everything), q)
    cleaned = Distribution.of(np.where(np.isneginf(everything), -1e300, everything))
    assert np.array_equal(cleaned.quantile(q), expected, equal_nan=True)


def test_tallies_merge_in_any_order():
    result = simulate(HAGHANI_DEWEY, "kelly", 3000, seed=4, method="paths")
    pieces = [slice(0, 1000), slice(1000, 1700), slice(1700, 3000)]
    tallies = [
        StrategyTally.of_paths(result.log_wealth[0, s], result.max_drawdown[0, s],
                               result.ruined[0, s], result.capped[0, s],
                               result.rounds_played[0, s])
        for s in pieces
    ]
    forward = StrategyTally.merge_all(tallies)
    backward = tallies[2].merge(tallies[0]).merge(tallies[1])
    whole = StrategyTally.of_paths(result.log_wealth[0], result.max_drawdown[0], result.ruined[0],
                                   result.capped[0], result.rounds_played[0])
    for tally in (backward, whole):
        assert np.array_equal(tally.log_wealth.values, forward.log_wealth.values)
        assert np.array_equal(tally.log_wealth.weights, forward.log_wealth.weights)
        assert np.array_equal(tally.max_drawdown.weights, forward.max_drawdown.weights)
        assert (tally.capped, tally.rounds_to_cap) == (forward.capped, forward.rounds_to_cap)


def test_sweep_summary_keeps_one_value_per_win_count():
    game = CoinGame(p=0.6, rounds=2000)
    summary = simulate_summary(game, [f"fixed:{f / 10:g}" for f in range(11)], 50_000, seed=1)
    assert summary.method == "counts"
    assert all(t.paths == 50_000 for t in summary.tallies)
    assert all(t.log_wealth.values.size <= game.rounds + 1 for t in summary.tallies)


# --- bounded memory ------------------------------------------------------------------------


def test_absurd_requests_are_refused_up_front():
    game = CoinGame(p=0.6, rounds=10_000)
    sweep = [f"fixed:{f / 100:g}" for f in range(101)]
    with pytest.raises(ValueError, match=r"100000000 paths x 101 strategies .* GiB"):
        simulate(game, sweep, 10**8, seed=1)
    with pytest.raises(ValueError, match=r"recording 100000000 paths x 10001 rounds"):
        simulate(game, "kelly", 10**8, seed=1, record_paths=True)
    with pytest.raises(ValueError, match=r"summary"):
        simulate_summary(HAGHANI_DEWEY, ["kelly", "bayes"], 10**9, seed=1)
    # the exact path keeps one value per win count, so a sweep of any size is fine
    assert 101 * (game.rounds + 1) * 16 < MAX_RESULT_BYTES


def test_workers_and_executor_are_exclusive():
    with ProcessPoolExecutor(1) as pool, pytest.raises(ValueError, match="workers = 2"):
        simulate(CoinGame(rounds=5), "kelly", 10, seed=1, workers=2, executor=pool)


def _peak_bytes(rounds):
    tracemalloc.start()
    simulate(CoinGame(p=0.6, rounds=rounds), ["kelly", "bayes"], 8192, seed=1, method="paths")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_peak_memory_does_not_grow_with_rounds():
    short, long = _peak_bytes(64), _peak_bytes(4096)
    assert long < 1.1 * short, (short, long)


@pytest.mark.slow
def test_identical_for_workers_at_scale():
    game = CoinGame(p=0.6, rounds=1000)
    specs = ["kelly", "fixed:0.4", "bayes"]
    one = simulate(game, specs, 100_000, seed=3, method="paths", chunk_size=65_536)
    assert_same_result(one, simulate(game, specs, 100_000, seed=3, method="paths",
                                     chunk_size=1000, workers=2))


def _worker_signals():
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    return signal.SIGTERM in blocked, signal.getsignal(signal.SIGTERM) == signal.SIG_IGN


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs signal masks")
def test_worker_processes_leave_the_stop_signals_to_their_parent():
    """A worker ignores SIGTERM (its parent stops it between tiles), and one landing while it
    starts is held back until then, not run by the handler it inherited."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    pool = engine_workers.ChunkProcesses(1)
    with engine_workers._stop_signals_blocked():
        assert signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        started = pool.executor.submit(_worker_signals)  # the worker starts here, masked
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before  # the caller's mask back
    try:
        assert started.result(timeout=60) == (False, True)
    finally:
        pool.close()


def _chunk_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kelly-chunk")]


def test_compiled_chunks_run_on_threads_with_the_same_result(monkeypatch):
    game, specs = HAGHANI_DEWEY, ["kelly", "bayes", "optimal", "fixed:0.1"]
    one = simulate(game, specs, 5000, seed=4, method="paths", chunk_size=1024)

    def no_processes(*args, **kwargs):
        raise AssertionError("compiled chunks should not start worker processes")

    monkeypatch.setattr(multiprocessing.context.BaseContext, "Pool", no_processes)
    two = simulate(game, specs, 5000, seed=4, method="paths", chunk_size=1024, workers=2)
    assert_same_result(one, two)
    assert _chunk_threads() == []


def test_a_stopped_threaded_run_stops_its_threads_within_a_tile():
    def stop(done):
        raise Stop(done)

    with pytest.raises(Stop):  # the Stop itself, not the threads' cancellation, comes out
        simulate(CoinGame(p=0.6, rounds=20_000), "bayes", 8 * 1024, seed=1, chunk_size=1024,
                 workers=2, progress=stop)
    assert _chunk_threads() == []


def test_default_chunks_are_larger_for_compiled_paths_and_shared_among_workers(monkeypatch):
    from sim.engine import planning

    def chunk(strategies, paths, workers, game=HAGHANI_DEWEY, method="paths"):
        parsed = planning.validate_strategies(game, strategies)
        return planning.default_chunk_paths(game, parsed, paths, method, False, workers)

    assert chunk(["kelly", "optimal"], 10**6, 1) == planning.DEFAULT_COMPILED_CHUNK_PATHS
    assert chunk(["kelly"], 100_000, 2) == 25_000  # two chunks a worker at least
    assert chunk(["kelly"], 20_000, 2) == planning.DEFAULT_CHUNK_PATHS  # never below it
    assert chunk(["kelly"], 10**4, 1, game=CoinGame(), method="counts") == \
        planning.DEFAULT_COUNTS_CHUNK_PATHS
    monkeypatch.setattr(engine_kernels, "JIT", False)  # numpy's loop keeps its chunks
    assert chunk(["kelly"], 10**6, 1) == planning.DEFAULT_CHUNK_PATHS
