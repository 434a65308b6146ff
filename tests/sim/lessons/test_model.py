"""The lesson file format and what every lesson step computes.

Each step is checked against an independent computation (closed forms written out here, the
binomial distribution from scipy, flips replayed by hand), not against its own code path.
"""

from __future__ import annotations

import math
import re
import textwrap

import numpy as np
import pytest
from scipy import stats

from sim.engine import simulate
from sim.games import CoinGame
from sim.lessons.model import (
    LABELS,
    STEP_FACTS,
    STEP_IDS,
    StepParams,
    available_languages,
    default_lesson,
    load_lesson,
    loads_lesson,
)
from sim.lessons.steps import (
    compute_step,
    entropy_step,
    expected_bayes_loss,
    growth_curve_step,
    many_worlds_step,
    overbetting_step,
    peak_decomposition_step,
    same_flips_step,
    two_outcomes_step,
    unknown_p_step,
)
from sim.strategies import Kelly
from sim.theory import coin_growth, fractional_kelly_growth

# ------------------------------------------------------------------------------------------
# The shipped lessons


@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_shipped_lessons_load_and_render(language):
    lesson = default_lesson(language)
    assert lesson.language == language
    assert [s.id for s in lesson.steps] == list(STEP_IDS)
    for step in lesson.steps:
        result = compute_step(step)
        assert set(result.facts()) == set(STEP_FACTS[step.id])
        text = step.render_body(result.facts())
        assert "{" not in text and "}" not in text
    assert lesson.step_counter(2).count("3") == 1 and str(len(STEP_IDS)) in lesson.step_counter(2)


def test_both_languages_are_shipped_and_chinese_is_translated():
    assert {"en", "zh-TW"} <= set(available_languages())
    english, chinese = default_lesson("en"), default_lesson("zh-TW")
    assert len(english) == len(chinese)
    han = re.compile(r"[\u4e00-\u9fff]")
    for step in chinese.steps:
        assert han.search(step.heading) and han.search(step.body)
    assert chinese.label("heads") == "正面" and english.label("heads") == "heads"
    assert set(chinese.labels) == set(LABELS)
    # the same parameters in both languages, so both rooms see the same numbers
    assert [s.params for s in english.steps] == [s.params for s in chinese.steps]


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="'xx'"):
        default_lesson("xx")


def test_teacher_edits_apply_to_every_step_that_uses_them():
    lesson = default_lesson("en").with_params(p=0.7, odds=2.0, paths=300)
    assert sum("p" in step.keys for step in lesson.steps) >= 8
    for step in lesson.steps:
        if "p" in step.keys:  # the wire's fair coin and the learning races have no p
            assert step.params.p == 0.7
        if "odds" in step.keys:
            assert step.params.odds == 2.0
        if "paths" in step.keys:
            assert step.params.paths == 300
    entropy = lesson.steps[0]
    assert entropy.params.odds == 1.0  # the entropy step does not use the odds
    with pytest.raises(ValueError, match=r"p = 1\.5"):
        default_lesson("en").with_params(p=1.5)
    with pytest.raises(ValueError, match="paths = 0"):
        default_lesson("en").with_params(paths=0)


# ------------------------------------------------------------------------------------------
# The steps


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.6, 0.9, 1.0])
def test_entropy_matches_the_definition(p):
    result = entropy_step(StepParams(p=p, rounds=40, seed=3))
    by_hand = -sum(x * math.log2(x) for x in (p, 1 - p) if x > 0)
    assert result.H_bits == pytest.approx(by_hand, abs=1e-12)
    assert result.H_nats == pytest.approx(by_hand * math.log(2), abs=1e-12)
    assert result.flips == 40 and 0 <= result.heads <= 40
    expected = p * result.surprise_heads_bits if p > 0 else 0.0
    expected += (1 - p) * result.surprise_tails_bits if p < 1 else 0.0
    assert expected == pytest.approx(result.H_bits)  # entropy is the mean surprise
    assert result.curve_bits.max() == pytest.approx(1.0)


