"""The message catalogues: extract the template, update each language, check the translations.

::

    python tools/catalog.py extract        # sim/locale/kelly.pot from the code, then every .po
    python tools/catalog.py init fr        # a new language: sim/locale/fr/LC_MESSAGES/kelly.po
    python tools/catalog.py check          # every message translated, placeholders kept, and
                                           # every character of a CJK catalogue in the font

``extract`` runs ``pybabel extract -F babel.cfg`` (the keywords _, gettext, ngettext and N_)
and ``pybabel update`` without fuzzy matching, so a changed English text comes back empty for
the translator instead of with a guessed translation. ``check`` exits 1 listing every problem;
the English catalogue is exempt (its messages are their own translation). Nothing is compiled:
:mod:`sim.i18n` reads the ``.po`` files at run time.
"""

from __future__ import annotations

import argparse
import re
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "sim" / "locale"
TEMPLATE = LOCALE / "kelly.pot"
DOMAIN = "kelly"
SOURCE_LANGUAGE = "en"
FONT = ROOT / "assets" / "fonts" / "NotoSansTC-Subset.otf"


def pybabel(*arguments: str) -> None:
    """Run a pybabel command from the repository root (locations stay relative)."""
    import os

    from babel.messages.frontend import CommandLineInterface

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", "-q", *arguments])
    finally:
        os.chdir(here)


def extract() -> None:
    pybabel("extract", "-F", "babel.cfg", "-k", "N_", "-o", str(TEMPLATE.relative_to(ROOT)),
            "--project", "kelly-game", "--version", "0.1.0", "--sort-by-file",
            "--add-location", "file", "--copyright-holder", "Kelly game developers",
            "-w", "100", ".")
    if not list(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        return  # no language yet: `init` one
    pybabel("update", "-i", str(TEMPLATE), "-d", str(LOCALE), "-D", DOMAIN,
            "--no-fuzzy-matching", "--ignore-obsolete", "-w", "100")


def init(language: str) -> None:
    pybabel("init", "-i", str(TEMPLATE), "-d", str(LOCALE), "-D", DOMAIN,
            "-l", language.replace("-", "_"), "-w", "100")


def fields(text: str) -> set[str]:
    """The ``{name}`` placeholders of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def font_characters() -> set[str] | None:
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    return {chr(code) for code in TTFont(str(FONT)).getBestCmap()}


def problems(path: Path, covered: set[str] | None) -> list[str]:
    """What is wrong with one catalogue (empty when it is complete)."""
    from babel.messages.pofile import read_po

    language = path.parent.parent.name
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    found = []
    cjk = re.match(r"(zh|ja|ko)\b", language)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{path.relative_to(ROOT)}: {ids[0]!r}"
        if message.fuzzy:
            found.append(f"{where} is fuzzy")
        if any(not text for text in texts):
            found.append(f"{where} is not translated")
            continue
        for text in texts:
            if fields(text) - fields(ids[-1]) or fields(ids[0]) - fields(text) - {"count"}:
                found.append(f"{where}: placeholders {sorted(fields(text))} differ")
            if cjk and covered is not None:
                missing = {c for c in text if c not in covered and not c.isspace()}
                if missing:
                    found.append(f"{where}: {''.join(sorted(missing))!r} not in {FONT.name}")
    return found


def check() -> int:
    covered = font_characters()
    found = []
    for path in sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        if path.parent.parent.name != SOURCE_LANGUAGE:
            found += problems(path, covered)
    for line in found:
        print(line)
    if covered is None:
        print("fontTools is missing: the font coverage was not checked", file=sys.stderr)
    print(f"{len(found)} problem(s)", file=sys.stderr)
    return 1 if found else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="update kelly.pot and every .po from the code")
    commands.add_parser("check", help="every message translated; exit 1 otherwise")
    new = commands.add_parser("init", help="start the catalogue of a new language")
    new.add_argument("language", help="a tag such as fr or pt-BR")
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
    elif args.command == "init":
        init(args.language)
    else:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
