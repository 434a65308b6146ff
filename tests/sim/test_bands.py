"""Fan-chart bands from per-round histograms (sim.bands) against np.quantile of the paths."""

import numpy as np
import pytest

from sim.bands import LogWealthBands, game_edges, sample_edges, simulate_bands
from sim.engine import simulate
from sim.games import HAGHANI_DEWEY, CoinGame

PROBS = [0.05, 0.25, 0.5, 0.75, 0.95]


@pytest.mark.parametrize("game, spec", [
    (HAGHANI_DEWEY, "kelly"),  # transition table
    (HAGHANI_DEWEY, "bayes"),  # coin rules in money
    (CoinGame(p=0.6, rounds=200), "kelly"),  # frictionless constant
    (CoinGame(p=0.6, rounds=200), "martingale"),  # frictionless adaptive
])
def test_quantiles_are_within_a_bin_of_the_recorded_paths(game, spec):
    paths = 2500
    recorded = simulate(game, spec, paths, seed=4, record_paths=True).trajectories[0]
    edges = sample_edges(recorded[:500], bins=200)
    bands = simulate_bands(game, spec, paths, seed=4, edges=edges, bins=200)
    assert bands.paths == paths
    np.testing.assert_array_equal(bands.counts.sum(axis=1), paths)
    exact = np.quantile(recorded, PROBS, axis=0, method="inverted_cdf")
    estimate = bands.quantiles(PROBS)
    ruined = ~np.isfinite(exact)  # a quantile among bust paths (ln W = -inf)
    np.testing.assert_array_equal(estimate[ruined], exact[ruined])
    inside = np.isfinite(estimate) & ~ruined
    assert inside.sum() >= 0.95 * (~ruined).sum()
    width = np.broadcast_to(edges[1], exact.shape)
    assert np.all(np.abs(estimate[inside] - exact[inside]) <= width[inside] * (1 + 1e-9))


def test_bands_do_not_depend_on_the_chunk_size():
    a = simulate_bands(HAGHANI_DEWEY, "kelly", 3000, seed=2, chunk_size=1024)
    b = simulate_bands(HAGHANI_DEWEY, "kelly", 3000, seed=2, chunk_size=4096)
    np.testing.assert_array_equal(a.counts, b.counts)


def test_merge_adds_counts_and_refuses_other_edges():
    a = simulate_bands(HAGHANI_DEWEY, "kelly", 1024, seed=1)
    b = simulate_bands(HAGHANI_DEWEY, "kelly", 1024, seed=2)
    np.testing.assert_array_equal(a.merge(b).counts, a.counts + b.counts)
    other = LogWealthBands(a.low + 1, a.width, a.counts)
    with pytest.raises(ValueError, match="different bin edges"):
        a.merge(other)


def test_memory_does_not_grow_with_paths():
    low, width = game_edges(HAGHANI_DEWEY, 64)
    small = simulate_bands(HAGHANI_DEWEY, "kelly", 1024, seed=1, edges=(low, width), bins=64)
    large = simulate_bands(HAGHANI_DEWEY, "kelly", 8192, seed=1, edges=(low, width), bins=64)
    assert small.counts.shape == large.counts.shape == (HAGHANI_DEWEY.rounds + 1, 66)


def test_bad_probabilities_and_edges_are_refused():
    bands = simulate_bands(HAGHANI_DEWEY, "kelly", 1024, seed=1)
    with pytest.raises(ValueError, match="probs"):
        bands.quantiles([1.5])
    with pytest.raises(ValueError, match="edges"):
        simulate_bands(HAGHANI_DEWEY, "kelly", 10, seed=1, edges=(np.zeros(3), np.ones(3)))


def test_an_executor_gives_the_same_counts():
    from concurrent.futures import ProcessPoolExecutor

    here = simulate_bands(HAGHANI_DEWEY, "bayes", 3000, seed=3, chunk_size=1024)
    with ProcessPoolExecutor(2) as pool:
        there = simulate_bands(HAGHANI_DEWEY, "bayes", 3000, seed=3, chunk_size=1024,
                               executor=pool)
    np.testing.assert_array_equal(here.counts, there.counts)
