"""One seed, one set of flips: the game's sessions play the engine's draws (``kelly paths``)."""

import json

import numpy as np
import pytest

from game.app import App
from game.sessions.challenge import ChallengeSession
from game.sessions.replay import session_from_json
from game.sessions.session import (
    ENGINE_DRAWS,
    LEGACY_DRAWS,
    CoinSession,
    RaceSession,
)
from game.sessions.unknown import UnknownSession
from sim.engine import block_outcomes, simulate
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.strategies import FixedFraction, Shares


def played_flips(session) -> list[int]:
    while not session.finished:
        session.play()
    return [record.outcome for record in session.history]


@pytest.mark.parametrize("game", [
    CoinGame(p=0.6, odds=1.0, start=100.0, rounds=100),  # the Coin screen's default game
    CoinGame(p=0.3, odds=2.5, start=100.0, rounds=37),
])
def test_the_coin_session_flips_path_0_of_kelly_paths(game):
    flips = played_flips(CoinSession(game, 7))
    assert flips == block_outcomes(game, 7, 0)[:, 0].tolist()
    # kelly paths runs simulate(method="paths"); a heads bet grows exactly on the heads of path 0
    paths = simulate(game, [FixedFraction(0.1)], 5, 7, method="paths", record_paths=True)
    grew = np.diff(paths.trajectories[0, 0]) > 0
    assert grew.tolist() == [flip == 0 for flip in flips]


def test_the_race_session_runs_on_the_engine_winners():
    game = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 4.0, 5.0), rounds=40)
    winners = played_flips(RaceSession(game, 7))
    assert winners == block_outcomes(game, 7, 0)[:, 0].tolist()
    paths = simulate(game, [Shares((0.1, 0.0, 0.0))], 3, 7, method="paths", record_paths=True)
    assert (np.diff(paths.trajectories[0, 0]) > 0).tolist() == [w == 0 for w in winners]


def test_challenge_and_unknown_coin_flip_the_engine_draws_too():
    challenge = ChallengeSession(HAGHANI_DEWEY, 7)
    challenge.set_bet(1, 0.0)
    while not challenge.finished:
        challenge.play()
    assert [r.outcome for r in challenge.player.history] == \
        block_outcomes(HAGHANI_DEWEY, 7, 0)[:, 0].tolist()
    unknown = UnknownSession(7, rounds=30)
    while not unknown.finished:
        unknown.play(0.0)
    assert [r.outcome for r in unknown.coin.history] == \
        block_outcomes(unknown.game, 7, 0)[:, 0].tolist()


def test_kelly_play_seed_7_on_the_coin_screen_shows_those_flips():
    app = App(headless=True, seed=7, size=(1280, 720))
    try:
        app.push("menu")
        app.push("coin")
        scene = app.scene
        for _ in range(12):
            scene.flip()
        expected = block_outcomes(scene.game, 7, 0)[:12, 0].tolist()
        assert [r.outcome for r in scene.session.history] == expected
    finally:
        app.close()


def test_saves_record_their_draws_and_old_saves_replay_on_the_old_draws():
    game = CoinGame(p=0.6, rounds=30)
    bets = [0.2, -0.1, 0.5, 0.0, 0.3]
    record = CoinSession.replay(game, 11, bets).to_json()
    assert record["draws"] == ENGINE_DRAWS
    assert session_from_json(json.loads(json.dumps(record))).history == \
        CoinSession.replay(game, 11, bets).history
    old = {key: value for key, value in record.items() if key != "draws"}  # a save from before
    again = session_from_json(old)
    assert again.draws == LEGACY_DRAWS
    rng = np.random.default_rng(11)  # how those saves drew: one uniform per round, searchsorted
    legacy = [int(np.searchsorted([0.6], rng.random(), side="right")) for _ in bets]
    assert [r.outcome for r in again.history] == legacy
    assert again.to_json()["draws"] == LEGACY_DRAWS  # saved again, it keeps its flips
    with pytest.raises(ValueError, match="draws"):
        session_from_json({**record, "draws": "dice"})
    with pytest.raises(ValueError, match="draws"):
        CoinSession(game, 1, draws="dice")
