"""Input routing (issue 15): a key press is either a hotkey or text, never both; the help
overlay takes the keys while it is open; a game under way is never thrown away by one key."""

import pygame
import pytest

from game.app import App
from game.scenes.coin import coin_game
from game.sessions.class_race import Participant
from game.ui.style import FOCUS
from tests.game.test_app import click, key

LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
SCREENS = ("coin", "race", "worlds", "unknown", "challenge", "results", "settings",
           "classroom_race", "classroom", "menu")


@pytest.fixture
def app():
    game_app = App(headless=True, seed=42, size=(1280, 720))
    game_app.push("menu")
    yield game_app
    game_app.close()


def press(app, letter, frames=1):
    """A letter as SDL delivers it: KEYDOWN, then the TEXTINPUT it types."""
    code = pygame.key.key_code(letter)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=letter,
                                         scancode=0))
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=letter))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=code, mod=0, unicode=letter,
                                         scancode=0))
    app.run(frames=frames)


def typed_text(app):
    """What the open prompt holds: a classroom editor's text, or a focused text box's."""
    editor = getattr(app.scene, "editor", None)
    if editor is not None:
        return editor.text
    focused = [e for e in app.ui.get_focus_set() or () if hasattr(e, "get_text")]
    return focused[0].get_text() if focused else None


@pytest.mark.parametrize("screen", SCREENS)
def test_a_hotkey_never_reaches_the_text_field_it_opens(app, screen):
    if screen != "menu":
        app.push(screen, **({"solver": None} if screen == "challenge" else {}))
    app.run(frames=2)
    home = app.scene
    for letter in LETTERS:
        before = typed_text(app)
        press(app, letter)
        after = typed_text(app)
        if after is not None:
            assert after == (before or ""), f"{letter!r} was typed into the prompt it opened"
        # leave whatever the key opened, back to the screen under test
        if getattr(app.scene, "editor", None) is not None:
            app.scene.editor = None
        app.ui.set_focus_set(None)
        while app.scene is not home and len(app.stack) > 1:
            app.pop()
        if not app.running:
            return


def test_class_race_prompts_start_empty(app):
    app.push("classroom_race")
    app.run(frames=2)
    scene = app.scene
    press(app, "a")
    assert scene.editor is not None and scene.editor.text == ""
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="Ada"))
    app.run(frames=1)
    assert scene.editor.text == "Ada"
    key(app, pygame.K_ESCAPE)
    press(app, "i")
    assert scene.editor.text == ""


def test_help_overlay_opens_with_f1_and_question_mark_and_blocks_the_keys(app):
    coin = app.push("coin") or app.scene
    app.run(frames=2)
    assert coin.help_keys and coin.help_panels
    key(app, pygame.K_F1)
    assert coin.help_open
    key(app, pygame.K_SPACE)  # closes the help, does not flip
    assert not coin.help_open and coin.session.round == 0
    key(app, pygame.K_SLASH, mod=pygame.KMOD_SHIFT, unicode="?")
    assert coin.help_open
    click(app, coin.flip_button.rect.center)  # the flip button waits under the overlay
    assert not coin.help_open and coin.session.round == 0
    key(app, pygame.K_F1)
    key(app, pygame.K_ESCAPE)  # Esc closes the help, not the screen
    assert app.scene is coin and not coin.help_open


@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_has_help(app, screen):
    from game.scenes import scene_class

    scene = scene_class(screen)
    assert scene.help_keys, screen
    assert all(len(k) == 2 and all(isinstance(x, str) and x for x in k) for k in scene.help_keys)


def test_new_game_during_a_game_needs_a_second_press(app):
    coin = app.push("coin") or app.scene
    app.run(frames=2)
    key(app, pygame.K_SPACE, frames=60)
    seed = coin.session.seed
    key(app, pygame.K_n)
    assert coin.session.seed == seed and coin.session.round == 1
    assert "press N again" in coin.message
    key(app, pygame.K_n)
    assert coin.session.round == 0 and coin.session.seed != seed


