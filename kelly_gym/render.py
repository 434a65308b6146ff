"""Frames of an episode: a text line (``"ansi"``) and a small bankroll chart (``"rgb_array"``).

The chart is drawn off screen with pygame, imported inside :func:`rgb_array` only (as
Gymnasium's classic-control envs do), so the environments run without pygame until a frame is
asked for. It is this package's own drawing, not the game's: the environment sits beside
``game/``, never on top of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from gymnasium.error import DependencyNotInstalled

from sim.games import CoinGame, RaceGame

SIZE = (480, 300)
_BACKGROUND = (250, 250, 247)
_GRID = (222, 222, 215)
_TEXT = (40, 40, 40)
_PATH = (38, 99, 181)
_CAP = (36, 138, 61)
_BUST = (190, 45, 45)
_START = (150, 150, 150)
_PLOT = (48, 56, 464, 284)  # left, top, right, bottom


@dataclass(frozen=True)
class LastRound:
    """What the last round did: the outcome's name, the stake in money (signed for a coin:
    negative on tails), and whether it reached the cap or went bust."""

    outcome: str
    stake: float
    capped: bool
    bust: bool


@dataclass(frozen=True)
class Frame:
    """Everything a frame shows."""

    game: CoinGame | RaceGame
    history: Sequence[float]  # bankroll after each round so far, the start first
    rounds_left: int
    counts: np.ndarray  # how often each outcome came up
    last: LastRound | None
    note: str = ""

    @property
    def played(self) -> int:
        return self.game.rounds - self.rounds_left


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _status(frame: Frame) -> str:
    game = frame.game
    parts = [f"round {frame.played}/{game.rounds}", f"wealth {_money(frame.history[-1])}"]
    if game.cap is not None:
        parts.append(f"cap {_money(game.cap)}")
    last = frame.last
    if last is not None and last.capped:
        parts.append("CAP REACHED")
    elif last is not None and last.bust:
        parts.append("BUST")
    return " | ".join(parts)


def _last_line(frame: Frame) -> str:
    last, game = frame.last, frame.game
    tally = ", ".join(f"{name} {int(n)}" for name, n in
                      zip(game.outcome_names, frame.counts, strict=True))
    if last is None:
        head = "no round played yet"
    elif isinstance(game, CoinGame):
        side = "tails" if last.stake < 0 else "heads"
        head = f"last: {last.outcome}, staked {_money(abs(last.stake))} on {side}"
    else:
        head = f"last: {last.outcome} won, staked {_money(last.stake)}"
    line = f"{head} | seen: {tally}"
    return f"{line} | {frame.note}" if frame.note else line


def ansi(frame: Frame) -> str:
    """Two lines of text: where the episode stands, and what the last round did.

    Examples
    --------
    >>> from sim.games import HAGHANI_DEWEY
    >>> print(ansi(Frame(HAGHANI_DEWEY, [25.0, 30.0], 299, np.array([1, 0]),
    ...                  LastRound("heads", 5.0, False, False))), end="")
    round 1/300 | wealth $30.00 | cap $250.00
    last: heads, staked $5.00 on heads | seen: heads 1, tails 0
    """
    return f"{_status(frame)}\n{_last_line(frame)}\n"


def _y_range(frame: Frame) -> tuple[float, float]:
    """Log-scale limits: the smallest positive bankroll seen (or half the start) to the cap."""
    history = np.asarray(frame.history, dtype=float)
    positive = history[history > 0]
    low = min(float(positive.min()) if positive.size else frame.game.start, frame.game.start) / 2
    top = frame.game.cap if frame.game.cap is not None else float(history.max()) * 1.25
    return math.log(low), math.log(max(top, low * 4))


def _points(frame: Frame, y_low: float, y_high: float) -> list[tuple[float, float]]:
    left, top, right, bottom = _PLOT
    history = np.asarray(frame.history, dtype=float)
    x = left + np.arange(history.size) / max(frame.game.rounds, 1) * (right - left)
    with np.errstate(divide="ignore"):
        logs = np.log(np.maximum(history, math.exp(y_low)))
    y = bottom - (logs - y_low) / (y_high - y_low) * (bottom - top)
    return list(zip(x.tolist(), y.tolist(), strict=True))


def rgb_array(frame: Frame) -> np.ndarray:
    """The bankroll so far on a log scale, with the start and the cap, as an (H, W, 3) uint8
    image; pygame is imported here, on first use."""
    try:
        import pygame
    except ImportError as error:  # pragma: no cover - pygame-ce is a dependency of the project
        raise DependencyNotInstalled(
            "rgb_array rendering needs pygame: pip install pygame-ce"
        ) from error
    pygame.font.init()
    surface = pygame.Surface(SIZE)
    surface.fill(_BACKGROUND)
    left, top, right, bottom = _PLOT
    y_low, y_high = _y_range(frame)

    def row(money: float) -> float:
        return bottom - (math.log(money) - y_low) / (y_high - y_low) * (bottom - top)

    pygame.draw.rect(surface, _GRID, pygame.Rect(left, top, right - left, bottom - top), 1)
    pygame.draw.line(surface, _START, (left, row(frame.game.start)),
                     (right, row(frame.game.start)), 1)
    if frame.game.cap is not None:
        pygame.draw.line(surface, _CAP, (left, row(frame.game.cap)),
                         (right, row(frame.game.cap)), 2)
    points = _points(frame, y_low, y_high)
    if len(points) > 1:
        pygame.draw.lines(surface, _PATH, False, points, 2)
    last = frame.last
    colour = _BUST if last is not None and last.bust else _CAP if (
        last is not None and last.capped) else _PATH
    pygame.draw.circle(surface, colour, points[-1], 4)
    font = pygame.font.Font(None, 20)
    for i, line in enumerate((_status(frame), _last_line(frame))):
        surface.blit(font.render(line[:70], True, _TEXT), (8, 8 + 20 * i))
    return np.transpose(pygame.surfarray.array3d(surface), axes=(1, 0, 2)).copy()
