"""Throughput of the Monte Carlo engine against the random-number generator it draws from.

``make bench`` (or ``.venv/bin/python benchmarks/engine.py``) prints one table from one run.
Every measurement is repeated, interleaved with the others so that all of them see the same
load on the machine, and the best repetition of each is kept; the ratios divide best by best.

* the raw fill rate of ``Generator.random(dtype=float32)`` into a reused buffer (the yardstick)
  and of ``bit_generator.random_raw`` split into 32-bit halves (what the engine draws);
* the path engine in bet-steps per second (paths x rounds x strategies): one fixed-fraction
  strategy, four constant strategies on common numbers, and an adaptive one under
  Haghani & Dewey's rules (cap and cents, one round at a time);
* the exact counts path in paths per second for 10^4 rounds, and the terminal sweep of 101
  fractions x 10^6 paths x 10^4 rounds to its summary table
  (``simulate_summary(...).to_frame()``, the columns of :func:`sim.stats.summarize`);
* the speed-up of 2 worker processes over 1, and a plain-Python loop for scale.
"""

from __future__ import annotations

import math
import os
import platform
import random
import time
from collections.abc import Callable

import numpy as np
from rich.console import Console
from rich.table import Table

from sim.engine import simulate, simulate_summary
from sim.games import HAGHANI_DEWEY, CoinGame

REPEATS = 15
WORKER_REPEATS = 3
FILL = 1 << 20  # numbers per fill call (4 MiB of float32)
FILL_CALLS = 8
PATH_GAME = CoinGame(p=0.6, rounds=1024)
PATH_PATHS = 32_768
FOUR = ["kelly", "kelly:0.5", "kelly:2", "fixed:0.1"]
ADAPTIVE_PATHS = 16_384
COUNTS_GAME = CoinGame(p=0.6, rounds=10_000)
COUNTS_PATHS = 1_000_000
SWEEP = [f"fixed:{i / 100:g}" for i in range(101)]
WORKER_GAME = CoinGame(p=0.6, rounds=2048)
WORKER_PATHS = 1 << 18
PYTHON_STEPS = 200_000


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def fill_float32() -> Callable[[], object]:
    generator = np.random.default_rng(1)
    buffer = np.empty(FILL, dtype=np.float32)

    def run() -> None:
        for _ in range(FILL_CALLS):
            generator.random(dtype=np.float32, out=buffer)

    return run


def fill_raw32() -> Callable[[], object]:
    bit_generator = np.random.PCG64(1)

    def run() -> None:
        for _ in range(FILL_CALLS):
            bit_generator.random_raw(FILL // 2).view(np.uint32)

    return run


def python_loop() -> None:
    """One bankroll, a fixed fraction, one random.random() per bet, in log-wealth."""
    draw = random.Random(1).random
    up, down = math.log(1.2), math.log(0.8)
    log_wealth = 0.0
    for _ in range(PYTHON_STEPS):
        log_wealth += up if draw() < 0.6 else down


def main() -> None:
    path_steps = PATH_PATHS * PATH_GAME.rounds
    work = {  # name -> (function, units of work per call)
        "fill32": (fill_float32(), FILL * FILL_CALLS),
        "raw32": (fill_raw32(), FILL * FILL_CALLS),
        "one": (lambda: simulate(PATH_GAME, "fixed:0.2", PATH_PATHS, seed=1, method="paths"),
                path_steps),
        "four": (lambda: simulate(PATH_GAME, FOUR, PATH_PATHS, seed=1, method="paths"),
                 4 * path_steps),
        "adaptive": (lambda: simulate(HAGHANI_DEWEY, "kelly", ADAPTIVE_PATHS, seed=1),
                     ADAPTIVE_PATHS * HAGHANI_DEWEY.rounds),
        "counts": (lambda: simulate(COUNTS_GAME, "kelly", COUNTS_PATHS, seed=1, method="counts"),
                   COUNTS_PATHS),
        "sweep": (lambda: simulate_summary(COUNTS_GAME, SWEEP, COUNTS_PATHS, seed=1).to_frame(),
                  1),
        "python": (python_loop, PYTHON_STEPS),
    }
    workers = {
        n: lambda n=n: simulate(WORKER_GAME, "fixed:0.2", WORKER_PATHS, seed=1, method="paths",
                                workers=n)
        for n in (1, 2)
    }
    load_before = os.getloadavg()[0]
    best: dict[str, float] = {}
    for _ in range(REPEATS):
        for name, (fn, _units) in work.items():
            best[name] = min(best.get(name, math.inf), timed(fn))
    for _ in range(WORKER_REPEATS):
        for n, fn in workers.items():
            best[f"workers{n}"] = min(best.get(f"workers{n}", math.inf), timed(fn))
    load_after = os.getloadavg()[0]

    rate = {name: units / best[name] for name, (_fn, units) in work.items()}
    fill = rate["fill32"]
    table = Table(title="Kelly engine throughput (best of interleaved repeats, one run)")
    table.add_column("measure")
    table.add_column("rate", justify="right")
    table.add_column("unit")
    table.add_column("÷ float32 fill", justify="right")

    def row(label: str, value: float, unit: str, ratio: float | None = None) -> None:
        text = f"{value:,.0f}" if value >= 100 else f"{value:.2f}"
        table.add_row(label, text, unit, "" if ratio is None else f"{ratio:.2f}")

    row("Generator.random(dtype=float32) fill", fill / 1e6, "M numbers/s", 1.0)
    row("PCG64 random_raw as 32-bit draws (engine's source)", rate["raw32"] / 1e6, "M draws/s",
        rate["raw32"] / fill)
    row(f"path engine, 1 strategy (fixed:0.2), {PATH_PATHS:,} x {PATH_GAME.rounds:,}",
        rate["one"] / 1e6, "M bet-steps/s", rate["one"] / fill)
    row(f"path engine, 4 strategies on common numbers ({', '.join(FOUR)})",
        rate["four"] / 1e6, "M bet-steps/s", rate["four"] / fill)
    row("path engine, adaptive: Haghani-Dewey rules (cap 250, cents), kelly",
        rate["adaptive"] / 1e6, "M bet-steps/s", rate["adaptive"] / fill)
    row(f"exact counts path, {COUNTS_GAME.rounds:,} rounds", rate["counts"] / 1e6, "M paths/s")
    row(f"  = equivalent bet-steps ({COUNTS_GAME.rounds:,} per path)",
        rate["counts"] * COUNTS_GAME.rounds / 1e9, "G bet-steps/s")
    row("terminal sweep 101 fractions x 10^6 paths x 10^4 rounds, summary table",
        best["sweep"], "s")
    row(f"2 worker processes over 1 ({WORKER_PATHS:,} paths x {WORKER_GAME.rounds:,}, path engine)",
        best["workers1"] / best["workers2"], "x speed-up")
    row("plain-Python loop (random.random per bet)", rate["python"] / 1e6, "M bet-steps/s",
        rate["python"] / fill)
    console = Console(width=140)
    console.print(table)
    console.print(
        f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"numpy {np.__version__}, Python {platform.python_version()}; "
        f"load average {load_before:.2f} before, {load_after:.2f} after "
        "(other work on the machine lowers every figure, most of all the 2-worker speed-up)."
    )


if __name__ == "__main__":
    main()
