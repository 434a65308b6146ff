"""The classroom lesson without a window: lesson files, what each step computes, its figures.

Used by the game's classroom screen and by the headless ``kelly report`` alike, so neither
reaches into the other.

* :mod:`sim.lessons.schema` what a lesson may contain and the checks on its values;
* :mod:`sim.lessons.model` :class:`Lesson` and :class:`LessonStep`, loading lesson TOML files,
  the shipped lessons (``sim/lessons/data/*.toml``);
* :mod:`sim.lessons.steps` one computation per step (engine and closed forms);
* :mod:`sim.lessons.figures` one matplotlib figure per step (:mod:`sim.lessons.style` the look).
"""

from sim.lessons.model import (
    Lesson,
    LessonStep,
    available_languages,
    default_lesson,
    lesson_folder,
    load_lesson,
    loads_lesson,
)

__all__ = [
    "Lesson",
    "LessonStep",
    "available_languages",
    "default_lesson",
    "lesson_folder",
    "load_lesson",
    "loads_lesson",
]
