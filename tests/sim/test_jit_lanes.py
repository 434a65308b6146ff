"""The kernels that step four paths at a time give every path the same result as one by one."""

import numpy as np
import pytest

from sim.games import HAGHANI_DEWEY, CoinGame
from sim.jit.runner import play_chunk
from sim.strategies import parse_strategy

GAMES = {
    "haghani-dewey": HAGHANI_DEWEY,
    "heads only, floor": CoinGame(p=0.6, start=10, cap=20, tick=0.05, floor=1, rounds=120,
                                  allow_tails=False),
    "cap and floor, no tick": CoinGame(p=0.6, start=10, cap=40, floor=2, rounds=120),
}


@pytest.mark.parametrize("name", list(GAMES))
@pytest.mark.parametrize("spec", ["kelly", "fixed:0.4", "optimal", "bayes", "amount:3"])
def test_a_path_past_a_multiple_of_four_plays_as_in_a_lane(name, spec):
    game = GAMES[name]
    if spec == "optimal" and game.tick == 0:
        pytest.skip("optimal play is solved in whole ticks")
    rng = np.random.default_rng(5)
    draws = (rng.random((game.rounds, 12)) >= 0.6).astype(np.uint8)  # (round, path)

    def flips(paths):
        def draw(out):
            groups, _, width = out.shape
            first = flips.next
            flips.next += groups * width
            rows = draws[first:first + groups * width, :paths]
            out[...] = rows.reshape(groups, width, paths).transpose(0, 2, 1)
        return draw

    spans = [(first, 1, min(8, game.rounds - first)) for first in range(0, game.rounds, 8)]
    results = {}
    for paths in (12, 7):
        flips.next = 0
        results[paths] = play_chunk(game, [parse_strategy(spec)], paths, paths, flips(paths),
                                    spans)
    for key, value in results[7].items():
        np.testing.assert_array_equal(value, results[12][key][:, :7])


def test_continuous_money_that_stops_mid_group_agrees_with_numpy():
    import sim.engine.kernels as engine_kernels
    from sim.engine import simulate

    game = GAMES["cap and floor, no tick"]
    runs = []
    for jit in (True, False):
        engine_kernels.JIT = jit
        try:
            runs.append(simulate(game, ["kelly", "fixed:0.4", "kelly:0.5"], 2048, seed=3,
                                 method="paths"))
        finally:
            engine_kernels.JIT = True
    compiled, reference = runs
    assert reference.capped.any() and reference.ruined.any()
    np.testing.assert_allclose(np.exp(compiled.log_wealth), np.exp(reference.log_wealth),
                               rtol=1e-12)
    for key in ("capped", "ruined", "rounds_played"):
        np.testing.assert_array_equal(getattr(compiled, key), getattr(reference, key))
    np.testing.assert_allclose(compiled.max_drawdown, reference.max_drawdown, atol=1e-12)
