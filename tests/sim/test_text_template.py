"""sim.text_template: a closed set of fields, bounded specs, and the shipped lessons unchanged."""

from __future__ import annotations

import math
import string
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import text_template
from sim.text_template import MAX_FIELDS, MAX_PRECISION, MAX_WIDTH, compile_template, render

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(ROOT.glob("sim/lessons/data/*.toml"))

# values of every kind a step's facts take: floats of all sizes and signs, whole numbers,
# numpy scalars, infinities and NaN
SAMPLE_VALUES = [0.6, -0.0123456789, 1234567.891, 3, 0, 12_345, -7, 1e-300, 1e300,
                 math.inf, -math.inf, math.nan]


def shipped_texts() -> list[tuple[str, str]]:
    texts = []
    for path in SHIPPED:
        lesson = tomllib.loads(path.read_text(encoding="utf-8"))
        texts += [(f"{path.name} step {i}", step.get("body", ""))
                  for i, step in enumerate(lesson["steps"], 1)]
        texts += [(f"{path.name} label {key}", value)
                  for key, value in lesson.get("labels", {}).items()]
    return texts


def names_in(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_shipped_lessons_are_found():
    assert len(SHIPPED) >= 2
    assert len(shipped_texts()) > 20


@pytest.mark.parametrize(("where", "text"), shipped_texts())
def test_every_shipped_text_renders_exactly_as_str_format(where, text):
    names = names_in(text)
    template = compile_template(text, names, where)
    for value in SAMPLE_VALUES:
        values = dict.fromkeys(names, value)
        try:
            expected = text.format(**values)
        except ValueError:  # a spec this kind of value does not take: refused by both
            with pytest.raises(ValueError):
                template.render(values)
            continue
        assert template.render(values) == expected


def test_numpy_scalars_render_like_str_format():
    np = pytest.importorskip("numpy")
    values = {"a": np.float64(0.123456), "b": np.int64(12345), "c": np.float32(2.5)}
    text = "{a:.3f} {b:,} {c:g} {a:+.2%} {b}"
    assert render(text, values) == text.format(**values)


@pytest.mark.parametrize(("text", "message"), [
    ("{p:>99999999}", r"width 99999999; the limit is 40"),
    ("{p:.99999999f}", r"precision 99999999; the limit is 6"),
    ("{p:<99999999.99999999f}", r"width"),
    ("{p:99999999999999999999999}", r"width 9999"),
    ("{p:=^40000}", r"width 40000"),
    ("{p:%>99999999}", r"width"),
    ("{p.__class__}", r"placeholder \{p\.__class__\} must be a plain name"),
    ("{p.__class__.__mro__}", r"plain name"),
    ("{p[0]}", r"placeholder \{p\[0\]\} must be a plain name"),
    ("{p!r}", r"placeholder \{p\} may not carry a conversion \(!r\)"),
    ("{0}", r"placeholder \{0\} must be a plain name"),
    ("{}", r"placeholder \{\} needs a field name"),
    ("{p:{p}}", r"may not nest placeholders"),
    ("{q}", r"placeholder \{q\} is not a known field; known: n, p"),
    ("{p:.3q}", r"bad format"),
    ("{p:d}", r"bad format"),
    ("{p:s}", r"bad format"),
    ("{p:#x}", r"bad format"),
    ("{ stray", r"stray brace '\{' at character 1"),
    ("stray }", r"stray brace '\}' at character 7"),
    ("{" + "x" * 5000 + "}", r"is not a known field"),
    ("{p}" * (MAX_FIELDS + 1), rf"{MAX_FIELDS + 1} placeholders; the limit is {MAX_FIELDS}"),
])
def test_hostile_templates_are_refused_naming_the_placeholder(text, message):
    with pytest.raises(ValueError, match=message) as caught:
        compile_template(text, ["p", "n"], where="lesson.toml: step 1 (entropy): body")
    assert str(caught.value).startswith("lesson.toml: step 1 (entropy): body: ")
    assert len(str(caught.value)) < 300 and "\n" not in str(caught.value)


@pytest.mark.parametrize("spec", [
    "", ".3f", "+.4f", ",", ",.0f", ".0%", "g", ".2g", f">{MAX_WIDTH}", f".{MAX_PRECISION}f",
    "*^12.2f", "010.3f", "_", " .2e", "=+8.1F", "<5", "G", "E", "%",
])
def test_the_allowed_specs_format_exactly_as_format(spec):
    for value in SAMPLE_VALUES:
        try:
            expected = format(value, spec)
        except ValueError:
            continue
        assert compile_template(f"{{p:{spec}}}", ["p"]).render({"p": value}) == expected


def test_literal_braces_and_missing_values():
    template = compile_template("set {{heads, tails}}: {p:.1f}", ["p"])
    assert template.render({"p": 0.96}) == "set {heads, tails}: 1.0"
    assert template.names == {"p"}
    with pytest.raises(ValueError, match=r"no value for placeholder \{p\}"):
        template.render({})
    with pytest.raises(ValueError, match=r"cannot format 'text'"):
        template.render({"p": "text"})


def test_a_whole_number_with_a_bare_precision_formats_as_a_float():
    assert render("{n:.2}", {"n": 3}) == format(3.0, ".2")


def test_a_template_that_is_not_text_is_refused():
    with pytest.raises(ValueError, match="template = 3 must be text"):
        compile_template(3, ["p"])


def test_the_docstring_lists_every_field_of_the_lesson_model():
    from sim.lessons.schema import STEP_FACTS

    doc = text_template.__doc__
    for step, facts in STEP_FACTS.items():
        line = doc[doc.index(f"* {step}:"):].split("\n*")[0].split("\n\n")[0]
        listed = {name.strip() for name in line.split(":", 1)[1].replace("\n", " ").split(",")}
        assert listed == set(facts), step


TEMPLATE_ALPHABET = "{}:.,<>^=+-%0123456789fFeEgGdsxn_ !#[]()pq\n*z"


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=TEMPLATE_ALPHABET, max_size=60),
       p=st.floats(allow_nan=True, allow_infinity=True), q=st.integers(-10**30, 10**30))
def test_any_template_renders_bounded_or_is_refused(text, p, q):
    """Any string either compiles and renders to a bounded size (exactly what str.format would
    give) or is refused with ValueError; nothing else escapes."""
    try:
        template = compile_template(text, ["p", "q"])
    except ValueError:
        return
    values = {"p": p, "q": q}
    try:
        rendered = template.render(values)
    except ValueError:  # a spec the value's type refuses (e.g. "," on NaN is fine; "=" on text)
        with pytest.raises(ValueError):
            text.format(**values)
        return
    fields = sum(1 for part in template.parts if not isinstance(part, str))
    assert len(rendered) <= len(text) + fields * (MAX_WIDTH + 420)
    assert rendered == text.format(**values)
