"""Chart helpers and the path-density picture (pure functions and one offscreen surface)."""

import numpy as np
import pygame
import pytest

from game.ui.charts import log_ticks, nice_step, spread_labels
from game.ui.density import PathDensity, palette
from game.ui.style import money


def test_nice_step_and_log_ticks():
    assert nice_step(10, 5) == 2
    assert nice_step(0.07, 4) == 0.02
    assert log_ticks(30, 400) == [50, 100, 200]
    assert log_ticks(0.5, 5000, most=4) == [1, 10, 100, 1000]
    assert log_ticks(-1, 10) == []
    many = log_ticks(1e-3, 1e12, most=5)
    assert len(many) <= 5 and all(np.log10(t).is_integer() for t in many)


def test_money_labels():
    # one formatter for every screen (sim.money.format_money): axis labels drop whole cents,
    # legends keep cents below $1,000, then three significant digits, never "e+"
    assert money(13150.1, cents=False) == "$13.2K"
    assert money(0.515378, cents=False) == "$0.52"
    assert money(20, cents=False) == "$20"
    assert money(70.731) == "$70.73"
    assert money(1234.5) == "$1.23K"
    assert money(2.5e6) == "$2.5M"
    assert money(8.34e301) == "$8.34×10³⁰¹"


def test_spread_labels_keeps_order_and_gap():
    rows = spread_labels([100, 101, 102, 300], 17, 0, 400)
    assert rows[0] == 100 and rows[1] - rows[0] >= 17 and rows[2] - rows[1] >= 17
    assert rows[3] == 300
    squeezed = spread_labels([395, 396, 397], 17, 0, 400)
    assert max(squeezed) <= 400 and sorted(squeezed) == squeezed


@pytest.fixture
def surfaces():
    pygame.init()
    pygame.display.set_mode((64, 64))
    yield
    pygame.quit()


def test_density_counts_paths_per_pixel(surfaces):
    density = PathDensity((10, 20), paths=3)
    xs = np.array([0.0, 10.0])
    ys = np.array([[5.0, 5.0], [5.0, 5.0], [2.0, 12.0]])
    density.add(xs, ys)
    counts = density.counts()
    # the slanted path y = 2 + x covers rows y(c)..y(c+1) in column c: row 5 in columns 2 and 3
    assert counts[:, 5].tolist() == [2, 2, 3, 3, 2, 2, 2, 2, 2, 2]
    assert counts.sum(axis=1).min() >= 3  # every column holds every path
    flat = np.array([[5.0, 5.0]])
    single = PathDensity((10, 20), paths=1)
    single.add(xs, flat)
    assert single.counts()[:, 5].tolist() == [1] * 10 and single.counts().sum() == 10


def test_density_grows_incrementally_like_at_once(surfaces):
    rng = np.random.default_rng(0)
    ys = rng.uniform(0, 40, size=(50, 11))
    xs = np.linspace(0, 30, 11)
    whole = PathDensity((30, 40), paths=50)
    whole.add(xs, ys)
    parts = PathDensity((30, 40), paths=50)
    for a, b in ((0, 3), (3, 4), (4, 11)):
        parts.add(xs[a : b + 1], ys[:, a : b + 1])
    assert np.array_equal(whole.counts(), parts.counts())
    image = parts.image()
    assert image.get_size() == (30, 40)
    colours = palette(50)
    column, row = np.argwhere(parts.counts() > 0)[0]
    assert tuple(image.get_at((int(column), int(row))))[:3] == tuple(
        colours[parts.counts()[column, row]])
    assert tuple(colours[0]) == (0, 0, 0) and all(colours[1] > 0)
