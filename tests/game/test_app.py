"""The game in a headless window: real key and mouse events in, session state out."""

import itertools
import json
import math
import os
import signal
import sys

import numpy as np
import pygame
import pytest

from game.app import App, main
from game.audio import Sounds
from game.saves import (
    SCORES_FILE,
    SETTINGS_FILE,
    UNFINISHED_FILE,
    Settings,
    data_dir,
    load_settings,
    load_unfinished,
)
from game.scenes import registry
from game.scenes.coin import coin_game
from game.sessions.session import CoinSession
from game.sessions.worlds import PETERS_FRACTION, ManyWorlds

SCREENS = ("menu", "coin", "worlds", "race", "results", "settings")


@pytest.fixture
def app():
    game_app = App(headless=True, seed=42, size=(1280, 720))
    game_app.push("menu")
    yield game_app
    game_app.close()


def open_screen(app, name, **options):
    app.push(name, **options)
    app.run(frames=2)
    return app.scene


def key(app, code, mod=0, unicode="", frames=1):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod, unicode=unicode,
                                         scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=code, mod=mod, unicode=unicode,
                                         scancode=0))
    app.run(frames=frames)


def click(app, position, frames=3):
    """Move the mouse there and press and release the left button, as a player would."""
    position = tuple(int(v) for v in position)
    pygame.mouse.set_pos(position)
    for kind, extra in ((pygame.MOUSEMOTION, {"rel": (0, 0), "buttons": (0, 0, 0)}),
                        (pygame.MOUSEBUTTONDOWN, {"button": 1}),
                        (pygame.MOUSEBUTTONUP, {"button": 1})):
        pygame.event.post(pygame.event.Event(kind, pos=position, touch=False, **extra))
    app.run(frames=frames)


def drag(app, start, end, frames=3):
    """Press at ``start``, move to ``end`` (a frame in between), release."""
    pygame.mouse.set_pos(start)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=start, rel=(0, 0),
                                         buttons=(0, 0, 0), touch=False))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=start, button=1,
                                         touch=False))
    app.run(frames=2)
    pygame.mouse.set_pos(end)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=end, rel=(0, 0),
                                         buttons=(1, 0, 0), touch=False))
    app.run(frames=2)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=end, button=1, touch=False))
    app.run(frames=frames)


def type_into(app, entry, text):
    """Click a text box, select its text, type ``text`` and press Enter."""
    click(app, entry.rect.center)
    key(app, pygame.K_a, mod=pygame.KMOD_CTRL)
    for char in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=char))
    app.run(frames=1)
    key(app, pygame.K_RETURN, frames=3)


def test_every_screen_opens_draws_and_survives_a_resize(app):
    assert set(SCREENS) <= set(registry())
    for name in SCREENS:
        scene = open_screen(app, name)
        assert scene.name == name
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(960, 600), w=960, h=600))
        app.run(frames=2)
        assert app.size == (960, 600)
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(500, 300), w=500, h=300))
        app.run(frames=2)
        assert app.size == (960, 600)  # never below the minimum
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(1280, 720), w=1280, h=720))
        app.run(frames=2)
        if name != "menu":
            key(app, pygame.K_ESCAPE)
        assert app.scene.name == "menu"


def test_ten_flips_at_kelly_match_the_kelly_bot(app):
    coin = open_screen(app, "coin")
    assert coin.stake_pct == 10 and coin.side == 1
    for _ in range(10):
        key(app, pygame.K_RIGHT)
    assert coin.stake_pct == 20
    for _ in range(10):
        key(app, pygame.K_SPACE)
    session = coin.session
    assert session.round == 10
    assert all(record.bet == pytest.approx(0.2) for record in session.history)
    kelly = session.names.index("Kelly")
    assert session.wealth[0] == pytest.approx(session.wealth[kelly], rel=1e-12)
    allin = session.names.index("All-in")
    tails = [r.round for r in session.history if r.outcome == 1]
    if tails:
        assert session.ruined[allin]
        assert session.rounds_played[allin] == tails[0]
    app.run(frames=60)  # the last coin lands and the charts catch up
    assert coin.revealed == 10


def test_mouse_buttons_choose_side_and_flip(app):
    coin = open_screen(app, "coin")
    click(app, coin.tails_button.rect.center)
    assert coin.side == -1
    click(app, coin.flip_button.rect.center)
    assert coin.session.round == 1
    assert coin.session.history[0].bet == pytest.approx(-0.1)
    click(app, coin.heads_button.rect.center)
    key(app, pygame.K_t)
    assert coin.side == -1
    key(app, pygame.K_h)
    assert coin.side == 1