def test_entropy_sample_is_the_start_of_the_same_flips_step():
    params = StepParams(p=0.6, seed=11)
    sample = entropy_step(params.__class__(p=0.6, seed=11, rounds=30)).sample
    flips = same_flips_step(StepParams(p=0.6, seed=11, rounds=200, share=0.95)).heads_flips
    np.testing.assert_array_equal(sample, flips[:30])


@pytest.mark.parametrize(("share", "odds"), [(0.7, 1.0), (0.6, 1.0), (0.3, 1.0), (0.5, 2.0),
                                             (0.2, 0.5)])
def test_two_outcomes_multipliers(share, odds):
    result = two_outcomes_step(StepParams(p=0.6, share=share, odds=odds))
    assert result.m_heads == pytest.approx(share * (1 + odds))
    assert result.m_tails == pytest.approx((1 - share) * (1 + 1 / odds))
    if odds == 1.0:
        assert (result.m_heads, result.m_tails) == pytest.approx((2 * share, 2 * (1 - share)))
        assert result.fraction == pytest.approx(2 * share - 1)
    f = result.fraction  # the same bet as a stake: 1 + b f on heads, 1 - f on tails (f > 0)
    if f >= 0:
        assert (1 + odds * f, 1 - f) == pytest.approx((result.m_heads, result.m_tails))
    assert result.growth == pytest.approx(
        0.6 * math.log(result.m_heads) + 0.4 * math.log(result.m_tails))
    assert result.mean_multiplier == pytest.approx(0.6 * result.m_heads + 0.4 * result.m_tails)


def test_same_flips_paths_follow_the_flips():
    result = same_flips_step(StepParams(p=0.6, share=0.95, rounds=150, seed=5, start=100.0))
    heads = result.heads_flips
    assert result.rounds == 150 and result.heads == heads.sum()
    for row, a in enumerate((0.6, 0.95)):
        step = np.where(heads, 2 * a, 2 * (1 - a))
        expected = 100.0 * np.concatenate([[1.0], np.cumprod(step)])
        np.testing.assert_allclose(result.wealth_paths[row], expected, rtol=1e-9)
    h, t = result.heads, result.rounds
    assert result.growth_p == pytest.approx((h * math.log(1.2) + (t - h) * math.log(0.8)) / t)
    assert result.theory_p == pytest.approx(coin_growth(0.2, 0.6))
    assert result.wealth_share < result.wealth_p


@pytest.mark.parametrize(("p", "odds"), [(0.6, 1.0), (0.55, 1.0), (0.7, 1.0), (0.4, 2.0),
                                         (0.8, 0.5)])
def test_growth_curve_peaks_at_a_equals_p(p, odds):
    result = growth_curve_step(StepParams(p=p, odds=odds, paths=500, rounds=50, seed=1))
    assert result.peak_share == pytest.approx(p, abs=0.0011)  # one grid step
    assert result.peak_growth == pytest.approx(result.log_odds - result.entropy, abs=1e-5)
    o = (1 + odds, 1 + 1 / odds)
    a = result.grid
    by_hand = p * np.log(a * o[0]) + (1 - p) * np.log((1 - a) * o[1])
    np.testing.assert_allclose(result.curve, by_hand, rtol=1e-12, atol=1e-12)


def test_growth_curve_is_ln2_minus_cross_entropy_at_even_money():
    result = growth_curve_step(StepParams(p=0.6, paths=200, rounds=20))
    a = result.grid
    cross = -(0.6 * np.log(a) + 0.4 * np.log(1 - a))
    np.testing.assert_allclose(result.curve, math.log(2) - cross, atol=1e-12)


def test_growth_curve_monte_carlo_points_land_on_the_curve():
    result = growth_curve_step(StepParams(p=0.6, paths=4000, rounds=100, seed=7))
    z = (result.mc_growth - result.mc_theory) / result.mc_se
    assert np.all(np.abs(z) < 4.5), z
    # and the curve really decides: the point nearest a = p is the best point
    assert result.mc_shares[np.argmax(result.mc_growth)] == pytest.approx(0.55, abs=0.11)


