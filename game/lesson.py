"""Lesson files: the classroom lesson as data (TOML), validated on load.

A lesson is a title, a language tag and an ordered list of steps. Each step names one of the
eight ideas of the lesson (:data:`STEP_IDS`), a heading, a body text and the parameters its
computation uses (:mod:`game.lesson_steps` turns a step into numbers). A teacher edits the text
and the parameters without touching code::

    title = "Why the best bet is a cross-entropy"
    language = "en"

    [defaults]            # optional: parameters shared by every step that uses them
    p = 0.6
    seed = 2024

    [labels]              # optional: words the screen and the figures print (see LABELS)
    step = "Step"

    [[steps]]
    id = "entropy"
    heading = "A coin and its surprise"
    body = "This coin has H(p) = {H_bits:.3f} bits of uncertainty per flip."
    [steps.params]
    p = 0.6

The body may quote the numbers a step computed with ``{name}`` or ``{name:.3f}``; the names
each step provides are listed in :data:`STEP_FACTS` and checked on load. Braces that are not a
placeholder are written ``{{`` and ``}}``.

A lesson file is data only: it is parsed with :mod:`tomllib` (tomli on Python 3.10) and never
evaluated or unpickled. Every problem (an unknown key, a wrong type, p outside [0, 1], NaN, an
unknown placeholder) raises ``ValueError`` naming the key and the value.
"""

from __future__ import annotations

import dataclasses
import math
import re
import string
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from sim.games import CoinGame
from sim.strategies import parse_strategy

#: The eight ideas, in the order the default lessons teach them.
STEP_IDS = (
    "entropy",
    "two_outcomes",
    "same_flips",
    "growth_curve",
    "peak_decomposition",
    "overbetting",
    "many_worlds",
    "unknown_p",
)

#: Largest values a lesson may ask for, so a typo cannot freeze the classroom screen.
MAX_PATHS = 20_000
MAX_ROUNDS = 5_000
MAX_TRAJECTORY_CELLS = 4_000_000  # paths x rounds x strategies kept in memory for a drawing
MAX_FILE_BYTES = 1_000_000
MAX_HEADING = 200
MAX_BODY = 4_000
MAX_TITLE = 200


@dataclass(frozen=True)
class StepParams:
    """Every parameter a step can use; a step reads only those listed in :data:`STEP_KEYS`.

    p           chance of heads
    odds        net odds b on heads (b-to-1); tails pays 1/b-to-1, decimal odds (1 + b, 1 + 1/b)
    start       starting bankroll
    rounds      flips per path (for ``entropy``: how many sample flips are shown)
    paths       parallel bankrolls in the Monte Carlo
    seed        the seed of every draw the step makes (same seed, same numbers)
    share       the share a of the bankroll on heads the step looks at
    shares      shares on heads whose growth is measured by Monte Carlo (``growth_curve``)
    strategies  strategy specs raced on the same flips (``overbetting``), e.g. ``kelly:2``
    prior       Beta(alpha, beta) prior of the Bayesian learner (``unknown_p``)
    """

    p: float = 0.6
    odds: float = 1.0
    start: float = 100.0
    rounds: int = 100
    paths: int = 1000
    seed: int = 2024
    share: float = 0.7
    shares: tuple[float, ...] = (0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95)
    strategies: tuple[str, ...] = ("kelly:0.5", "kelly", "kelly:2", "allin")
    prior: tuple[float, float] = (1.0, 1.0)


#: The parameters each step uses; anything else in its ``[steps.params]`` table is an error.
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "entropy": ("p", "rounds", "seed"),
    "two_outcomes": ("p", "odds", "share"),
    "same_flips": ("p", "odds", "start", "rounds", "seed", "share"),
    "growth_curve": ("p", "odds", "rounds", "paths", "seed", "shares"),
    "peak_decomposition": ("p", "odds", "share"),
    "overbetting": ("p", "odds", "start", "rounds", "paths", "seed", "strategies"),
    "many_worlds": ("p", "odds", "start", "rounds", "paths", "seed", "share"),
    "unknown_p": ("p", "odds", "rounds", "paths", "seed", "prior"),
}