def test_slider_drag_sets_the_stake(app):
    coin = open_screen(app, "coin")
    slider = coin.stake_slider
    knob = slider.sliding_button.rect.center
    target = (slider.rect.left + slider.rect.width * 0.55, knob[1])
    drag(app, knob, target)
    assert 40 <= coin.stake_pct <= 70
    assert coin.stake_pct == slider.get_current_value()
    key(app, pygame.K_SPACE)
    assert coin.session.history[0].bet == pytest.approx(coin.stake_pct / 100)


def test_click_on_growth_curve_picks_that_bet(app):
    coin = open_screen(app, "coin")
    plot = coin.curve_plot
    click(app, (plot.left + plot.width * 0.75, plot.centery))  # f = +0.5
    assert coin.side == 1 and coin.stake_pct == pytest.approx(50, abs=1)
    click(app, (plot.left + plot.width * 0.25, plot.centery))  # f = -0.5
    assert coin.side == -1 and coin.stake_pct == pytest.approx(50, abs=1)


def test_auto_flip_plays_by_itself(app):
    coin = open_screen(app, "coin")
    key(app, pygame.K_a)
    assert coin.auto
    app.run(frames=120)  # two seconds at 3 flips a second
    assert 4 <= coin.session.round <= 7
    key(app, pygame.K_a)
    played = coin.session.round
    app.run(frames=60)
    assert coin.session.round == played


def test_typing_into_a_text_box_is_not_a_hotkey(app):
    coin = open_screen(app, "coin")
    type_into(app, coin.p_entry, "0.7")
    assert coin.game.p == pytest.approx(0.7)
    assert coin.session.round == 0
    assert coin.error == ""
    type_into(app, coin.p_entry, "1.5")
    assert "p = 1.5" in coin.error
    assert coin.game.p == pytest.approx(0.7)
    key(app, pygame.K_ESCAPE)  # leaves the text box, not the screen
    assert app.scene is coin
    key(app, pygame.K_SPACE)
    assert coin.session.round == 1


def test_all_in_goes_bust_and_results_follow(app):
    coin = open_screen(app, "coin")
    for _ in range(90):
        key(app, pygame.K_RIGHT, frames=0)
    app.run(frames=1)
    assert coin.stake_pct == 100
    while not coin.session.finished:
        key(app, pygame.K_SPACE)
    assert coin.session.ruined[0]
    app.run(frames=180)  # the coin lands, a pause, then the results
    results = app.scene
    assert results.name == "results"
    assert results.results.player.growth == -math.inf
    assert results.saved
    scores = json.loads((data_dir() / SCORES_FILE).read_text())
    assert scores["version"] == 1 and scores["scores"][0]["seed"] == coin.session.seed


def test_finish_then_replay_gives_the_same_flips(app):
    coin = open_screen(app, "coin")
    for _ in range(5):
        key(app, pygame.K_SPACE)
    first = list(coin.session.history)
    key(app, pygame.K_f, frames=2)
    results = app.scene
    assert results.name == "results" and not results.saved  # finished early: no high score
    key(app, pygame.K_r, frames=2)
    assert app.scene is coin and coin.session.round == 0
    for _ in range(5):
        key(app, pygame.K_SPACE)
    assert coin.session.history == first
    key(app, pygame.K_n)
    assert coin.session.seed != first[0] or coin.session.round == 0


def test_same_seed_and_inputs_replay_through_the_window():
    histories = []
    for _ in range(2):
        game_app = App(headless=True, seed=9)
        try:
            game_app.push("menu")
            coin = open_screen(game_app, "coin")
            for step in range(12):
                key(game_app, pygame.K_RIGHT if step % 3 else pygame.K_t)
                key(game_app, pygame.K_SPACE)
            histories.append(coin.session.history)
        finally:
            game_app.close()
    assert histories[0] == histories[1]
    settings = Settings()
    game = coin_game(settings.p, settings.odds, settings.rounds)
    replayed = CoinSession.replay(game, 9, [r.bet for r in histories[0]])
    assert replayed.history == histories[0]