@pytest.mark.parametrize("share", [0.1, 0.5, 0.6, 0.8, 0.99])
def test_decomposition_adds_up(share):
    p = 0.6
    result = peak_decomposition_step(StepParams(p=p, share=share))
    kl = p * math.log(p / share) + (1 - p) * math.log((1 - p) / (1 - share))
    h = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    assert result.divergence == pytest.approx(kl, abs=1e-12)
    assert result.entropy == pytest.approx(h)
    assert result.cross_entropy == pytest.approx(h + kl)
    assert result.growth == pytest.approx(math.log(2) - h - kl)
    assert result.best_growth == pytest.approx(math.log(2) - h)
    assert result.growth <= result.best_growth + 1e-15
    assert (result.divergence == pytest.approx(0.0, abs=1e-15)) == (share == p)


def test_overbetting_double_kelly_grows_at_about_zero_and_all_in_busts():
    params = StepParams(p=0.6, paths=4000, rounds=200, seed=3,
                        strategies=("kelly:0.5", "kelly", "kelly:2", "allin"))
    result = overbetting_step(params)
    f_star, g_star = 0.2, coin_growth(0.2, 0.6)
    assert result.kelly_fraction == pytest.approx(f_star)
    assert result.g_star == pytest.approx(g_star)
    half, kelly, double, allin = range(4)
    # exact theory: the growth of staking 2 f*
    assert result.double_growth == pytest.approx(coin_growth(2 * f_star, 0.6))
    assert result.theory[double] == pytest.approx(coin_growth(0.4, 0.6))
    # the Monte Carlo agrees with it within its error
    for i in (half, kelly, double):
        assert abs(result.mc_growth[i] - result.theory[i]) < 4 * result.mc_se[i]
    # and double Kelly is "about zero" in Thorp's sense: c(2 - c) g* = 0 at c = 2
    assert fractional_kelly_growth(2.0, g_star) == 0.0
    assert abs(result.double_growth) < 0.15 * g_star
    assert result.thorp[half] == pytest.approx(0.75 * g_star)
    assert result.theory[half] == pytest.approx(0.75 * g_star, rel=0.05)
    # all-in: bust on the first tail; in 200 flips P(no tail) = 0.6^200
    assert result.theory[allin] == -math.inf
    assert result.bust_share[allin] == 1.0 and result.mc_growth[allin] == -math.inf
    assert result.bust_share[kelly] == 0.0
    # Kelly's typical (geometric mean) bankroll ends highest; it is W_0 e^(mean ln W_T)
    assert np.argmax(result.typical_paths[:, -1]) == kelly
    assert result.typical_paths[allin, -1] == 0.0


def test_many_worlds_mean_grows_while_the_median_shrinks():
    p, share, rounds, paths = 0.6, 0.75, 100, 2000
    result = many_worlds_step(StepParams(p=p, share=share, rounds=rounds, paths=paths, seed=9))
    f = 2 * share - 1
    assert result.fraction == pytest.approx(f)
    assert result.time_growth == pytest.approx(p * math.log(1 + f) + (1 - p) * math.log(1 - f))
    assert result.ensemble_growth == pytest.approx(math.log(1 + f * (2 * p - 1)))
    assert result.ensemble_growth > 0 > result.time_growth
    # a world is ahead iff h ln(1 + f) + (T - h) ln(1 - f) > 0: a binomial tail
    h_min = math.floor(rounds * -math.log(1 - f) / (math.log(1 + f) - math.log(1 - f))) + 1
    ahead = stats.binom.sf(h_min - 1, rounds, p)
    se = math.sqrt(ahead * (1 - ahead) / paths)
    assert abs(result.share_ahead - ahead) < 4 * se
    assert result.median_final < result.start < result.mean_final
    median_theory, mean_theory = result.theory_paths()
    assert median_theory[-1] == pytest.approx(result.theory_median_final)
    assert mean_theory[-1] == pytest.approx(100 * (1 + f * (2 * p - 1)) ** rounds)
    assert result.sample_paths.shape[1] == rounds + 1


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_expected_bayes_loss_of_a_certain_coin(p):
    exact = expected_bayes_loss(p, 5, (1.0, 1.0))
    for t in range(5):
        q = (1 + t) / (2 + t) if p == 1.0 else 1 / (2 + t)
        assert exact[t] == pytest.approx(-math.log(q if p == 1.0 else 1 - q))


