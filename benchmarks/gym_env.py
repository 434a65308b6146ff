"""Speed of the Gymnasium layer: 10^5 Haghani-Dewey episodes per agent in the vector env.

``.venv/bin/python benchmarks/gym_env.py [EPISODES]`` prints, per agent, the best of 3 runs of
:func:`kelly_gym.baselines.play_episodes` (episodes stepped together through
:func:`sim.engine.settle`), beside the engine's own :func:`sim.engine.simulate` of the same
strategy for scale, and the single env's steps per second. The optimal table is solved (or
loaded from the cache) before the clock starts.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from kelly_gym.agents import make_agent
from kelly_gym.baselines import play_episodes
from kelly_gym.envs import CoinflipEnv
from sim.engine import simulate
from sim.games import HAGHANI_DEWEY
from sim.optimal import solve

REPEATS = 3
AGENTS = ("fixed:0.2", "kelly:0.5", "bayes", "optimal")
SINGLE_STEPS = 20_000


def best_of(run) -> float:
    times = []
    for _ in range(REPEATS):
        begin = time.perf_counter()
        run()
        times.append(time.perf_counter() - begin)
    return min(times)


def single_env_rate() -> float:
    env = CoinflipEnv(cap=None, rounds=SINGLE_STEPS)
    env.reset(seed=0)
    action = np.array([0.01])
    begin = time.perf_counter()
    for _ in range(SINGLE_STEPS):
        env.step(action)
    return SINGLE_STEPS / (time.perf_counter() - begin)


def main(episodes: int = 100_000) -> None:
    solve(HAGHANI_DEWEY)
    print(f"{episodes:,} Haghani-Dewey episodes (300 flips, cap $250, cents), best of {REPEATS}")
    print(f"{'agent':<12}{'vector env s':>14}{'engine s':>10}{'mean payout':>13}")
    for spec in AGENTS:
        agent = make_agent(spec, HAGHANI_DEWEY)
        env_seconds = best_of(lambda a=agent: play_episodes(a, HAGHANI_DEWEY, episodes, 0))
        engine_seconds = best_of(lambda s=spec: simulate(HAGHANI_DEWEY, [s], episodes, seed=0))
        mean = play_episodes(agent, HAGHANI_DEWEY, episodes, 0).payout.mean()
        print(f"{spec:<12}{env_seconds:>14.2f}{engine_seconds:>10.2f}{mean:>13.4f}")
    print(f"single CoinflipEnv: {single_env_rate():,.0f} steps/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
