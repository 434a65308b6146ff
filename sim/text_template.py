"""Safe templates for text written by others (lesson bodies and labels).

Lesson files travel between teachers, so their text is untrusted. ``str.format`` on such text
can be made to hang or exhaust memory (``{p:>99999999}``, ``{p:.99999999f}``) or to reach into
Python objects (``{p.__class__}``). A :class:`Template` is compiled once, when the file is
loaded, against a closed set of field names, and refuses anything else with a ``ValueError``
naming the placeholder; rendering a compiled template is then bounded in time and size.

Syntax
------
Text with placeholders ``{name}`` or ``{name:spec}``; ``{{`` and ``}}`` are literal braces.

* ``name`` is a plain identifier from the allowed set: no attribute access (``{p.real}``), no
  indexing (``{p[0]}``), no conversion (``{p!r}``), no positional fields (``{}``, ``{0}``), no
  nested fields (``{p:{width}}``).
* ``spec`` follows this small part of Python's format mini-language::

      [[fill]align][sign][0][width][grouping][.precision][type]

  align ``<`` ``>`` ``^`` ``=``; sign ``+`` ``-`` or a space; width at most
  :data:`MAX_WIDTH` (40); grouping ``,`` or ``_``; precision at most :data:`MAX_PRECISION` (6);
  type ``f``/``F`` (fixed), ``e``/``E`` (exponent), ``g``/``G`` (general), ``%`` (percent) or
  none. Examples: ``{H_bits:.3f}``, ``{growth:+.4f}``, ``{share_ahead:.0%}``,
  ``{wealth_p:,.0f}``, ``{paths:,}``, ``{o_heads:g}``.
* At most :data:`MAX_FIELDS` placeholders per text.

A number formats exactly as ``format(value, spec)`` would (so an accepted template renders
exactly like ``str.format``), except that a whole number given a precision without a type is
formatted as a float instead of raising.

The fields of the lessons
-------------------------
Each lesson step offers the numbers it computed (``STEP_FACTS`` of the lesson model):

* entropy: p, H_bits, H_nats, surprise_heads_bits, surprise_tails_bits, flips, heads,
  heads_share
* two_outcomes: p, share, odds, o_heads, o_tails, m_heads, m_tails, fraction, growth,
  mean_multiplier
* same_flips: p, share, rounds, heads, start, wealth_p, wealth_share, growth_p, growth_share,
  theory_p, theory_share
* growth_curve: p, odds, peak_share, peak_growth, log_odds, entropy, paths, rounds
* peak_decomposition: p, share, log_odds, entropy, divergence, cross_entropy, growth,
  best_growth
* overbetting: p, kelly_fraction, g_star, double_growth, double_thorp, half_thorp, paths, rounds
* many_worlds: p, share, fraction, time_growth, ensemble_growth, median_final, mean_final,
  theory_median_final, theory_mean_final, share_ahead, paths, rounds
* unknown_p: p, rounds, paths, first_loss, last_loss, regret_exact, regret_mc, regret_se,
  half_log_rounds
* wire: accuracy, stake, capacity, capacity_bits, mc_growth, mc_se, paths, rounds, perfect
* learning: smoothing, log_odds, train_races, test_races, table_train_loss, bust_race,
  smoothed_train_loss, smoothed_test_loss, smoothed_growth, entropy, divergence, table_brier,
  smoothed_brier, hard_accuracy, smoothed_accuracy

The labels ``step_counter``, ``round_counter`` and ``strip_counter`` take ``number`` and
``total`` (both must appear); other labels are plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sim.files import excerpt

__all__ = ["MAX_FIELDS", "MAX_PRECISION", "MAX_WIDTH", "Field", "Template", "compile_template",
           "render"]

MAX_WIDTH = 40
MAX_PRECISION = 6
MAX_FIELDS = 100
SPEC_GRAMMAR = ("[[fill]align][sign][0][width<=40][,|_][.precision<=6][type: f F e E g G %]")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SPEC = re.compile(
    r"(?:(?P<fill>[^{}])?(?P<align>[<>=^]))?(?P<sign>[-+ ])?(?P<zero>0)?(?P<width>[1-9][0-9]*)?"
    r"(?P<grouping>[,_])?(?:\.(?P<precision>[0-9]+))?(?P<type>[eEfFgG%])?\Z",
    re.DOTALL,
)


@dataclass(frozen=True)
class Field:
    """One placeholder: the value's name and its checked format spec."""

    name: str
    spec: str = ""

    def format(self, value: object) -> str:
        """``value`` formatted by ``spec`` (bounded: the spec was checked at compile time)."""
        if isinstance(value, int) and not isinstance(value, bool) and "." in self.spec and (
                self.spec[-1].isdigit()):
            value = float(value)  # "{n:.2}" of a whole number: general format, not an error
        try:
            return format(value, self.spec)
        except (TypeError, ValueError):
            raise ValueError(
                f"placeholder {{{self.name}:{self.spec}}} cannot format {excerpt(value, 40)}"
            ) from None