def test_many_worlds_runs_and_responds(app):
    worlds = open_screen(app, "worlds")
    assert worlds.fraction == pytest.approx(PETERS_FRACTION)
    assert worlds.worlds.paths == 1000
    app.run(frames=60)
    assert worlds.round == 20
    expected = ManyWorlds(worlds.game, PETERS_FRACTION, 1000, worlds.seed).snapshot(20)
    assert worlds.worlds.snapshot(20) == expected
    key(app, pygame.K_SPACE)
    assert not worlds.running
    key(app, pygame.K_RIGHT)
    assert worlds.fraction_pct == 41 and worlds.round == 0
    key(app, pygame.K_k)
    assert worlds.game.p == 0.6 and worlds.fraction_pct == 20
    click(app, worlds.peters_button.rect.center)
    assert worlds.game.odds == 1.25 and worlds.fraction_pct == 40
    seed = worlds.seed
    key(app, pygame.K_n)
    assert worlds.seed != seed


def test_race_betting_the_chances_matches_kelly(app):
    race = open_screen(app, "race")
    key(app, pygame.K_k)
    assert np.allclose(race.shares, race.game.probs)
    for _ in range(8):
        key(app, pygame.K_SPACE)
    session = race.session
    assert session.round == 8
    assert session.wealth[0] == pytest.approx(session.wealth[session.names.index("Kelly")])
    key(app, pygame.K_c)
    assert race.shares.sum() == 0
    key(app, pygame.K_RIGHT, mod=pygame.KMOD_SHIFT)
    assert race.shares[0] == pytest.approx(0.05)
    click(app, race.more_button.rect.center)
    assert race.k == 5 and race.session.round == 0
    key(app, pygame.K_MINUS)
    key(app, pygame.K_MINUS)
    assert race.k == 3


def test_race_shares_never_pass_the_whole_bankroll(app):
    race = open_screen(app, "race")
    for i in range(race.k):
        race.selected = i
        for _ in range(12):
            key(app, pygame.K_RIGHT, mod=pygame.KMOD_SHIFT, frames=0)
    app.run(frames=1)
    assert race.shares.sum() == pytest.approx(1.0)
    key(app, pygame.K_SPACE)
    assert race.session.round == 1


def test_settings_are_saved_and_used(app):
    settings = open_screen(app, "settings")
    click(app, settings.sound_button.rect.center)
    assert settings.draft.sound is False
    type_into(app, settings.rounds_entry, "30")
    assert load_settings() == Settings(sound=False, rounds=30)
    assert app.settings.rounds == 30 and not app.sounds.enabled
    type_into(app, settings.p_entry, "7")
    assert "p = 7" in settings.message
    key(app, pygame.K_ESCAPE)
    coin = open_screen(app, "coin")
    assert coin.game.rounds == 30


def test_menu_keyboard_and_escape(app):
    menu = app.scene
    key(app, pygame.K_DOWN)
    key(app, pygame.K_RETURN, frames=2)
    assert app.scene.name == "worlds"
    key(app, pygame.K_ESCAPE)
    assert app.scene is menu
    key(app, pygame.K_3, frames=2)
    assert app.scene.name == "race"
    click(app, app.scene.back_button.rect.center)
    assert app.scene is menu
    key(app, pygame.K_ESCAPE)
    assert not app.running


@pytest.mark.parametrize("size", [(960, 600), (1280, 720), (1920, 1080)])
def test_every_menu_entry_fits_the_window(size):
    small = App(headless=True, seed=1, size=size)
    try:
        small.push("menu")
        small.run(frames=2)
        window = pygame.Rect((0, 0), small.size)
        footer_top = small.size[1] - 44
        buttons = small.scene.buttons
        assert len(buttons) == len(small.scene.entries)
        for upper, lower in itertools.pairwise(buttons):
            assert not upper.rect.colliderect(lower.rect)
        for button in buttons:
            assert window.contains(button.rect) and button.rect.bottom <= footer_top
    finally:
        small.close()


def test_high_scores_screen_lists_saved_games(app):
    coin = open_screen(app, "coin")
    coin.game = coin.game.__class__(p=0.6, odds=1.0, start=100.0, rounds=10)
    coin.new_game(5)
    for _ in range(10):
        key(app, pygame.K_SPACE)
    app.run(frames=150)
    assert app.scene.name == "results" and app.scene.saved
    key(app, pygame.K_m, frames=2)
    assert app.scene.name == "menu"
    scores = open_screen(app, "results")
    assert scores.session is None and len(scores.scores) == 1


def test_sounds_fail_quietly_without_a_mixer(monkeypatch):
    def broken(*args, **kwargs):
        raise pygame.error("no audio device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", broken)
    sounds = Sounds(enabled=True)
    assert not sounds.available
    sounds.play("flip")  # nothing happens, nothing raised


