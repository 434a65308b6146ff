"""The game in Traditional Chinese: the menu, Settings and Results draw no English words, the
language switches without a restart, and the font has every character of the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pygame
import pytest
from babel.messages.pofile import read_po

from game.app import App, main
from game.saves import Settings, load_settings, save_settings
from game.scenes.coin import coin_game
from game.sessions.session import CoinSession, RaceSession
from game.ui import style
from sim import i18n

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((960, 600), (1920, 1080))
#: key names printed on keys, kept in every language
KEY_NAMES = {"Esc", "Enter"}
#: the replay command is typed as it is
COMMAND = re.compile(r"kelly play(?: --[a-z]+ \S+)*")


def english_words(texts) -> set[str]:
    found: set[str] = set()
    drawn = COMMAND.sub("", " ".join(texts))  # joined: a wrapped command spans two lines
    for word in drawn.split():
        if "/" not in word and "\\" not in word:  # folder paths
            found |= set(re.findall(r"[A-Za-z]{2,}", word)) - KEY_NAMES
    return found


def widget_texts(app) -> list[str]:
    """The text of the widgets on screen (a screen below the top one keeps hidden widgets)."""
    return [e.text for e in app.ui.get_sprite_group().sprites()
            if isinstance(getattr(e, "text", None), str) and getattr(e, "visible", True)]


def finished_coin(app) -> CoinSession:
    return CoinSession.replay(coin_game(0.6, 1.0, 10), 3, [0.2] * 10)


def show(app, scene: str, **options) -> list[str]:
    """Open ``scene`` and draw two frames; returns its widgets' text."""
    app.push(scene, **options)
    app.run(frames=2)
    return widget_texts(app)


@pytest.mark.parametrize("size", SIZES)
def test_menu_settings_and_results_draw_no_english_in_chinese(drawn, size):
    app = App(headless=True, seed=1, size=size, language="zh-TW")
    try:
        widgets = show(app, "menu") + show(app, "settings")
        app.pop()
        widgets += show(app, "results", session=finished_coin(app))
        app.pop()
        race = RaceSession.replay(*_race(), [(0.5, 0.3, 0.2)] * 5)
        widgets += show(app, "results", session=race)
        app.pop()
        widgets += show(app, "results")  # the high-score tables, now with a coin and a race
        texts = drawn + widgets
    finally:
        app.close()
    assert any("凱利" in t for t in texts) and any("設定" in t for t in texts)
    assert english_words(texts) == set()


def _race():
    from game.scenes.race import PRESETS, race_game

    return race_game(*PRESETS[3]), 4


def test_the_same_screens_in_english_have_english(drawn):
    app = App(headless=True, seed=1, size=(1280, 720), language="en")
    try:
        assert {"Coin", "Settings", "Quit"} <= english_words(drawn + show(app, "menu"))
    finally:
        app.close()


def test_switching_language_redraws_every_screen_without_restart(drawn):
    app = App(headless=True, seed=1, size=(1280, 720), language="en")
    try:
        show(app, "menu")
        show(app, "settings")
        scene = app.scene
        drawn.clear()
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_l, mod=0,
                                             unicode="l", scancode=0))
        app.run(frames=2)
        assert app.language == i18n.current_language() == "zh-TW"
        assert app.scene is scene  # the same screen, rebuilt
        assert "設定" in drawn and english_words(drawn + widget_texts(app)) == set()
        assert load_settings().language == "zh-TW"  # kept for the next start
        app.pop()  # the menu underneath was rebuilt in Chinese too
        drawn.clear()
        app.run(frames=2)
        assert any("硬幣" in t for t in widget_texts(app)) and english_words(drawn) == set()
        assert app.scene.back_button is None  # rebuilt as the bottom screen: no Back
    finally:
        app.close()


def test_the_saved_language_is_the_default_and_lang_wins(drawn):
    save_settings(Settings(language="zh-TW"))
    app = App(headless=True, seed=1)
    assert app.language == "zh-TW"
    app.close()
    app = App(headless=True, seed=1, language="en")
    assert app.language == "en"
    app.close()


def test_a_bad_saved_language_falls_back_to_the_defaults(tmp_path):
    (tmp_path / "settings.json").write_text('{"version": 1, "settings": {"language": "xx"}}')
    with pytest.warns(UserWarning, match="moved it to"):
        assert load_settings(tmp_path) == Settings()


def test_kelly_play_unknown_language_is_one_line_and_exit_2(capsys):
    assert main(["--headless", "--frames", "1", "--lang", "tlh"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'tlh'" in err and "en, zh-TW" in err


def test_kelly_play_lang_opens_the_game_in_that_language(tmp_path):
    shot = tmp_path / "menu.png"
    assert main(["--headless", "--frames", "2", "--lang", "zh-TW", "--screenshot", str(shot)]) == 0
    assert shot.stat().st_size > 0
    i18n.set_language("en")


def test_the_font_has_every_character_of_the_chinese_catalogue():
    ttlib = pytest.importorskip("fontTools.ttLib")  # matplotlib's dependency
    cmap = ttlib.TTFont(str(ROOT / "assets" / "fonts" / style.CJK_FONT)).getBestCmap()
    with open(ROOT / "sim" / "locale" / "zh_TW" / "LC_MESSAGES" / "kelly.po", "rb") as handle:
        catalog = read_po(handle)
    characters = set()
    for message in catalog:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        characters.update("".join(texts))
    missing = sorted(c for c in characters if not c.isspace() and ord(c) not in cmap)
    assert missing == []


def test_the_classrooms_l_key_switches_the_whole_game(drawn):
    app = App(headless=True, seed=1, size=(1280, 720), language="en")
    try:
        show(app, "menu")
        show(app, "classroom")
        assert app.scene.lesson.language == "en"
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_l, mod=0,
                                             unicode="l", scancode=0))
        app.run(frames=2)
        assert app.scene.lesson.language == "zh-TW" and app.language == "zh-TW"
        app.pop()
        app.run(frames=1)
        assert any("課堂" in t for t in widget_texts(app))  # the menu behind it follows
    finally:
        app.close()


def test_the_menu_opens_the_classroom_in_the_games_language():
    app = App(headless=True, seed=1, size=(1280, 720), language="zh-TW")
    try:
        show(app, "menu")
        app.scene.open([e.scene for e in app.scene.entries].index("classroom"))
        assert app.scene.name == "classroom" and app.scene.lesson.language == "zh-TW"
    finally:
        app.close()
        i18n.set_language("en")