@dataclass(frozen=True)
class Template:
    """A compiled template: literal text and :class:`Field` parts, in order."""

    text: str
    parts: tuple[str | Field, ...]

    @property
    def names(self) -> frozenset[str]:
        """The field names the template uses."""
        return frozenset(part.name for part in self.parts if isinstance(part, Field))

    def render(self, values: Mapping[str, object]) -> str:
        """The text with every placeholder filled from ``values``.

        Raises
        ------
        ValueError
            A value is missing or cannot take its format (e.g. text given a number format).

        Examples
        --------
        >>> compile_template("H = {H:.3f} bits {{sic}}", ["H"]).render({"H": 0.97095})
        'H = 0.971 bits {sic}'
        """
        pieces = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(part)
            elif part.name not in values:
                raise ValueError(f"no value for placeholder {{{part.name}}}")
            else:
                pieces.append(part.format(values[part.name]))
        return "".join(pieces)


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _check_spec(name: str, spec: str, where: str) -> None:
    shown = f"{where}placeholder {{{name}:{_shown(spec)}}}"
    match = _SPEC.match(spec)
    if match is None:
        raise ValueError(f"{shown} has a bad format; allowed: {SPEC_GRAMMAR}")
    width, precision = match.group("width"), match.group("precision")
    if width is not None and (len(width) > 3 or int(width) > MAX_WIDTH):
        raise ValueError(f"{shown} has width {_shown(width)}; the limit is {MAX_WIDTH}")
    if precision is not None and (len(precision) > 3 or int(precision) > MAX_PRECISION):
        raise ValueError(
            f"{shown} has precision {_shown(precision)}; the limit is {MAX_PRECISION}"
        )


def _field(content: str, allowed: frozenset[str], where: str) -> Field:
    """A placeholder's inside (between the braces), checked."""
    name, colon, spec = content.partition(":")
    bare, bang, conversion = name.partition("!")
    if bang:
        raise ValueError(
            f"{where}placeholder {{{_shown(bare)}}} may not carry a conversion "
            f"(!{_shown(conversion)})"
        )
    if not name:
        raise ValueError(f"{where}placeholder {{{_shown(content)}}} needs a field name")
    if not _NAME.match(name):
        raise ValueError(f"{where}placeholder {{{_shown(content)}}} must be a plain name "
                         "(no attribute or index access)")
    if name not in allowed:
        known = ", ".join(sorted(allowed)) or "(none)"
        raise ValueError(f"{where}placeholder {{{_shown(name)}}} is not a known field; "
                         f"known: {_shown_list(known)}")
    if colon:
        if "{" in spec or "}" in spec:
            raise ValueError(f"{where}placeholder {{{name}:…}} may not nest placeholders")
        _check_spec(name, spec, where)
    return Field(name, spec)


def _shown_list(text: str) -> str:
    return text if len(text) <= 400 else text[:400] + "…"


def _split(text: str, where: str) -> list[str | tuple[str]]:
    """Literal pieces and (placeholder content,) tuples; stray braces raise ValueError."""
    parts: list[str | tuple[str]] = []
    literal: list[str] = []
    position, length = 0, len(text)
    while position < length:
        brace = min((i for i in (text.find("{", position), text.find("}", position)) if i >= 0),
                    default=length)
        literal.append(text[position:brace])
        if brace == length:
            break
        if text.startswith(("{{", "}}"), brace):
            literal.append(text[brace])
            position = brace + 2
            continue
        if text[brace] == "}":
            raise ValueError(f"{where}a stray brace '}}' at character {brace + 1}; "
                             "write }} for a literal brace")
        close = text.find("}", brace + 1)
        inner = text.find("{", brace + 1)
        if close < 0 or 0 <= inner < close:
            if close >= 0 and ":" in text[brace:inner]:
                raise ValueError(f"{where}placeholder {{{_shown(text[brace + 1:inner])}…}} "
                                 "may not nest placeholders")
            raise ValueError(f"{where}a stray brace '{{' at character {brace + 1}; "
                             "write {{ for a literal brace")
        parts.append("".join(literal))
        literal = []
        parts.append((text[brace + 1:close],))
        position = close + 1
    parts.append("".join(literal))
    return [part for part in parts if part != ""]


def compile_template(text: str, allowed: Iterable[str], where: str = "") -> Template:
    """Check ``text`` against the allowed field names and the spec grammar; compile it.

    Parameters
    ----------
    text : str
        The template, e.g. a lesson step's body.
    allowed : iterable of str
        The only names a placeholder may use.
    where : str
        Prefix of error messages, e.g. ``"lesson.toml: step 2 (entropy): body"``.

    Returns
    -------
    Template

    Raises
    ------
    ValueError
        A stray brace, an unknown or non-plain name, a conversion, a nested placeholder, a spec
        outside the grammar or its limits, or more than :data:`MAX_FIELDS` placeholders.

    Examples
    --------
    >>> compile_template("{p:.2f}", ["p"]).render({"p": 0.6})
    '0.60'
    >>> compile_template("{p:>99999999}", ["p"])
    Traceback (most recent call last):
    ...
    ValueError: placeholder {p:>99999999} has width 99999999; the limit is 40
    >>> compile_template("{p.__class__}", ["p"])
    Traceback (most recent call last):
    ...
    ValueError: placeholder {p.__class__} must be a plain name (no attribute or index access)
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(text, str):
        raise ValueError(f"{prefix}template = {excerpt(text)} must be text")
    names = frozenset(allowed)
    pieces = _split(text, prefix)
    fields = sum(1 for piece in pieces if isinstance(piece, tuple))
    if fields > MAX_FIELDS:
        raise ValueError(f"{prefix}{fields} placeholders; the limit is {MAX_FIELDS}")
    parts = tuple(_field(piece[0], names, prefix) if isinstance(piece, tuple) else piece
                  for piece in pieces)
    return Template(text, parts)


def render(text: str, values: Mapping[str, object], where: str = "") -> str:
    """Compile ``text`` against the names in ``values`` and render it (one-off use).

    Examples
    --------
    >>> render("Step {number} of {total}", {"number": 3, "total": 8})
    'Step 3 of 8'
    """
    return compile_template(text, values.keys(), where).render(values)
