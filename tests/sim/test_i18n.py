"""Languages (sim.i18n): complete catalogues, plural forms, locale numbers, the --lang option."""

from __future__ import annotations

import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sim import i18n
from sim.cli import main
from sim.money import format_money

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "sim" / "locale"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")


def catalogue(language: str):
    folder = language.replace("-", "_")
    with open(LOCALE / folder / "LC_MESSAGES" / "kelly.po", "rb") as handle:
        return read_po(handle)


def code_messages() -> set[str]:
    """Every message the code passes to _(), gettext, ngettext or N_ (as babel.cfg extracts)."""
    methods = [("sim/**.py", "python"), ("game/**.py", "python"), ("kelly_gym/**.py", "python")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=methods, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_in_the_code_has_a_chinese_translation():
    chinese = catalogue("zh-TW")
    translated = {}
    for message in chinese:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            translated[key] = message
    wanted = code_messages()
    assert len(wanted) > 100  # the CLI, the app, three screens and the sessions
    missing = sorted(wanted - set(translated))
    assert not missing, f"not in zh_TW/kelly.po (run tools/catalog.py extract): {missing[:5]}"
    for key in wanted:
        message = translated[key]
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(texts), f"{key!r} has an empty translation"
        assert not message.fuzzy, f"{key!r} is fuzzy"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in texts:  # the same placeholders, or .format() fails in Chinese only
            assert fields(text) == fields(ids[-1]), (key, text)


def test_the_template_holds_the_codes_messages_and_no_stale_ones():
    with open(LOCALE / "kelly.pot", "rb") as handle:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(handle) if m.id}
    assert template == code_messages()


def test_no_catalogue_entry_is_fuzzy_or_empty_in_chinese():
    for message in catalogue("zh-TW"):
        if message.id:
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(texts) and not message.fuzzy, message.id


def test_shipped_languages_and_tags():
    assert i18n.available_languages() == ("en", "zh-TW")
    assert i18n.language_tag("ZH_tw") == "zh-TW" and i18n.language_tag(" en ") == "en"
    with pytest.raises(ValueError, match=r"'klingon' is not shipped; choose one of: en, zh-TW"):
        i18n.set_language("klingon")
    with pytest.raises(ValueError) as error:
        i18n.language_tag("x" * 500)
    assert len(str(error.value)) < 160  # quotes at most ~80 characters


def test_translation_follows_the_current_language():
    i18n.set_language("zh-TW")
    assert i18n.current_language() == "zh-TW"
    assert i18n.gettext("Settings") == "設定"
    assert i18n.gettext("a message nobody wrote") == "a message nobody wrote"
    i18n.set_language("en")
    assert i18n.gettext("Settings") == "Settings"
    assert i18n.N_("Settings") == "Settings"


@pytest.mark.parametrize(("language", "count", "text"), [
    ("en", 1, "1 strategy"), ("en", 0, "0 strategies"), ("en", 2, "2 strategies"),
    ("zh-TW", 1, "1 個策略"), ("zh-TW", 5, "5 個策略"),
])
def test_plural_forms_per_locale(language, count, text):
    i18n.set_language(language)
    form = i18n.ngettext("{count} strategy", "{count} strategies", count)
    assert form.format(count=count) == text


def test_plural_rules_come_from_the_catalogue_headers():
    assert catalogue("en").num_plurals == 2
    assert catalogue("zh-TW").num_plurals == 1


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "zh_TW.UTF-8"}, "zh-TW"),
    ({"LC_ALL": "zh_HK.UTF-8"}, "zh-TW"),  # Traditional Chinese reads zh-TW
    ({"LANG": "zh_CN.UTF-8"}, "en"),  # Simplified is not shipped
    ({"LANGUAGE": "fr:zh_TW", "LANG": "en_US.UTF-8"}, "zh-TW"),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_TW.UTF-8"}, "en"),  # the first one set decides
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
])
def test_default_language_is_the_system_locale_when_shipped(environ, expected):
    assert i18n.system_language(environ) == expected


def test_numbers_percentages_and_money_follow_the_language():
    assert i18n.format_number(1234567.891, 2, "en") == "1,234,567.89"
    assert i18n.format_percent(0.256, 1, "zh-TW") == "25.6%"
    i18n.set_language("zh-TW")
    assert format_money(51_834) == "$5.18萬"
    assert format_money(51_834, locale="en") == "$51.8K"
    i18n.set_language("en")
    assert format_money(51_834) == "$51.8K"


def test_cjk_languages():
    assert i18n.is_cjk("zh-TW") and not i18n.is_cjk("en")
    assert i18n.language_name("zh-TW").startswith("中文")


# -- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["--lang", "fr", "sweep"],
    ["sweep", "--lang", "fr"],
    ["--lang=fr", "paths"],
    ["play", "--lang", "fr"],
])
def test_unknown_language_is_one_line_naming_it_and_the_shipped_tags(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "'fr'" in err and "en, zh-TW" in err


def test_cli_errors_and_notes_in_chinese(capsys, tmp_path):
    assert main(["--lang", "zh-TW", "sweep", "--fractions", "0,2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kelly：錯誤：") and "不在 [0, 1] 之間" in err and err.count("\n") == 1
    out = tmp_path / "sweep.csv"
    assert main(["sweep", "--lang", "zh-TW", "--paths", "10", "--rounds", "5",
                 "--fractions", "0,0.5", "--workers", "1", "--out", str(out)]) == 0
    assert capsys.readouterr().err.strip() == f"kelly: 已寫入 {out}"
    assert out.read_text().splitlines()[0].startswith("fraction,")  # columns stay English


def test_cli_title_in_chinese_and_english(capsys):
    argv = ["sweep", "--paths", "10", "--rounds", "5", "--fractions", "0,0.5", "--workers", "1"]
    assert main(["--lang", "zh-TW", *argv]) == 0
    assert "成長率與下注比例" in capsys.readouterr().out
    assert main(["--lang", "en", *argv]) == 0
    assert "Growth against the fraction" in capsys.readouterr().out


def test_cli_reads_the_locale(tmp_path):
    env = {"PATH": "", "PYTHONPATH": str(ROOT), "LANG": "zh_TW.UTF-8",
           "KELLY_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "sim", "sweep", "--paths", "0"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("kelly：錯誤：") and "需要至少為 1 的整數" in done.stderr
