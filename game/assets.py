"""Find the game's assets in a source checkout (repo-root ``assets/``) or an installed wheel.

The wheel force-includes the repository's ``assets/`` folder as ``game/assets`` (pyproject.toml),
so the game looks beside its own package first and then one level up.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sim import files

#: a shipped theme file, read like every other file (regular, bounded, depth-checked)
THEME = files.FileKind("theme", 1 << 20)

MARKER = "theme.json"


@cache
def assets_dir() -> Path:
    """The folder that holds theme.json, fonts/ and sounds/."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "assets", package.parent / "assets"):
        if (candidate / MARKER).is_file():
            return candidate
    raise FileNotFoundError(
        f"the game's assets were not found beside {package} (looked for assets/{MARKER})"
    )


def asset(*parts: str) -> Path:
    """Path of one asset, e.g. ``asset("sounds", "flip.wav")``."""
    return assets_dir().joinpath(*parts)


def font_path(bold: bool = False) -> Path:
    """The UI font (DejaVu Sans), regular or bold."""
    return asset("fonts", "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


def load_theme() -> dict:
    """The pygame_gui theme with its font paths made absolute (they are relative to assets/).

    A block whose font gives only a size or style takes the face (name and paths) of the
    ``#base`` block, so the JSON names the font files once.
    """
    theme = files.load_json(asset(MARKER), THEME)
    face = {k: v for k, v in theme["#base"]["font"].items() if k == "name" or k.endswith("_path")}
    for block in theme.values():
        font = block.get("font") if isinstance(block, dict) else None
        if isinstance(font, dict):
            for key, value in face.items():
                font.setdefault(key, value)
            for key, value in font.items():
                if key.endswith("_path"):
                    font[key] = str(asset(value))
    return theme