def test_expected_bayes_loss_by_enumeration():
    p, prior = 0.7, (1.0, 1.0)
    exact = expected_bayes_loss(p, 8, prior)
    for t in range(8):
        total = 0.0
        for h in range(t + 1):
            q = (1 + h) / (2 + t)
            kl = p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
            total += math.comb(t, h) * p**h * (1 - p) ** (t - h) * kl
        assert exact[t] == pytest.approx(total, rel=1e-12)


def test_unknown_p_learner_loses_exactly_the_divergence():
    params = StepParams(p=0.6, rounds=200, paths=1500, seed=4, prior=(1.0, 1.0))
    result = unknown_p_step(params)
    assert result.first_loss == pytest.approx(0.6 * math.log(1.2) + 0.4 * math.log(0.8))
    assert result.belief_path[0] == 0.5
    assert abs(result.regret_mc - result.regret_exact) < 4 * result.regret_se
    assert result.loss_exact[-1] < result.loss_exact[0] / 5
    # the total loss grows like (1/2) ln T (Krichevsky & Trofimov; Rissanen)
    assert abs(result.regret_exact - result.half_log_rounds) < 1.0
    np.testing.assert_allclose(result.loss_mean.sum(), result.regret_exact, rtol=0.05)


def test_unknown_p_matches_the_engine_s_bayes_bettor():
    """The belief path replays what the engine's BayesKelly bet: ln W_kelly - ln W_bayes on the
    first world equals the sum of ln(p_x / q_x) over its flips."""
    params = StepParams(p=0.65, rounds=60, paths=3, seed=2)
    result = unknown_p_step(params)
    game = CoinGame(p=0.65, rounds=60)
    run = simulate(game, ["bayes", Kelly()], 3, 2, record_paths=True)
    realised = run.trajectories[1, 0, -1] - run.trajectories[0, 0, -1]
    q = result.belief_path[:-1]
    heads = np.diff(result.belief_path * (2 + np.arange(61))) > 0.5
    by_hand = np.sum(np.where(heads, np.log(0.65 / q), np.log(0.35 / (1 - q))))
    assert realised == pytest.approx(by_hand, rel=1e-9)


def test_same_seed_same_numbers():
    lesson = default_lesson("en")
    for step in lesson.steps:
        first, second = compute_step(step).facts(), compute_step(step).facts()
        assert first == second


@pytest.mark.parametrize("p", [0.0, 1.0, 0.5])
def test_every_step_survives_extreme_coins(p):
    lesson = default_lesson("en").with_params(p=p, paths=50)
    for step in lesson.steps:
        step.render_body(compute_step(step).facts())


# ------------------------------------------------------------------------------------------
# Validation


MINIMAL = """
title = "T"
language = "en"
[[steps]]
id = "entropy"
heading = "H"
body = "H = {H_bits:.3f}"
"""


def lesson_text(extra_top: str = "", step: str = "", params: str = "") -> str:
    return textwrap.dedent(f"""
        title = "T"
        language = "en"
        {extra_top}
        [[steps]]
        id = "growth_curve"
        heading = "H"
        body = "peak at {{peak_share:.2f}}"
        {step}
        [steps.params]
        {params}
    """)


