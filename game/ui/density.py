"""A density picture of many paths: how many paths cross each pixel, drawn as brightness.

Each path is a polyline through (x_t, y_t). It is rasterised column by column: in pixel column
c the path covers the rows between its height at c and at c + 1 (so steep segments leave no
gaps). The counts are kept as a difference array along y, so adding new rounds costs only their
columns, and one cumulative sum turns it into counts.
"""

from __future__ import annotations

import numpy as np
import pygame

LOW = np.array([30, 42, 74], dtype=float)  # one path
HIGH = np.array([125, 165, 225], dtype=float)  # every path


class PathDensity:
    """Counts of paths per pixel on a ``size`` canvas, and the image of those counts."""

    def __init__(self, size: tuple[int, int], paths: int):
        self.width, self.height = int(size[0]), int(size[1])
        self.paths = max(int(paths), 1)
        self._diff = np.zeros(self.width * (self.height + 1), dtype=np.int32)
        self._image: pygame.Surface | None = None
        self._rgb = np.zeros((self.width, self.height, 3), dtype=np.uint8)

    def add(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Add the segments between consecutive points: ``xs`` (points,) pixel columns shared by
        every path, ``ys`` (paths, points) pixel rows."""
        xs = np.asarray(xs, dtype=float)
        ys = np.asarray(ys, dtype=float)
        if xs.size < 2:
            return
        columns = np.arange(int(np.ceil(xs[0])), int(np.ceil(xs[-1])))  # xs[0] <= c < xs[-1]
        columns = columns[(columns >= 0) & (columns < self.width)]
        if columns.size == 0:
            return
        here = _interpolate(xs, ys, columns)
        there = _interpolate(xs, ys, columns + 1)
        top = np.clip(np.rint(np.minimum(here, there)), 0, self.height - 1).astype(np.int64)
        bottom = np.clip(np.rint(np.maximum(here, there)), 0, self.height - 1).astype(np.int64)
        stride = self.height + 1
        base = columns[None, :] * stride
        size = self._diff.size
        self._diff += np.bincount((base + top).ravel(), minlength=size).astype(np.int32)
        self._diff -= np.bincount((base + bottom + 1).ravel(), minlength=size).astype(np.int32)
        self._image = None

    def counts(self) -> np.ndarray:
        """(width, height) number of paths through each pixel."""
        grid = self._diff.reshape(self.width, self.height + 1)
        return np.cumsum(grid, axis=1)[:, : self.height]

    def image(self) -> pygame.Surface:
        """The counts as colours (log scale from one path to all of them); empty is see-through."""
        if self._image is None:
            counts = self.counts()
            level = np.log1p(counts) / np.log1p(self.paths)
            rgb = LOW + level[..., None] * (HIGH - LOW)
            rgb[counts == 0] = 0
            np.copyto(self._rgb, rgb.astype(np.uint8))
            image = pygame.Surface((self.width, self.height))
            pygame.surfarray.blit_array(image, self._rgb)
            image.set_colorkey((0, 0, 0))
            self._image = image
        return self._image


def _interpolate(xs: np.ndarray, ys: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Each path's row at the given pixel columns (linear between its points)."""
    position = np.clip(np.searchsorted(xs, columns, side="right") - 1, 0, xs.size - 2)
    x0, x1 = xs[position], xs[position + 1]
    share = np.clip((columns - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0, 1.0)
    return ys[:, position] + share * (ys[:, position + 1] - ys[:, position])
