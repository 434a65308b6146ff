"""Lesson files: the classroom lesson as data (TOML), validated on load.

A lesson is a title, a language tag and an ordered list of steps. Each step names one of the
eight ideas of the lesson (:data:`STEP_IDS`), a heading, a body text and the parameters its
computation uses (:mod:`sim.lessons.steps` turns a step into numbers). A teacher edits the text
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
placeholder are written ``{{`` and ``}}``. Lesson text is untrusted (it travels by e-mail): it is
compiled by :mod:`sim.text_template` (a closed set of fields, format specs of width <= 40 and
precision <= 6), never given to ``str.format``. Each step's parameters are also checked against
what its figure can draw (e.g. ``peak_decomposition`` needs 0 < share < 1).

A lesson file is data only: it is parsed with :mod:`tomllib` (tomli on Python 3.10) and never
evaluated or unpickled. Every problem (an unknown key, a wrong type, p outside [0, 1], NaN, an
unknown placeholder) raises ``ValueError`` naming the key and the value.
"""


from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sim import files
from sim.files import excerpt
from sim.lessons.schema import (  # noqa: F401  (the step tables are part of this module's API)
    _LANGUAGE,
    _LESSON_KEYS,
    _STEP_KEYS_ALLOWED,
    LABEL_TEMPLATES,
    LABELS,
    MAX_BODY,
    MAX_FILE_BYTES,
    MAX_HEADING,
    MAX_PATHS,
    MAX_ROUNDS,
    MAX_TITLE,
    MAX_TRAJECTORY_CELLS,
    STEP_DEFAULTS,
    STEP_FACTS,
    STEP_IDS,
    STEP_KEYS,
    StepParams,
    _check_combination,
    _check_param,
    _check_placeholders,
    _check_template,
    _no_unknown,
    _table,
    _text,
)
from sim.text_template import Template, compile_template


@dataclass(frozen=True)
class LessonStep:
    """One idea of the lesson: which computation (``id``), what to say, with which numbers."""

    id: str
    heading: str
    body: str
    params: StepParams
    #: the body compiled once (closed set of fields, bounded specs); None: compiled on use
    template: Template | None = field(default=None, compare=False, repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        """The parameters this step uses."""
        return STEP_KEYS[self.id]

    def with_params(self, where: str | None = None, **changes: Any) -> LessonStep:
        """A copy with some parameters changed (keys the step does not use are ignored),
        validated like a lesson file: a bad value raises ValueError naming it, after ``where``
        (default: the step's heading; :meth:`Lesson.with_params` gives its number and heading,
        what the teacher sees, never the internal id)."""
        where = where or " ".join(self.heading.split())
        used = {k: v for k, v in changes.items() if k in self.keys}
        checked = {k: _check_param(k, v, where) for k, v in used.items()}
        params = dataclasses.replace(self.params, **checked)
        _check_combination(self.id, params, where)
        return dataclasses.replace(self, params=params)

    def render_body(self, facts: Mapping[str, float]) -> str:
        """The body with its ``{name:spec}`` placeholders filled from a step's facts
        (:mod:`sim.text_template`: bounded in time and size whatever the lesson file says)."""
        template = self.template or compile_template(self.body, STEP_FACTS[self.id])
        return template.render(facts)


@dataclass(frozen=True)
class Lesson:
    """A validated lesson: title, language tag, steps and the labels the screen prints."""

    title: str
    language: str
    steps: tuple[LessonStep, ...]
    labels: Mapping[str, str] = field(default_factory=lambda: dict(LABELS))
    source: str = "<string>"
    #: LABEL_TEMPLATES compiled on load; missing ones are compiled on use
    templates: Mapping[str, Template] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.steps)

    def label(self, key: str) -> str:
        """A word to print (``LABELS`` key), in the lesson's language."""
        return self.labels[key]

    def step_counter(self, index: int) -> str:
        """'Step 3 of 8' (in the lesson's language) for the step at 0-based ``index``."""
        return self.counter("step_counter", index + 1, len(self.steps))

    def counter(self, key: str, number: int, total: int) -> str:
        """A template label of LABEL_TEMPLATES filled in, e.g. 'Flip 12 of 100' (the one way
        to fill a label: never ``str.format`` on lesson text)."""
        template = self.templates.get(key) or compile_template(self.labels[key],
                                                                LABEL_TEMPLATES[key])
        return template.render({"number": number, "total": total})

    def step_title(self, index: int) -> str:
        """How a message names the step at 0-based ``index``: its heading, after its number
        unless the heading starts with it ("4. The growth rate ...")."""
        heading = " ".join(self.steps[index].heading.split())  # one line
        number = str(index + 1)
        if heading.startswith(number) and not heading[len(number):][:1].isdigit():
            return heading
        return f"{number}. {heading}"

    def with_params(self, **changes: Any) -> Lesson:
        """A copy with parameters changed on every step that uses them (the teacher's edits);
        a value a step refuses raises ValueError after the step's number and heading
        ("4. The growth rate is a negative cross-entropy: paths = 200000 must be ...")."""
        steps = tuple(step.with_params(where=self.step_title(i), **changes)
                      for i, step in enumerate(self.steps))
        return dataclasses.replace(self, steps=steps)