def test_minimal_lesson_uses_the_defaults():
    lesson = loads_lesson(MINIMAL)
    assert lesson.steps[0].params == StepParams(rounds=40)
    assert lesson.label("heads") == "heads"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (lesson_text(params="p = 1.2"), r"p = 1\.2"),
        (lesson_text(params="p = -0.1"), r"p = -0\.1"),
        (lesson_text(params="p = nan"), r"p = nan"),
        (lesson_text(params="p = inf"), r"p = inf"),
        (lesson_text(params='p = "0.6"'), r"p = '0\.6' is not a number"),
        (lesson_text(params="p = true"), r"p = True is not a number"),
        (lesson_text(params="paths = 1.5"), r"paths = 1\.5 is not a whole number"),
        (lesson_text(params="paths = 0"), r"paths = 0 must be between"),
        (lesson_text(params="paths = 10_000_000"), r"paths = 10000000"),
        (lesson_text(params="rounds = -3"), r"rounds = -3"),
        (lesson_text(params="seed = -1"), r"seed = -1"),
        (lesson_text(params="odds = 0"), r"odds = 0 must be greater than 0"),
        (lesson_text(params="shares = [0.5, 1.5]"), r"shares\[1\] = 1\.5"),
        (lesson_text(params="shares = 0.5"), r"shares = 0\.5 must be a list"),
        (lesson_text(params="fractions = [0.1]"), r"unknown key 'fractions'"),
        (lesson_text(params="prior = [1, 1]"), r"unknown key 'prior'"),  # not for this step
        (lesson_text(step='colour = "red"'), r"unknown key 'colour'"),
        (lesson_text(extra_top='author = "me"'), r"unknown key 'author'"),
        (lesson_text(extra_top="[defaults]\nflavour = 1"), r"unknown key 'flavour'"),
        (lesson_text(extra_top="[defaults]\np = 2"), r"\[defaults\]: p = 2"),
        (lesson_text(extra_top='[labels]\nhead = "x"'), r"unknown key 'head'"),
        (lesson_text(extra_top='[labels]\nstep_counter = "Step"'), r"step_counter = 'Step'"),
        (lesson_text(extra_top='[labels]\nround_counter = "{number}"'), r"round_counter"),
        (lesson_text(extra_top='[labels]\nstep_counter = "{number} {x}"'), r"step_counter"),
        (MINIMAL.replace('"entropy"', '"entropie"'), r"id = 'entropie' is not one of"),
        (MINIMAL.replace('language = "en"', 'language = "english!"'), r"language = 'english!'"),
        (MINIMAL.replace('title = "T"', "title = 3"), r"title = 3"),
        (MINIMAL.replace('heading = "H"', 'heading = ""'), r"heading = ''"),
        (MINIMAL.replace("{H_bits:.3f}", "{H_bit}"), r"placeholder \{H_bit\}"),
        (MINIMAL.replace("{H_bits:.3f}", "{p.__class__}"), r"placeholder \{p\.__class__\}"),
        (MINIMAL.replace("{H_bits:.3f}", "{p[0]}"), r"placeholder \{p\[0\]\}"),
        (MINIMAL.replace("{H_bits:.3f}", "{p!r}"), r"placeholder \{p\}"),
        (MINIMAL.replace("{H_bits:.3f}", "{p:.3q}"), r"bad format"),
        (MINIMAL.replace("{H_bits:.3f}", "{ stray"), r"stray brace"),
        ('title = "T"\nlanguage = "en"\nsteps = []', r"steps = \[\] must be a non-empty list"),
        ("title = = 3", r"not valid TOML"),
    ],
)
def test_bad_lessons_raise_value_error_naming_the_problem(text, message):
    with pytest.raises(ValueError, match=message):
        loads_lesson(text)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('["kelly:abc"]', r"strategies\[0\] = 'kelly:abc'"),
        ('["bayes"]', r"'bayes' does not stake a constant fraction"),
        ('["share:0.5,0.5"]', r"'share:0\.5,0\.5'"),
        ("[1]", r"strategies\[0\] = 1 is not a strategy"),
        ("[]", r"strategies = \[\] must list 1 to 8"),
    ],
)
def test_bad_strategies_are_named(spec, message):
    text = MINIMAL.replace('"entropy"', '"overbetting"').replace("{H_bits:.3f}", "x")
    text += f"[steps.params]\nstrategies = {spec}\n"
    with pytest.raises(ValueError, match=message):
        loads_lesson(text)


