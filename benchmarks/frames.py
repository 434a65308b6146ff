"""Frame times of the Many worlds screen with 1,000 live bankrolls, headless.

Runs the game loop with SDL's dummy drivers (no window, no vsync, no sleeping) on the Many
worlds screen, revealing the 1,000 paths round by round and restarting when they run out, and
prints frame-time percentiles. A frame is everything the loop does: events, the fixed-step update,
the pygame_gui update, drawing, and the display flip. 60 FPS needs 16.7 ms.

    .venv/bin/python benchmarks/frames.py --frames 1200
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("KELLY_DATA_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "kelly-bench"))

from game.app import App
from game.sessions.worlds import PETERS_COIN, PETERS_FRACTION

BUDGET_MS = 1000.0 / 60


def run(frames: int, size: tuple[int, int], speed: float, paths: int, seed: int) -> np.ndarray:
    """Milliseconds per frame for ``frames`` frames (after 30 warm-up frames)."""
    app = App(headless=True, size=size, seed=seed)
    try:
        app.push("menu")
        app.push("worlds", paths=paths)
        worlds = app.scene
        worlds.preset(PETERS_COIN, PETERS_FRACTION)
        worlds.speed = speed
        app.run(frames=30)
        times = np.empty(frames)
        for i in range(frames):
            if not worlds.running:  # the worlds ran out: start again (a full redraw)
                worlds.restart()
            start = time.perf_counter()
            app.run(frames=1)
            times[i] = (time.perf_counter() - start) * 1000.0
        return times
    finally:
        app.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1200, help="frames to time (default 1200)")
    parser.add_argument("--size", default="1280x720", help="window size WxH (default 1280x720)")
    parser.add_argument("--speed", type=float, default=20.0,
                        help="rounds revealed per second (default 20, the screen's default)")
    parser.add_argument("--paths", type=int, default=1000, help="parallel worlds (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    times = run(args.frames, (width, height), args.speed, args.paths, args.seed)
    p50, p95, p99 = np.percentile(times, [50, 95, 99])
    print(f"Many worlds, {args.paths} paths, {width}x{height}, {args.speed:g} rounds/s, "
          f"{args.frames} frames ({platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs)")
    print(f"frame time ms: p50 {p50:.2f}  p95 {p95:.2f}  p99 {p99:.2f}  max {times.max():.2f}")
    over = np.mean(times > BUDGET_MS)
    print(f"frames over the 60 FPS budget ({BUDGET_MS:.1f} ms): {over:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
