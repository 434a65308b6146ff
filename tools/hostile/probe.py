"""Drive one loader of the program the way the game or the CLI would, for the hostile harness.

``python tools/hostile/probe.py WHAT [ARG]`` prints one JSON line on stdout describing what the
loader returned. A ``ValueError`` becomes one stderr line and exit 2 (the program's promise for
bad input); any other exception escapes with its traceback, which the harness counts as a
failure. Warnings are counted, not printed, so "says so once" can be checked.

WHAT: settings, scores, unfinished, add_score, lesson FILE, csv FILE, export FOLDER,
config FILE, optimal, write_loop (write settings.json atomically until killed).
"""

from __future__ import annotations

import json
import sys
import warnings
from dataclasses import asdict
from pathlib import Path

MAX_RENDER = 20_000  # characters a rendered lesson text may reach before we call it unbounded


def _settings(_):
    from game.saves import load_settings

    return asdict(load_settings())


def _scores(_):
    from game.saves import load_scores

    return {"count": len(load_scores())}


def _unfinished(_):
    from game.saves import load_unfinished

    session = load_unfinished()
    return {"session": None if session is None else type(session).__name__}


def new_score():
    from game.saves import Score

    return Score(kind="coin", game="p=0.6 b=1", seed=99, rounds=100, final_wealth=123.0,
                 growth=0.01, best_growth=0.02, rank=1, bettors=4, when="2026-01-01T00:00:00")


def _add_score(_):
    from game.saves import add_score

    return {"count": len(add_score(new_score()))}


def _lesson(path):
    from game.lesson import STEP_FACTS, load_lesson

    lesson = load_lesson(path)
    longest = 0
    for step in lesson.steps:
        facts = dict.fromkeys(STEP_FACTS[step.id], 1.5)
        longest = max(longest, len(step.render_body(facts)))
    for key in ("step_counter", "round_counter"):
        longest = max(longest, len(lesson.counter(key, 3, 8)))
        # the classroom race formats this label itself
        longest = max(longest, len(lesson.labels[key].format(number=3, total=8)))
    if longest > MAX_RENDER:
        raise SystemExit(f"probe: a rendered text is {longest} characters long (unbounded)")
    return {"steps": len(lesson.steps), "longest": longest}


def _lesson_draw(path):
    import io

    from game.lesson import load_lesson
    from game.lesson_figures import step_figure
    from game.lesson_steps import compute_step

    lesson = load_lesson(path)
    for step in lesson.steps:
        figure = step_figure(step, compute_step(step), lesson.labels)
        figure.savefig(io.BytesIO(), format="png")
    return {"steps": len(lesson.steps)}


def _csv(path):
    from game.class_race import read_participants_csv

    return {"participants": len(read_participants_csv(path))}


def _export(folder):
    from game.class_race import ClassRace, Participant

    from sim.games import CoinGame

    race = ClassRace([Participant("Ann", 0.2), Participant("Bo", 0.5)],
                     CoinGame(p=0.6, odds=1.0, rounds=10), seed=1)
    return {"wrote": str(race.export_csv(Path(folder) / "results.csv"))}


def _config(path):
    from sim.config import read_config

    return {"keys": len(read_config(path))}


def small_game():
    from sim.games import CoinGame

    return CoinGame(p=0.6, odds=1.0, rounds=30, start=25.0, cap=50.0, tick=1.0)


def _optimal(_):
    import numpy as np

    from sim.optimal import solve

    game = small_game()
    cached = solve(game)
    exact = solve(game, use_cache=False)
    same = bool(np.array_equal(cached.stakes, exact.stakes)) and float(
        cached.value(25.0, game.rounds)) == float(exact.value(25.0, game.rounds))
    if not same:
        raise SystemExit("probe: the cached optimal policy differs from the exact solve")
    return {"same": same}


def _write_loop(_):
    from game.saves import Settings, save_settings

    count = 0
    while True:  # until the harness's signal ends it
        save_settings(Settings(rounds=10 + count % 900))
        count += 1


PROBES = {
    "settings": _settings, "scores": _scores, "unfinished": _unfinished,
    "add_score": _add_score, "lesson": _lesson, "lesson_draw": _lesson_draw, "csv": _csv,
    "export": _export,
    "config": _config, "optimal": _optimal, "write_loop": _write_loop,
}


def main() -> int:
    what, argument = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            answer = PROBES[what](argument)
        except ValueError as error:
            print(f"probe: error: {error}", file=sys.stderr)
            return 2
    answer = dict(answer, warnings=len(caught),
                  warning_text=[str(w.message)[:200] for w in caught])
    print(json.dumps(answer, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
