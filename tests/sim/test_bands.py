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


@pytest.mark.parametrize("spec", ["kelly", "kelly:2", "allin", "fixed:0.05"])
def test_constant_bets_read_their_quantiles_from_the_heads_counts(spec):
    from sim.bands import constant_quantiles, heads_bands
    from sim.strategies import parse_strategy

    game = CoinGame(p=0.6, rounds=150)
    recorded = simulate(game, spec, 3000, seed=4, record_paths=True).trajectories[0]
    exact = np.quantile(recorded, PROBS, axis=0, method="inverted_cdf")
    estimate = constant_quantiles(heads_bands(game, 3000, seed=4), game, parse_strategy(spec),
                                  PROBS)
    np.testing.assert_array_equal(np.isfinite(estimate), np.isfinite(exact))
    finite = np.isfinite(exact)
    np.testing.assert_allclose(estimate[finite], exact[finite], rtol=0, atol=1e-9)


def test_fan_quantiles_use_every_path_and_fall_back_to_none():
    from sim.bands import fan_quantiles
    from sim.strategies import parse_strategy

    strategies = [parse_strategy(s) for s in ("kelly", "bayes")]
    sample = simulate(HAGHANI_DEWEY, strategies, 300, seed=3, record_paths=True).trajectories
    kelly, bayes = fan_quantiles(HAGHANI_DEWEY, strategies, 2048, 3, sample)
    direct = simulate_bands(HAGHANI_DEWEY, "kelly", 2048, seed=3,
                            edges=sample_edges(sample[0])).quantiles(PROBS)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(kelly, np.exp(direct))
    assert bayes.shape == (len(PROBS), HAGHANI_DEWEY.rounds + 1)

    class Custom(type(strategies[0])):  # its own fractions: no compiled form
        def fractions(self, game, context):
            return super().fractions(game, context)

    assert fan_quantiles(HAGHANI_DEWEY, [Custom()], 2048, 3, sample[:1]) == [None]


def test_sample_edges_of_rounds_where_every_sampled_path_is_ruined():
    """The fuzzer's `kelly paths --cap 150 --plot fig.png --paths 1 --rounds 1` (allin ruined
    its only path): such a round takes the last finite range, with no NaN and no warning."""
    import warnings

    from sim.bands import sample_edges

    log_wealth = np.array([[0.0, 0.7, -np.inf, -np.inf], [0.0, -0.7, -np.inf, -np.inf]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, width = sample_edges(log_wealth, bins=4)
    assert np.isfinite(low).all() and (width > 0).all()
    np.testing.assert_array_equal(low[2:], low[1])  # the range of round 1, kept
