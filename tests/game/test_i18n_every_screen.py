"""Every screen in Traditional Chinese draws no English word (issue 16).

Each screen is opened on a headless app in zh-TW and driven into a few states a player reaches
(a game started, played, finished, bust; the help overlay open); every string a pygame font
renders and every widget's text is collected and scanned for Latin words. Only proper names,
units, key names, math and the typed commands are allowed.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from game.app import App
from game.ui import layout
from sim import i18n
from tests.game import layout_states as states
from tests.game.test_i18n_screens import COMMAND, widget_texts

#: words a Chinese screen keeps: names of people and horses, key caps, math and units
ALLOWED = {
    # people and sources
    "Kelly", "Haghani", "Dewey", "Okabe", "Ito", "Bayes", "Cover", "Thomas", "Thorp", "Peters",
    "Brier", "Gneiting", "Raftery",
    # the language button names the other language in that language
    "English",
    # the horses of the Race (names, as on a race card)
    "Ada", "Blaze", "Comet", "Dash", "Echo", "Flint",
    # keys printed on the keyboard
    "Esc", "Enter", "Tab", "Shift", "Home", "End", "PgUp", "PgDn", "F1",
    # math and models: ln, H(p, q), D(p‖q), I(X;Y), e^(g·t), E[ln m], q_t, softmax, f*
    "ln", "log", "KL", "Gt", "softmax", "CSV", "nats",
    # the lesson glosses a technical term in English: 誠實的（proper）評分規則
    "proper",
}


def english_words(texts) -> set[str]:
    found: set[str] = set()
    shown = COMMAND.sub("", " ".join(texts)).replace("name,fraction", "")  # a CSV header
    for word in shown.split():
        if "/" in word or "\\" in word:
            continue  # a file or folder path (the data folder in Settings)
        found |= set(re.findall(r"[A-Za-z]{2,}", word)) - ALLOWED
    return found


def _wire(app):
    app.push("wire")
    scene = app.scene
    for _ in range(30):
        scene.flip()
    app.run(frames=30)


def _wire_intro(app):
    app.push("wire")
    app.run(frames=2)


def _learn(model):
    def state(app):
        app.push("learn", model=model)
        scene = app.scene
        scene.to_end()
        app.run(frames=240)
    return state


def _learn_intro(app):
    app.push("learn")
    app.run(frames=2)


def _class_race(finish: bool):
    def state(app):
        app.push("classroom_race", p=0.6, rounds=60, seed=3)
        scene = app.scene
        rng = np.random.default_rng(5)
        for i in range(12):
            scene.add(f"學生{i + 1}", float(rng.uniform(0, 0.9)))
        scene.start()
        for _ in range(30):
            scene.step_once()
        if finish:
            scene.finish()
        app.run(frames=2)
    return state


def _class_race_empty(app):
    app.push("classroom_race", p=0.6, rounds=60, seed=3)
    app.run(frames=2)


def _race_intro(app):
    app.push("race")
    app.run(frames=2)


def _race_running(app):
    app.push("race")
    app.scene.play()
    app.run(frames=20)  # the run on the track


def _challenge_intro(app):
    app.push("challenge", solver=None)
    app.run(frames=2)


def _worlds_running(app):
    app.push("worlds")
    app.scene.set_fraction(20)
    app.run(frames=90)


def _classroom(index):
    def state(app):
        app.push("classroom", language=app.language)  # as the menu opens it
        scene = app.scene
        scene.go(min(index, len(scene.lesson.steps) - 1))
        scene.wait_until_ready()
        app.run(frames=3)
    return state


def _help(state):
    def opened(app):
        state(app)
        app.scene.help_open = True
        app.run(frames=1)
    return opened


SCREENS = {
    "menu": states.menu,
    "coin_intro": states.coin_intro,
    "coin_075": states.coin_075,
    "coin_bust": states.coin_bust,
    "coin_rich": states.coin_rich,
    "race_intro": _race_intro,
    "race_running": _race_running,
    "race_unfair": states.race_unfair,
    "race_six_landed": states.race_six_landed,
    "race_all_in": states.race_all_in,
    "worlds_zero": states.worlds_zero,
    "worlds_running": _worlds_running,
    "worlds_all_in": states.worlds_all_in,
    "challenge_intro": _challenge_intro,
    "challenge_played": states.challenge_played,
    "challenge_results": states.challenge_results,
    "unknown_auto": states.unknown_auto,
    "unknown_results": states.unknown_results,
    "wire_intro": _wire_intro,
    "wire": _wire,
    "learn_intro": _learn_intro,
    "learn_table": _learn("table"),
    "learn_hard": _learn("hard"),
    **{f"classroom_step{i}": _classroom(i) for i in range(10)},
    "class_race_empty": _class_race_empty,
    "class_race": _class_race(False),
    "class_race_over": _class_race(True),
    "results_rich": states.results_rich,
    "results_bust": states.results_bust,
    "high_scores": states.high_scores,
    "settings": states.settings,
}
SCREENS.update({f"{name}_help": _help(SCREENS[name])
                for name in ("menu", "coin_intro", "race_intro", "worlds_zero",
                             "challenge_intro", "unknown_auto", "wire_intro", "learn_intro",
                             "classroom_step0", "class_race", "results_bust", "settings")})


def shown_in_chinese(state, size=(960, 600)) -> tuple[list[str], list[str]]:
    """The widgets' text of ``state`` drawn in zh-TW, and the layout's problems (the smallest
    window: the longer or taller Chinese labels must still fit their panels)."""
    app = App(headless=True, seed=42, size=size, language="zh-TW")
    app.push("menu")
    try:
        with layout.recording() as recorder:
            SCREENS[state](app)
            app.run(frames=1)
            return widget_texts(app), recorder.problems()
    finally:
        app.close()
        i18n.set_language("en")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("state", sorted(SCREENS))
def test_no_english_word_on_a_chinese_screen(drawn, state):
    widgets, problems = shown_in_chinese(state)
    texts = drawn + widgets
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts)  # Chinese was drawn
    assert english_words(texts) == set()
    assert problems == []


def test_the_scan_finds_english_when_the_screen_is_english(drawn):
    app = App(headless=True, seed=42, size=(1280, 720), language="en")
    try:
        app.push("menu")
        states.coin_075(app)
        app.scene.help_open = True
        app.run(frames=2)
        words = english_words(drawn + widget_texts(app))
    finally:
        app.close()
    assert {"Bankroll", "Flip", "Stake", "help"} <= words
