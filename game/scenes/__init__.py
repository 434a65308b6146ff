"""The screens, one module per screen, found by name.

Every module in this package that defines ``SCENE`` (a :class:`game.scene.Scene` subclass with a
unique ``name``), or ``SCENES`` (several of them), provides screens: ``kelly play --screen NAME``
opens one and the app can push it by name. To add a screen, add a module here and one
:class:`~game.scenes.menu.MenuEntry` to ``MENU`` in ``menu.py``.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module

from game.scene import Scene


@cache
def registry() -> dict[str, type[Scene]]:
    """Scene name -> class, for every module of this package that defines SCENE."""
    scenes: dict[str, type[Scene]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = import_module(f"{__name__}.{info.name}")
        found = getattr(module, "SCENES", ())
        if getattr(module, "SCENE", None) is not None:
            found = (module.SCENE, *found)
        for scene in found:
            if not scene.name or scene.name in scenes:
                raise ValueError(
                    f"scene module {info.name!r}: name {scene.name!r} is empty or taken"
                )
            scenes[scene.name] = scene
    return scenes


def scene_class(name: str) -> type[Scene]:
    """The screen called ``name``, or a ValueError listing the known ones."""
    scenes = registry()
    if name not in scenes:
        raise ValueError(f"screen {name!r} does not exist; choose from {', '.join(sorted(scenes))}")
    return scenes[name]
