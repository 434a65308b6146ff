"""Classroom mode in a headless window (SDL dummy drivers, set in conftest): real key events in,
what each lesson step computed out; the class race from a CSV of 30 students to the exported
results."""

from __future__ import annotations

import csv
import math
import random
import re
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pygame
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from game.app import App, main
from game.saves import data_dir
from game.scenes import classroom_figures as classroom
from game.scenes import registry
from game.scenes.classroom_figures import open_lesson
from game.scenes.classroom_ui import (
    ACCENT,
    BAD,
    EDGE,
    SKIPPED,
    BackgroundJobs,
    Fonts,
    projector_style,
    scale,
)
from game.sessions.class_race import ClassRace, read_participants_csv
from sim.games import CoinGame
from sim.lessons.figures import step_figure
from sim.lessons.model import STEP_IDS, available_languages, default_lesson
from sim.lessons.steps import compute_step

SIZE = (1280, 720)


@pytest.fixture
def app():
    game_app = App(headless=True, seed=7, size=SIZE)
    game_app.push("menu")
    game_app.push("classroom")
    game_app.run(frames=2)
    yield game_app
    game_app.close()


def key(app, code, unicode="", frames=1):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=unicode,
                                         scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=code, mod=0, unicode=unicode,
                                         scancode=0))
    app.run(frames=frames)


def type_text(app, text, enter=True):
    for char in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=char))
    app.run(frames=1)
    if enter:
        key(app, pygame.K_RETURN)


def click(app, position, frames=3):
    position = tuple(int(v) for v in position)
    pygame.mouse.set_pos(position)
    for kind, extra in ((pygame.MOUSEMOTION, {"rel": (0, 0), "buttons": (0, 0, 0)}),
                        (pygame.MOUSEBUTTONDOWN, {"button": 1}),
                        (pygame.MOUSEBUTTONUP, {"button": 1})):
        pygame.event.post(pygame.event.Event(kind, pos=position, touch=False, **extra))
    app.run(frames=frames)


def test_both_classroom_screens_are_registered():
    assert registry()["classroom"].name == "classroom"
    assert registry()["classroom_race"].name == "classroom_race"


def test_kelly_play_classroom_opens_the_lesson(tmp_path):
    shot = tmp_path / "classroom.png"
    assert main(["--headless", "--classroom", "--frames", "3", "--screenshot", str(shot)]) == 0
    image = pygame.image.load(str(shot))
    assert image.get_at((2, 2))[:3] == (0, 0, 0)  # the classroom's black, not the menu's navy


def test_step_through_every_step_with_key_events(app):
    lesson = default_lesson("en")
    scene = app.scene
    for i, step_id in enumerate(STEP_IDS):
        assert scene.index == i and scene.step.id == step_id
        assert scene.lesson.step_counter(i) == f"Step {i + 1} of {len(STEP_IDS)}"
        result = scene.result
        assert result.facts() == compute_step(lesson.steps[i]).facts()
        facts = result.facts()
        if step_id == "entropy":
            assert facts["H_bits"] == pytest.approx(-(0.6 * math.log2(0.6) + 0.4 * math.log2(0.4)))
        elif step_id == "two_outcomes":
            assert (facts["m_heads"], facts["m_tails"]) == pytest.approx(
                (2 * facts["share"], 2 * (1 - facts["share"])))
        elif step_id == "same_flips":
            assert facts["wealth_share"] < facts["start"] < facts["wealth_p"]
        elif step_id == "growth_curve":
            assert facts["peak_share"] == pytest.approx(0.6, abs=1e-3)
        elif step_id == "peak_decomposition":
            assert facts["growth"] == pytest.approx(
                facts["log_odds"] - facts["entropy"] - facts["divergence"])
        elif step_id == "overbetting":
            assert result.bust_share[result.labels.index("allin")] == 1.0
            assert abs(facts["double_growth"]) < 0.15 * facts["g_star"]
        elif step_id == "many_worlds":
            assert facts["ensemble_growth"] > 0 > facts["time_growth"]
        elif step_id == "unknown_p":
            assert abs(facts["regret_mc"] - facts["regret_exact"]) < 4 * facts["regret_se"]
        elif step_id == "wire":
            q = facts["accuracy"]
            assert facts["capacity"] == pytest.approx(
                math.log(2) + q * math.log(q) + (1 - q) * math.log(1 - q))
            assert abs(facts["mc_growth"] - facts["capacity"]) < 4 * facts["mc_se"]
        elif step_id == "learning":
            assert facts["bust_race"] >= 1 and math.isfinite(facts["smoothed_test_loss"])
            assert facts["smoothed_growth"] == pytest.approx(
                facts["log_odds"] - facts["smoothed_test_loss"])
        text = scene.body()
        assert "{" not in text and "}" not in text
        key(app, pygame.K_RIGHT, frames=2)
    last = len(STEP_IDS) - 1
    assert scene.index == last  # Right on the last step stays there
    key(app, pygame.K_LEFT)
    assert scene.index == last - 1
    key(app, pygame.K_HOME)
    assert scene.index == 0
    key(app, pygame.K_SPACE)
    assert scene.index == 1
    key(app, pygame.K_END)
    assert scene.index == last
    key(app, pygame.K_BACKSPACE)
    assert scene.index == last - 1


