"""Extreme states of every screen, for the layout test and the no-"e+" test.

Each state is a function ``(app) -> None`` that opens a screen on a fresh headless app and
drives it into a state a player can reach: a p of 0.99 after 300 auto flips, wealth past 1e300,
a bust, unfair race odds, six horses, 30 students in the class race.
"""

from __future__ import annotations

import numpy as np

from game.scenes.coin import coin_game


def _flips(app, count: int) -> None:
    scene = app.scene
    for _ in range(count):
        if scene.finished:
            break
        scene.flip()
        scene.land()
    app.run(frames=2)


def coin_rich(app):
    """p = 0.99, odds 10, everything on heads for 300 flips: wealth past 1e300."""
    app.push("coin", game=coin_game(0.99, 10, 300))
    app.scene.set_stake(100)
    _flips(app, 288)


def coin_auto(app):
    """p = 0.99 after 300 auto flips (the coin's own auto-flip, at full speed)."""
    app.push("coin", game=coin_game(0.99, 1, 300))
    scene = app.scene
    scene.set_stake(98)
    scene.auto_speed = 10.0
    scene.toggle_auto()
    app.run(frames=60)
    _flips(app, 300)


def coin_075(app):
    app.push("coin", game=coin_game(0.75, 1, 100))
    app.scene.set_stake(100)
    app.run(frames=2)


def coin_bust(app):
    app.push("coin", game=coin_game(0.5, 1, 100))
    app.scene.set_stake(100)
    _flips(app, 30)


def coin_intro(app):
    app.push("coin")
    app.run(frames=2)


def race_unfair(app):
    """Ada's odds at 2 (a bookmaker's margin), a few races."""
    app.push("race")
    scene = app.scene
    scene.odds_entries[0].set_text("2")
    scene.apply_field()
    app.run(frames=2)
    for _ in range(10):
        scene.play()
    app.run(frames=2)


def race_six(app):
    app.push("race", outcomes=6)
    scene = app.scene
    scene.set_all(scene.game.probs)
    for _ in range(49):
        scene.play()
    app.run(frames=2)


def race_six_landed(app):
    """Six horses, the last race's run over (the split bars back)."""
    race_six(app)
    app.run(frames=60)


def race_all_in(app):
    app.push("race")
    scene = app.scene
    scene.set_all([1.0, 0, 0, 0])
    for _ in range(20):
        scene.play()
    app.run(frames=2)


def worlds_zero(app):
    app.push("worlds")
    scene = app.scene
    scene.set_fraction(0)
    app.run(frames=120)


def worlds_all_in(app):
    app.push("worlds")
    scene = app.scene
    scene.set_fraction(100)
    app.run(frames=200)


def unknown_auto(app):
    app.push("unknown")
    scene = app.scene
    scene.set_stake(60)
    _flips(app, 100)


def challenge_played(app):
    app.push("challenge", solver=None)
    scene = app.scene
    for _ in range(40):
        scene.place_bet(1, round(scene.session.wealth * 0.5, 2))
        if scene.finished:
            break
        scene.flip()
        scene.land()
    app.run(frames=2)


def results_rich(app):
    coin_rich(app)
    app.scene.finish()
    app.run(frames=2)


def results_bust(app):
    coin_bust(app)
    app.scene.finish()
    app.run(frames=2)


def unknown_results(app):
    unknown_auto(app)
    app.run(frames=200)


def challenge_results(app):
    challenge_played(app)
    scene = app.scene
    scene.place_bet(1, scene.session.wealth)
    while not scene.session.finished:
        scene.flip()
        scene.land()
    scene.results()
    app.run(frames=2)


def high_scores(app):
    for state in (results_rich, unknown_results, challenge_results):
        state(app)
        while len(app.stack) > 1:
            app.pop()
    app.push("results")
    app.run(frames=2)


def menu(app):
    app.run(frames=2)


def settings(app):
    app.push("settings")
    app.run(frames=2)


def class_race_30(app):
    app.push("classroom_race", p=0.6, rounds=100, seed=3)
    scene = app.scene
    rng = np.random.default_rng(5)
    for i in range(30):
        scene.add(f"Student number {i + 1} with a long name", float(rng.uniform(0, 0.99)))
    scene.start()
    for _ in range(40):
        scene.step_once()
    app.run(frames=2)


def class_race_over(app):
    class_race_30(app)
    app.scene.finish()
    app.run(frames=2)


def classroom_step(index):
    def state(app):
        app.push("classroom")
        scene = app.scene
        scene.go(min(index, len(scene.lesson.steps) - 1))
        scene.wait_until_ready()
        app.run(frames=3)
    return state


STATES = {
    "coin_rich": coin_rich,
    "coin_auto": coin_auto,
    "coin_075": coin_075,
    "coin_bust": coin_bust,
    "coin_intro": coin_intro,
    "race_unfair": race_unfair,
    "race_six": race_six,
    "race_six_landed": race_six_landed,
    "race_all_in": race_all_in,
    "worlds_zero": worlds_zero,
    "worlds_all_in": worlds_all_in,
    "unknown_auto": unknown_auto,
    "challenge_played": challenge_played,
    "results_rich": results_rich,
    "results_bust": results_bust,
    "unknown_results": unknown_results,
    "challenge_results": challenge_results,
    "high_scores": high_scores,
    "menu": menu,
    "settings": settings,
    "class_race_30": class_race_30,
    "class_race_over": class_race_over,
    **{f"classroom_step{i}": classroom_step(i) for i in range(8)},
}



def with_help(state):
    """The state with the help overlay open on top."""
    def opened(app):
        state(app)
        app.scene.help_open = True
        app.run(frames=1)
    return opened


STATES.update({f"{name}_help": with_help(STATES[name])
               for name in ("coin_intro", "race_six", "challenge_played", "unknown_auto",
                            "worlds_zero", "menu", "settings", "class_race_30",
                            "classroom_step0")})


def with_larger_text(state):
    """The state drawn with Settings' larger text and colour-blind-safe palette."""
    def larger(app):
        from dataclasses import replace

        from game.ui.style import apply_look

        app.settings = replace(app.settings, larger_text=True, palette="colour-blind")
        apply_look(app.settings)
        state(app)
        app.scene.build()
        app.run(frames=2)
    return larger


STATES.update({f"{name}_large": with_larger_text(STATES[name])
               for name in ("coin_rich", "coin_intro", "race_six", "challenge_played",
                            "unknown_auto", "worlds_zero", "results_rich", "menu", "settings")})


def in_chinese(state):
    """The state drawn in Traditional Chinese (the CJK font, longer or shorter labels)."""
    def chinese(app):
        app.set_language("zh-TW")
        state(app)
        app.run(frames=2)
    return chinese


STATES.update({f"{name}_zh": in_chinese(STATES[name])
               for name in ("coin_rich", "coin_075", "race_six_landed", "race_unfair",
                            "worlds_zero", "unknown_auto", "challenge_played", "results_bust",
                            "high_scores", "menu", "settings", "class_race_over",
                            "classroom_step3", "coin_intro_help")})
