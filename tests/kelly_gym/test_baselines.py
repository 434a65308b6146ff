"""The vector env, the baseline agents and their table: the exact values reached in the env."""

import math
import re

import numpy as np
import pytest

from kelly_gym.agents import OptimalAgent, make_agent
from kelly_gym.baselines import BASELINE_COLUMNS, baseline_table, play_episodes
from kelly_gym.envs import CoinflipEnv
from kelly_gym.vector import CoinflipVectorEnv
from sim.challenge import exact_outcome, payouts
from sim.cli import main as kelly
from sim.engine import simulate
from sim.games import HAGHANI_DEWEY
from sim.optimal import solve
from sim.strategies import FixedFraction

# --------------------------------------------------------------------------------------------
# The vector env


def test_vector_env_same_seed_same_result_and_common_flips():
    def run(seed, fraction):
        envs = CoinflipVectorEnv(num_envs=64, cap=None)
        envs.reset(seed=seed)
        rewards = [envs.step(np.full((64, 1), fraction))[1] for _ in range(50)]
        return np.array(rewards)

    np.testing.assert_array_equal(run(3, 0.1), run(3, 0.1))
    assert not np.array_equal(run(3, 0.1), run(4, 0.1))
    # the same flips for another agent: every reward has the same sign (no cap, no bust)
    assert np.array_equal(np.sign(run(3, 0.1)), np.sign(run(3, 0.05)))


def test_vector_env_autoresets_on_the_next_step():
    envs = CoinflipVectorEnv(num_envs=2, rounds=2)
    obs, _ = envs.reset(seed=0)
    for _ in range(2):
        obs, reward, terminated, truncated, _ = envs.step(np.full((2, 1), 0.1))
    assert terminated.all() and not truncated.any()
    obs, reward, terminated, _, _ = envs.step(np.full((2, 1), 0.1))  # ignored: restart
    assert obs.tolist() == [[25.0, 2.0], [25.0, 2.0]]
    assert reward.tolist() == [0.0, 0.0] and not terminated.any()


def test_vector_env_matches_the_single_env_rules():
    envs = CoinflipVectorEnv(num_envs=500, p=1.0)  # heads always: all-in caps on step 4
    envs.reset(seed=0)
    for _ in range(4):
        obs, _, terminated, _, info = envs.step(np.ones((500, 1)))
    assert terminated.all() and info["capped"].all() and (obs[:, 0] == 250.0).all()


def test_vector_unknown_coin_draws_a_p_per_episode():
    envs = CoinflipVectorEnv(num_envs=20_000, prior=(2.0, 6.0))
    obs, _ = envs.reset(seed=1)
    assert obs.shape == (20_000, 4)
    assert abs(envs.p.mean() - 0.25) < 4 * math.sqrt(0.25 * 0.75 / 9 / 20_000)


@pytest.mark.parametrize("action, named", [
    (np.full((4, 1), 1.5), "1.5"),
    (np.full((4, 1), np.nan), "nan"),
    (np.full((3, 1), 0.1), "shape"),
    (np.full(4, 0.1), "shape"),
])
def test_vector_env_refuses_bad_actions(action, named):
    envs = CoinflipVectorEnv(num_envs=4)
    envs.reset(seed=0)
    with pytest.raises(ValueError, match=re.escape(named)):
        envs.step(action)


# --------------------------------------------------------------------------------------------
# Agents


def test_optimal_agent_stakes_the_solved_table():
    agent = OptimalAgent(HAGHANI_DEWEY)
    policy = solve(HAGHANI_DEWEY)
    for wealth, left in ((25.0, 300), (100.0, 10), (249.5, 1), (0.5, 299)):
        action = agent(np.array([wealth, left]))
        assert action.shape == (1,)
        assert action[0] * wealth == pytest.approx(policy.bet(wealth, left))


def test_agents_act_on_single_observations_and_batches():
    kelly = make_agent("kelly", HAGHANI_DEWEY)
    assert kelly(np.array([25.0, 300.0])).tolist() == pytest.approx([0.2])
    assert kelly(np.zeros((5, 2))).shape == (5, 1)
    bayes = make_agent("bayes", HAGHANI_DEWEY)
    assert bayes.needs_counts
    # Beta(1, 1) after 7 heads, 3 tails: q = 8/12, Kelly 2q - 1 = 1/3
    assert bayes(np.array([25.0, 290.0, 7.0, 3.0]))[0] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="fewer than 4 columns"):
        bayes(np.array([25.0, 290.0]))


@pytest.mark.parametrize("spec", ["martingale", "amount:5", "nonsense"])
def test_agents_exist_only_for_markov_policies(spec):
    with pytest.raises(ValueError, match=re.escape(spec)):
        make_agent(spec, HAGHANI_DEWEY)


def test_an_agent_drives_the_single_env_too():
    env = CoinflipEnv()
    agent = make_agent("optimal", HAGHANI_DEWEY)
    obs, _ = env.reset(seed=0)
    terminated = False
    while not terminated:
        obs, _, terminated, _, _ = env.step(agent(obs))
    assert obs[0] in (250.0,) or obs[0] < 250.0


