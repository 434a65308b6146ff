"""The Gymnasium environments of kelly_gym: API conformance, determinism, the rules of the engine,
the three defects of gym's old KellyCoinflip envs, and bad input."""

import doctest
import importlib
import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import kelly_gym
from kelly_gym.envs import CoinflipEnv, CoinflipUnknownEnv, RaceEnv
from kelly_gym.registration import (
    ENTRY_POINT_GROUP,
    ENTRY_POINT_NAME,
    ENTRY_POINT_VALUE,
    ENV_IDS,
    register_envs,
)
from kelly_gym.vector import CoinflipUnknownVectorEnv, CoinflipVectorEnv
from sim.engine import settle
from sim.games import HAGHANI_DEWEY

ROOT = Path(__file__).resolve().parents[2]


def play(env, seed, steps=None, action_seed=7):
    """Observations, rewards and ends of one episode with seeded random actions."""
    env.action_space.seed(action_seed)
    obs, _ = env.reset(seed=seed)
    trace = [obs]
    rewards, ends = [], []
    for _ in range(steps or 10**9):
        obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        trace.append(obs)
        rewards.append(reward)
        ends.append((terminated, truncated))
        if terminated or truncated:
            break
    return np.array(trace), np.array(rewards), ends


# --------------------------------------------------------------------------------------------
# Registration and API


def test_register_envs_is_idempotent_and_lists_every_id():
    assert register_envs() == ENV_IDS == kelly_gym.ENV_IDS
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a second registration must not "override" anything
        register_envs()
    assert set(ENV_IDS) <= set(gym.registry)


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("render_mode", [None, "ansi", "rgb_array"])
def test_check_env_passes_without_warnings(env_id, render_mode):
    register_envs()
    env = gym.make(env_id, render_mode=render_mode)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)
    env.close()


def test_make_passes_rule_keywords_and_refuses_bad_ones():
    register_envs()
    env = gym.make("kelly/Coinflip-v1", p=0.55, rounds=10, reward="log")
    assert (env.unwrapped.game.p, env.unwrapped.game.rounds, env.unwrapped.reward) == (
        0.55, 10, "log")
    with pytest.raises(ValueError, match=re.escape("p = 1.5")):
        gym.make("kelly/Coinflip-v1", p=1.5)


def test_module_prefixed_id_imports_the_package():
    env = gym.make("kelly_gym:kelly/Coinflip-v1")
    assert isinstance(env.unwrapped, CoinflipEnv)


def test_make_vec_uses_the_numpy_vector_env():
    register_envs()
    known = gym.make_vec("kelly/Coinflip-v1", num_envs=3, vectorization_mode="vector_entry_point")
    unknown = gym.make_vec("kelly/CoinflipUnknown-v1", num_envs=3,
                           vectorization_mode="vector_entry_point")
    assert isinstance(known.unwrapped, CoinflipVectorEnv)
    assert isinstance(unknown.unwrapped, CoinflipUnknownVectorEnv)
    assert known.reset(seed=0)[0].shape == (3, 2)
    assert unknown.reset(seed=0)[0].shape == (3, 4)


def test_pyproject_declares_the_entry_point_extra_and_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = project["project"].get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    if ENTRY_POINT_NAME not in entry_points:
        pytest.skip("pyproject.toml has no [project.entry-points.\"gymnasium.envs\"] kelly entry "
                    "yet (the lead adds it when merging kelly_gym)")
    assert entry_points[ENTRY_POINT_NAME] == ENTRY_POINT_VALUE
    module, _, name = ENTRY_POINT_VALUE.partition(":")
    assert getattr(importlib.import_module(module), name)() == ENV_IDS
    extras = project["project"]["optional-dependencies"]
    assert any(item.startswith("gymnasium") for item in extras["gym"])
    assert any(item.startswith("gymnasium") for item in extras["dev"])
    assert "kelly_gym" in project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]


def test_importing_and_stepping_does_not_import_pygame():
    code = ("import sys, numpy as np, kelly_gym; env = kelly_gym.CoinflipEnv(render_mode='ansi');"
            "env.reset(seed=0); env.step(np.array([0.1])); env.render();"
            "assert 'pygame' not in sys.modules, 'pygame imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("module", ["rules", "envs", "render", "registration", "vector",
                                    "agents", "baselines", "__init__"])
def test_docstring_examples_run(module):
    name = "kelly_gym" if module == "__init__" else f"kelly_gym.{module}"
    failed, attempted = doctest.testmod(importlib.import_module(name))
    assert failed == 0 and attempted > 0


# --------------------------------------------------------------------------------------------
# Determinism


@pytest.mark.parametrize("make", [CoinflipEnv, CoinflipUnknownEnv, RaceEnv])
def test_same_seed_same_episode(make):
    first = play(make(), seed=11, steps=60)
    second = play(make(), seed=11, steps=60)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    other = play(make(), seed=12, steps=60)
    assert not np.array_equal(first[1], other[1])