#: Defaults that differ from :class:`StepParams` for one step.
STEP_DEFAULTS: dict[str, dict[str, Any]] = {
    "entropy": {"rounds": 40},
    "two_outcomes": {"share": 0.7},
    "same_flips": {"share": 0.95, "rounds": 200},
    "growth_curve": {"paths": 2000, "rounds": 100},
    "peak_decomposition": {"share": 0.8},
    "overbetting": {"paths": 2000, "rounds": 200},
    "many_worlds": {"share": 0.75, "paths": 1000, "rounds": 100},
    "unknown_p": {"paths": 1000, "rounds": 200},
}

#: The numbers each step offers to its body text as ``{name}`` (see game.lesson_steps).
STEP_FACTS: dict[str, tuple[str, ...]] = {
    "entropy": (
        "p", "H_bits", "H_nats", "surprise_heads_bits", "surprise_tails_bits", "flips",
        "heads", "heads_share",
    ),
    "two_outcomes": (
        "p", "share", "odds", "o_heads", "o_tails", "m_heads", "m_tails", "fraction", "growth",
        "mean_multiplier",
    ),
    "same_flips": (
        "p", "share", "rounds", "heads", "start", "wealth_p", "wealth_share", "growth_p",
        "growth_share", "theory_p", "theory_share",
    ),
    "growth_curve": (
        "p", "peak_share", "peak_growth", "log_odds", "entropy", "paths", "rounds",
    ),
    "peak_decomposition": (
        "p", "share", "log_odds", "entropy", "divergence", "cross_entropy", "growth",
        "best_growth",
    ),
    "overbetting": (
        "p", "kelly_fraction", "g_star", "double_growth", "double_thorp", "half_thorp",
        "paths", "rounds",
    ),
    "many_worlds": (
        "p", "share", "fraction", "time_growth", "ensemble_growth", "median_final",
        "mean_final", "theory_median_final", "theory_mean_final", "share_ahead", "paths",
        "rounds",
    ),
    "unknown_p": (
        "p", "rounds", "paths", "first_loss", "last_loss", "regret_exact", "regret_mc",
        "regret_se", "half_log_rounds",
    ),
}

#: Words printed by the classroom screen and the figures; a lesson's ``[labels]`` replaces them.
LABELS: dict[str, str] = {
    "step_counter": "Step {number} of {total}",
    "heads": "heads",
    "tails": "tails",
    "share_axis": "share on heads a",
    "growth_axis": "growth per round (nats)",
    "round_axis": "round",
    "wealth_axis": "bankroll",
    "probability_axis": "chance of heads p",
    "entropy_axis": "entropy (bits)",
    "theory": "theory",
    "monte_carlo": "Monte Carlo",
    "kelly_peak": "Kelly peak a = p",
    "log_odds": "Σ p ln o",
    "entropy": "H(p)",
    "divergence": "D(p‖a)",
    "growth": "growth G",
    "multiplier": "multiplier",
    "mean": "mean",
    "median": "median",
    "typical": "typical bankroll (geometric mean)",
    "theory_mean": "theory: mean",
    "theory_median": "theory: median",
    "bust": "bust",
    "belief": "belief q",
    "loss": "loss D(p‖q) per round",
    "regret": "total loss (nats)",
    "exact": "exact",
    "leaderboard": "Leaderboard",
    "rank": "rank",
    "name": "name",
    "fraction": "fraction",
    "final_wealth": "final wealth",
    "edit_hint": "←/→ step   P: p   O: odds   N: paths   F: full screen",
    "race_title": "Class race",
    "back": "◀ Back",
    "next": "Next ▶",
    "class_race": "Class race (C)",
    "other_language": "中文 (L)",
    "edit_keys": "Enter: apply    Esc: cancel",
    "odds": "odds",
    "paths": "paths",
    "seed": "seed",
    "round_counter": "Flip {number} of {total}",
    "race_keys": "A: add   I: import CSV   Space: start/pause   →: one flip   E: export   S: seed",
    "race_empty": "No one is racing yet. Press A to add a student, or I to import a CSV file "
                  "with the columns name,fraction.",
    "name_prompt": "name",
    "fraction_prompt": "fraction",
    "csv_prompt": "CSV file",
    "saved": "Saved",
    "kelly_reference": "Kelly",
    "more": "more",
}
#: labels that are templates, and the placeholders each must contain
LABEL_TEMPLATES = {"step_counter": {"number", "total"}, "round_counter": {"number", "total"}}

