"""Numerical edges: p = 0 and 1, f = 0 and 1, odds 1e-9 and 1e9, 10^6 rounds.

Wealth lives in log space, so no value overflows into NaN. The documented answers (Kelly 1956;
Cover & Thomas 2006, ch. 6):

* betting nothing (f = 0) grows at exactly 0, whatever p and the odds;
* all-in on heads (f = 1) grows at -inf when p < 1 (one tails ruins) and at ln(1 + b) when
  p = 1; ``kelly_fraction(0, b) = 0`` and ``kelly_fraction(1, b) = 1``; the Kelly *strategy*,
  which may bet tails, stakes everything on tails at p = 0 and grows at ln(1 + 1/b);
* theory (:func:`sim.stats.theoretical_growth`) and simulation agree: exactly where the outcome
  is certain, within the 95% interval otherwise, and both are -inf for a bet that can bust.

Columns of :func:`sim.stats.summarize` that are NaN by definition (every other column is a
number, possibly +-inf):

* ``growth_se`` when ``growth`` is -inf (a bust path's rate is -inf; the spread is undefined) or
  with a single path; ``growth_ci_low``/``growth_ci_high`` then equal ``growth`` if it is -inf,
  or are NaN when only the error is undefined;
* ``growth_theory`` for adaptive strategies or rules with friction (cap, floor, tick, min bet);
* ``median_max_drawdown`` for the exact counts method (it keeps no path);
* ``mean_rounds_to_cap`` when no path reached a cap.

Wealth columns are +inf where e^{ln W} is above the largest float (ln W itself is finite) and 0
where it underflows; ``p_ruin`` tells a bust from a tiny bankroll.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis import SWEEP_COLUMNS
from sim.cli import main
from sim.engine import simulate
from sim.games import CoinGame, RaceGame
from sim.stats import SUMMARY_COLUMNS, summarize, theoretical_growth
from sim.strategies import AllIn, FixedFraction, Kelly, parse_strategy
from sim.theory import (
    bernoulli,
    coin_growth,
    cross_entropy,
    entropy,
    growth_decomposition,
    kelly_fraction,
    kelly_shares,
    kl_divergence,
    portfolio_growth,
)

PROBABILITIES = (0.0, 0.6, 1.0)
ODDS = (1e-9, 1.0, 1e9)
MILLION = 10**6


def _documented_all_in(p: float, b: float) -> float:
    return math.log1p(b) if p == 1 else -math.inf


# ------------------------------------------------------------------------------ closed forms


@pytest.mark.parametrize("b", ODDS)
@pytest.mark.parametrize("p", PROBABILITIES)
def test_coin_growth_and_kelly_fraction_at_the_edges(p, b):
    assert coin_growth(0.0, p, b) == 0.0
    assert coin_growth(1.0, p, b) == pytest.approx(_documented_all_in(p, b), rel=1e-15)
    fractions = np.linspace(0, 1, 21)
    growth = np.asarray(coin_growth(fractions, p, b))
    assert not np.isnan(growth).any() and not np.isposinf(growth).any()
    assert (growth <= math.log1p(b) + 1e-12).all()
    # G = sum p ln o - H(p, a) with a = (1 + b f)/(1 + b), the fair book's share on heads
    game = CoinGame(p=p, odds=b)
    # (1 - a = b (1 - f)/(1 + b) computed directly: 1 - a loses 9 digits at b = 1e-9)
    split = np.stack([game.share_of_fraction(fractions), b * (1 - fractions) / (1 + b)], axis=-1)
    log_odds = float(np.sum(bernoulli(p) * np.log(game.decimal_odds)))
    cross = np.asarray(cross_entropy(bernoulli(p), split))
    np.testing.assert_allclose(growth, log_odds - cross, rtol=1e-12, atol=1e-12)
    f_star = kelly_fraction(p, b)
    assert 0.0 <= f_star <= 1.0
    assert coin_growth(f_star, p, b) >= growth.max() - 1e-9  # no grid point beats Kelly
    assert kelly_fraction(0.0, b) == 0.0 and kelly_fraction(1.0, b) == 1.0


def test_information_measures_of_a_sure_outcome():
    sure = [1.0, 0.0]
    assert entropy(sure) == 0.0 and math.copysign(1.0, entropy(sure)) == 1.0  # 0, not -0
    assert cross_entropy(sure, sure) == 0.0 and math.copysign(1.0, cross_entropy(sure, sure)) > 0
    assert kl_divergence(sure, [0.5, 0.5]) == pytest.approx(math.log(2))
    assert cross_entropy(sure, [0.0, 1.0]) == math.inf
    assert kl_divergence([0.0, 1.0], sure) == math.inf
    assert entropy(sure, base=2) == 0.0


@pytest.mark.parametrize("odds", [(1e-9, 2.0), (2.0, 2.0), (1e9, 1e9), (1.5, 1e-9)])
@pytest.mark.parametrize("p", [(1.0, 0.0), (0.0, 1.0), (0.5, 0.5)])
def test_races_with_sure_winners_and_extreme_odds_have_no_nan(p, odds):
    shares, cash = kelly_shares(p, odds)
    assert np.isfinite(shares).all() and math.isfinite(cash)
    assert (shares >= 0).all() and shares.sum() <= 1 + 1e-12
    parts = growth_decomposition(shares, p, odds)
    for name in ("log_odds", "entropy", "divergence", "cross_entropy", "growth", "cash_term"):
        assert not math.isnan(getattr(parts, name)), name
    assert parts.growth == pytest.approx(portfolio_growth(shares, p, odds), rel=1e-12)
    assert parts.growth == pytest.approx(
        parts.log_odds + parts.cash_term - parts.cross_entropy, rel=1e-9, abs=1e-9
    )
    # the optimum is never worse than betting nothing (cash: growth 0)
    assert parts.growth >= -1e-12


# --------------------------------------------------------------------- simulation and summary


def _nan_by_definition(row: pd.Series, result, index: int) -> set[str]:
    """The columns of a summary row allowed to be NaN (see the module docstring)."""
    allowed = set()
    if row["growth"] == -math.inf or result.paths == 1:
        allowed.add("growth_se")
    if result.paths == 1 and math.isfinite(row["growth"]):
        allowed |= {"growth_ci_low", "growth_ci_high"}
    strategy = result.strategies[index]
    if strategy.constant_fractions(result.game) is None or not result.game.is_frictionless:
        allowed.add("growth_theory")
    if result.max_drawdown is None:
        allowed.add("median_max_drawdown")
    if not result.capped[index].any():
        allowed.add("mean_rounds_to_cap")
    return allowed


def assert_summary_sound(result) -> pd.DataFrame:
    """No NaN or +inf in the log-wealth; NaN in the summary only where it is by definition."""
    assert not np.isnan(result.log_wealth).any()
    assert not np.isposinf(result.log_wealth).any()
    if result.max_drawdown is not None:
        assert ((result.max_drawdown >= 0) & (result.max_drawdown <= 1)).all()
    summary = summarize(result)
    assert list(summary.columns) == SUMMARY_COLUMNS
    for i, row in summary.iterrows():
        numbers = row.drop("strategy").astype(float)
        nan = set(numbers.index[numbers.isna()])
        assert nan <= _nan_by_definition(row, result, i), (row["strategy"], nan)
        for column in ("mean_wealth", "median_wealth", "wealth_q05", "wealth_q95"):
            assert row[column] >= 0
        assert 0 <= row["p_ruin"] <= 1 and 0 <= row["p_cap"] <= 1
    return summary


def _growth_error(strategy, game, paths: int) -> float:
    """Standard error of the mean growth of ``paths`` paths of a constant bet, from theory:
    the per-round log-return has variance sum_i p_i (ln m_i)^2 - G^2 (over p_i > 0)."""
    probs = game.outcome_probs
    log_m = np.log(strategy.multipliers(game)[probs > 0])
    probs = probs[probs > 0]
    variance = max(float(probs @ log_m**2 - (probs @ log_m) ** 2), 0.0)
    return math.sqrt(variance / (game.rounds * paths))


def assert_theory_agrees(summary: pd.DataFrame, result) -> None:
    """MC growth = theory: exactly for sure outcomes, within 6 standard errors otherwise."""
    game = result.game
    sure = set(np.unique(game.outcome_probs)) <= {0.0, 1.0}
    for strategy, (_, row) in zip(result.strategies, summary.iterrows(), strict=True):
        theory = theoretical_growth(strategy, game)
        if theory == -math.inf:
            assert row["growth"] == -math.inf and row["p_ruin"] > 0, row["strategy"]
        elif sure:
            assert row["growth"] == pytest.approx(theory, rel=1e-12, abs=1e-15), row["strategy"]
            assert row["p_ruin"] == 0
        else:
            margin = 6 * _growth_error(strategy, game, result.paths) + 1e-12
            assert abs(row["growth"] - theory) <= margin, (row["strategy"], row["growth"], theory)


EDGE_STRATEGIES = [FixedFraction(0.0), FixedFraction(1.0), Kelly(), AllIn(), Kelly(0.5)]


@pytest.mark.parametrize("b", ODDS)
@pytest.mark.parametrize("p", PROBABILITIES)
def test_a_million_rounds_by_exact_counts(p, b):
    game = CoinGame(p=p, odds=b, rounds=MILLION)
    result = simulate(game, EDGE_STRATEGIES, 2000, seed=7, method="counts")
    summary = assert_summary_sound(result)
    assert_theory_agrees(summary, result)
    growth = dict(zip(summary["strategy"], summary["growth"], strict=True))
    assert growth["fixed:0"] == 0.0
    assert (result.log_wealth[0] == math.log(game.start)).all()
    assert growth["fixed:1"] == pytest.approx(_documented_all_in(p, b), rel=1e-12)
    if p == 0:  # Kelly bets everything on tails, a sure win at 1/b-to-1
        assert growth["kelly"] == pytest.approx(math.log1p(1 / b), rel=1e-12)


def test_a_million_rounds_round_by_round():
    # one block of paths, two cheap constant bets, every round drawn
    game = CoinGame(p=0.6, odds=1.0, rounds=MILLION)
    result = simulate(game, [AllIn(), Kelly()], 1, seed=3, method="paths")
    summary = assert_summary_sound(result)
    assert_theory_agrees(summary, result)
    assert summary["growth"].iloc[0] == -math.inf and result.max_drawdown[0, 0] == 1.0
    # 20,000 nats of growth: e^{ln W} is above the float range, ln W is not
    assert math.isfinite(result.log_wealth[1, 0]) and result.log_wealth[1, 0] > 1e4
    assert summary["mean_wealth"].iloc[1] == math.inf


@pytest.mark.parametrize(("p", "b"), [(1.0, 1e9), (0.0, 1e9), (1.0, 1e-9), (0.0, 1e-9)])
def test_sure_outcomes_round_by_round_match_the_closed_form(p, b):
    game = CoinGame(p=p, odds=b, rounds=100_000)
    result = simulate(game, EDGE_STRATEGIES, 1, seed=1, method="paths")
    summary = assert_summary_sound(result)
    assert_theory_agrees(summary, result)


def test_adaptive_and_capped_rules_at_the_edges_have_no_stray_nan():
    for game in (
        CoinGame(p=1.0, odds=1e9, start=25, cap=250, tick=0.01, rounds=50),
        CoinGame(p=0.0, odds=1e-9, start=25, floor=5, rounds=10),  # 25 x 1e90 at the end
        CoinGame(p=0.6, odds=1e9, start=1e300, rounds=200),  # frictionless: in log space
        CoinGame(p=0.0, odds=1.0, start=1e-300, min_bet=1e-301, rounds=50),
    ):
        strategies = [parse_strategy(s) for s in ("kelly", "allin", "bayes", "amount:5",
                                                  "martingale")]
        assert_summary_sound(simulate(game, strategies, 300, seed=2))


def test_rules_with_friction_at_huge_wealth_stay_in_log_space():
    # past 2^53 ticks the tick cannot change a stake; wealth past 1.8e308 must stay finite in
    # log space, not become inf and then NaN in money
    game = CoinGame(p=1.0, odds=1e9, start=25, tick=0.01, rounds=50)
    result = simulate(game, [AllIn()], 1, seed=0, method="paths")
    expected = math.log(25) + 50 * math.log1p(1e9)  # ticks are below the float resolution
    assert result.log_wealth[0, 0] == pytest.approx(expected, rel=1e-12)


def test_a_race_with_a_sure_winner():
    game = RaceGame(probs=(1.0, 0.0, 0.0), odds=(1e9, 2.0, 1e-9), rounds=MILLION)
    result = simulate(game, [Kelly(), AllIn(), parse_strategy("share:0.2,0.3,0.5")], 500, seed=5)
    summary = assert_summary_sound(result)
    assert_theory_agrees(summary, result)
    assert summary["growth"].iloc[0] == pytest.approx(math.log(1e9))


# -------------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize(("p", "b"), [(1.0, 1.0), (0.0, 1.0), (0.6, 1e-9), (0.5, 1e9)])
def test_sweep_at_the_edges_writes_documented_values(tmp_path, capsys, p, b):
    out, plot = tmp_path / "sweep.csv", tmp_path / "sweep.png"
    drawn = ["--plot", str(plot)] if p in (0.0, 1.0) else []  # figures at the sure edges
    status = main(["sweep", "--p", str(p), "--odds", str(b), "--fractions", "0:1:0.25",
                   "--rounds", str(MILLION), "--paths", "50", "-q", "--out", str(out), *drawn])
    captured = capsys.readouterr()
    assert status == 0 and captured.err == "" and captured.out == ""
    assert ",-0.0," not in out.read_text()
    table = pd.read_csv(out)
    assert list(table.columns) == SWEEP_COLUMNS
    first, last = table.iloc[0], table.iloc[-1]
    assert first["growth_theory"] == 0.0 and first["growth_mc"] == 0.0
    assert last["growth_theory"] == pytest.approx(_documented_all_in(p, b), rel=1e-12)
    assert last["growth_mc"] == pytest.approx(_documented_all_in(p, b), rel=1e-12)
    bust = table["growth_mc"] == -math.inf
    assert (table.loc[bust, "p_ruin"] > 0).all()
    nan = table.isna()
    assert (nan["growth_se"] == bust).all()  # undefined exactly where growth is -inf
    assert not nan.drop(columns="growth_se").any().any()
    assert (table["entropy"] >= 0).all() and (table["divergence"] >= 0).all()
    assert plot.exists() == bool(drawn)


def test_paths_and_race_at_the_edges_exit_0(tmp_path, capsys):
    runs = [
        ["paths", "--p", "1", "--odds", "1e9", "--rounds", str(MILLION), "--paths", "20",
         "--strategy", "allin", "--strategy", "kelly:0.5", "--strategy", "fixed:0"],
        ["paths", "--p", "0", "--odds", "1e-9", "--rounds", "2000", "--paths", "20",
         "--strategy", "kelly", "--strategy", "bayes", "--cap", "1000", "--tick", "0.01"],
        ["race", "--probs", "1,0,0", "--odds", "1e9,2,1e-9", "--rounds", str(MILLION),
         "--paths", "20"],
    ]
    for i, argv in enumerate(runs):
        out = tmp_path / f"t{i}.csv"
        status = main([*argv, "-q", "--out", str(out)])
        assert status == 0, (argv, capsys.readouterr().err)
        table = pd.read_csv(out)
        assert not table.filter(like="growth_mc").isna().any().any()


def test_fan_chart_at_huge_odds_draws_without_overflow(tmp_path, capsys):
    status = main(["paths", "--odds", "1e300", "--strategy", "share:0.5", "--rounds", "10",
                   "--paths", "10", "-q", "--plot", str(tmp_path / "fan.png")])
    assert status == 0


# p = 0.99, odds 10, all-in for 300 flips: ln W = 300 ln 11 + ln W_0 = 724 on the paths that see
# no tails, past ln(1.8e308) = 709.8; e^(ln W) as money overflowed to inf, and inf - inf was NaN
# at the next tails (issue 15)
BIG_WIN = CoinGame(p=0.99, odds=10.0, rounds=300, start=100.0)
BIG_WIN_LOG = 300 * math.log(11.0) + math.log(100.0)


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("rules", [{}, {"tick": 0.01}, {"min_bet": 1.0}, {"floor": 1.0}])
@pytest.mark.parametrize("method", ["paths", "auto"])
def test_all_in_past_the_largest_float_keeps_the_closed_form(rules, method):
    game = CoinGame(p=0.99, odds=10.0, rounds=300, start=100.0, **rules)
    result = simulate(game, [AllIn(), Kelly()], 400, 1, method=method)
    assert not np.isnan(result.log_wealth).any()
    all_in = result.log_wealth[0]
    survivors = all_in[np.isfinite(all_in)]
    assert survivors.size > 0  # 0.99^300 = 5% of 400 paths see no tails
    np.testing.assert_allclose(survivors, BIG_WIN_LOG, rtol=1e-9)  # ticks: cents early on
    assert np.all((all_in == -np.inf) | np.isclose(all_in, BIG_WIN_LOG, rtol=1e-9))


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("rules", [{}, {"tick": 0.01}, {"min_bet": 1.0}])
def test_settle_saturates_at_the_largest_float_instead_of_nan(rules):
    from sim.engine import settle
    from sim.engine.rules import LARGEST_MONEY

    game = CoinGame(p=0.99, odds=10.0, rounds=300, start=100.0, **rules)
    wealth = np.full(3, game.start)
    bets = np.array([1.0, 1.0, 0.0])  # all-in, all-in then a tails, nothing
    for t in range(game.rounds):
        last = t == game.rounds - 1
        done = settle(game, wealth, bets, np.array([0, 1 if last else 0, 0]))
        wealth = done.wealth
        assert not np.isnan(wealth).any() and not np.isnan(done.stake).any()
    assert wealth.tolist() == [LARGEST_MONEY, 0.0, 100.0]
    assert done.ruined.tolist() == [False, True, False]
    # saturated: ln W is as close to the closed form as a float bankroll can get
    assert math.log(wealth[0]) == pytest.approx(min(BIG_WIN_LOG, math.log(LARGEST_MONEY)))
    again = settle(game, np.array([math.inf]), np.array([1.0]), np.array([1]))
    assert again.wealth.tolist() == [0.0]  # an inf bankroll given in is the largest float
