"""Languages: message catalogues (gettext), plural forms and numbers per locale (Babel).

One process speaks one language at a time, the *current language*: :func:`gettext` (also
``_``) and :func:`ngettext` translate into it at the moment they are called, so text drawn or
printed after :func:`set_language` follows the new language with no restart. Strings defined
at import time (menu entries, bot names) are marked with :func:`N_` and translated where they
are shown.

Catalogues are the ``.po`` files in ``sim/locale/LANG/LC_MESSAGES/kelly.po`` (the template,
``sim/locale/kelly.pot``, is extracted by Babel: see docs/i18n.md). They are read at run time
by Babel (``read_po``), turned into an in-memory ``.mo`` (``write_mo``) and handed to the
standard library's :class:`gettext.GNUTranslations`, once per language per process (a few
milliseconds). Why not compiled ``.mo`` files: loading the ``.po`` needs no build step and
writes nothing, so it works the same in a source checkout, an editable install, a wheel and a
read-only install (no cache folder to find or to keep in step with the ``.po``); the ``.po``
is the only copy, so a translation edited there is what runs. Plural forms come from each
catalogue's ``Plural-Forms`` header, evaluated by :mod:`gettext`.

Shipped languages are the folders under ``sim/locale`` (``en``, ``zh_TW`` -> tags ``en``,
``zh-TW``). The default is the system locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
``LANG``, then :func:`locale.getlocale`) when it is one we ship, else English. Numbers and
percentages follow the current language through Babel (CLDR data); money is
:func:`sim.money.format_money`.

Examples
--------
>>> set_language("zh-TW")
'zh-TW'
>>> gettext("wrote {path}").format(path="a.csv")
'已寫入 a.csv'
>>> ngettext("{count} strategy", "{count} strategies", 3).format(count=3)
'3 個策略'
>>> set_language("en")
'en'
>>> ngettext("{count} strategy", "{count} strategies", 1).format(count=1)
'1 strategy'
"""

from __future__ import annotations

import gettext as _gettext
import io
import locale as _locale
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel import Locale
from babel import numbers as _numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = [
    "DOMAIN",
    "LOCALE_DIR",
    "N_",
    "available_languages",
    "babel_locale",
    "current_language",
    "format_number",
    "format_percent",
    "gettext",
    "is_cjk",
    "language_name",
    "language_tag",
    "ngettext",
    "set_language",
    "system_language",
]

DOMAIN = "kelly"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
FALLBACK = "en"
#: locale variables read for the default language, in gettext's order
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
#: system locales written in Traditional Chinese that read our zh-TW catalogue
TRADITIONAL_CHINESE = ("zh-tw", "zh-hant", "zh-hk", "zh-mo")
QUOTE_LIMIT = 80

_current: list[str] = []  # the current language, set on first use


def _folder_tag(name: str) -> str:
    return name.replace("_", "-")


@cache
def available_languages() -> tuple[str, ...]:
    """The shipped language tags (one per catalogue under ``sim/locale``), English first.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> available_languages()
    ('en', 'zh-TW')
    """
    found = sorted(_folder_tag(path.parent.parent.name)
                   for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found, key=lambda tag: tag != FALLBACK))


def language_tag(tag: str) -> str:
    """The shipped tag for ``tag`` (case and ``_``/``-`` do not matter: ``zh_tw`` -> ``zh-TW``).

    Parameters
    ----------
    tag : str
        A language tag as typed.

    Returns
    -------
    str
        One of :func:`available_languages`.

    Raises
    ------
    ValueError
        Naming the tag and the shipped tags, when it is not one of them.

    Examples
    --------
    >>> language_tag("zh_tw")
    'zh-TW'
    >>> language_tag("fr")
    Traceback (most recent call last):
    ...
    ValueError: language 'fr' is not shipped; choose one of: en, zh-TW
    """
    wanted = str(tag).strip().replace("_", "-").lower()
    for shipped in available_languages():
        if shipped.lower() == wanted:
            return shipped
    shown = repr(str(tag))
    if len(shown) > QUOTE_LIMIT:
        shown = shown[: QUOTE_LIMIT - 3] + "..."
    raise ValueError(f"language {shown} is not shipped; "
                     f"choose one of: {', '.join(available_languages())}")