# ---------------------------------------------------------------------------------------------
# Loading


def load_lesson(path: str | Path) -> Lesson:
    """Read and validate a lesson file (TOML) through :func:`sim.files.read_text` (a regular
    file of at most 1 MB; a byte-order mark is fine). Problems raise ValueError naming them."""
    text = files.read_text(path, files.LESSON)
    return loads_lesson(text, source=str(path))


def loads_lesson(text: str, source: str = "<string>") -> Lesson:
    """Parse (nesting at most 16 deep) and validate a lesson from TOML text."""
    return lesson_from_dict(files.parse_toml(text, source, files.LESSON), source=source)


def lesson_from_dict(data: Mapping[str, Any], source: str = "<string>") -> Lesson:
    """Validate a parsed lesson (the dict TOML gives) and build a :class:`Lesson`."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{source}: a lesson must be a table, got {type(data).__name__}")
    _no_unknown(data, _LESSON_KEYS, source)
    title = _text("title", data.get("title"), source, MAX_TITLE)
    language = data.get("language")
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        raise ValueError(f"{source}: language = {excerpt(language)} must be a tag such as "
                         "'en' or 'zh-TW'")
    defaults = _table("defaults", data.get("defaults", {}), source)
    _no_unknown(defaults, set(dataclasses.asdict(StepParams())), f"{source}: [defaults]")
    shared = {k: _check_param(k, v, f"{source}: [defaults]") for k, v in defaults.items()}
    labels = dict(LABELS)
    given = _table("labels", data.get("labels", {}), source)
    _no_unknown(given, set(LABELS), f"{source}: [labels]")
    for key, value in given.items():
        labels[key] = _text(f"labels.{key}", value, source, MAX_HEADING)
    templates = {key: _check_template(key, labels[key], names, source)
                 for key, names in LABEL_TEMPLATES.items()}
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ValueError(f"{source}: steps = {excerpt(raw_steps)} must be a non-empty list of "
                         "[[steps]]")
    steps = tuple(_step(i, raw, shared, source) for i, raw in enumerate(raw_steps, start=1))
    return Lesson(title=title, language=language, steps=steps, labels=labels, source=source,
                  templates=templates)


def _step(number: int, raw: Any, shared: Mapping[str, Any], source: str) -> LessonStep:
    where = f"{source}: step {number}"
    raw = _table(f"step {number}", raw, source)
    _no_unknown(raw, _STEP_KEYS_ALLOWED, where)
    step_id = raw.get("id")
    if step_id not in STEP_IDS:
        raise ValueError(f"{where}: id = {excerpt(step_id)} is not one of {', '.join(STEP_IDS)}")
    where = f"{source}: step {number} ({step_id})"
    heading = _text("heading", raw.get("heading"), where, MAX_HEADING)
    body = _text("body", raw.get("body", ""), where, MAX_BODY, empty=True)
    template = _check_placeholders(body, STEP_FACTS[step_id], where)
    given = _table("params", raw.get("params", {}), where)
    allowed = STEP_KEYS[step_id]
    _no_unknown(given, set(allowed), f"{where}: [steps.params]")
    values = dict(STEP_DEFAULTS[step_id])
    values.update({k: v for k, v in shared.items() if k in allowed})
    values.update({k: _check_param(k, v, where) for k, v in given.items()})
    params = StepParams(**values)
    _check_combination(step_id, params, where)
    return LessonStep(id=step_id, heading=heading, body=body, params=params, template=template)


# ---------------------------------------------------------------------------------------------
# The lessons shipped with the package


def lesson_folder() -> Path:
    """Where the shipped lessons live (``sim/lessons/data``, in the source tree and in a wheel)."""
    return Path(str(resources.files("sim.lessons") / "data"))


def available_languages() -> tuple[str, ...]:
    """Language tags of the shipped lessons, e.g. ``('en', 'zh-TW')``."""
    return tuple(sorted(p.stem for p in lesson_folder().glob("*.toml")))


def default_lesson(language: str = "en") -> Lesson:
    """The shipped lesson in ``language`` (a tag from :func:`available_languages`)."""
    languages = available_languages()
    if language not in languages:
        raise ValueError(
            f"language = {excerpt(language)} has no lesson; available: {', '.join(languages)}"
        )
    return load_lesson(lesson_folder() / f"{language}.toml")
