"""``kelly report``: the classroom handout, one folder of CSVs, figures and a page to open.

Three analyses with a fixed seed, each told from the cross-entropy point of view
(Kelly 1956; Cover & Thomas 2006, ch. 6): the growth of a repeated bet is
G = sum_i p_i ln o_i - H(p, b), and H(p, b) = H(p) + D(p||b) is smallest at b = p.

1. ``sweep``: growth against the fraction staked on a 60% coin at even money.
2. ``paths``: Kelly, half Kelly, double Kelly and all-in on the same flips (fan chart).
3. ``race``: a three-horse race, growth split into entropy and divergence.

Every sentence in the page is filled in from the tables the run produced. The default size runs
in seconds on two cores (the sweep and the race use the exact counts path).
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.analysis import paths, race, race_strategies, sweep
from sim.games import CoinGame, RaceGame
from sim.lessons.figures import render_lesson_figures
from sim.lessons.model import available_languages, default_lesson, load_lesson
from sim.money import format_money
from sim.output import check_writable_folder, write_figure, write_table, write_text
from sim.stats import summarize
from sim.strategies import parse_strategy
from sim.theory import kelly_fraction

SWEEP_GAME = CoinGame(p=0.6, odds=1.0, start=100.0, rounds=1000)
#: the fractions 0, 0.01, ..., 0.99 (what `kelly sweep --fractions 0:0.99:0.01` runs)
SWEEP_FRACTIONS = np.round(0.01 * np.arange(100), 12)
SWEEP_PATHS = 2000
PATHS_GAME = CoinGame(p=0.6, odds=1.0, start=100.0, rounds=300)
PATHS_STRATEGIES = ("kelly", "kelly:0.5", "kelly:2", "allin")
PATHS_PATHS = 1000
RACE_GAME = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 4.0, 6.0), start=100.0, rounds=1000)
RACE_STRATEGIES = ("kelly", "kelly:0.5", "share:0.6,0.3,0.1", "share:0.34,0.33,0.33")
RACE_PATHS = 2000

ProgressFactory = Callable[[str, int], contextlib.AbstractContextManager]


@dataclass(frozen=True)
class Section:
    """One figure of the handout with its table and the sentence that explains it."""

    title: str
    figure: str
    table: str
    sentence: str
    summary: pd.DataFrame | None = None


def _no_progress(_description: str, _total: int) -> contextlib.AbstractContextManager:
    return contextlib.nullcontext(None)


def _sweep_section(out: Path, seed: int, workers: int, progress: ProgressFactory) -> Section:
    from sim.plots import sweep_figure

    game = SWEEP_GAME
    with progress("report: sweep", SWEEP_PATHS) as callback:
        table = sweep(game, SWEEP_FRACTIONS, SWEEP_PATHS, seed, workers=workers,
                      progress=callback)
    write_table(table, out / "sweep.csv")
    write_figure(sweep_figure(table, game, paths=SWEEP_PATHS), out / "sweep.png")
    best = table.loc[table["growth_mc"].idxmax()]
    f_star = float(kelly_fraction(game.p, game.odds))
    at_kelly = table.iloc[int(np.argmin(np.abs(table["fraction"] - f_star)))]
    sentence = (
        f"Each dot is the average growth ln(W_T/W_0)/T of {SWEEP_PATHS:,} bankrolls that stake a "
        f"fixed fraction f on heads for {game.rounds:,} even-money flips of a coin with "
        f"p = {game.p:g}; the dots follow the theory curve and peak at f = {best['fraction']:.2f}, "
        f"the Kelly fraction 2p − 1 = {f_star:.2f}, where the share on heads a = (1 + f)/2 "
        f"equals p and the cross-entropy H(p, a) falls to its floor H(p) = "
        f"{at_kelly['entropy']:.4f} nats, leaving ln 2 − H(p) = {at_kelly['growth_theory']:.4f} "
        f"nats per flip (Monte Carlo {at_kelly['growth_mc']:.4f}); the lower panel shows every "
        f"other fraction paying the divergence D(p‖a) out of that growth."
    )
    return Section("Growth against the bet fraction", "sweep.png", "sweep.csv", sentence)


def _paths_section(out: Path, seed: int, workers: int, progress: ProgressFactory) -> Section:
    from sim.plots import fan_figure

    game = PATHS_GAME
    strategies = [parse_strategy(spec) for spec in PATHS_STRATEGIES]
    with progress("report: paths", PATHS_PATHS) as callback:
        result, recorded = paths(game, strategies, PATHS_PATHS, seed, record=True,
                                 workers=workers, progress=callback)
    summary = summarize(result)
    write_table(summary, out / "paths.csv")
    write_figure(fan_figure(recorded, total_paths=PATHS_PATHS), out / "paths.png")
    rows = summary.set_index("strategy")
    kelly, half, double, allin = (rows.loc[label] for label in PATHS_STRATEGIES)
    f_star = float(kelly_fraction(game.p, game.odds))
    sentence = (
        f"Four bettors face the same {PATHS_PATHS:,} sequences of {game.rounds} flips, starting "
        f"with {format_money(game.start)}: full Kelly (f = {f_star:.2g}) lifts the median "
        f"bankroll to {format_money(kelly['median_wealth'])}, half Kelly to "
        f"{format_money(half['median_wealth'])} with much narrower bands, double Kelly "
        f"(f = {2 * f_star:.2g}, growth {double['growth_theory']:.4f} nats per flip: H(p, a) is "
        f"back above ln 2) leaves the median at {format_money(double['median_wealth'])} even "
        f"though its sample mean is {format_money(double['mean_wealth'])}, and all-in is ruined "
        f"on {allin['p_ruin']:.0%} of paths: "
        f"the growth rate G = ln 2 − H(p, a) is the rate of the typical path, not of the mean."
    )
    table = summary[["strategy", "growth", "growth_theory", "median_wealth", "mean_wealth",
                     "wealth_q05", "wealth_q95", "p_ruin", "median_max_drawdown"]]
    return Section("Bankroll paths: Kelly, half, double, all-in", "paths.png", "paths.csv",
                   sentence, table)


def _race_section(out: Path, seed: int, workers: int, progress: ProgressFactory) -> Section:
    from sim.plots import race_figure

    game = RACE_GAME
    strategies = race_strategies(game, [parse_strategy(spec) for spec in RACE_STRATEGIES])
    with progress("report: race", RACE_PATHS) as callback:
        table = race(game, strategies, RACE_PATHS, seed, workers=workers, progress=callback)
    write_table(table, out / "race.csv")
    write_figure(race_figure(table, game), out / "race.png")
    kelly = table.loc[table["strategy"] == "kelly"].iloc[0]
    worst = table.loc[table["divergence"].idxmax()]
    probs = ", ".join(f"{q:g}" for q in game.probs)
    odds = ", ".join(f"{o:g}" for o in game.odds)
    sentence = (
        f"In a three-horse race with chances p = ({probs}) and decimal odds ({odds}), a bettor "
        f"who splits the bankroll b grows at Σ p ln o − H(p) − D(p‖b) = "
        f"{kelly['log_odds']:.4f} − {kelly['entropy']:.4f} − D nats per race: betting b = p "
        f"(Kelly) pays no divergence and grows at {kelly['growth_theory']:.4f} (Monte Carlo "
        f"{kelly['growth_mc']:.4f}), while {worst['strategy']} pays D = "
        f"{worst['divergence']:.4f} and grows at only {worst['growth_theory']:.4f}."
    )
    bets = [column for column in table.columns if column.startswith("bet_")]
    summary = table[["strategy", *bets, "cash", "growth_theory", "growth_mc", "entropy",
                     "divergence", "cross_entropy"]]
    return Section("A horse race: entropy and divergence", "race.png", "race.csv", sentence,
                   summary)


INTRO = (
    "Betting shares b of a bankroll, again and again, on outcomes with probabilities p and "
    "decimal odds o grows it at G = Σ p ln o − H(p, b) per bet, where H(p, b) = H(p) + D(p‖b) "
    "is the cross-entropy (Kelly 1956; Cover & Thomas 2006, ch. 6). Growth is largest when the "
    "bets match the probabilities, b = p, exactly as a model's log-loss is smallest when its "
    "predictions match the data. All numbers below come from the simulation engine."
)


LESSON_INTRO = (
    "The classroom lesson, one figure per step, computed by the same engine "
    "(kelly play --classroom shows them on a projector)."
)


def _html(sections: list[Section], seed: int, steps: list[tuple[str, str]]) -> str:
    def table_html(frame: pd.DataFrame) -> str:
        return frame.to_html(index=False, float_format=lambda v: f"{v:.4g}", border=0,
                             classes="numbers")

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Kelly: growth is a negative cross-entropy</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;"
        "padding:0 1em;line-height:1.45;color:#222}img{max-width:100%;border:1px solid #ddd}"
        "table.numbers{border-collapse:collapse;font-size:.9em;margin:.5em 0}"
        "table.numbers td,table.numbers th{padding:.2em .6em;text-align:right;"
        "border-bottom:1px solid #eee}footer{color:#666;font-size:.85em;margin-top:3em}</style>",
        "</head><body>",
        "<h1>Kelly: growth is a negative cross-entropy</h1>",
        f"<p>{html.escape(INTRO)}</p>",
    ]
    for section in sections:
        parts += [
            f"<h2>{html.escape(section.title)}</h2>",
            f'<img src="{html.escape(section.figure)}" alt="{html.escape(section.title)}">',
            f"<p>{html.escape(section.sentence)}</p>",
        ]
        if section.summary is not None:
            parts.append(table_html(section.summary))
        parts.append(f'<p><a href="{html.escape(section.table)}">'
                     f"{html.escape(section.table)}</a> has every number.</p>")
    if steps:
        parts += ["<h2>The lesson, step by step</h2>", f"<p>{html.escape(LESSON_INTRO)}</p>"]
        for heading, figure in steps:
            parts += [f"<h3>{html.escape(heading)}</h3>",
                      f'<img src="{html.escape(figure)}" alt="{html.escape(heading)}">']
    parts += [
        f"<footer>Made by <code>kelly report --seed {seed}</code> (kelly-game "
        f"{html.escape(sim.__version__)}); the same seed gives the same numbers.</footer>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _markdown(sections: list[Section], seed: int, steps: list[tuple[str, str]]) -> str:
    lines = ["# Kelly: growth is a negative cross-entropy", "", INTRO, ""]
    for section in sections:
        lines += [
            f"## {section.title}", "",
            f"![{section.title}]({section.figure})", "",
            section.sentence, "",
            f"Every number: [{section.table}]({section.table}).", "",
        ]
    if steps:
        lines += ["## The lesson, step by step", "", LESSON_INTRO, ""]
        for heading, figure in steps:
            lines += [f"### {heading}", "", f"![{heading}]({figure})", ""]
    lines.append(f"Made by `kelly report --seed {seed}` (kelly-game {sim.__version__}).")
    return "\n".join(lines) + "\n"


def _lesson_figures(out: Path, lesson_source: str) -> list[tuple[str, str]]:
    """Render the classroom lesson's figures into ``out/lesson``: (heading, relative path) pairs.

    ``lesson_source`` is a shipped language ("en", "zh-TW") or a lesson TOML file. The lesson
    modules draw with matplotlib only, so no window or pygame is involved.
    """
    if lesson_source in available_languages():
        lesson = default_lesson(lesson_source)
    else:
        lesson = load_lesson(lesson_source)
    paths = render_lesson_figures(lesson, out / "lesson")
    return [(step.heading, f"lesson/{path.name}")
            for step, path in zip(lesson.steps, paths, strict=True)]


def build_report(
    out: Path,
    seed: int = 0,
    *,
    workers: int = 1,
    progress: ProgressFactory | None = None,
    lesson: str | None = "en",
) -> list[Path]:
    """Run the handout's analyses and write them to folder ``out``; returns the files written.

    ``progress(description, total)`` returns a context manager yielding a progress callback
    (or None) for each simulation. ``lesson`` (a language or a lesson file; None for none) adds
    the classroom lesson's figures, one per step, as in ``kelly play --classroom``.
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"cannot create folder {str(out)!r}: {error.strerror or error}") from None
    check_writable_folder(out / "index.html")
    progress = progress or _no_progress
    sections = [
        _sweep_section(out, seed, workers, progress),
        _paths_section(out, seed, workers, progress),
        _race_section(out, seed, workers, progress),
    ]
    written = [out / name for s in sections for name in (s.table, s.figure)]
    steps = _lesson_figures(out, lesson) if lesson is not None else []
    written += [out / figure for _, figure in steps]
    written.append(write_text(out / "index.html", _html(sections, seed, steps)))
    written.append(write_text(out / "report.md", _markdown(sections, seed, steps)))
    return written