def test_buttons_step_too(app):
    scene = app.scene
    click(app, scene.buttons["next"].rect.center)
    assert scene.index == 1
    click(app, scene.buttons["back"].rect.center)
    assert scene.index == 0


def test_monte_carlo_points_drop_onto_the_curve(app):
    scene = app.scene
    for _ in range(3):
        key(app, pygame.K_RIGHT)
    assert scene.step.id == "growth_curve"
    assert scene.wait_until_ready()  # the figure is drawn on a background thread
    assert len(scene.points) == len(scene.result.mc_shares)
    assert scene.points_landed == 0
    app.run(frames=60 * 4)
    assert scene.points_landed == len(scene.points)
    panel = scene.figure_rect()
    for point in scene.points:  # each dot is drawn where it landed
        x, y = panel.left + point.x, panel.top + point.y
        assert app.screen.get_at((round(x), round(y)))[:3] == BAD
        assert point.top < point.y
    # and it landed where the drawn chart's axes put (a, G): draw the same chart again here
    result = scene.result
    figure = step_figure(scene.step, result, scene.lesson.labels, projector_style(SIZE[1]),
                         size=(panel.width / 100, panel.height / 100), dpi=100, title=False,
                         points=False)
    FigureCanvasAgg(figure).draw()
    pixels = figure.axes[0].transData.transform(np.column_stack([result.mc_shares,
                                                                 result.mc_growth]))
    np.testing.assert_allclose([p.x for p in scene.points], pixels[:, 0], atol=0.5)
    np.testing.assert_allclose([p.y for p in scene.points], panel.height - pixels[:, 1], atol=0.5)


def test_teacher_edits_p_odds_and_paths(app):
    scene = app.scene
    for _ in range(3):
        key(app, pygame.K_RIGHT)
    key(app, pygame.K_p)
    assert scene.editor is not None
    type_text(app, "0.7")
    assert scene.editor is None
    assert all(step.params.p == 0.7 for step in scene.lesson.steps if "p" in step.keys)
    assert scene.result.peak_share == pytest.approx(0.7, abs=1e-3)

    key(app, pygame.K_o)
    type_text(app, "2")
    assert scene.step.params.odds == 2.0
    assert scene.result.peak_share == pytest.approx(0.7, abs=1e-3)  # a = p at any odds
    assert scene.result.log_odds == pytest.approx(0.7 * math.log(3) + 0.3 * math.log(1.5))

    key(app, pygame.K_n)
    type_text(app, "300")
    assert scene.result.paths == 300
    assert "300" in scene.buttons["paths"].text

    key(app, pygame.K_p)
    type_text(app, "1.5")
    assert scene.editor is not None and re.search(r"p = 1\.5", scene.editor.error)
    key(app, pygame.K_ESCAPE)
    assert scene.editor is None and scene.step.params.p == 0.7
    assert app.scene is scene  # Esc closed the editor, not the classroom

    key(app, pygame.K_p)
    type_text(app, "abc", enter=False)  # letters are not part of a number
    assert scene.editor.text == ""
    type_text(app, "55%")
    assert scene.step.params.p == pytest.approx(0.55)


