"""CJK-aware line breaking (game.text): kinsoku rules, no lone last character, whole words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from game.text import NO_LINE_END, NO_LINE_START, break_lines, tokens


def test_latin_breaks_at_spaces_and_never_splits_a_word():
    assert break_lines("bet the chances", 9, len) == ["bet the", "chances"]
    assert break_lines("incomprehensibilities ok", 5, len) == ["incomprehensibilities", "ok"]


def test_closing_punctuation_never_starts_a_line():
    # greedy filling would put "。" first on line two; the character before it comes down too
    lines = break_lines("一二三四。五六", 4, len)
    assert lines == ["一二三", "四。五六"]
    assert break_lines("押注比例，等於機率。", 4, len) == ["押注比", "例，等於", "機率。"]


def test_opening_punctuation_never_ends_a_line():
    lines = break_lines("你押上「全部」的錢", 4, len)
    assert all(line[-1] not in NO_LINE_END for line in lines)
    assert lines == ["你押上", "「全部」", "的錢"]


def test_no_lone_character_on_the_last_line():
    lines = break_lines("凱利公式說明了下注的比例應該等於機", 8, len)
    assert lines == ["凱利公式說明了下", "注的比例應該等", "於機"]
    assert break_lines("一二三四五", 4, len) == ["一二三", "四五"]


def test_mixed_text_breaks_between_latin_words_and_chinese_characters():
    lines = break_lines("用 Kelly 公式押注", 8, len)
    assert lines == ["用 Kelly", "公式押注"]
    assert tokens("Kelly 的賭注，bet it") == ["Kelly ", "的", "賭", "注", "，", "bet ", "it"]


def test_paragraphs_and_blank_lines_are_kept():
    assert break_lines("一\n\n二", 10, len) == ["一", "", "二"]


LETTERS = [*"機率下注比例凱利硬幣", *"，。、：？！」）「（", " ", "a", "b"]
CHINESE = st.text(alphabet=st.sampled_from(LETTERS), max_size=60)


@given(CHINESE, st.integers(min_value=3, max_value=20))
def test_rules_hold_for_any_text(message, width):
    lines = break_lines(message, width, len)
    assert "".join(lines).replace(" ", "") == message.replace(" ", "")  # nothing lost
    for position, line in enumerate(lines):
        if position > 0 and line:
            assert line[0] not in NO_LINE_START or not lines[position - 1]
        if position < len(lines) - 1 and line:
            assert line[-1] not in NO_LINE_END
        glued = len(line) > width
        if glued:  # only a unit that cannot be split may overflow: no break allowed inside
            assert break_lines(line, 1, len) == [line]