def test_cli_screenshot_and_one_line_errors(tmp_path, capsys):
    shot = tmp_path / "shots" / "coin.png"
    code = main(["--headless", "--frames", "5", "--screen", "coin", "--seed", "1",
                 "--size", "1000x640", "--screenshot", str(shot)])
    assert code == 0
    image = pygame.image.load(str(shot))
    assert image.get_size() == (1000, 640)
    assert [p.name for p in shot.parent.iterdir()] == ["coin.png"]  # no temporary left behind
    bad = (["--size", "big"], ["--screen", "nowhere"], ["--frames", "0"],
           ["--screenshot", "x.jpg"], ["--seed", "-3"], ["--what"])
    for argv in bad:
        capsys.readouterr()
        assert main(["--headless", *argv]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("kelly play: error:")


def test_cli_classroom_flag_runs(tmp_path):
    shot = tmp_path / "classroom.png"
    assert main(["--headless", "--classroom", "--frames", "3", "--screenshot", str(shot)]) == 0
    assert shot.exists()


def test_cli_headless_stops_by_itself_and_reports_unwritable_files(tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.setattr("game.app.HEADLESS_FRAMES", 3)
    assert main(["--headless"]) == 0
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    # a destination that cannot be written is bad input: exit 2, one line (issue 17)
    assert main(["--headless", "--screenshot", str(blocker / "shot.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write" in err


def test_settings_file_is_versioned_json(app):
    settings = open_screen(app, "settings")
    key(app, pygame.K_RETURN)
    data = json.loads((data_dir() / SETTINGS_FILE).read_text())
    assert data["version"] == 1 and data["settings"]["p"] == settings.draft.p


def test_results_lessons_quote_this_games_numbers():
    from game.scenes.race import PRESETS, race_game
    from game.scenes.results import lesson
    from game.sessions.maths import bet_decomposition
    from game.sessions.review import review
    from game.sessions.session import RaceSession

    game = race_game(*PRESETS[3])
    bets = [(0.5, 0.3, 0.2), (0.2, 0.2, 0.2)]
    session = RaceSession.replay(game, 4, bets)
    cost = np.mean([bet_decomposition(game, b).divergence for b in bets])
    assert f"{cost:.4f}" in lesson(session, session.results())
    coin = CoinSession.replay(coin_game(0.6, 1.0, 100), 4, [0.5, -0.3])
    text = lesson(coin, coin.results())
    assert "40%" in text and "Kelly's 20%" in text
    assert lesson(coin, coin.results(), review(coin)) == text  # as the screen draws it


def test_the_results_screen_reviews_the_game_once(app, monkeypatch):
    import game.scenes.results as results_screen
    from game.sessions.review import review

    session = CoinSession.replay(coin_game(0.6, 1.0, 100), 4, [0.5, -0.3])
    calls = []
    monkeypatch.setattr(results_screen, "review", lambda s: calls.append(s) or review(s))
    app.push("results", session=session)
    app.run(frames=5)
    assert calls == [session]


# -- leaving mid-round keeps the play-through -----------------------------------------------------


def assert_same_play(saved, session):
    assert saved.game == session.game and saved.seed == session.seed
    assert saved.history == session.history
    assert np.array_equal(saved.wealth, session.wealth)


@pytest.mark.parametrize("screen", ["coin", "race"])
def test_closing_the_window_mid_round_saves_the_session(app, screen):
    scene = open_screen(app, screen)
    if screen == "race":
        key(app, pygame.K_k)
    for _ in range(3):
        key(app, pygame.K_SPACE)
    key(app, pygame.K_RIGHT, mod=pygame.KMOD_SHIFT)
    key(app, pygame.K_SPACE)  # the bets change mid-game
    assert scene.session.round == 4 and not scene.session.finished
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.run(frames=5)
    assert not app.running
    data = json.loads((data_dir() / UNFINISHED_FILE).read_text())
    assert data["version"] == 1 and data["screen"] == screen and len(data["session"]["bets"]) == 4
    assert_same_play(load_unfinished(), scene.session)


@pytest.mark.parametrize("screen", ["challenge", "unknown"])
def test_closing_a_challenge_or_unknown_coin_mid_game_saves_its_bets(app, screen, monkeypatch):
    if screen == "challenge":  # keep the optimal-play solve (a background thread) out of it
        monkeypatch.setattr("game.sessions.challenge.ChallengeSession.prepare_robots",
                            lambda self, *args, **kwargs: None)
    scene = open_screen(app, screen)
    for _ in range(3):
        key(app, pygame.K_SPACE)
    session = scene.session.bet_session
    assert session.round == 3
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.run(frames=5)
    data = json.loads((data_dir() / UNFINISHED_FILE).read_text())
    assert data["screen"] == screen and len(data["session"]["bets"]) == 3
    assert_same_play(load_unfinished(), session)


def test_quitting_with_no_game_under_way_writes_nothing(app):
    open_screen(app, "coin")  # opened, never flipped
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.run(frames=2)
    assert not app.running and not (data_dir() / UNFINISHED_FILE).exists()
    assert load_unfinished() is None


REAL_RUN = App.run


def flip_then(stop):
    """An App.run that flips three coins, then stops the way ``stop`` does."""
    real = REAL_RUN

    def run(self, frames=None):
        for _ in range(3):
            for kind in (pygame.KEYDOWN, pygame.KEYUP):
                pygame.event.post(pygame.event.Event(kind, key=pygame.K_SPACE, mod=0,
                                                     unicode=" ", scancode=0))
            real(self, frames=1)
        stop(self)
        return real(self, frames=frames)

    return run


def test_cli_window_close_sigterm_and_ctrl_c_save_and_exit(monkeypatch, capsys):
    argv = ["--headless", "--screen", "coin", "--seed", "7", "--frames", "30"]
    stops = {
        "window": (lambda app: pygame.event.post(pygame.event.Event(pygame.QUIT)), 0),
        "sigterm": (lambda app: os.kill(os.getpid(), signal.SIGTERM), 0),
        "ctrl-c": (lambda app: (_ for _ in ()).throw(KeyboardInterrupt), 130),
    }
    # sim.files may have installed its temporary-file cleanup over the default action
    before = signal.getsignal(signal.SIGTERM)
    for name, (stop, code) in stops.items():
        (data_dir() / UNFINISHED_FILE).unlink(missing_ok=True)
        monkeypatch.setattr(App, "run", flip_then(stop))
        assert main(argv) == code, name
        saved = load_unfinished()
        assert saved is not None and saved.round == 3 and saved.seed == 7, name
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is put back
    assert capsys.readouterr().err == "kelly play: interrupted\n"


def test_a_bad_unfinished_file_is_moved_aside(tmp_path):
    (tmp_path / UNFINISHED_FILE).write_text('{"version": 1, "screen": "coin", "session": 3}')
    with pytest.warns(UserWarning, match="moved it to last_session.json.corrupt-"):
        assert load_unfinished(tmp_path) is None


# -- --lesson -------------------------------------------------------------------------------------


def test_cli_lesson_opens_the_classroom_in_that_lesson(monkeypatch):
    languages = []
    real = App.close

    def close(self):
        languages.append((self.scene.name, self.scene.lesson.language))
        real(self)

    monkeypatch.setattr(App, "close", close)
    assert main(["--headless", "--frames", "2", "--lesson", "zh-TW"]) == 0
    assert languages == [("classroom", "zh-TW")]


@pytest.mark.parametrize("lesson", ["broken.toml", "binary.toml", "folder", "missing.toml", "fr"])
def test_cli_bad_lesson_is_one_line_and_exit_2(tmp_path, capsys, lesson):
    (tmp_path / "broken.toml").write_text('title = "x"\n[[steps')
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "folder").mkdir()
    target = "fr" if lesson == "fr" else str(tmp_path / lesson)
    assert main(["--headless", "--frames", "2", "--lesson", target]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kelly play: error:")


@pytest.mark.parametrize("screen", ["coin", "challenge", "unknown"])
def test_the_bet_line_does_not_give_away_the_flip_in_the_air(app, screen, monkeypatch):
    """While the coin spins, no amount on screen is worked out from the bankroll after it."""
    scene = open_screen(app, screen)
    scene.flip()
    after = float(scene.bets.wealth[0])
    assert scene.coin.busy and after != scene.shown_wealth()
    amounts = []
    module = sys.modules[type(scene).__module__]
    monkeypatch.setattr(module, "money", lambda value: amounts.append(round(value, 2)) or "$")
    scene.draw(app.screen)
    assert amounts
    assert round(after, 2) not in amounts and round(after * 0.1, 2) not in amounts
    scene.land()
    assert scene.shown_wealth() == after


def test_a_headless_app_starts_no_mixer():
    """No mixer thread in headless runs: pygame.quit() waits for that thread with the GIL held,
    and a sound ending just then took the GIL in it (a test run hung in App.close)."""
    app = App(headless=True, seed=1)
    try:
        assert not app.sounds.available
        app.sounds.play("click")  # a no-op, not an error
    finally:
        app.close()
