"""Optimal play of capped coin games: exact small cases, brute force, the engine, the cache."""

import itertools
import math
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import sim.optimal as optimal
from sim.engine import settle, simulate
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.optimal import (
    OptimalStrategy,
    cache_path,
    cap_probability,
    evaluate,
    fraction_stakes,
    solve,
)
from sim.strategies import BetContext, parse_strategy


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("kelly-cache")


@pytest.fixture(autouse=True)
def cache_folder(shared_cache, monkeypatch):
    """Solved tables go to a temporary folder, never the user's cache."""
    monkeypatch.setenv(optimal.CACHE_ENV, str(shared_cache))
    return shared_cache


@pytest.fixture
def fresh_memory(monkeypatch):
    """An empty in-memory cache for this test only (the session's solves stay for the others)."""
    monkeypatch.setattr(optimal, "_MEMORY", OrderedDict())


@pytest.fixture(scope="session")
def preset_policy(shared_cache):
    """The preset, solved once and kept in memory (simulate(..., "optimal") reuses it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(optimal.CACHE_ENV, str(shared_cache))
        return solve(HAGHANI_DEWEY)


def reference_values(game: CoinGame) -> np.ndarray:
    """Plain O(C^2 T) Bellman recursion in money, written from the rules with no numpy tricks."""
    tick = game.tick
    cap = round(game.cap / tick)
    min_stake = max(1, round(game.min_bet / tick))
    p, b = game.p, game.odds

    def ended(w: int) -> bool:
        return w == cap or w < min_stake or w * tick <= game.floor + 1e-12

    rows = [[w * tick for w in range(cap + 1)]]
    for _ in range(game.rounds):
        last = rows[-1]
        row = []
        for w in range(cap + 1):
            best = last[w]
            if not ended(w):
                for s in range(min_stake, w + 1):
                    heads = min(w + math.floor(b * s + 1e-9), cap)
                    best = max(best, p * last[heads] + (1 - p) * last[w - s])
                    if game.allow_tails:
                        tails = min(w + math.floor(s / b + 1e-9), cap)
                        best = max(best, (1 - p) * last[tails] + p * last[w - s])
            row.append(best)
        rows.append(row)
    return np.array(rows)


def tree_value(game: CoinGame, ticks: int, rounds_left: int) -> float:
    """Expectimax over every stake and every flip sequence (no memo): tiny games only."""
    cap = round(game.cap / game.tick)
    if rounds_left == 0 or ticks in (0, cap):
        return ticks * game.tick
    best = tree_value(game, ticks, rounds_left - 1)
    for s in range(1, ticks + 1):
        for p_win, odds in ((game.p, game.odds), (1 - game.p, 1 / game.odds)):
            win = min(ticks + math.floor(odds * s + 1e-9), cap)
            value = p_win * tree_value(game, win, rounds_left - 1) + (1 - p_win) * tree_value(
                game, ticks - s, rounds_left - 1
            )
            best = max(best, value)
    return best


SMALL_GAMES = {
    "even money": CoinGame(p=0.6, start=5, cap=20, tick=1, rounds=8),
    "cents-like tick": CoinGame(p=0.6, start=2.5, cap=10, tick=0.25, rounds=6),
    "unfavourable, tails allowed": CoinGame(p=0.35, start=6, cap=16, tick=1, rounds=7),
    "unfavourable, heads only": CoinGame(p=0.45, start=6, cap=16, tick=1, rounds=5,
                                         allow_tails=False),
    "fair coin": CoinGame(p=0.5, start=6, cap=16, tick=1, rounds=5),
    "2-to-1": CoinGame(p=0.4, odds=2, start=5, cap=24, tick=1, rounds=6),
    "1-to-2": CoinGame(p=0.7, odds=0.5, start=7, cap=24, tick=1, rounds=6),
    "3-to-2 (floored payouts)": CoinGame(p=0.45, odds=1.5, start=5, cap=20, tick=1, rounds=6),
    "floor and minimum bet": CoinGame(p=0.6, start=8, cap=24, floor=3, min_bet=2, tick=1, rounds=6),
}


@pytest.mark.parametrize("name", SMALL_GAMES)
def test_dp_equals_plain_bellman_recursion(name):
    game = SMALL_GAMES[name]
    expected = reference_values(game)
    fast = solve(game, use_cache=False)
    brute = solve(game, method="enumerate")
    np.testing.assert_allclose(fast.values, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(brute.values, expected, rtol=1e-12, atol=1e-12)
    # the stakes the solve reports achieve its values (policy evaluation of the table)
    np.testing.assert_allclose(evaluate(game, fast.stakes), fast.values, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", SMALL_GAMES)
def test_fast_step_runs_every_round_at_even_money_without_floor_or_minimum(name):
    game = SMALL_GAMES[name]
    fast = game.odds == 1 and game.floor == 0 and game.min_bet == 0
    enumerated = solve(game, use_cache=False).enumerated_rounds
    assert enumerated == 0 if fast else enumerated > 0


@pytest.mark.parametrize("game", [
    CoinGame(p=0.6, start=3, cap=8, tick=1, rounds=4),
    CoinGame(p=0.3, odds=2, start=4, cap=9, tick=1, rounds=3),
])
def test_dp_equals_expectimax_over_flip_sequences(game):
    policy = solve(game, use_cache=False)
    cap = round(game.cap / game.tick)
    for n in range(game.rounds + 1):
        for w in range(cap + 1):
            assert policy.values[n, w] == pytest.approx(tree_value(game, w, n), abs=1e-12)


def test_one_flip_left_is_linear_in_the_stake(preset_policy):
    # 0.6 x 50 + 0.4 x 0: bet everything on heads
    assert preset_policy.value(25, 1) == pytest.approx(30.0, abs=1e-9)
    assert preset_policy.bet(25, 1) == pytest.approx(25.0)
    # above half the cap the best single bet just reaches it: 0.6 x 250 + 0.4 x (2w - 250)
    assert preset_policy.value(200, 1) == pytest.approx(0.6 * 250 + 0.4 * 150, abs=1e-9)
    assert preset_policy.bet(200, 1) == pytest.approx(50.0)


def test_preset_boundaries_and_monotonicity(preset_policy):
    values = preset_policy.values
    wealth = np.arange(values.shape[1]) * HAGHANI_DEWEY.tick
    assert preset_policy.rounds == 300
    assert preset_policy.enumerated_rounds == 0
    np.testing.assert_allclose(values[0], wealth)
    np.testing.assert_allclose(values[:, -1], 250.0)
    np.testing.assert_allclose(values[:, 0], 0.0)
    assert np.all(values >= wealth - 1e-9) and np.all(values <= 250.0 + 1e-9)
    assert np.all(np.diff(values, axis=1) >= -1e-9)  # more money never hurts
    assert np.all(np.diff(values, axis=0) >= -1e-9)  # nor do more flips
    assert 240 < preset_policy.value(25, 300) < 250


def test_preset_value_matches_every_flip_sequence_through_the_engine():
    """Play the optimal policy with the engine's own rules (settle) on all 2^10 flip sequences;
    the probability-weighted payout is the DP value exactly."""
    game = CoinGame(p=0.6, start=25, cap=250, tick=0.01, rounds=10)
    strategy = OptimalStrategy()
    strategy.prepare(game)
    sequences = np.array(list(itertools.product((0, 1), repeat=game.rounds)), dtype=np.uint8)
    paths = len(sequences)
    wealth = np.full(paths, game.start)
    ended = np.zeros(paths, dtype=bool)
    for t in range(game.rounds):
        with np.errstate(divide="ignore"):
            context = BetContext(game, t, np.log(wealth), None, np.zeros(paths),
                                 np.zeros(paths, dtype=bool))
        step = settle(game, wealth, strategy.fractions(context), sequences[:, t], ~ended)
        wealth = step.wealth
        ended |= step.capped | step.ruined
    heads = (sequences == 0).sum(axis=1)
    probability = game.p**heads * (1 - game.p) ** (game.rounds - heads)
    assert probability.sum() == pytest.approx(1.0)
    assert float(probability @ wealth) == pytest.approx(solve(game).value(25, 10), abs=1e-9)


def test_optimal_beats_every_constant_fraction_exactly(preset_policy):
    best = preset_policy.value(25, 300)
    start = 2500
    # fine steps around the best constant fraction (about 0.12), coarse ones elsewhere, tails too
    fractions = np.concatenate([np.arange(0.02, 0.31, 0.02), [0.4, 0.6, 0.8, 1.0, -0.1, -0.5]])
    constant = np.array([
        evaluate(HAGHANI_DEWEY, fraction_stakes(HAGHANI_DEWEY, f))[300, start] for f in fractions
    ])
    assert best > constant.max() + 1.0  # by more than a dollar
    assert fractions[np.argmax(constant)] == pytest.approx(0.12, abs=0.02)


def test_monte_carlo_mean_of_optimal_play_agrees_with_the_dp(preset_policy):
    result = simulate(HAGHANI_DEWEY, ["optimal"], paths=8192, seed=11)
    payout = result.final_wealth[0]
    error = payout.std(ddof=1) / math.sqrt(payout.size)
    assert abs(payout.mean() - preset_policy.value(25, 300)) < 4 * error
    capped = cap_probability(HAGHANI_DEWEY, preset_policy.stakes)[300, 2500]
    assert abs(result.capped[0].mean() - capped) < 4 * math.sqrt(capped * (1 - capped) / 8192)


def test_fraction_stakes_are_what_settle_stakes():
    game = CoinGame(p=0.6, start=5, cap=40, tick=0.25, min_bet=0.5, rounds=3)
    wealth = np.arange(1, 160) * 0.25
    for f in (0.1, 0.37, -0.2, 1.0):
        step = settle(game, wealth, np.full(wealth.size, f), np.zeros(wealth.size, dtype=np.uint8))
        stakes = fraction_stakes(game, f)[1:160]
        np.testing.assert_allclose(np.abs(stakes) * 0.25, step.stake)


def test_policy_pickles_small_and_plays_the_same_in_worker_processes():
    game = CoinGame(p=0.6, start=5, cap=30, tick=0.5, rounds=40)
    strategy = parse_strategy("optimal")
    assert isinstance(strategy, OptimalStrategy) and strategy.label == "optimal"
    assert len(pickle.dumps(strategy)) < 300
    one = simulate(game, [strategy, "kelly"], paths=4096, seed=3, chunk_size=1024)
    two = simulate(game, [strategy, "kelly"], paths=4096, seed=3, chunk_size=1024, workers=2)
    np.testing.assert_array_equal(one.log_wealth, two.log_wealth)


@pytest.mark.parametrize(("game", "message"), [
    (CoinGame(p=0.6, rounds=10), "cap"),
    (CoinGame(p=0.6, cap=200, rounds=10), "tick"),
    (CoinGame(p=0.6, cap=200.005, tick=0.01, rounds=10), "cap"),
    (CoinGame(p=0.6, start=25.001, cap=250, tick=0.01, rounds=10), "start"),
    (CoinGame(p=0.6, start=25, cap=250, tick=0.01, min_bet=0.015, rounds=10), "min_bet"),
    (CoinGame(p=0.6, start=25, cap=250, tick=0.01, rounds=5000), "rounds"),
    (RaceGame(probs=(0.5, 0.5), odds=(2, 2), cap=200), "coin"),
])
def test_games_without_the_rules_raise_naming_them(game, message):
    with pytest.raises(ValueError, match=message):
        solve(game)
    with pytest.raises(ValueError, match=message):
        simulate(game, ["optimal"], paths=10, seed=0)


def test_bad_queries_raise(preset_policy):
    with pytest.raises(ValueError, match="rounds_left"):
        preset_policy.value(25, 301)
    with pytest.raises(ValueError, match="wealth"):
        preset_policy.value(300, 10)
    with pytest.raises(ValueError, match="method"):
        solve(SMALL_GAMES["even money"], method="greedy")
    game = SMALL_GAMES["unfavourable, heads only"]
    with pytest.raises(ValueError, match="tails"):
        evaluate(game, -np.ones(17, dtype=int) * (np.arange(17) > 0))
    with pytest.raises(ValueError, match="bankroll"):
        evaluate(game, np.full(17, 3))
    with pytest.raises(ValueError, match="shape"):
        evaluate(game, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="fraction"):
        fraction_stakes(game, 1.5)


GAME = CoinGame(p=0.6, start=10, cap=60, tick=0.5, rounds=30)


def test_cache_writes_then_loads_the_same_table(fresh_memory, cache_folder, monkeypatch):
    first = solve(GAME)
    path = cache_path(GAME)
    assert path.parent == cache_folder and path.exists()
    optimal._MEMORY.clear()
    monkeypatch.setattr(optimal, "solve_tables", lambda *a: pytest.fail("should have loaded"))
    loaded = solve(GAME)
    np.testing.assert_array_equal(loaded.stakes, first.stakes)
    np.testing.assert_array_equal(loaded.values, first.values)  # re-evaluated, bit for bit


def test_corrupt_or_foreign_cache_file_is_recomputed(fresh_memory):
    reference = solve(GAME, use_cache=False)
    path = cache_path(GAME)
    path.parent.mkdir(parents=True, exist_ok=True)
    for garbage in (b"not a numpy file", b"PK\x03\x04truncated zip"):
        path.write_bytes(garbage)
        optimal._MEMORY.clear()
        with pytest.warns(UserWarning, match="cache ignored, solving again"):
            np.testing.assert_array_equal(solve(GAME).values, reference.values)
    optimal._MEMORY.clear()
    np.savez(path.open("wb"), key=np.array("someone else"), stakes=reference.stakes,
             enumerated_rounds=0)
    with pytest.warns(UserWarning, match="cache ignored, solving again"):
        np.testing.assert_array_equal(solve(GAME).values, reference.values)
    optimal._MEMORY.clear()
    assert optimal._load(path, optimal.rules_key(optimal.tick_rules(GAME)),
                         optimal.tick_rules(GAME)) is not None  # rewritten, valid again


def test_unwritable_cache_folder_only_warns(fresh_memory, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(optimal.CACHE_ENV, str(blocker / "cache"))
    with pytest.warns(UserWarning, match="could not cache"):
        policy = solve(GAME)
    assert policy.value(10, 30) == pytest.approx(solve(GAME, use_cache=False).value(10, 30))


# -- a damaged or tampered cache is detected, set aside and solved again (issues 17, 18) --------

def _tamper_zero_stakes(path):
    with np.load(path) as data:
        arrays = dict(data)
    arrays["stakes"] = np.zeros_like(arrays["stakes"])  # the right shape: only the numbers lie
    np.savez(path.open("wb"), **arrays)


def _tamper_shape(path):
    with np.load(path) as data:
        arrays = dict(data)
    arrays["stakes"] = arrays["stakes"][:-1]
    np.savez(path.open("wb"), **arrays)


def _tamper_header(path):
    """A member whose header claims 11 GiB of stakes (the archive holds a few KB)."""
    import zipfile

    with np.load(path) as data:
        arrays = dict(data)
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            if name == "stakes":
                header = {"descr": np.lib.format.dtype_to_descr(array.dtype),
                          "fortran_order": False, "shape": (11 * 2**30 // array.itemsize,)}
                with archive.open("stakes.npy", "w") as member:
                    np.lib.format.write_array_header_1_0(member, header)
                    member.write(array.tobytes())
            else:
                with archive.open(f"{name}.npy", "w") as member:
                    np.lib.format.write_array(member, array)


def _tamper_npy(path):
    with np.load(path) as data:
        stakes = data["stakes"]
    np.save(path.open("wb"), stakes)  # a .npy where the .npz should be


@pytest.mark.parametrize("tamper", [_tamper_zero_stakes, _tamper_shape, _tamper_header,
                                    _tamper_npy])
def test_a_tampered_cache_is_detected_solved_again_and_replaced(fresh_memory, tmp_path,
                                                                 monkeypatch, tamper):
    monkeypatch.setenv(optimal.CACHE_ENV, str(tmp_path))
    exact = solve(GAME, use_cache=False)
    solve(GAME)  # writes the cache file
    path = cache_path(GAME)
    tamper(path)
    damaged = path.read_bytes()
    optimal._MEMORY.clear()
    with pytest.warns(UserWarning, match="cache ignored, solving again"):
        policy = solve(GAME)
    np.testing.assert_array_equal(policy.stakes, exact.stakes)
    np.testing.assert_array_equal(policy.values, exact.values)
    (aside,) = tmp_path.glob(f"{path.name}.corrupt-*")
    assert aside.read_bytes() == damaged  # the bad file is kept, byte for byte
    optimal._MEMORY.clear()
    monkeypatch.setattr(optimal, "solve_tables", lambda *a: pytest.fail("should have loaded"))
    np.testing.assert_array_equal(solve(GAME).values, exact.values)  # the new file verifies


def test_the_cache_file_says_what_it_was_computed_from(fresh_memory, tmp_path, monkeypatch):
    monkeypatch.setenv(optimal.CACHE_ENV, str(tmp_path))
    solve(GAME)
    with np.load(cache_path(GAME)) as data:
        assert set(data) == {"key", "rules", "stakes", "values", "checksum",
                             "enumerated_rounds"}
        assert str(data["rules"]).startswith(f"v{optimal.CACHE_VERSION}|")
        assert len(str(data["checksum"])) == 64
