"""The one money formatter (sim.money): cents, compact units, powers of ten, never "e+"."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.money import format_money


@pytest.mark.parametrize(("value", "text"), [
    (0.0, "$0.00"),
    (5.184, "$5.18"),
    (999.99, "$999.99"),
    (51_834.0, "$51.8K"),
    (51_800_000.0, "$51.8M"),
    (1.414e9, "$1.41B"),
    (1.414e12, "$1.41T"),
    (1.414e15, "$1.41×10¹⁵"),
    (1e300, "$1×10³⁰⁰"),
    (-2.5, "-$2.50"),
    (float("inf"), "$∞"),
    (float("nan"), "—"),
])
def test_english_steps(value, text):
    assert format_money(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (5.18, "$5.18"),
    (51_834.0, "$5.18萬"),
    (1.414e9, "$14.1億"),
    (1.414e12, "$1.41兆"),
])
def test_traditional_chinese_units(value, text):
    assert format_money(value, locale="zh-TW") == text


@pytest.mark.parametrize(("value", "text"), [
    (0.004, "< $0.01"),
    (0.005, "< $0.01"),  # Babel rounds the half cent to even: it would print "$0.00"
    (1e-300, "< $0.01"),
    (5e-324, "< $0.01"),
    (0.0051, "$0.01"),
    (0.01, "$0.01"),
    (-0.004, "> -$0.01"),
    (-0.01, "-$0.01"),
    (0.0, "$0.00"),
    (-0.0, "$0.00"),
])
def test_an_amount_below_half_a_cent_is_not_shown_as_nothing(value, text):
    assert format_money(value) == text
    assert format_money(value, locale="zh-TW") == text
    if value:
        assert format_money(value, cents=False) == text


@given(st.floats(min_value=-0.0051, max_value=0.0051, allow_subnormal=True))
def test_nothing_but_zero_reads_as_zero_cents(value):
    text = format_money(value)
    assert ("0.00" in text) == (value == 0)


def test_axis_labels_drop_whole_cents():
    assert format_money(20.0, cents=False) == "$20"
    assert format_money(2.5, cents=False) == "$2.50"


def test_rounding_up_to_a_thousand_changes_unit():
    assert format_money(999.996) == "$1K"


def test_unknown_locale_is_named():
    with pytest.raises(ValueError, match="xx-YY"):
        format_money(1.0, locale="xx-YY")


@given(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["en", "zh-TW"]))
def test_never_scientific_and_always_short(value, locale):
    text = format_money(value, locale=locale)
    assert "e+" not in text and "e-" not in text and "E" not in text
    assert len(text) <= (12 if value < 0 else 11)
    if math.isfinite(value) and abs(value) >= 1000:
        assert text.lstrip("-")[1].isdigit()  # "$", then the digits: no padding, no "US$"
