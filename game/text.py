"""Line breaking for English and Chinese text, without pygame (the caller measures).

Latin text breaks at spaces and a word is never split; Chinese (any wide character) may break
between any two characters, except where the kinsoku rules forbid it (JIS X 4051 and the
Taiwanese practice for 標點符號):

* a closing mark (，。、；：？！）」』》…) never starts a line: the character before it moves
  down with it;
* an opening mark (（「『《) never ends a line: it moves down with what it opens;
* a paragraph's last line never holds one lone Chinese character: one more unit comes down.

A line is only made longer than ``width`` when a single word (or glued group) is wider than
the line itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

#: characters that may not start a line (closing punctuation, Chinese and Latin)
NO_LINE_START = frozenset("，。、；：？！）」』】》〉〕］｝…‥—–·・‧﹐﹑﹒﹔﹕﹖﹗’”,.;:?!)]}%％")
#: characters that may not end a line (opening punctuation)
NO_LINE_END = frozenset("（「『【《〈〔［｛‘“([{")


def is_wide(char: str) -> bool:
    """True for a character set in a full-width cell (Han, kana, full-width punctuation)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def tokens(paragraph: str) -> list[str]:
    """The unbreakable pieces of a paragraph: a Latin word with its trailing spaces, or one
    wide character (with any spaces after it).

    Examples
    --------
    >>> tokens("Kelly 的賭注，bet it")
    ['Kelly ', '的', '賭', '注', '，', 'bet ', 'it']
    """
    pieces: list[str] = []
    word = ""
    for char in paragraph:
        if char == " ":
            if word or not pieces:
                word += char
            else:
                pieces[-1] += char
        elif is_wide(char):
            if word:
                pieces.append(word)
                word = ""
            pieces.append(char)
        else:
            if word.endswith(" "):
                pieces.append(word)
                word = ""
            word += char
    if word:
        pieces.append(word)
    return pieces


def _may_break_before(pieces: list[str], index: int) -> bool:
    """Whether a line may end before ``pieces[index]`` (between it and the piece before)."""
    before, after = pieces[index - 1], pieces[index]
    if after[0] in NO_LINE_START or before.rstrip()[-1:] in NO_LINE_END:
        return False
    # two Latin pieces break only at a space; a wide character breaks on either side
    return before.endswith(" ") or is_wide(before.rstrip()[-1]) or is_wide(after[0])


def _units(pieces: list[str]) -> list[str]:
    """Pieces glued into the units a line may not split (a character and its punctuation)."""
    units: list[str] = []
    for index, piece in enumerate(pieces):
        if units and not _may_break_before(pieces, index):
            units[-1] += piece
        else:
            units.append(piece)
    return units


def _fill(units: list[str], width: float, measure: Callable[[str], float]) -> list[list[str]]:
    lines: list[list[str]] = []
    line: list[str] = []
    for unit in units:
        if line and measure("".join([*line, unit]).rstrip()) > width:
            lines.append(line)
            line = []
        line.append(unit)
    lines.append(line)
    return lines


def _lone(line: list[str]) -> bool:
    """A line that is one Chinese character (with any punctuation glued to it)."""
    letters = [c for c in "".join(line) if c.isalnum()]
    return len(letters) == 1 and is_wide(letters[0])


def _no_orphan(lines: list[list[str]], width: float, measure) -> None:
    if len(lines) < 2 or not _lone(lines[-1]) or len(lines[-2]) < 2:
        return
    moved = [lines[-2][-1], *lines[-1]]
    if measure("".join(moved).rstrip()) <= width:
        lines[-2], lines[-1] = lines[-2][:-1], moved


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of ``text`` no wider than ``width`` as ``measure`` counts it; ``\\n`` starts a
    new paragraph (an empty one gives an empty line).

    Parameters
    ----------
    text : str
        English, Chinese or both.
    width : float
        The room for one line, in the units of ``measure``.
    measure : callable
        The width of a string (a pygame font's ``size(s)[0]``, or ``len`` in tests).

    Returns
    -------
    list of str
        The lines, without trailing spaces.

    Examples
    --------
    >>> break_lines("bet the chances", 9, len)
    ['bet the', 'chances']
    >>> break_lines("下注比例，等於機率。", 4, len)
    ['下注比', '例，等於', '機率。']
    """
    result: list[str] = []
    for paragraph in text.split("\n"):
        units = _units(tokens(paragraph))
        if not units:
            result.append("")
            continue
        lines = _fill(units, width, measure)
        _no_orphan(lines, width, measure)
        result.extend("".join(line).rstrip() for line in lines)
    return result