def test_a_new_coin_during_a_game_needs_a_second_apply(app):
    coin = app.push("coin") or app.scene
    app.run(frames=2)
    coin.flip()
    coin.land()
    coin.p_entry.set_text("0.7")
    coin.apply_coin()
    assert coin.game.p == pytest.approx(0.6) and coin.session.round == 1
    coin.apply_coin()
    assert coin.game.p == pytest.approx(0.7) and coin.session.round == 0


def test_a_new_game_never_auto_flips(app):
    coin = app.push("coin", game=coin_game(0.6, 1, 5)) or app.scene
    app.run(frames=2)
    key(app, pygame.K_a)
    assert coin.auto
    coin.new_game()
    assert not coin.auto
    app.run(frames=120)
    assert coin.session.round == 0


def test_challenge_has_an_auto_button_and_auto_stops_with_the_game(app):
    challenge = app.push("challenge", solver=None) or app.scene
    app.run(frames=2)
    assert challenge.auto_button is not None
    click(app, challenge.auto_button.rect.center)
    assert challenge.auto and "on" in challenge.auto_button.text
    challenge.place_bet(1, challenge.session.wealth)  # all in: over within a few flips
    app.run(frames=400)
    assert challenge.session.finished
    assert not challenge.auto and "off" in challenge.auto_button.text
    challenge.new_game()
    app.run(frames=30)
    assert challenge.session.round == 0


def test_race_add_horse_keeps_the_buttons_in_place_and_says_six_at_most(app):
    race = app.push("race") or app.scene
    app.run(frames=2)
    where = race.new_button.rect.copy()
    click(app, race.more_button.rect.center)
    assert race.k == 5 and race.new_button.rect == where
    click(app, race.more_button.rect.center)
    assert race.k == 6 and race.new_button.rect == where
    click(app, race.more_button.rect.center)
    assert race.k == 6 and "6 horses at most" in race.message


def test_class_race_csv_merges_with_students_added_by_hand(app, tmp_path):
    app.push("classroom_race")
    app.run(frames=2)
    scene = app.scene
    scene.add("Ada", 0.2)
    scene.add("Bo", 0.5)
    path = tmp_path / "class.csv"
    path.write_text("name,fraction\nbo,0.3\nCy,0.1\n", encoding="utf-8")
    scene.load_csv(path)
    assert [(p.name, p.fraction) for p in scene.participants] == [
        ("Ada", 0.2), ("bo", 0.3), ("Cy", 0.1)]
    assert "1 added, 1 updated, 1 kept" in scene.message


def test_class_race_summary_at_the_end(app):
    app.push("classroom_race", p=0.6, rounds=50, seed=1)
    app.run(frames=2)
    scene = app.scene
    for name, fraction in (("Ada", 0.05), ("Bo", 0.22), ("Cy", 0.9)):
        scene.participants.append(Participant(name, fraction))
    scene.finish()
    app.run(frames=2)
    assert scene.finished and scene.summary is not None
    assert scene.summary.closest == ("Bo",)
    press(app, "g")
    assert not scene.show_summary


def test_the_menu_offers_to_resume_a_saved_game(app):
    coin = app.push("coin") or app.scene
    app.run(frames=2)
    for _ in range(3):
        coin.flip()
        coin.land()
    bets = list(coin.session.inputs)
    assert app.save_unfinished() is not None
    app.pop()
    app.pop()  # the old menu goes too: a fresh one reads the saved game
    app.running = True
    app.push("menu")
    app.run(frames=2)
    menu = app.scene
    assert [e.scene for e in menu.entries][-2:] == ["resume", "quit"]
    key(app, pygame.K_r, unicode="r")
    resumed = app.scene
    assert resumed.name == "coin" and resumed.session.round == 3
    assert list(resumed.session.inputs) == bets and resumed.revealed == 3
    app.pop()
    assert all(e.scene != "resume" for e in app.scene.entries)


