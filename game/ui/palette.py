"""The game's two palettes: the standard one and a colour-blind-safe one (Okabe & Ito 2008,
"Color Universal Design"), switched in Settings without a restart.

Every colour of the game is a :class:`Colour`: a list of three channels that the palette
rewrites in place, so a module that imported ``GOOD`` or ``PLAYER`` draws in the new palette on
the next frame.
"""

from __future__ import annotations

from collections.abc import Sequence

PALETTES = ("standard", "colour-blind")

#: Okabe-Ito colours (RGB)
ORANGE = (230, 159, 0)
SKY_BLUE = (86, 180, 233)
BLUISH_GREEN = (0, 158, 115)
YELLOW = (240, 228, 66)
BLUE = (0, 114, 178)
VERMILLION = (213, 94, 0)
REDDISH_PURPLE = (204, 121, 167)

_registered: list[Colour] = []


class Colour(list):
    """An RGB colour that follows the palette in use (pygame takes any 3-sequence)."""

    def __init__(self, standard: Sequence[int], safe: Sequence[int] | None = None) -> None:
        super().__init__(standard)
        self.standard = tuple(standard)
        self.safe = tuple(safe if safe is not None else standard)
        _registered.append(self)

    def __hash__(self) -> int:  # a colour may key a cache; its identity is what matters
        return id(self)


def use_palette(name: str) -> None:
    """Switch every colour of the game to palette ``name`` (one of :data:`PALETTES`)."""
    if name not in PALETTES:
        raise ValueError(f"palette = {name!r} must be one of {', '.join(PALETTES)}")
    for colour in _registered:
        colour[:] = colour.safe if name == "colour-blind" else colour.standard