def test_other_language_keeps_the_step_and_the_edits(app):
    scene = app.scene
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_p)
    type_text(app, "0.65")
    key(app, pygame.K_l)
    assert scene.lesson.language == "zh-TW" and scene.index == 1
    assert scene.step.params.p == 0.65
    assert re.search(r"[\u4e00-\u9fff]", scene.step.heading + scene.body())
    assert scene.lesson.step_counter(1) == f"第 2 步／共 {len(STEP_IDS)} 步"
    key(app, pygame.K_l)
    assert scene.lesson.language == "en"


@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_the_font_has_every_character_the_classroom_prints(app, language):
    lesson = default_lesson(language)
    texts = [lesson.title, *lesson.labels.values()]
    for step in lesson.steps:
        texts += [step.heading, step.render_body(compute_step(step).facts())]
    assert Fonts().missing("".join(texts)) == ""
    assert set(available_languages()) >= {"en", "zh-TW"}


def test_a_teachers_own_lesson_file(tmp_path):
    own = tmp_path / "mine.toml"
    own.write_text(textwrap.dedent("""
        title = "Two ideas"
        language = "en"
        [defaults]
        p = 0.7
        [[steps]]
        id = "entropy"
        heading = "Surprise"
        body = "H = {H_bits:.2f} bits"
        [[steps]]
        id = "peak_decomposition"
        heading = "The gap"
        body = "D = {divergence:.3f}"
        [steps.params]
        share = 0.9
    """), encoding="utf-8")
    assert open_lesson(str(own)).title == "Two ideas"
    assert open_lesson("zh-TW").language == "zh-TW"
    bad = tmp_path / "bad.toml"
    bad.write_text(own.read_text().replace("p = 0.7", "p = 7"), encoding="utf-8")
    with pytest.raises(ValueError, match="p = 7"):
        open_lesson(bad)
    game_app = App(headless=True, seed=1, size=SIZE)
    try:
        game_app.push("menu")
        game_app.push("classroom", lesson=own)
        game_app.run(frames=2)
        scene = game_app.scene
        assert scene.body() == "H = 0.88 bits"
        key(game_app, pygame.K_RIGHT)
        assert scene.lesson.step_counter(scene.index) == "Step 2 of 2"
        assert scene.body() == f"D = {0.7 * math.log(0.7 / 0.9) + 0.3 * math.log(0.3 / 0.1):.3f}"
        key(game_app, pygame.K_l)  # one language only: a message, no crash
        assert scene.message and scene.lesson.title == "Two ideas"
    finally:
        game_app.close()


def test_full_screen_toggles(app):
    scene = app.scene
    key(app, pygame.K_f)
    assert app.flags & pygame.FULLSCREEN
    key(app, pygame.K_f)
    assert not app.flags & pygame.FULLSCREEN
    assert app.size == SIZE
    assert scene.buttons["next"].alive()  # widgets rebuilt for the size


def test_class_race_from_a_csv_of_30_students(tmp_path):
    roster = tmp_path / "class.csv"
    rng = random.Random(5)
    choices = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]
    rows = [f"Student {i:02d},{rng.choice(choices)}" for i in range(1, 31)]
    roster.write_text("name,fraction\n" + "\n".join(rows) + "\n", encoding="utf-8")
    game_app = App(headless=True, seed=3, size=SIZE)
    try:
        game_app.push("menu")
        game_app.push("classroom_race", csv=roster, seed=99, rounds=80)
        game_app.run(frames=2)
        scene = game_app.scene
        assert len(scene.participants) == 30
        for _ in range(6):
            key(game_app, pygame.K_UP)  # top speed: 60 flips a second, one a frame
        key(game_app, pygame.K_SPACE, frames=30)
        live = scene.round
        assert 0 < live < 80 and scene.running
        standings = scene.race.standings(live)
        assert [s.rank for s in standings] == sorted(s.rank for s in standings)
        game_app.run(frames=70)
        assert scene.finished and not scene.running
        key(game_app, pygame.K_e)
        assert scene.saved == tmp_path / "class-results.csv"
        expected = ClassRace(read_participants_csv(roster), CoinGame(p=0.6, rounds=80), 99)
        reference = expected.export_csv(tmp_path / "expected.csv")
        assert scene.saved.read_text() == reference.read_text()
        with open(scene.saved, newline="", encoding="utf-8") as stream:
            ranks = [int(r["rank"]) for r in csv.DictReader(stream)]
        assert len(ranks) == 30 and ranks[0] == 1
    finally:
        game_app.close()


