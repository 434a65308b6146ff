"""Closed forms: identities of entropy, cross-entropy, divergence, growth (Cover & Thomas 2, 6)."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim import theory

LN2 = math.log(2)


def distributions(k_min=2, k_max=6, positive=False):
    """Hypothesis strategy: probability vectors (optionally with every entry > 0)."""
    # Entries are 0 or at least 1e-6: subnormal shares make ln(b o) lose every digit.
    elements = st.floats(0.01, 1.0) if positive else st.one_of(st.just(0.0), st.floats(1e-6, 1.0))

    @st.composite
    def build(draw):
        k = draw(st.integers(k_min, k_max))
        raw = draw(arrays(float, k, elements=elements))
        assume(raw.sum() > 0)
        return raw / raw.sum()

    return build()


@given(st.integers(2, 6).flatmap(lambda k: st.tuples(distributions(k, k), distributions(k, k))))
def test_divergence_is_non_negative_and_cross_entropy_splits(pair):
    p, q = pair
    d = theory.kl_divergence(p, q)
    assert d >= 0
    h, hx = theory.entropy(p), theory.cross_entropy(p, q)
    if math.isfinite(hx):
        assert hx == pytest.approx(h + d, abs=1e-9)
    else:  # q misses an outcome p can produce
        assert d == math.inf


@given(distributions(positive=True))
def test_divergence_is_zero_only_at_equality(p):
    assert theory.kl_divergence(p, p) == pytest.approx(0.0, abs=1e-12)
    q = np.roll(p, 1)
    if not np.allclose(p, q):
        assert theory.kl_divergence(p, q) > 0


def test_conventions_and_units():
    assert theory.entropy([1.0, 0.0]) == 0.0  # 0 ln 0 = 0
    assert theory.entropy([0.5, 0.5], base=2) == pytest.approx(1.0)
    assert theory.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert theory.kl_divergence([1.0, 0.0], [0.5, 0.5], base=2) == pytest.approx(1.0)
    assert theory.entropy(np.array([[0.5, 0.5], [1, 0]])).tolist() == pytest.approx([LN2, 0.0])


@settings(max_examples=200)
@given(distributions(positive=True), st.data())
def test_portfolio_growth_is_maximised_at_b_equal_p(p, data):
    k = len(p)
    fair_or_better = data.draw(st.booleans())
    o = np.array(data.draw(st.lists(st.floats(1.05, 20.0), min_size=k, max_size=k)))
    if fair_or_better:  # rescale to sum 1/o <= 1 so that b = p is optimal (C&T thm 6.1.2)
        o = o * max(1.0, np.sum(1.0 / o)) / data.draw(st.floats(0.5, 1.0))
    b = data.draw(distributions(k, k))
    best_b, _ = theory.kelly_shares(p, o)
    best = theory.portfolio_growth(best_b, p, o)
    assert best >= theory.portfolio_growth(b, p, o) - 1e-12
    if fair_or_better:
        assert best_b == pytest.approx(p)


def test_kelly_shares_keeps_cash_at_subfair_odds():
    # Kelly's track-take case: no outcome is worth betting when every p_i o_i <= 1.
    shares, cash = theory.kelly_shares([0.5, 0.3, 0.2], [1.8, 3.0, 4.0])
    assert cash == 1.0 and not shares.any()
    p, o = np.array([0.6, 0.3, 0.1]), np.array([2.0, 2.5, 5.0])
    shares, cash = theory.kelly_shares(p, o)
    assert 0 < cash < 1
    # no small move of the shares improves the growth
    growth = theory.portfolio_growth(shares, p, o)
    rng = np.random.default_rng(0)
    for _ in range(200):
        trial = np.clip(shares + rng.normal(0, 0.01, 3), 0, None)
        if trial.sum() <= 1:
            assert theory.portfolio_growth(trial, p, o) <= growth + 1e-12


@given(st.one_of(st.floats(0.0, 0.999999), st.just(1.0)), st.floats(0.0, 1.0))
def test_even_money_growth_is_ln2_minus_cross_entropy(f, p):
    a = (1 + f) / 2
    expected = LN2 - theory.cross_entropy([p, 1 - p], [a, 1 - a])
    assert theory.coin_growth(f, p) == pytest.approx(expected, rel=1e-9, abs=1e-12) or (
        expected == -math.inf and theory.coin_growth(f, p) == -math.inf
    )


@given(st.floats(0.01, 0.99), st.floats(0.2, 10.0))
def test_coin_growth_peaks_at_kelly_fraction(p, b):
    f_star = theory.kelly_fraction(p, b)
    grid = np.linspace(0, 0.999, 2001)
    g = theory.coin_growth(grid, p, b)
    assert theory.coin_growth(f_star, p, b) >= g.max() - 1e-12
    assert abs(grid[np.argmax(g)] - f_star) <= 0.001


@given(st.floats(0.501, 0.53))
def test_small_edges_break_even_near_double_kelly(p):
    f_star = theory.kelly_fraction(p)
    g_star = theory.coin_growth(f_star, p)
    assert abs(theory.coin_growth(2 * f_star, p)) < 0.1 * g_star
    assert theory.fractional_kelly_growth(0.5, g_star) == pytest.approx(0.75 * g_star)


def test_reference_value_and_net_odds_kelly():
    assert theory.coin_growth(0.2, 0.6) == pytest.approx(0.0201355, abs=1e-7)
    assert theory.entropy(theory.bernoulli(0.6)) == pytest.approx(LN2 - 0.0201355, abs=1e-7)
    assert theory.kelly_fraction(0.55, 2.0) == pytest.approx(0.325)
    assert theory.kelly_fraction(0.3) == 0.0
    assert theory.coin_growth(1.0, 0.6) == -math.inf
    assert theory.coin_growth(1.0, 1.0) == pytest.approx(LN2)


@given(distributions(k_min=3, k_max=5, positive=True), st.data())
def test_decomposition_identities_hold_with_cash(p, data):
    k = len(p)
    o = np.array(data.draw(st.lists(st.floats(1.1, 12.0), min_size=k, max_size=k)))
    b = data.draw(distributions(k, k)) * data.draw(st.floats(0.0, 1.0))
    parts = theory.growth_decomposition(b, p, o)
    assert parts.growth == pytest.approx(theory.portfolio_growth(b, p, o), abs=1e-9)
    assert parts.growth == pytest.approx(
        parts.log_odds + parts.cash_term - parts.cross_entropy, abs=1e-9
    )
    assert parts.cross_entropy == pytest.approx(parts.entropy + parts.divergence, abs=1e-9)
    assert parts.divergence >= 0
    assert parts.effective_shares.sum() == pytest.approx(1.0)
    if np.sum(1 / o) > 1:  # subfair odds: cash beats spreading it at 1/o
        assert parts.cash_term >= -1e-12


def test_decomposition_without_cash_is_the_textbook_one():
    p, o, b = [0.5, 0.3, 0.2], [2.0, 4.0, 6.0], [0.4, 0.4, 0.2]
    parts = theory.growth_decomposition(b, p, o)
    assert parts.divergence == pytest.approx(theory.kl_divergence(p, b))
    assert parts.cross_entropy == pytest.approx(theory.cross_entropy(p, b))
    assert parts.entropy == pytest.approx(theory.entropy(p))
    assert parts.cash_term == 0.0


def test_fractional_kelly_drawdown_approximation():
    assert theory.drawdown_probability(0.5, 1.0) == pytest.approx(0.5)
    assert theory.drawdown_probability(0.5, 0.5) == pytest.approx(1 / 8)
    # Peters (2019): +50% / -40% on a fair coin is staking f = 0.4 at net odds 1.25,
    # i.e. shares (0.4, 0) on decimal odds (2.25, 1.8). The mean grows 5% a round ...
    shares, p, o = [0.4, 0.0], [0.5, 0.5], [2.25, 1.8]
    assert theory.ensemble_growth(shares, p, o) == pytest.approx(math.log(1.05))
    # ... while the time average decays at (1/2) ln(1.5 x 0.6).
    assert theory.portfolio_growth(shares, p, o) == pytest.approx(0.5 * math.log(0.9))


@pytest.mark.parametrize(
    "call",
    [
        lambda: theory.entropy([0.5, 0.6]),
        lambda: theory.entropy([1.5, -0.5]),
        lambda: theory.entropy([np.nan, 1.0]),
        lambda: theory.coin_growth(1.2, 0.6),
        lambda: theory.coin_growth(0.2, 1.5),
        lambda: theory.coin_growth(0.2, 0.6, odds=0),
        lambda: theory.kelly_fraction(np.nan),
        lambda: theory.portfolio_growth([0.7, 0.7], [0.5, 0.5], [2, 2]),
        lambda: theory.entropy([0.5, 0.5], base=1),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
