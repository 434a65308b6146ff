"""The Challenge screen headless: real events in, the experiment's rules and the robots out."""

import threading

import numpy as np
import pygame
import pytest

from game.app import App
from game.sessions.challenge import ChallengeSession, play_robots
from sim.engine import settle
from sim.games import CoinGame
from sim.optimal import solve
from sim.strategies import BetContext, Kelly

# a small capped game in cents: the dynamic program solves in milliseconds
SMALL = CoinGame(p=0.6, odds=1.0, start=2.5, cap=25.0, tick=0.01, rounds=40)


@pytest.fixture
def app():
    game_app = App(headless=True, seed=11, size=(1280, 720))
    game_app.push("menu")
    yield game_app
    game_app.close()


def key(app, code, frames=1):
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))
    app.run(frames=frames)


def type_stake(app, scene, dollars: str):
    box = scene.stake_entry
    app.ui.set_focus_set(box)
    box.set_text(dollars)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0,
                                         unicode="\r", scancode=0))
    app.run(frames=2)


def test_cap_is_hidden_until_a_bet_could_reach_it(app):
    near = CoinGame(p=0.6, odds=1.0, start=20.0, cap=25.0, tick=0.01, rounds=10)
    app.push("challenge", game=near, seed=3, solver=lambda game: solve(game))
    app.run(frames=2)
    scene = app.scene
    type_stake(app, scene, "4.99")
    assert scene.session.stake == pytest.approx(4.99)
    assert scene.session.cap_text == "???" and not scene.session.cap_known
    type_stake(app, scene, "5.00")  # 20 + 5 reaches the cap
    assert scene.session.stake == pytest.approx(5.0), scene.error
    assert scene.session.cap_known and scene.session.cap_text == "$25"
    type_stake(app, scene, "1")
    assert scene.session.cap_known  # once told, the player knows it


def test_bad_stake_is_refused_with_a_message(app):
    app.push("challenge", game=SMALL, seed=3)
    app.run(frames=2)
    scene = app.scene
    type_stake(app, scene, "99")
    assert "more than your bankroll" in scene.error
    assert scene.session.stake <= scene.session.wealth


def independent_replay(game, seed, rounds):
    """Kelly 20% and optimal play through settle on the flips of a fresh CoinSession stream."""
    from game.sessions.session import CoinSession

    flips = CoinSession(game, seed, bots=())
    for _ in range(rounds):
        flips.play()
    outcomes = np.array([r.outcome for r in flips.history])
    policy = solve(game)
    wealth = np.full(2, game.start)
    active = np.ones(2, dtype=bool)
    for t, outcome in enumerate(outcomes):
        context = BetContext(game=game, round=t, log_wealth=np.log(wealth[:1]),
                             counts=np.zeros((1, 2), dtype=np.int64),
                             last_stake=np.zeros(1), last_won=np.zeros(1, dtype=bool))
        fractions = np.array([Kelly().fractions(context)[0],
                              policy.fractions(wealth[1:], game.rounds - t)[0]])
        result = settle(game, wealth, fractions, np.full(2, outcome), active)
        wealth = result.wealth
        active &= ~(result.capped | result.ruined)
    return outcomes, wealth


def test_robots_match_an_independent_replay_on_the_same_flips(app):
    app.push("challenge", game=SMALL, seed=8)
    app.run(frames=2)
    scene = app.scene
    for _ in range(5):
        key(app, pygame.K_SPACE, frames=2)
    key(app, pygame.K_s, frames=2)  # stop and compare
    assert scene.session.finished and scene.session.stopped
    assert scene.session.robots.wait(30)
    run = scene.session.robot_run
    outcomes, wealth = independent_replay(SMALL, scene.session.seed, SMALL.rounds)
    np.testing.assert_array_equal(run.outcomes, outcomes)
    player_flips = [r.outcome for r in scene.session.player.history]
    np.testing.assert_array_equal(run.outcomes[: len(player_flips)], player_flips)
    np.testing.assert_allclose(run.final, wealth, atol=1e-9)
    assert run.optimal_value == pytest.approx(solve(SMALL).value(SMALL.start, SMALL.rounds))
    assert run.optimal_value >= run.kelly_value
    app.run(frames=3)  # the comparison table draws


def test_the_solve_runs_off_the_frame_loop(app):
    release = threading.Event()

    def slow_solver(game):
        release.wait(10)
        return solve(game)

    app.push("challenge", game=SMALL, seed=4, solver=slow_solver)
    scene = app.scene
    start = app.frame
    app.run(frames=30)
    key(app, pygame.K_SPACE, frames=5)
    assert app.frame - start >= 35  # frames kept coming while the solver waited
    assert scene.session.round == 1
    assert scene.session.robot_run is None and not scene.session.robots.done
    release.set()
    assert scene.session.robots.wait(30)
    assert scene.session.robot_run is not None


def test_clock_mode_ends_the_game_when_time_is_up():
    session = ChallengeSession(SMALL, seed=2, mode="clock", clock_seconds=2.0)
    session.advance(5.0)
    assert session.elapsed == 0.0  # the clock starts at the first flip
    session.set_bet(1, 0.1)
    session.play()
    session.advance(1.0)
    assert session.time_left == pytest.approx(1.0) and not session.finished
    session.advance(1.5)
    assert session.time_up and session.finished
    with pytest.raises(ValueError, match="over"):
        session.play()


def test_mode_switch_by_key_starts_a_clock_game(app):
    app.push("challenge", game=SMALL, seed=4)
    app.run(frames=2)
    key(app, pygame.K_m, frames=2)
    assert app.scene.mode == "clock" and app.scene.session.mode == "clock"
    key(app, pygame.K_SPACE, frames=2)
    app.run(frames=60)
    assert app.scene.session.elapsed == pytest.approx(61 / 60, abs=0.05)


@pytest.mark.parametrize("bad", [(2, 1.0), (1, -1.0), (1, 0.005), (1, float("nan"))])
def test_bad_bets_raise_value_error(bad):
    session = ChallengeSession(SMALL, seed=1)
    with pytest.raises(ValueError):
        session.set_bet(*bad)


def test_play_robots_is_replayable():
    a, b = play_robots(SMALL, 5), play_robots(SMALL, 5)
    np.testing.assert_array_equal(a.wealth, b.wealth)