def test_class_race_typed_in_from_the_classroom(app):
    key(app, pygame.K_p)
    type_text(app, "0.55")
    key(app, pygame.K_c, frames=2)
    race = app.scene
    assert race.name == "classroom_race" and race.game.p == 0.55
    key(app, pygame.K_a)
    type_text(app, "Ada")
    type_text(app, "0.1")
    key(app, pygame.K_a)
    type_text(app, "ada")  # the same name again
    assert race.editor is not None and "twice" in race.editor.error
    key(app, pygame.K_ESCAPE)
    key(app, pygame.K_a)
    type_text(app, "林美玲")
    type_text(app, "2")  # not a fraction
    assert race.editor is not None and "fraction" in race.editor.error
    key(app, pygame.K_BACKSPACE)
    type_text(app, "0.5")
    assert [(p.name, p.fraction) for p in race.participants] == [("Ada", 0.1), ("林美玲", 0.5)]
    key(app, pygame.K_e)
    assert race.saved is None  # nothing to export before the race
    key(app, pygame.K_RIGHT)
    assert race.round == 1 and not race.running
    key(app, pygame.K_END)
    key(app, pygame.K_e)
    assert race.saved is not None and race.saved.parent == data_dir()
    wealth = {r.name: r.wealth for r in race.race.standings()}
    h, t = race.race.heads_so_far(100), 100
    assert wealth["Ada"] == pytest.approx(100 * 1.1**h * 0.9 ** (t - h), rel=1e-9)
    key(app, pygame.K_ESCAPE)
    assert app.scene.name == "classroom"


def test_classroom_screens_survive_random_input(app):
    rng = np.random.default_rng(11)
    keys = [pygame.K_RIGHT, pygame.K_LEFT, pygame.K_SPACE, pygame.K_p, pygame.K_o, pygame.K_n,
            pygame.K_RETURN, pygame.K_BACKSPACE, pygame.K_ESCAPE, pygame.K_c, pygame.K_a,
            pygame.K_e, pygame.K_END, pygame.K_HOME, pygame.K_UP, pygame.K_x, pygame.K_s]
    for i in range(400):
        kind = rng.integers(3)
        if kind == 0:
            code = int(rng.choice(keys))
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode="",
                                                 scancode=0))
        elif kind == 1:
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT,
                                                 text=str(rng.choice(list("0123.5%a林")))))
        else:
            position = (int(rng.integers(SIZE[0])), int(rng.integers(SIZE[1])))
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=position, button=1,
                                                 touch=False))
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=position, button=1,
                                                 touch=False))
        if i % 8 == 0:
            app.run(frames=1)
        if not app.stack or app.scene.name not in ("classroom", "classroom_race"):
            while app.stack and app.scene.name != "menu":
                app.pop()
            if not app.stack:
                app.push("menu")
                app.running = True
            app.push("classroom")
    app.run(frames=2)


def test_loading_the_screens_does_not_import_matplotlib():
    """The menu opens without paying for matplotlib: the classroom imports it on its first
    figure, on the background thread."""
    code = ("import sys\nfrom game.scenes import registry\nregistry()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
                                          "PATH": ""})
    assert out.stdout.strip() == "[]"


def test_a_spinner_while_the_figure_is_drawn_and_only_the_step_the_teacher_stops_on(app):
    scene = app.scene
    assert scene.wait_until_ready()  # step 1 drawn, and step 2 drawn ahead
    drawn = {key[1] for key in scene._figures}
    assert drawn == {"entropy", "two_outcomes"}
    with classroom.DRAWING:  # hold the background thread at its next figure
        key(app, pygame.K_RIGHT)  # step 2: drawn ahead, on screen at once; step 3 starts
        assert scene._shown() is not None
        for _ in range(3):  # steps 3 (being drawn), 4 and 5 (queued)
            key(app, pygame.K_RIGHT, frames=3)
        assert scene.step.id == "peak_decomposition" and scene._shown() is None
        panel = scene.figure_rect()
        radius = round(scale(SIZE[1]) * 2.4)
        ring = app.screen.get_at((panel.centerx, panel.centery - radius + 1))[:3]
        assert ring in (EDGE, ACCENT)  # the spinner, not a figure
        assert scene.points == () and scene.clock == 0
    assert scene.wait_until_ready()
    drawn = [key[1] for key in scene._figures]
    assert "growth_curve" not in drawn  # step 4 was skipped: the teacher went past it
    assert drawn == ["entropy", "two_outcomes", "same_flips", "peak_decomposition",
                     "overbetting"]


