"""The Unknown coin screen headless: the hidden p, the Bayesian bot's belief and its loss."""

import numpy as np
import pygame
import pytest

from game.app import App
from game.sessions.unknown import UnknownSession, beta_interval, hidden_p
from sim.games import CoinGame
from sim.learning import expected_divergence
from sim.theory import kl_divergence


@pytest.fixture
def app():
    game_app = App(headless=True, seed=21, size=(1280, 720))
    game_app.push("menu")
    yield game_app
    game_app.close()


def key(app, code, frames=1):
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))
    app.run(frames=frames)


def test_p_is_hidden_until_revealed_and_the_bot_learns_by_counting(app):
    app.push("unknown", seed=9, rounds=30)
    app.run(frames=2)
    scene = app.scene
    s = scene.session
    assert s.p == hidden_p(9) and not s.revealed
    for _ in range(12):
        key(app, pygame.K_SPACE, frames=2)
    assert s.round == 12 and not s.revealed
    heads = np.cumsum([r.outcome == 0 for r in s.coin.history])
    t = np.arange(1, 13)
    np.testing.assert_allclose(s.beliefs()[1:], (1 + heads) / (2 + t))
    key(app, pygame.K_r, frames=2)
    assert s.revealed
    for _ in range(18):
        key(app, pygame.K_SPACE, frames=2)
    app.run(frames=60)
    assert s.finished and scene.shown == 30


def test_loss_shown_is_the_kl_divergence_of_the_belief(app):
    app.push("unknown", seed=4, rounds=20)
    app.run(frames=2)
    scene = app.scene
    key(app, pygame.K_t)  # tails, 10%
    for _ in range(20):
        key(app, pygame.K_SPACE, frames=2)
    app.run(frames=60)
    s = scene.session
    assert s.revealed  # the end reveals p
    q = s.beliefs()[:-1]
    expected = [kl_divergence(np.array([s.p, 1 - s.p]), np.array([x, 1 - x])) for x in q]
    np.testing.assert_allclose(s.bot_losses(), expected)
    np.testing.assert_allclose(s.player_shares(), 0.45)
    np.testing.assert_allclose(
        s.player_losses(), kl_divergence(np.array([s.p, 1 - s.p]), np.array([0.45, 0.55])))
    np.testing.assert_allclose(s.expected_losses(), expected_divergence(s.p, 20))


def test_bot_growth_lost_against_known_p_is_the_realised_log_ratio():
    """Per flip, Kelly who knows p gains ln(p/q) (heads) or ln((1-p)/(1-q)) (tails) on the bot:
    the realised term whose expectation is D(p||q_t)."""
    s = UnknownSession(seed=12, rounds=40)
    for _ in range(40):
        s.play(0.0)
    paths = np.log(s.coin.wealth_paths())
    gap = np.diff(paths[2] - paths[1])
    q = s.beliefs()[:-1]
    heads = np.array([r.outcome == 0 for r in s.coin.history])
    log_ratio = np.where(heads, np.log(s.p / q), np.log((1 - s.p) / (1 - q)))
    np.testing.assert_allclose(gap, log_ratio, atol=1e-9)


def test_credible_band_matches_the_beta_quantiles():
    scipy_stats = pytest.importorskip("scipy.stats")
    for a, b in [(1, 1), (3, 8), (40, 15), (1, 60)]:
        low, high = beta_interval(a, b)
        want = scipy_stats.beta.ppf([0.05, 0.95], a, b)
        np.testing.assert_allclose([low, high], want, atol=5e-4)


def test_same_seed_same_coin_and_flips():
    a, b = UnknownSession(seed=33, rounds=15), UnknownSession(seed=33, rounds=15)
    for _ in range(15):
        a.play(0.1)
        b.play(0.1)
    assert a.p == b.p and 0.1 <= a.p <= 0.9
    assert [r.outcome for r in a.coin.history] == [r.outcome for r in b.coin.history]


@pytest.mark.parametrize("bad", [(0, 1), (1, -2), (float("nan"), 1)])
def test_bad_beta_parameters_raise(bad):
    with pytest.raises(ValueError):
        beta_interval(*bad)


def test_both_screens_draw_at_the_smallest_window():
    game_app = App(headless=True, seed=5, size=(960, 600), auto=True)
    try:
        game_app.push("menu")
        small = CoinGame(p=0.6, start=2.5, cap=25.0, tick=0.01, rounds=40)
        for name, options in (("unknown", {}), ("challenge", {"game": small})):
            game_app.push(name, **options)
            game_app.run(frames=120)
            assert game_app.scene.name == name
            key(game_app, pygame.K_ESCAPE, frames=2)
            assert game_app.scene.name == "menu"
    finally:
        game_app.close()