# --------------------------------------------------------------------------------------------
# Exact values reached in the env (the exact columns of `kelly challenge`)


def _within_three_se(spec, episodes, seed, exact_value):
    agent = make_agent(spec, HAGHANI_DEWEY)
    exact, _ = exact_outcome(agent.strategy, HAGHANI_DEWEY)
    assert round(exact, 2) == exact_value
    mean, se = play_episodes(agent, HAGHANI_DEWEY, episodes, seed).mean_and_se()
    assert abs(mean - exact) < 3 * se, (mean, se, exact)


@pytest.mark.parametrize("spec, exact_value", [("optimal", 246.61), ("fixed:0.2", 237.36)])
def test_env_reaches_the_exact_mean_payout_fast(spec, exact_value):
    _within_three_se(spec, 20_000, 2, exact_value)


@pytest.mark.slow
@pytest.mark.parametrize("spec, exact_value", [("optimal", 246.61), ("fixed:0.2", 237.36),
                                               ("kelly", 237.36)])
def test_env_reaches_the_exact_mean_payout_over_1e5_episodes(spec, exact_value):
    _within_three_se(spec, 100_000, 0, exact_value)


def test_bayes_kelly_in_the_env_agrees_with_the_engine():
    episodes = 20_000
    env_mean, env_se = play_episodes(make_agent("bayes", HAGHANI_DEWEY), None, episodes,
                                     5).mean_and_se()
    result = simulate(HAGHANI_DEWEY, ["bayes"], episodes, seed=5)
    money = payouts(result, 0)
    engine_se = money.std(ddof=1) / math.sqrt(episodes)
    assert abs(env_mean - money.mean()) < 4 * math.hypot(env_se, engine_se)


# --------------------------------------------------------------------------------------------
# The table and the command


def test_baseline_table_puts_exact_values_beside_the_means():
    table = baseline_table(episodes=3_000, seed=1, agents=["fixed:0.2", "bayes"])
    assert list(table.columns) == BASELINE_COLUMNS
    assert table["agent"].tolist() == ["fixed:0.2", "bayes"]
    exact, cap = exact_outcome(FixedFraction(0.2), HAGHANI_DEWEY)
    assert table.loc[0, "mean_payout_exact"] == exact and table.loc[0, "p_cap_exact"] == cap
    assert math.isnan(table.loc[1, "mean_payout_exact"])
    assert abs(table.loc[0, "z"]) < 4


def test_baseline_table_of_the_unknown_coin_has_no_exact_values():
    table = baseline_table(episodes=2_000, seed=1, agents=["bayes", "kelly"], prior=(7, 3))
    assert table["mean_payout_exact"].isna().all()
    assert (table["mean_payout"] > 0).all()


def test_baseline_table_exact_columns_are_nan_without_a_grid():
    table = baseline_table(HAGHANI_DEWEY.__class__(p=0.6, rounds=50), episodes=500,
                           agents=["kelly"])
    assert math.isnan(table.loc[0, "mean_payout_exact"])


@pytest.mark.parametrize("keywords, named", [
    ({"episodes": 0}, "episodes = 0"),
    ({"seed": -1}, "seed = -1"),
    ({"agents": "kelly"}, "agents = 'kelly'"),
    ({"prior": (0.0, 1.0)}, "prior_alpha = 0.0"),
])
def test_baseline_table_bad_arguments(keywords, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        baseline_table(**{"episodes": 10, **keywords})


def test_cli_prints_the_table_and_writes_csv(tmp_path, capsys):
    out = tmp_path / "baselines.csv"
    assert kelly(["gym-baselines", "--agent", "fixed:0.2", "--episodes", "500"]) == 0
    printed = capsys.readouterr().out
    assert "fixed:0.2" in printed and "237.4" in printed
    assert kelly(["gym-baselines", "--agent", "fixed:0.2", "--episodes", "500",
                  "--out", str(out)]) == 0
    assert out.read_text().startswith(",".join(BASELINE_COLUMNS))


@pytest.mark.parametrize("argv, message", [
    (["--episodes", "0"], "at least 1"),
    (["--agent", "martingale", "--episodes", "10"], "martingale"),
    (["--prior", "1"], "ALPHA,BETA"),
    (["--out", "table.txt"], ".txt"),
])
def test_cli_refuses_bad_arguments(argv, message, capsys):
    assert kelly(["gym-baselines", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("argv, message", [
    (["--p", "1.5", "--episodes", "10"], "p = 1.5"),
    (["--cap", "10", "--episodes", "10"], "cap = 10"),
    (["--prior", "7,3", "--p", "0.5", "--episodes", "10"], "--p 0.5"),
])
def test_cli_bad_rules_are_one_line_and_status_2(argv, message, capsys):
    assert kelly(["gym-baselines", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