def test_the_drop_animation_waits_for_its_figure(app):
    scene = app.scene
    with classroom.DRAWING:
        for _ in range(3):
            key(app, pygame.K_RIGHT)
        app.run(frames=120)  # two seconds with the figure still being drawn
        assert scene.step.id == "growth_curve" and scene.clock == 0
    assert scene.wait_until_ready()
    app.run(frames=75)  # 1.25 s: the first point has fallen (it starts at 0.35 s, falls 0.8 s)
    assert scene.clock == pytest.approx(1.25) and scene.points_landed == 1


def test_leaving_the_classroom_stops_its_thread(app):
    scene = app.scene
    key(app, pygame.K_END)
    assert scene.wait_until_ready()
    key(app, pygame.K_HOME, frames=1)
    key(app, pygame.K_ESCAPE)
    assert app.scene.name == "menu" and scene._jobs._executor is None
    for thread in threading.enumerate():
        if thread.name.startswith("classroom-figures"):
            thread.join(timeout=30)
            assert not thread.is_alive()


def test_background_jobs_skip_what_is_no_longer_wanted_and_raise_on_the_screen():
    jobs = BackgroundJobs("test-jobs")
    release = threading.Event()
    ran = []

    def job(name, value=None):
        def work(post):
            if name == "a":
                release.wait(30)
            ran.append(name)
            post(("early", name), name.upper())
            if isinstance(value, Exception):
                raise value
            return value
        return work

    try:
        jobs.want(["a", "b", "c"])
        for name in "abc":
            jobs.submit(name, job(name, name * 2))
        jobs.submit("c", job("c", "again"))  # one job per key: not queued twice
        jobs.want(["c"])  # the teacher moved on: b is no longer worth drawing
        release.set()
        while jobs.busy:
            jobs.wait(30)
            finished = jobs.finished()
            assert all(value is not SKIPPED for _, value in finished)
        assert ran == ["a", "c"]
        jobs.want(["d"])
        jobs.submit("d", job("d", ValueError("d = nonsense")))
        jobs.wait(30)
        with pytest.raises(ValueError, match="d = nonsense"):
            jobs.finished()
    finally:
        jobs.close()


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("odds", [1e4, 1e8])
def test_many_worlds_at_huge_odds_overflows_to_inf_without_a_warning(odds):
    """Found by the monkey: W_0 e^(t ln E m) passes the largest float mid-way through the
    rounds; the bankroll is inf from there on, and the figure is still drawn."""
    lesson = default_lesson("en").with_params(odds=odds)
    step = lesson.steps[STEP_IDS.index("many_worlds")]
    result = compute_step(step)
    median, mean = result.theory_paths()
    assert median[0] == mean[0] == result.start and np.isinf(mean[-1])
    assert np.all(np.diff(mean[np.isfinite(mean)]) > 0)
    assert math.isinf(result.theory_mean_final)
    drawn = classroom.draw_step(step, result, lesson.labels, (400, 300), 720)
    assert drawn.size == (400, 300) and len(drawn.pixels) == 400 * 300 * 4


def test_a_step_that_fails_shows_its_error_and_the_lesson_goes_on(app, monkeypatch):
    # issue 18: a figure error must never end the game
    def broken(*_args, **_kwargs):
        raise ValueError("Axis limits cannot be NaN or Inf")

    monkeypatch.setattr(classroom, "step_figure", broken)
    scene = app.scene
    scene.go(1)  # a step not drawn yet
    assert scene.wait_until_ready()
    app.run(frames=3)  # the frame draws the error panel, no exception
    assert "step 2 (two_outcomes)" in scene.body() and "Axis limits" in scene.body()
    assert not scene.drawing  # the panel holds the error figure, not a spinner
    monkeypatch.undo()
    scene.go(4)  # and a later step (not drawn ahead while it was broken) still works
    app.run(frames=2)
    assert scene.wait_until_ready() and scene.index == 4
    assert "Axis limits" not in scene.body()