_LESSON_KEYS = {"title", "language", "defaults", "labels", "steps"}
_STEP_KEYS_ALLOWED = {"id", "heading", "body", "params"}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class LessonStep:
    """One idea of the lesson: which computation (``id``), what to say, with which numbers."""

    id: str
    heading: str
    body: str
    params: StepParams

    @property
    def keys(self) -> tuple[str, ...]:
        """The parameters this step uses."""
        return STEP_KEYS[self.id]

    def with_params(self, **changes: Any) -> LessonStep:
        """A copy with some parameters changed (keys the step does not use are ignored),
        validated like a lesson file: a bad value raises ValueError naming it."""
        used = {k: v for k, v in changes.items() if k in self.keys}
        checked = {k: _check_param(k, v, f"step {self.id!r}") for k, v in used.items()}
        params = dataclasses.replace(self.params, **checked)
        _check_combination(self.id, params, f"step {self.id!r}")
        return dataclasses.replace(self, params=params)

    def render_body(self, facts: Mapping[str, float]) -> str:
        """The body with its ``{name:spec}`` placeholders filled from a step's facts."""
        return _SafeFormatter().format(self.body, **facts)


@dataclass(frozen=True)
class Lesson:
    """A validated lesson: title, language tag, steps and the labels the screen prints."""

    title: str
    language: str
    steps: tuple[LessonStep, ...]
    labels: Mapping[str, str] = field(default_factory=lambda: dict(LABELS))
    source: str = "<string>"

    def __len__(self) -> int:
        return len(self.steps)

    def label(self, key: str) -> str:
        """A word to print (``LABELS`` key), in the lesson's language."""
        return self.labels[key]

    def step_counter(self, index: int) -> str:
        """'Step 3 of 8' (in the lesson's language) for the step at 0-based ``index``."""
        return self.counter("step_counter", index + 1, len(self.steps))

    def counter(self, key: str, number: int, total: int) -> str:
        """A template label of LABEL_TEMPLATES filled in, e.g. 'Flip 12 of 100'."""
        return _SafeFormatter().format(self.labels[key], number=number, total=total)

    def with_params(self, **changes: Any) -> Lesson:
        """A copy with parameters changed on every step that uses them (the teacher's edits)."""
        return dataclasses.replace(self, steps=tuple(s.with_params(**changes) for s in self.steps))


class _SafeFormatter(string.Formatter):
    """str.format restricted to plain names: no attribute access, indexing or conversions."""

    def get_field(self, field_name, args, kwargs):
        if not _IDENTIFIER.match(field_name):
            raise ValueError(f"placeholder {{{field_name}}} must be a plain name")
        return kwargs[field_name], field_name

    def convert_field(self, value, conversion):
        if conversion is not None:
            raise ValueError(f"placeholder conversion !{conversion} is not allowed")
        return value


# ---------------------------------------------------------------------------------------------
# Loading


def load_lesson(path: str | Path) -> Lesson:
    """Read and validate a lesson file (TOML). Problems raise ValueError naming them."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ValueError(f"lesson file {str(path)!r} cannot be read: {error.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise ValueError(
            f"lesson file {str(path)!r} is {size} bytes; the limit is {MAX_FILE_BYTES}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"lesson file {str(path)!r} is not UTF-8 text") from None
    except OSError as error:  # a folder, or no permission to read
        raise ValueError(f"lesson file {str(path)!r} cannot be read: {error.strerror}") from None
    return loads_lesson(text, source=str(path))


def loads_lesson(text: str, source: str = "<string>") -> Lesson:
    """Parse and validate a lesson from TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source}: not valid TOML: {error}") from None
    return lesson_from_dict(data, source=source)