def test_reset_with_the_same_seed_restarts_the_same_episode_in_one_env():
    env = CoinflipUnknownEnv()
    first = play(env, seed=5, steps=40)
    p_first = env.p
    second = play(env, seed=5, steps=40)
    assert env.p == p_first
    np.testing.assert_array_equal(first[1], second[1])


# --------------------------------------------------------------------------------------------
# The rules are the engine's


def test_stake_is_rounded_to_the_nearest_cent_as_the_engine_does():
    env = CoinflipEnv()
    env.reset(seed=0)
    _, reward, *_, info = env.step(np.array([0.1111]))  # 0.1111 x $25 = $2.7775 -> $2.78
    assert info["stake"] == pytest.approx(2.78) and abs(reward) == pytest.approx(2.78)
    env.reset(seed=0)
    *_, info = env.step(np.array([-0.1111]))
    assert info["stake"] == pytest.approx(-2.78)


def test_every_step_equals_sim_engine_settle():
    env = CoinflipEnv(odds=2.0, cap=100.0)
    obs, _ = env.reset(seed=3)
    rng = np.random.default_rng(0)
    for _ in range(200):
        fraction = rng.uniform(-0.3, 0.3)
        wealth = obs[0]
        obs, _, terminated, _, info = env.step(np.array([fraction]))
        outcome = np.array([0 if info["outcome"] == "heads" else 1])
        expected = settle(env.game, np.array([wealth]), np.array([fraction]), outcome)
        assert obs[0] == expected.wealth[0]
        if terminated:
            break


def test_tails_pays_the_reciprocal_odds():
    env = CoinflipEnv(p=0.0, odds=2.0, cap=None)  # always tails
    env.reset(seed=0)
    _, reward, *_ = env.step(np.array([-0.2]))  # $5 on tails at 1/2-to-1 wins $2.50
    assert reward == pytest.approx(2.5)


def test_without_tails_the_box_starts_at_zero():
    env = CoinflipEnv(allow_tails=False)
    assert env.action_space.low[0] == 0.0
    env.reset(seed=0)
    with pytest.raises(ValueError, match=re.escape("-0.5")):
        env.step(np.array([-0.5]))


# --------------------------------------------------------------------------------------------
# Regressions for the defects of gym's KellyCoinflip-v0 / KellyCoinflipGeneralized-v0


def test_cap_ends_the_episode_gym_issue_1266():
    env = CoinflipEnv(p=1.0)  # every flip heads: all-in doubles 25 -> 50 -> 100 -> 200 -> cap
    env.reset(seed=0)
    for step in range(1, 5):
        obs, reward, terminated, truncated, info = env.step(np.array([1.0]))
        assert terminated == (step == 4) and not truncated
    assert obs[0] == 250.0 and info["capped"] and reward == 50.0  # pays only up to the cap
    with pytest.raises(RuntimeError, match="ended"):
        env.step(np.array([0.1]))


def test_final_payout_reward_is_the_wealth_not_the_cap_gym_issue_1434():
    env = CoinflipEnv(rounds=5, reward="payout")
    env.reset(seed=4)
    total = 0.0
    for _ in range(5):
        obs, reward, terminated, _, info = env.step(np.array([0.1]))
        total += reward
        if not terminated:
            assert reward == 0.0
    assert terminated and not info["capped"]
    assert reward == obs[0] == info["wealth"] != env.game.cap and total == reward


def test_wealth_and_log_rewards_add_up_to_the_money_and_log_growth_won():
    for mode in ("wealth", "log"):
        env = CoinflipEnv(reward=mode)
        obs, _ = env.reset(seed=9)
        start, total, terminated = obs[0], 0.0, False
        while not terminated:
            obs, reward, terminated, *_ = env.step(np.array([0.05]))
            total += reward
        expected = obs[0] - start if mode == "wealth" else math.log(obs[0] / start)
        assert obs[0] != start and total == pytest.approx(expected)


def test_log_reward_of_a_bust_is_finite():
    env = CoinflipEnv(p=0.0, reward="log")
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step(np.array([1.0]))
    assert terminated and info["bust"] and np.isfinite(reward) and reward < -5


@pytest.mark.parametrize("side, p", [(0.01, 0.6), (-0.01, 0.6), (0.01, 0.3)])
def test_losses_happen_at_rate_one_minus_p_not_never(side, p):
    rounds = 20_000
    env = CoinflipEnv(p=p, cap=None, tick=0.0, rounds=rounds)
    env.reset(seed=1)
    losses = sum(env.step(np.array([side]))[1] < 0 for _ in range(rounds))
    rate = (1 - p) if side > 0 else p  # a tails bet loses on heads
    assert abs(losses / rounds - rate) < 4 * math.sqrt(rate * (1 - rate) / rounds)


def test_a_sure_coin_never_loses_and_a_dud_always_loses():
    for p, sign in ((1.0, 1), (0.0, -1)):
        env = CoinflipEnv(p=p, cap=None, rounds=50)
        env.reset(seed=2)
        signs = {np.sign(env.step(np.array([0.05]))[1]) for _ in range(50)}
        assert signs == {sign}