def _shipped_match(name: str) -> str | None:
    """The shipped tag a system locale name (``zh_TW.UTF-8``, ``en_US``) reads, or None."""
    base = name.split(".")[0].split("@")[0].replace("_", "-").lower()
    if not base or base in ("c", "posix"):
        return None
    if base.startswith(TRADITIONAL_CHINESE):
        base = "zh-tw"
    for shipped in available_languages():
        if base == shipped.lower() or base.split("-")[0] == shipped.lower():
            return shipped
    return None


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the system locale when we ship it, else English.

    Parameters
    ----------
    environ : mapping, optional
        The environment to read (default: :data:`os.environ`); without locale variables
        :func:`locale.getlocale` is asked (Windows, macOS apps).

    Returns
    -------
    str

    Examples
    --------
    >>> system_language({"LANG": "zh_TW.UTF-8"})
    'zh-TW'
    >>> system_language({"LANGUAGE": "fr:de", "LANG": "en_GB.UTF-8"})
    'en'
    >>> system_language({"LANG": "zh_CN.UTF-8"})
    'en'
    """
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if not value:
            continue
        for name in value.split(":"):
            match = _shipped_match(name)
            if match:
                return match
        if variable != "LANGUAGE":  # the first locale variable set decides (as in gettext)
            return FALLBACK
    if environ is os.environ:
        try:
            name = _locale.getlocale()[0] or ""
        except ValueError:
            name = ""
        return _shipped_match(name) or FALLBACK
    return FALLBACK


@cache
def _translations(tag: str) -> _gettext.NullTranslations:
    """The catalogue of a shipped tag as GNUTranslations (read once per process)."""
    path = LOCALE_DIR / tag.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=tag.replace("-", "_"), domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # untranslated and fuzzy entries are left out: msgid is used
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def set_language(tag: str) -> str:
    """Make ``tag`` the current language; returns the shipped tag.

    Raises
    ------
    ValueError
        If ``tag`` is not shipped (see :func:`language_tag`).

    Examples
    --------
    >>> set_language("EN")
    'en'
    """
    shipped = language_tag(tag)
    _translations(shipped)  # a broken catalogue fails here, not in the middle of a screen
    _current[:] = [shipped]
    return shipped


def current_language() -> str:
    """The current language tag (the system's on first use, see :func:`system_language`).

    Examples
    --------
    >>> set_language("en"); current_language()
    'en'
    'en'
    """
    if not _current:
        _current.append(system_language())
    return _current[0]


def gettext(message: str) -> str:
    """``message`` in the current language (itself when the catalogue has no translation).

    Examples
    --------
    >>> set_language("en"); gettext("interrupted")
    'en'
    'interrupted'
    """
    return _translations(current_language()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` in the current language (its plural rules).

    English has two forms (1, other), Chinese one; the catalogue's ``Plural-Forms`` header
    says which form a count takes.

    Examples
    --------
    >>> set_language("en"); ngettext("{count} file", "{count} files", 2)
    'en'
    '{count} files'
    """
    return _translations(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (translate it where shown)."""
    return message


def babel_locale(tag: str | None = None) -> Locale:
    """The Babel locale of ``tag`` (default: the current language).

    Examples
    --------
    >>> str(babel_locale("zh-TW"))
    'zh_Hant_TW'
    """
    return Locale.parse((tag or current_language()).replace("-", "_"))


def format_number(value: float, digits: int | None = None, tag: str | None = None) -> str:
    """``value`` with the locale's grouping and decimal signs; ``digits`` fixes the decimals.

    Examples
    --------
    >>> format_number(1234567), format_number(0.5, 3, "zh-TW")
    ('1,234,567', '0.500')
    """
    where = babel_locale(tag)
    if digits is None:
        return _numbers.format_decimal(value, locale=where)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _numbers.format_decimal(value, format=pattern, locale=where, decimal_quantization=True)


def format_percent(value: float, digits: int = 0, tag: str | None = None) -> str:
    """``value`` (a share, 0.25) as a percentage with ``digits`` decimals in the locale.

    Examples
    --------
    >>> format_percent(0.256, 1, "en"), format_percent(0.25, tag="zh-TW")
    ('25.6%', '25%')
    """
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return _numbers.format_percent(value, format=pattern, locale=babel_locale(tag),
                                   decimal_quantization=True)


def is_cjk(tag: str | None = None) -> bool:
    """Whether a language is written in Chinese, Japanese or Korean (it needs a CJK font and
    CJK line breaking).

    Examples
    --------
    >>> is_cjk("zh-TW"), is_cjk("en")
    (True, False)
    """
    return (tag or current_language()).split("-")[0].lower() in ("zh", "ja", "ko")


def language_name(tag: str) -> str:
    """The name of a language in itself (CLDR, through Babel), for a language menu.

    Examples
    --------
    >>> language_name("en"), language_name("zh-TW")
    ('English', '中文 (繁體, 台灣)')
    """
    where = babel_locale(language_tag(tag))
    return where.get_display_name(where) or tag