def lesson_from_dict(data: Mapping[str, Any], source: str = "<string>") -> Lesson:
    """Validate a parsed lesson (the dict TOML gives) and build a :class:`Lesson`."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{source}: a lesson must be a table, got {type(data).__name__}")
    _no_unknown(data, _LESSON_KEYS, source)
    title = _text("title", data.get("title"), source, MAX_TITLE)
    language = data.get("language")
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        raise ValueError(f"{source}: language = {language!r} must be a tag such as 'en' or 'zh-TW'")
    defaults = _table("defaults", data.get("defaults", {}), source)
    _no_unknown(defaults, set(dataclasses.asdict(StepParams())), f"{source}: [defaults]")
    shared = {k: _check_param(k, v, f"{source}: [defaults]") for k, v in defaults.items()}
    labels = dict(LABELS)
    given = _table("labels", data.get("labels", {}), source)
    _no_unknown(given, set(LABELS), f"{source}: [labels]")
    for key, value in given.items():
        labels[key] = _text(f"labels.{key}", value, source, MAX_HEADING)
    for key, names in LABEL_TEMPLATES.items():
        _check_template(key, labels[key], names, source)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ValueError(f"{source}: steps = {raw_steps!r} must be a non-empty list of [[steps]]")
    steps = tuple(_step(i, raw, shared, source) for i, raw in enumerate(raw_steps, start=1))
    return Lesson(title=title, language=language, steps=steps, labels=labels, source=source)


def _step(number: int, raw: Any, shared: Mapping[str, Any], source: str) -> LessonStep:
    where = f"{source}: step {number}"
    raw = _table(f"step {number}", raw, source)
    _no_unknown(raw, _STEP_KEYS_ALLOWED, where)
    step_id = raw.get("id")
    if step_id not in STEP_IDS:
        raise ValueError(f"{where}: id = {step_id!r} is not one of {', '.join(STEP_IDS)}")
    where = f"{source}: step {number} ({step_id})"
    heading = _text("heading", raw.get("heading"), where, MAX_HEADING)
    body = _text("body", raw.get("body", ""), where, MAX_BODY, empty=True)
    _check_placeholders(body, STEP_FACTS[step_id], where)
    given = _table("params", raw.get("params", {}), where)
    allowed = STEP_KEYS[step_id]
    _no_unknown(given, set(allowed), f"{where}: [steps.params]")
    values = dict(STEP_DEFAULTS[step_id])
    values.update({k: v for k, v in shared.items() if k in allowed})
    values.update({k: _check_param(k, v, where) for k, v in given.items()})
    params = StepParams(**values)
    _check_combination(step_id, params, where)
    return LessonStep(id=step_id, heading=heading, body=body, params=params)


def _no_unknown(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(
            f"{where}: unknown key {unknown[0]!r} (= {table[unknown[0]]!r}); "
            f"expected one of {', '.join(sorted(allowed))}"
        )


def _table(name: str, value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: {name} = {value!r} must be a table")
    return value


def _text(name: str, value: Any, where: str, limit: int, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ValueError(f"{where}: {name} = {value!r} must be a non-empty string")
    if len(value) > limit:
        raise ValueError(f"{where}: {name} is {len(value)} characters long; the limit is {limit}")
    return value


def _check_placeholders(body: str, facts: tuple[str, ...], where: str) -> None:
    """Every ``{name:spec}`` in the body names a fact of the step and has a valid number format."""
    try:
        parsed = list(string.Formatter().parse(body))
    except ValueError as error:
        raise ValueError(f"{where}: body has a stray brace ({error}); write {{{{ or }}}}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in facts:
            raise ValueError(
                f"{where}: body placeholder {{{name}}} is not a number this step computes; "
                f"known: {', '.join(facts)}"
            )
        if conversion is not None or "{" in (spec or ""):
            raise ValueError(f"{where}: body placeholder {{{name}}} may only carry a number format")
        try:
            format(1.5, spec or "")
        except ValueError:
            raise ValueError(
                f"{where}: body placeholder {{{name}:{spec}}} has a bad format"
            ) from None


def _check_template(key: str, text: str, wanted: set[str], where: str) -> None:
    """A template label (see LABEL_TEMPLATES) must place exactly its placeholders."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        _SafeFormatter().format(text, **dict.fromkeys(wanted, 1))
    except (ValueError, KeyError, IndexError):
        names = set()
    if names != wanted:
        need = " and ".join(f"{{{n}}}" for n in sorted(wanted))
        raise ValueError(
            f"{where}: labels.{key} = {text!r} must contain {need} and no other placeholder"
        )


def _number(key: str, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: {key} = {value!r} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where}: {key} = {value!r} is not a finite number")
    return number