def test_bust_ends_the_episode_below_the_smallest_stake():
    env = CoinflipEnv(p=0.0)
    env.reset(seed=0)
    obs, _, terminated, _, info = env.step(np.array([0.9999]))  # leaves $0.00
    assert terminated and info["bust"] and obs[0] < HAGHANI_DEWEY.tick


def test_running_out_of_rounds_terminates_rather_than_truncates():
    env = CoinflipEnv(rounds=3)
    env.reset(seed=0)
    ends = [env.step(np.array([0.0]))[2:4] for _ in range(3)]
    assert ends == [(False, False), (False, False), (True, False)]


# --------------------------------------------------------------------------------------------
# The unknown coin and the race


def test_unknown_coin_observes_counts_and_draws_p_from_the_prior():
    env = CoinflipUnknownEnv(prior_alpha=2.0, prior_beta=6.0, rounds=20)
    ps = []
    for seed in range(400):
        env.reset(seed=seed)
        ps.append(env.p)
    assert abs(np.mean(ps) - 0.25) < 4 * math.sqrt(0.25 * 0.75 / 9 / 400)
    observations, _, _ = play(env, seed=0)
    heads, tails = observations[-1, 2:]
    assert heads + tails == len(observations) - 1 == 20 - observations[-1, 1]


def test_race_split_includes_cash_and_settles_like_the_engine():
    env = RaceEnv()
    env.reset(seed=0)
    _, reward, *_ = env.step(np.array([0.0, 0.0, 0.0, 1.0]))  # all cash
    assert reward == 0.0
    _, reward, *_ = env.step(np.zeros(4))  # all zero: all cash too
    assert reward == 0.0
    _, reward, *_, info = env.step(np.array([1.0, 0.6, 0.4, 0.0]))  # 50/30/20 of $100
    assert info["stake"] == 100.0 and reward in (0.0, 20.0)


# --------------------------------------------------------------------------------------------
# Rendering


def test_ansi_and_rgb_array_frames():
    text_env = CoinflipEnv(render_mode="ansi")
    with pytest.raises(RuntimeError, match="reset"):
        text_env.render()
    text_env.reset(seed=0)
    text_env.step(np.array([0.2]))
    frame = text_env.render()
    assert "round 1/300" in frame and "staked $5.00 on heads" in frame
    image_env = CoinflipUnknownEnv(render_mode="rgb_array")
    image_env.reset(seed=0)
    for _ in range(30):
        image_env.step(np.array([0.1]))
    image = image_env.render()
    assert image.shape == (300, 480, 3) and image.dtype == np.uint8
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 5  # a chart, not a blank frame


def test_render_without_a_mode_warns_and_returns_none():
    env = CoinflipEnv()
    env.reset(seed=0)
    with pytest.warns(UserWarning, match="render_mode"):
        assert env.render() is None


# --------------------------------------------------------------------------------------------
# Bad input names the value


@pytest.mark.parametrize("make, keywords, named", [
    (CoinflipEnv, {"p": 1.5}, "1.5"),
    (CoinflipEnv, {"p": -0.1}, "-0.1"),
    (CoinflipEnv, {"p": float("nan")}, "nan"),
    (CoinflipEnv, {"cap": 10.0}, "cap = 10"),
    (CoinflipEnv, {"start": 300.0}, "start = 300"),
    (CoinflipEnv, {"rounds": 0}, "rounds = 0"),
    (CoinflipEnv, {"odds": float("inf")}, "inf"),
    (CoinflipEnv, {"edge": 0.2}, "'edge'"),
    (CoinflipEnv, {"reward": "money"}, "'money'"),
    (CoinflipEnv, {"render_mode": "human"}, "'human'"),
    (CoinflipUnknownEnv, {"prior_alpha": 0.0}, "prior_alpha = 0.0"),
    (CoinflipUnknownEnv, {"prior_beta": float("nan")}, "nan"),
    (CoinflipUnknownEnv, {"p": 0.6}, "p = 0.6"),
    (RaceEnv, {"probs": (0.5, 0.6)}, "sum to 1.1"),
    (CoinflipVectorEnv, {"num_envs": 0}, "num_envs = 0"),
])
def test_bad_keywords_raise_value_error_naming_the_value(make, keywords, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        make(**keywords)


@pytest.mark.parametrize("make, action, named", [
    (CoinflipEnv, np.array([1.5]), "1.5"),
    (CoinflipEnv, np.array([-1.01]), "-1.01"),
    (CoinflipEnv, np.array([np.nan]), "nan"),
    (CoinflipEnv, np.array([0.1, 0.2]), "shape"),
    (CoinflipEnv, "heads", "'heads'"),
    (RaceEnv, np.array([0.5, 0.5, 1.2, 0.0]), "1.2"),
    (RaceEnv, np.array([0.5, 0.5]), "shape"),
])
def test_actions_outside_the_box_raise_value_error(make, action, named):
    env = make()
    env.reset(seed=0)
    with pytest.raises(ValueError, match=re.escape(named)):
        env.step(action)


def test_step_before_reset_is_refused():
    with pytest.raises(RuntimeError, match="reset"):
        CoinflipEnv().step(np.array([0.1]))
