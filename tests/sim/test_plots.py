"""sim.plots: the figures draw what the closed forms and the tables say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import imread

from sim.analysis import race as race_table
from sim.analysis import race_strategies
from sim.analysis import sweep as sweep_table
from sim.cli.options import fraction_grid
from sim.engine import simulate
from sim.games import CoinGame, RaceGame
from sim.output import write_figure
from sim.plots import challenge_figure, fan_figure, race_figure, sweep_figure
from sim.strategies import parse_strategy
from sim.theory import coin_growth, entropy, kelly_fraction

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(path) -> tuple[int, int]:
    assert path.read_bytes()[:8] == PNG_MAGIC
    height, width = imread(path).shape[:2]
    return width, height


def _theory_line(axis) -> tuple[np.ndarray, np.ndarray]:
    line = next(line for line in axis.lines if line.get_label().startswith("theory"))
    return np.asarray(line.get_xdata()), np.asarray(line.get_ydata())


@pytest.fixture(scope="module")
def coin_sweep():
    game = CoinGame(p=0.6, rounds=200)
    return game, sweep_table(game, fraction_grid("0:0.99:0.03"), 400, seed=1)


def test_sweep_figure_draws_theory_peak_and_cross_entropy(coin_sweep, tmp_path):
    game, table = coin_sweep
    figure = sweep_figure(table, game, paths=400)
    upper, lower = figure.axes
    x, y = _theory_line(upper)
    assert x[np.argmax(y)] == pytest.approx(kelly_fraction(0.6), abs=0.005)
    np.testing.assert_allclose(y, coin_growth(x, 0.6), rtol=1e-12)
    assert "Kelly" in " ".join(t.get_text() for t in upper.get_legend().get_texts())
    # the lower panel: H(p) and ln 2 as horizontal lines, H(p, a) touching H(p) at f*
    levels = {round(float(line.get_ydata()[0]), 10) for line in lower.lines
              if len(set(np.atleast_1d(line.get_ydata()))) == 1}
    assert round(float(entropy([0.6, 0.4])), 10) in levels
    assert round(float(np.log(2)), 10) in levels
    cross = next(line for line in lower.lines if len(line.get_xdata()) > 10)
    np.testing.assert_allclose(cross.get_ydata(), np.log(2) - coin_growth(x, 0.6), atol=1e-12)
    width, height = _png_size(write_figure(figure, tmp_path / "sweep.png"))
    assert 900 < width < 2500 and 800 < height < 2500


def test_sweep_figure_at_odds_two(tmp_path):
    game = CoinGame(p=0.55, odds=2.0, rounds=100)
    table = sweep_table(game, fraction_grid("0:0.9:0.05"), 200, seed=2)
    upper, _ = sweep_figure(table, game).axes
    x, y = _theory_line(upper)
    assert x[np.argmax(y)] == pytest.approx(0.325, abs=0.005)


def test_sweep_figure_without_an_edge_still_draws(tmp_path):
    game = CoinGame(p=0.4, rounds=50)
    table = sweep_table(game, fraction_grid("0:0.5:0.1"), 100, seed=0)
    figure = sweep_figure(table, game)
    low, high = figure.axes[0].get_ylim()
    assert low < 0 < high
    write_figure(figure, tmp_path / "edge.svg")


def _paths_result(game, specs, paths=120):
    strategies = [parse_strategy(s) for s in specs]
    return simulate(game, strategies, paths, seed=3, method="paths", record_paths=True)


def test_fan_figure_one_panel_per_strategy_on_a_log_scale(tmp_path):
    game = CoinGame(p=0.6, start=25, cap=250, tick=0.01, rounds=60)
    result = _paths_result(game, ["kelly", "fixed:0.5", "allin"])
    figure = fan_figure(result, samples=3, total_paths=1000)
    visible = [axis for axis in figure.axes if axis.get_visible()]
    assert len(visible) == 3
    for axis, label in zip(visible, result.labels, strict=True):
        assert axis.get_yscale() == "log"
        assert axis.get_title(loc="left") == label
        assert "P(cap)" in axis.get_title(loc="right")
        assert any(np.allclose(line.get_ydata(), 250) for line in axis.lines)  # the cap line
    assert "first 120 of 1,000" in figure.get_suptitle()
    width, height = _png_size(write_figure(figure, tmp_path / "fan.png"))
    assert width > height > 300


def test_fan_figure_median_matches_the_paths(tmp_path):
    game = CoinGame(p=0.6, rounds=40)
    result = _paths_result(game, ["kelly", "kelly:0.5", "kelly:2", "allin"])
    figure = fan_figure(result, samples=0)
    axis = figure.axes[0]
    median = axis.lines[0].get_ydata()  # with no samples the median is the first line
    expected = np.exp(np.median(result.trajectories[0], axis=0))
    np.testing.assert_allclose(median, expected, rtol=1e-9)
    assert sum(axis.get_visible() for axis in figure.axes) == 4


def test_fan_figure_needs_recorded_paths():
    result = simulate(CoinGame(rounds=10), ["kelly"], 10, seed=0)
    with pytest.raises(ValueError, match="record_paths"):
        fan_figure(result)


def test_race_figure_bars_match_the_table(tmp_path):
    game = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2, 4, 6), rounds=100)
    strategies = race_strategies(game, [parse_strategy("share:0.6,0.3,0.1")])
    table = race_table(game, strategies, 300, seed=0)
    figure = race_figure(table, game)
    growth_axis, split_axis = figure.axes
    theory_bars = growth_axis.containers[0]
    np.testing.assert_allclose([bar.get_height() for bar in theory_bars],
                               table["growth_theory"], rtol=1e-12)
    entropy_bars = split_axis.containers[0]
    np.testing.assert_allclose([bar.get_height() for bar in entropy_bars], table["entropy"])
    _png_size(write_figure(figure, tmp_path / "race.png"))


def test_challenge_figure_draws_payouts_and_chances(tmp_path):
    table = pd.DataFrame({
        "strategy": ["kelly", "allin", "observed (paper)"],
        "mean_payout": [200.0, 20.0, 91.0],
        "median_payout": [250.0, 0.0, np.nan],
        "p_cap": [0.9, 0.05, 0.21],
        "p_bust": [0.0, 0.9, 0.28],
    })
    figure = challenge_figure(table, observed="observed (paper)")
    assert "250" in figure.get_suptitle()
    money, chances = figure.axes
    assert [bar.get_height() for bar in money.containers[0]] == [200.0, 20.0, 91.0]
    assert [bar.get_height() for bar in chances.containers[1]] == [0.0, 0.9, 0.28]
    assert money.containers[0][2].get_hatch() == "//"  # the paper's row stands apart
    assert money.containers[1][2].get_height() == 0  # the paper gives no median
    _png_size(write_figure(figure, tmp_path / "challenge.png"))


def test_bust_and_adaptive_strategies_are_labelled_not_drawn_as_numbers(tmp_path):
    coin = CoinGame(p=0.6, rounds=30)
    sweep = sweep_table(coin, fraction_grid("0:1:0.25"), 100, seed=0)
    assert sweep["growth_mc"].iloc[-1] == -np.inf  # all-in on a coin goes bust
    write_figure(sweep_figure(sweep, coin), tmp_path / "sweep.svg")
    race = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2, 4, 6), rounds=30)
    strategies = race_strategies(race, [parse_strategy("bayes"), parse_strategy("allin")])
    figure = race_figure(race_table(race, strategies, 100, seed=0), race)
    texts = " ".join(t.get_text() for axis in figure.axes for t in axis.texts)
    assert "no closed" in texts and "bust" in texts and "D = ∞" in texts
    assert len(figure.axes[0].containers[0]) == 1  # a theory bar for the optimum only


def _overlap(first, second) -> bool:
    return (first.x0 < second.x1 and second.x0 < first.x1
            and first.y0 < second.y1 and second.y0 < first.y1)


def test_sweep_lower_legend_sits_below_the_panel_not_on_the_curve(coin_sweep):
    game, table = coin_sweep
    figure = sweep_figure(table, game, paths=400)
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)  # lays the figure out (constrained layout)
    _, lower = figure.axes
    legend = lower.get_legend().get_window_extent(renderer)
    assert not _overlap(legend, lower.get_window_extent(renderer))
    assert legend.y1 <= lower.get_window_extent(renderer).y0


def test_fan_panel_of_a_strategy_bust_early_is_zoomed_to_its_bets():
    game = CoinGame(p=0.6, rounds=300)
    result = _paths_result(game, ["kelly", "kelly:0.5", "allin"])
    figure = fan_figure(result, samples=2)
    kelly, half, allin = figure.axes[:3]
    assert kelly.get_ylim() == half.get_ylim()  # lasting strategies share one wealth axis
    assert kelly.get_xlim()[1] > 300
    last = int(np.flatnonzero((~np.isneginf(result.trajectories[2])).any(axis=0))[-1])
    assert last < 30
    assert 10 <= allin.get_xlim()[1] < 2 * (last + 1) + 2  # the bets it lived, not 300 empty
    assert allin.get_ylim()[1] < kelly.get_ylim()[1]
    notes = " ".join(text.get_text() for text in allin.texts)
    assert f"every path bust by bet {last + 1}" in notes


def test_fan_panel_whose_paths_all_reach_the_cap_or_bust_is_zoomed_too():
    game = CoinGame(p=0.6, start=25, cap=250, tick=0.01, rounds=300)
    result = _paths_result(game, ["kelly:0.5", "allin"])
    half, allin = fan_figure(result, samples=2).axes[:2]
    assert half.get_xlim()[1] > 300
    assert allin.get_xlim()[1] < 30  # all-in: bust or capped within a few flips
    assert "bust or at the cap" in " ".join(text.get_text() for text in allin.texts)
    labels = [tick.get_text() for tick in allin.get_yticklabels() if tick.get_text()]
    assert len(labels) >= 2, labels  # a short log axis still has numbers on it


def test_race_split_labels_say_the_growth_the_table_says_with_cash_kept():
    # favourable odds (sum 1/o < 1): half Kelly keeps cash, which earns a cash term of its own
    game = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2, 4, 6), rounds=100)
    strategies = race_strategies(game, [parse_strategy("kelly"), parse_strategy("kelly:0.5")])
    table = race_table(game, strategies, 200, seed=0)
    assert abs(table.loc[1, "cash_term"]) > 0.01
    _, split_axis = race_figure(table, game).axes
    labels = [text.get_text() for text in split_axis.texts if text.get_text().startswith("G =")]
    shown = [float(label.split("\n")[0].removeprefix("G = ")) for label in labels]
    np.testing.assert_allclose(shown, table["growth_theory"], atol=5e-5)
    assert "cash term" in labels[1] and "cash term" not in labels[0]


@pytest.mark.parametrize("fractions", [[0.0], [0.05, 0.1]])
def test_a_sweep_short_of_the_kelly_peak_still_shows_it_at_a_normal_size(tmp_path, fractions):
    # found by the fuzz test: `kelly sweep --fractions 0 --plot` placed the f* label 10^8 axis
    # widths away, and the tight bounding box asked for a PNG 2 x 10^11 pixels wide
    game = CoinGame(p=0.6, rounds=10)
    figure = sweep_figure(sweep_table(game, np.array(fractions), 50, 1), game, paths=50)
    FigureCanvasAgg(figure)
    figure.savefig(tmp_path / "sweep.png", dpi=100, bbox_inches="tight")
    assert figure.axes[0].get_xlim()[1] >= 0.2  # the peak f* = 0.2 is on the axis
    height, width = imread(tmp_path / "sweep.png").shape[:2]
    assert width < 2000 and height < 2000
