"""The compiled draws (sim.jit.draws) are the engine's draws, bit for bit."""

import numpy as np
import pytest

from sim.engine.draws import (
    BLOCK_PATHS,
    block_generator,
    draw_groups,
    group_spans,
    outcome_thresholds,
)
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.jit.draws import CompiledDraws, pcg_states

GAMES = {
    "coin, 300 rounds": HAGHANI_DEWEY,
    "race of 3, 13 rounds": RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.2, 3.1, 4.5), rounds=13),
    "a sure coin": CoinGame(p=1.0, rounds=9),
    "an odd remainder": CoinGame(p=0.3, rounds=19),
}


@pytest.mark.parametrize("name", list(GAMES))
def test_every_tile_matches_numpy_random_raw_and_classification(name):
    game = GAMES[name]
    thresholds = outcome_thresholds(game)
    blocks = 3
    reference = [block_generator(7, k) for k in range(blocks)]
    compiled = CompiledDraws([block_generator(7, k) for k in range(blocks)], thresholds,
                             BLOCK_PATHS)
    for _, groups, width in group_spans(game.rounds):
        expected = np.empty((groups, blocks * BLOCK_PATHS, width), dtype=np.uint8)
        got = np.empty_like(expected)
        draw_groups(reference, thresholds, expected)
        compiled(got)
        np.testing.assert_array_equal(got, expected)


def test_the_state_advances_as_numpy_s_does():
    generator = block_generator(3, 0)
    draws = CompiledDraws([generator], (1 << 31,), 8)
    draws(np.empty((2, 8, 6), dtype=np.uint8))  # 96 draws = 48 words
    generator.bit_generator.random_raw(48)
    assert np.array_equal(draws.states, pcg_states([generator]))


def test_a_pending_half_draw_is_refused():
    generator = block_generator(3, 0)
    generator.integers(0, 2**32, dtype=np.uint32)  # leaves the high half buffered
    with pytest.raises(ValueError, match="pending half"):
        pcg_states([generator])
