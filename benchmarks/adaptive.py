"""Throughput of the compiled round-by-round engine (sim.jit) against the float32 fill rate.

``.venv/bin/python benchmarks/adaptive.py`` prints one row per adaptive rule set, each in
bet-steps per second (paths x rounds x strategies, counted whether or not a path has stopped at
its cap or ruin, as benchmarks/engine.py counts them) divided by the float32 fill rate measured
in the same run. Every measurement is repeated, interleaved with the others so that all see the
same load, and the best repetition of each is kept; ratios divide best by best. The kernels are
compiled (or loaded from the cache) before timing starts.
"""

from __future__ import annotations

import math
import os
import platform
import sys

import numpy as np

import sim.engine.kernels as engine_kernels
from sim.challenge import DEFAULT_STRATEGIES
from sim.engine import simulate
from sim.games import HAGHANI_DEWEY, CoinGame, RaceGame
from sim.jit.runner import warm_up

sys.path.insert(0, os.path.dirname(__file__))
from engine import FILL, FILL_CALLS, fill_float32, timed  # benchmarks/engine.py

REPEATS = int(os.environ.get("KELLY_BENCH_REPEATS", "7"))
PATHS = 1 << 16
NEVER_CAPPED = CoinGame(p=0.6, start=25.0, cap=1e100, rounds=3000)  # ln(cap/start) = 227 >> 60
RACE = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.2, 3.1, 4.5), start=50.0, cap=500.0, tick=0.01,
                rounds=300)
WORKER_PATHS = 1 << 20  # a second of work: the pool's start-up is not the measurement


def case(game, strategies, paths, **kwargs):
    strategies = [strategies] if isinstance(strategies, str) else list(strategies)
    steps = paths * game.rounds * len(strategies)
    return (lambda: simulate(game, strategies, paths, seed=1, method="paths", **kwargs)), steps


def numpy_case(game, strategy, paths):
    run, steps = case(game, strategy, paths)

    def without_jit():
        engine_kernels.JIT = False
        try:
            run()
        finally:
            engine_kernels.JIT = True

    return without_jit, steps


CASES = {
    "Haghani-Dewey rules (cap 250, cents), kelly, 1 core": case(HAGHANI_DEWEY, "kelly", PATHS),
    "  the same on the numpy loop (KELLY_JIT=0)": numpy_case(HAGHANI_DEWEY, "kelly", PATHS // 4),
    "cap never reached (1e100), no tick, fixed:0.2, 3000 rounds": case(
        NEVER_CAPPED, "fixed:0.2", PATHS // 4),
    "8 strategies of `kelly challenge` on common numbers": case(
        HAGHANI_DEWEY, DEFAULT_STRATEGIES, PATHS // 2),
    "Bayes-Kelly (posterior mean), Haghani-Dewey rules": case(HAGHANI_DEWEY, "bayes", PATHS),
    "optimal play (table look-up), Haghani-Dewey rules": case(HAGHANI_DEWEY, "optimal", PATHS),
    "race of 3 with a cap and cents, kelly": case(RACE, "kelly", PATHS),
}


def main() -> None:
    warm_up()
    for run, _ in CASES.values():  # solve and cache the optimal table, load every kernel
        run()
    work = {"fill": (fill_float32(), FILL * FILL_CALLS), **CASES}
    workers = {n: case(HAGHANI_DEWEY, "kelly", WORKER_PATHS, workers=n)[0] for n in (1, 2)}
    load_before = os.getloadavg()
    best: dict[str, float] = {}
    for _ in range(REPEATS):
        for name, (fn, _units) in work.items():
            best[name] = min(best.get(name, math.inf), timed(fn))
        for n, fn in workers.items():
            best[f"workers{n}"] = min(best.get(f"workers{n}", math.inf), timed(fn))
    load_after = os.getloadavg()
    fill = FILL * FILL_CALLS / best["fill"]
    print(f"{'rule set':<66} {'M bet-steps/s':>14} {'÷ fill':>7}")
    print(f"{'Generator.random(dtype=float32) fill (M numbers/s)':<66} {fill / 1e6:>14,.0f} "
          f"{1.0:>7.2f}")
    for name, (_fn, units) in CASES.items():
        rate = units / best[name]
        print(f"{name:<66} {rate / 1e6:>14,.0f} {rate / fill:>7.2f}")
    speedup = best["workers1"] / best["workers2"]
    print(f"{'2 workers over 1 (HD rules, kelly, 2^20 paths): speed-up':<66} {'':>14} "
          f"{speedup:>6.2f}x")
    print(f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, numpy "
          f"{np.__version__}, Python {platform.python_version()}; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; best of {REPEATS}.")


if __name__ == "__main__":
    main()