def test_unknown_and_challenge_results_go_into_the_high_scores(app):
    from game.saves import load_scores

    unknown = app.push("unknown", rounds=5) or app.scene
    app.run(frames=2)
    unknown.set_stake(20)
    for _ in range(5):
        unknown.flip()
        unknown.land()
    app.run(frames=200)
    assert app.scene.name == "results" and app.scene.kind == "unknown" and app.scene.saved
    app.pop()
    challenge = app.push("challenge", solver=None) or app.scene
    app.run(frames=2)
    challenge.place_bet(1, challenge.session.wealth)
    while not challenge.session.finished:
        challenge.flip()
        challenge.land()
    app.run(frames=2)
    kinds = [s.kind for s in load_scores()]
    assert kinds.count("unknown") == 1 and kinds.count("challenge") == 1
    key(app, pygame.K_f, unicode="f")
    assert app.scene.name == "results" and app.scene.kind == "challenge"
    assert [s.kind for s in load_scores()].count("challenge") == 1  # not twice


def test_every_control_is_reachable_with_tab_and_shows_a_focus_ring(app):
    coin = app.push("coin") or app.scene
    app.run(frames=2)
    widgets = coin.focusable()
    assert coin.flip_button in widgets and coin.stake_slider in widgets
    assert coin.p_entry in widgets
    seen = []
    for _ in range(len(widgets)):
        key(app, pygame.K_TAB)
        seen.append(coin.focused)
        app.ui.set_focus_set(None)  # a text box took the typing; leave it for the next Tab
    assert set(seen) == set(widgets)
    while coin.focused is not coin.flip_button:
        key(app, pygame.K_TAB)
        app.ui.set_focus_set(None)
    ring = coin.flip_button.rect.inflate(8, 8)  # drawn over the widgets, in the focus colour
    assert tuple(app.screen.get_at((ring.left + 1, ring.centery)))[:3] == tuple(FOCUS)
    key(app, pygame.K_RETURN)
    assert coin.session.round == 1  # Enter pressed the focused Flip button
    while coin.focused is not coin.stake_slider:
        key(app, pygame.K_TAB)
        app.ui.set_focus_set(None)
    before = coin.stake_pct
    key(app, pygame.K_RIGHT)
    assert coin.stake_pct == before + 1


def test_colour_blind_palette_and_larger_text_apply_at_once(app):
    from game.ui import style

    settings = app.push("settings") or app.scene
    app.run(frames=2)
    standard = tuple(style.GOOD)
    size = style.font(15).get_height()
    key(app, pygame.K_c, unicode="c")
    assert settings.draft.palette == "colour-blind" and tuple(style.GOOD) == (0, 158, 115)
    key(app, pygame.K_t, unicode="t")
    assert style.font(15).get_height() > size
    settings.save()
    assert app.settings.palette == "colour-blind" and app.settings.larger_text
    from game.saves import load_settings

    assert load_settings().palette == "colour-blind"
    key(app, pygame.K_c, unicode="c")
    key(app, pygame.K_t, unicode="t")
    key(app, pygame.K_ESCAPE)  # not saved: the saved look comes back
    assert tuple(style.GOOD) == (0, 158, 115)
    style.apply_look(load_settings().__class__())
    assert tuple(style.GOOD) == standard and style.font(15).get_height() == size


def test_a_race_runs_on_screen_before_its_result_is_shown(app):
    race = app.push("race") or app.scene
    app.run(frames=2)
    before = race.message
    key(app, pygame.K_SPACE)
    assert race.session.round == 1 and race.revealed == 0  # the horses are running
    assert race.message == "And they're off…" and race.message != before
    app.run(frames=60)
    assert race.revealed == 1 and " won — " in race.message
    key(app, pygame.K_SPACE)
    key(app, pygame.K_SPACE)  # a second race lands the first at once
    assert race.session.round == 3 and race.revealed == 2
