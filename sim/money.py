"""One way to write an amount of money, for every screen, figure and table the program shows.

Amounts below $1,000 are shown to the cent (an amount that is not nothing but rounds to no
cent is "< $0.01", or "> -$0.01" below zero, never "$0.00"); larger ones in the locale's
compact form with three significant digits ($51.8K, $51.8M, $1.41B, $1.41T in English;
$5.18萬, $14.1億 in Traditional Chinese), and from 10^15 on as a power of ten ($1.41×10¹⁵),
so no screen ever shows "e+".
Babel supplies the locale's digits, separators and compact units (CLDR data).

Examples
--------
>>> format_money(1234.5)
'$1.23K'
>>> format_money(999.994)
'$999.99'
>>> format_money(51_800_000)
'$51.8M'
>>> format_money(1.41e15)
'$1.41×10¹⁵'
>>> format_money(51_834, locale="zh-TW")
'$5.18萬'
>>> format_money(20, cents=False)
'$20'
>>> format_money(0.004), format_money(-0.004)
('< $0.01', '> -$0.01')
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_compact_currency, format_currency

from sim.i18n import current_language

__all__ = ["SIGNIFICANT_DIGITS", "format_money", "money_locale"]

SIGNIFICANT_DIGITS = 3
CENTS_BELOW = 1000.0
POWER_FROM_EXPONENT = 15  # from $10^15 on, a power of ten
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_CENT = Decimal("0.01")


@lru_cache(maxsize=16)
def money_locale(tag: str) -> Locale:
    """The Babel locale for a language tag such as ``"en"`` or ``"zh-TW"``.

    Raises
    ------
    ValueError
        If Babel does not know the tag.
    """
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as error:
        raise ValueError(f"unknown locale {tag[:40]!r}") from error


def _plain_dollar(text: str) -> str:
    # The game's money is a dollar everywhere; CLDR writes "US$" outside the United States.
    return text.replace("US$", "$")


def _rounds_to_no_cent(size: float) -> bool:
    # Babel rounds the decimal text of the float half to even: 0.005 is "$0.00" too
    return Decimal(str(size)).quantize(_CENT) == 0


def format_money(value: float, *, locale: str | None = None, cents: bool = True) -> str:
    """``value`` dollars as short, readable text.

    Parameters
    ----------
    value : float
        The amount; NaN is shown as "—" and infinities as "$∞"; an amount that rounds to no
        cent but is not zero as "< $0.01" (or "> -$0.01" for a loss that small).
    locale : str, optional
        A language tag ("en", "zh-TW"): digits, separators and compact units follow it;
        default: the current language (:func:`sim.i18n.current_language`).
    cents : bool, default True
        Show cents below $1,000 ("$20.00"); False drops them when the amount is whole ("$20"),
        as axis labels do.

    Returns
    -------
    str
        The amount with a dollar sign, at most about eight characters above $1,000.

    Raises
    ------
    ValueError
        If ``locale`` is unknown.

    Examples
    --------
    >>> format_money(-2.5)
    '-$2.50'
    >>> format_money(float("inf"))
    '$∞'
    >>> format_money(0.003, locale="zh-TW")
    '< $0.01'
    """
    where = money_locale(locale or current_language())
    if math.isnan(value):
        return "—"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if math.isinf(size):
        return f"{sign}$∞"
    if 0 < size < 0.01 and _rounds_to_no_cent(size):  # not yet nothing: "< $0.01", not "$0.00"
        least = _plain_dollar(format_currency(0.01, "USD", locale=where, currency_digits=False))
        return f"> -{least}" if sign else f"< {least}"
    if round(size, 2) < CENTS_BELOW:
        whole = not cents and size == round(size)
        pattern = "¤#,##0" if whole else "¤#,##0.00"
        text = format_currency(size, "USD", format=pattern, locale=where, currency_digits=False)
        return sign + _plain_dollar(text)
    exponent = math.floor(math.log10(size))
    mantissa = round(size / 10.0**exponent, SIGNIFICANT_DIGITS - 1)
    if mantissa >= 10:  # 9.995 rounds up a decade
        mantissa, exponent = mantissa / 10, exponent + 1
    if exponent >= POWER_FROM_EXPONENT:
        power = str(exponent).translate(_SUPERSCRIPT)
        return f"{sign}${mantissa:.{SIGNIFICANT_DIGITS}g}×10{power}"
    rounded = round(mantissa * 10.0**exponent, SIGNIFICANT_DIGITS - 1 - exponent)
    text = format_compact_currency(rounded, "USD", locale=where, fraction_digits=SIGNIFICANT_DIGITS)
    return sign + _plain_dollar(text)
