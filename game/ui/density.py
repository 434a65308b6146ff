"""A density picture of many paths: how many paths cross each pixel, drawn as brightness.

Each path is a polyline through (x_t, y_t). It is rasterised column by column: in pixel column
c the path covers the rows between its height at c and at c + 1 (so steep segments leave no
gaps). Counts are kept per column as a difference array along y; adding rounds touches only
their columns, and only those columns of the image are recoloured, so revealing a round costs
a few thousand pixels, not the whole picture.
"""

from __future__ import annotations

import numpy as np
import pygame

LOW = np.array([30, 42, 74], dtype=float)  # one path
HIGH = np.array([125, 165, 225], dtype=float)  # every path


def palette(paths: int) -> np.ndarray:
    """(paths + 1, 3) colours: 0 paths is black (see-through), then a log ramp LOW -> HIGH."""
    level = np.log1p(np.arange(paths + 1)) / np.log1p(max(paths, 1))
    colours = LOW + level[:, None] * (HIGH - LOW)
    colours[0] = 0
    return colours.astype(np.uint8)


class PathDensity:
    """Counts of paths per pixel on a ``size`` canvas, and the image of those counts."""

    def __init__(self, size: tuple[int, int], paths: int):
        self.width, self.height = int(size[0]), int(size[1])
        self.paths = max(int(paths), 1)
        self._diff = np.zeros((self.width, self.height + 1), dtype=np.int32)
        self._counts = np.zeros((self.width, self.height), dtype=np.int32)
        self._palette = palette(self.paths)
        self._image = pygame.Surface((self.width, self.height), 0, 32)
        self._image.fill((0, 0, 0))
        self._image.set_colorkey((0, 0, 0))
        self._dirty: tuple[int, int] | None = None

    def add(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Add the segments between consecutive points: ``xs`` (points,) pixel columns shared by
        every path, ``ys`` (paths, points) pixel rows."""
        xs = np.asarray(xs, dtype=float)
        ys = np.asarray(ys, dtype=float)
        if xs.size < 2:
            return
        first = max(int(np.ceil(xs[0])), 0)  # columns c with xs[0] <= c < xs[-1]
        last = min(int(np.ceil(xs[-1])), self.width)
        if last <= first:
            return
        columns = np.arange(first, last)
        here = _interpolate(xs, ys, columns)
        there = _interpolate(xs, ys, columns + 1)
        top = np.clip(np.rint(np.minimum(here, there)), 0, self.height - 1).astype(np.int64)
        bottom = np.clip(np.rint(np.maximum(here, there)), 0, self.height - 1).astype(np.int64)
        stride = self.height + 1
        base = (columns - first)[None, :] * stride
        size = (last - first) * stride
        local = np.bincount((base + top).ravel(), minlength=size)
        local -= np.bincount((base + bottom + 1).ravel(), minlength=size)
        self._diff[first:last] += local.reshape(last - first, stride).astype(np.int32)
        self._counts[first:last] = np.cumsum(self._diff[first:last], axis=1)[:, : self.height]
        low, high = self._dirty or (first, last)
        self._dirty = (min(low, first), max(high, last))

    def counts(self) -> np.ndarray:
        """(width, height) number of paths through each pixel."""
        return self._counts

    def image(self) -> pygame.Surface:
        """The counts as colours (log scale from one path to all of them); empty is see-through."""
        if self._dirty is not None:
            first, last = self._dirty
            pixels = pygame.surfarray.pixels3d(self._image)
            pixels[first:last] = self._palette[np.minimum(self._counts[first:last], self.paths)]
            del pixels  # unlock the surface
            self._dirty = None
        return self._image


def _interpolate(xs: np.ndarray, ys: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Each path's row at the given pixel columns (linear between its points)."""
    position = np.clip(np.searchsorted(xs, columns, side="right") - 1, 0, xs.size - 2)
    x0, x1 = xs[position], xs[position + 1]
    share = np.clip((columns - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0, 1.0)
    return ys[:, position] + share * (ys[:, position + 1] - ys[:, position])
