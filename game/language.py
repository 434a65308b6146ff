"""What a language changes in the game besides its messages: the widgets' font and the lesson
the classroom opens with (the messages themselves are :mod:`sim.i18n`'s)."""

from __future__ import annotations

from game.assets import asset, load_theme
from game.ui.style import CJK_FONT
from sim.i18n import is_cjk
from sim.lessons import available_languages as lesson_languages


def theme_for(language: str) -> dict:
    """The widgets' theme (assets/theme.json) with the face of ``language``: every block's
    font becomes the CJK subset for Chinese (regular and bold alike: it has one weight)."""
    theme = load_theme()
    if not is_cjk(language):
        return theme
    path = str(asset("fonts", CJK_FONT))
    for block in theme.values():
        face = block.get("font") if isinstance(block, dict) else None
        if isinstance(face, dict):
            face.update(name="notosanstc", regular_path=path, bold_path=path)
    return theme


def start_options(screen: str, lesson: str | None, language: str) -> dict:
    """The first screen's options: the classroom's lesson (--lesson, else the game's language)."""
    if screen != "classroom":
        return {}
    if lesson:
        return {"lesson": lesson}
    return {"language": language} if language in lesson_languages() else {}