def test_too_many_recorded_paths_are_refused():
    text = MINIMAL.replace('"entropy"', '"many_worlds"').replace("{H_bits:.3f}", "x")
    with pytest.raises(ValueError, match="paths x rounds = 20000 x 5000"):
        loads_lesson(text + "[steps.params]\npaths = 20000\nrounds = 5000\n")


def test_lesson_files_on_disk(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(MINIMAL, encoding="utf-8")
    assert load_lesson(good).source == str(good)
    with pytest.raises(ValueError, match=r"missing\.toml"):
        load_lesson(tmp_path / "missing.toml")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(MINIMAL.replace("H", "Hé").encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        load_lesson(latin1)
    huge = tmp_path / "huge.toml"
    huge.write_text(MINIMAL + "#" * 1_100_000, encoding="utf-8")
    with pytest.raises(ValueError, match="bytes; the limit"):
        load_lesson(huge)
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.replace("entropy", "nope"), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(bad))):
        load_lesson(bad)


def test_literal_braces_survive():
    lesson = loads_lesson(MINIMAL.replace("H = {H_bits:.3f}", "set {{heads, tails}}: {H_bits:.1f}"))
    step = lesson.steps[0]
    assert step.render_body(compute_step(step).facts()) == "set {heads, tails}: 1.0"


def test_parameters_take_numbers_as_sim_games_defines_them():
    """schema uses sim.games.is_number / is_whole_number: numpy scalars are numbers, a bool
    is neither a number nor a whole number."""
    step = default_lesson("en").steps[3]  # growth_curve: p, odds, paths, ...
    edited = step.with_params(p=np.float64(0.55), paths=np.int64(300))
    assert edited.params.p == 0.55 and edited.params.paths == 300
    assert type(edited.params.paths) is int
    with pytest.raises(ValueError, match=r"p = True is not a number"):
        step.with_params(p=True)
    with pytest.raises(ValueError, match=r"paths = False is not a whole number"):
        step.with_params(paths=False)
    with pytest.raises(ValueError, match=r"paths = 3\.0 is not a whole number"):
        step.with_params(paths=3.0)


@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_a_refused_edit_names_the_step_by_number_and_heading_not_by_id(language):
    lesson = default_lesson(language)
    with pytest.raises(ValueError) as refused:
        lesson.with_params(paths=200_000)
    message = str(refused.value)
    first = next(i for i, step in enumerate(lesson.steps) if "paths" in step.keys)
    assert message.startswith(f"{lesson.steps[first].heading}: paths = 200000 ")
    assert message.startswith(f"{first + 1}. ")
    step_id = lesson.steps[first].id
    assert f"'{step_id}'" not in message and f"({step_id})" not in message


def test_a_heading_without_its_number_gets_one_in_messages():
    lesson = loads_lesson(MINIMAL.replace('heading = "H"', 'heading = "A coin\\nand its flips"'))
    assert lesson.step_title(0) == "1. A coin and its flips"
    with pytest.raises(ValueError, match=r"^1\. A coin and its flips: rounds = 0 must be"):
        lesson.with_params(rounds=0)
    assert default_lesson("en").step_title(9) == "10. Learning is betting"


@pytest.mark.parametrize(("language", "even_money", "two_to_one"), [
    ("en", "even money", "odds of 2 to 1"),
    ("zh-TW", "一賠一", "1 賠 2"),
])
def test_the_text_follows_the_steps_odds(language, even_money, two_to_one):
    """At odds 2 no step that takes the odds says "at even money" (issue 15); the steps that
    explain the book quote the odds they draw."""
    lesson = default_lesson(language).with_params(odds=2.0)
    for step in lesson.steps:
        if "odds" not in step.keys:
            continue
        text = step.render_body(compute_step(step).facts())
        assert even_money not in text.lower(), step.id
        if step.id in ("two_outcomes", "growth_curve"):
            assert two_to_one in text, step.id
    growth = next(s for s in lesson.steps if s.id == "growth_curve")
    result = compute_step(growth)
    assert result.odds == 2.0
    assert f"{result.log_odds:.4f} − H(p, a)" in growth.render_body(result.facts())
