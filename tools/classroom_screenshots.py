"""Save screenshots of classroom mode for the README (headless: SDL dummy drivers).

    .venv/bin/python tools/classroom_screenshots.py            # writes docs/screenshots/

Three lesson steps at projector size (1920 x 1080): the growth curve with its Monte Carlo
points landed (English), the decomposition H(p) + D(p||a) (Traditional Chinese) and many worlds
(English); and the class race after 60 flips with a class of 30 read from a CSV file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pygame

from game.app import App  # App(headless=True) selects SDL's dummy video and audio drivers
from sim.lessons.model import default_lesson

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1920, 1080)
SHOTS = (  # (file, language, step index)
    ("classroom-growth-curve.png", "en", 3),
    ("classroom-decomposition-zh-TW.png", "zh-TW", 4),
    ("classroom-many-worlds.png", "en", 6),
)
CLASS = [  # name, fraction: a class of 30 with the usual spread of guesses
    ("Ada", 0.2), ("Ben", 0.5), ("Chloe", 0.1), ("Dev", 0.3), ("Eli", 1.0), ("Fay", 0.25),
    ("Gus", 0.15), ("Hana", 0.4), ("Ivan", 0.05), ("Jo", 0.6), ("Kai", 0.2), ("Lea", 0.35),
    ("Mo", 0.8), ("Nia", 0.1), ("Oli", 0.45), ("Pia", 0.2), ("Quin", 0.7), ("Rui", 0.3),
    ("Sam", 0.9), ("Tia", 0.12), ("Uma", 0.22), ("Vic", 0.5), ("Wen", 0.18), ("Xia", 0.05),
    ("Yuki", 0.28), ("Zoe", 0.6), ("陳小明", 0.2), ("林美玲", 0.33), ("王大同", 1.0),
    ("李安", 0.15),
]


def key(app: App, code: int, frames: int = 2) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode="", scancode=0))
    app.run(frames=frames)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = App(headless=True, seed=2024, size=SIZE)
    try:
        app.push("menu")
        for name, language, index in SHOTS:
            app.push("classroom", language=language)
            for _ in range(index):
                key(app, pygame.K_RIGHT)
            app.scene.wait_until_ready()  # figures are drawn on a background thread
            app.run(frames=60 * 5)  # let the animation finish
            print(app.screenshot(args.out / name))
            app.pop()
        with tempfile.TemporaryDirectory() as folder:
            roster = Path(folder) / "class.csv"
            lines = ["name,fraction"] + [f"{n},{f}" for n, f in CLASS]
            roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
            app.push("classroom_race", labels=default_lesson("en").labels, csv=roster,
                     seed=2024, rounds=100)
            for _ in range(2):
                key(app, pygame.K_UP)  # 30 flips a second
            key(app, pygame.K_SPACE, frames=120)  # 60 flips
            print(app.screenshot(args.out / "classroom-race.png"))
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