def _whole(key: str, value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: {key} = {value!r} is not a whole number")
    if not low <= value <= high:
        raise ValueError(f"{where}: {key} = {value!r} must be between {low} and {high}")
    return int(value)


def _unit(key: str, value: Any, where: str) -> float:
    number = _number(key, value, where)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{where}: {key} = {value!r} must be in [0, 1]")
    return number


def _check_param(key: str, value: Any, where: str) -> Any:
    """One parameter, type- and range-checked; returns it in the type StepParams holds."""
    if key in ("p", "share"):
        return _unit(key, value, where)
    if key in ("odds", "start"):
        number = _number(key, value, where)
        if number <= 0:
            raise ValueError(f"{where}: {key} = {value!r} must be greater than 0")
        return number
    if key == "rounds":
        return _whole(key, value, where, 1, MAX_ROUNDS)
    if key == "paths":
        return _whole(key, value, where, 1, MAX_PATHS)
    if key == "seed":
        return _whole(key, value, where, 0, 2**63 - 1)
    if key == "shares":
        items = _list(key, value, where)
        if not 1 <= len(items) <= 50:
            raise ValueError(f"{where}: shares = {value!r} must list 1 to 50 shares")
        return tuple(_unit(f"shares[{i}]", v, where) for i, v in enumerate(items))
    if key == "strategies":
        items = _list(key, value, where)
        if not 1 <= len(items) <= 8:
            raise ValueError(f"{where}: strategies = {value!r} must list 1 to 8 strategies")
        for i, spec in enumerate(items):
            if not isinstance(spec, str):
                raise ValueError(f"{where}: strategies[{i}] = {spec!r} is not a strategy name")
            try:
                parse_strategy(spec)
            except ValueError as error:
                raise ValueError(f"{where}: strategies[{i}] = {spec!r}: {error}") from None
        return tuple(items)
    if key == "prior":
        items = _list(key, value, where)
        if len(items) != 2:
            raise ValueError(f"{where}: prior = {value!r} must be [alpha, beta]")
        alpha, beta = (_number(f"prior[{i}]", v, where) for i, v in enumerate(items))
        if alpha <= 0 or beta <= 0:
            raise ValueError(f"{where}: prior = {value!r} must be two numbers greater than 0")
        return (alpha, beta)
    raise ValueError(f"{where}: unknown parameter {key!r} (= {value!r})")


def _list(key: str, value: Any, where: str) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{where}: {key} = {value!r} must be a list")
    return list(value)


def _check_combination(step_id: str, params: StepParams, where: str) -> None:
    """Limits that involve several parameters: memory for recorded paths."""
    recorded = {"overbetting": len(params.strategies), "many_worlds": 1, "unknown_p": 3}
    if step_id in recorded:
        cells = params.paths * params.rounds * recorded[step_id]
        if cells > MAX_TRAJECTORY_CELLS:
            raise ValueError(
                f"{where}: paths x rounds = {params.paths} x {params.rounds} is too many to draw "
                f"(limit {MAX_TRAJECTORY_CELLS // recorded[step_id]:,} per step)"
            )
    if step_id == "overbetting":
        game = CoinGame(p=params.p, odds=params.odds)
        for spec in params.strategies:
            try:
                constant = parse_strategy(spec).constant_fractions(game)
            except ValueError as error:
                raise ValueError(f"{where}: strategies: {spec!r}: {error}") from None
            if constant is None:
                raise ValueError(
                    f"{where}: strategies: {spec!r} does not stake a constant fraction; "
                    "use kelly, kelly:C, fixed:F, share:A or allin"
                )


# ---------------------------------------------------------------------------------------------
# The lessons shipped with the game


def lesson_folder() -> Path:
    """Where the shipped lessons live (``game/lessons``, in the source tree and in a wheel)."""
    return Path(str(resources.files("game") / "lessons"))


def available_languages() -> tuple[str, ...]:
    """Language tags of the shipped lessons, e.g. ``('en', 'zh-TW')``."""
    return tuple(sorted(p.stem for p in lesson_folder().glob("*.toml")))


def default_lesson(language: str = "en") -> Lesson:
    """The shipped lesson in ``language`` (a tag from :func:`available_languages`)."""
    languages = available_languages()
    if language not in languages:
        raise ValueError(
            f"language = {language!r} has no lesson; available: {', '.join(languages)}"
        )
    return load_lesson(lesson_folder() / f"{language}.toml")
