"""Kelly's private wire, simulated: the same races bet with and without the signal.

Two gamblers bet on the same outcomes X (common random numbers): one knows only p(x) and bets the
growth-optimal shares for it, the other sees a signal Y drawn with each outcome and bets the
optimal shares for p(x | y) (:func:`sim.information.wire_shares`). Their growth per race is
compared with the closed forms of :func:`sim.information.wire_value`: at fair odds the wire adds
exactly I(X;Y) (Kelly 1956; Cover & Thomas 2006, §6.2).

The outcomes are the engine's own draws (:func:`sim.engine.block_outcomes`: block ``b`` of
:data:`sim.engine.BLOCK_PATHS` paths from ``SeedSequence(seed, spawn_key=(b,))``), so the bettor
without the wire sees exactly the races that :func:`sim.engine.simulate` would run for the
race with probabilities p(x). The signals come from a second stream per block,
``SeedSequence(seed, spawn_key=(b, SIGNAL_STREAM))``, drawn given the outcome. Path i always gets
the same races and signals, whatever the number of paths asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from sim.engine import BLOCK_PATHS, block_outcomes, resolve_seed
from sim.games import RaceGame
from sim.information import (
    check_odds,
    fair_odds,
    joint_distribution,
    quote,
    tip_joint,
    wire_shares,
    wire_value,
)
from sim.theory import kelly_shares

#: the signal stream's second spawn-key entry (the outcome stream of block b is (b,))
SIGNAL_STREAM = 1
#: rounds of signals drawn at a time (bounds the memory of a block to a few MB)
SPAN_ROUNDS = 1024
#: the most rounds per path (a block's outcomes, rounds x 1024 bytes, are drawn at once)
MAX_ROUNDS = 100_000
#: the most path x round draws of one simulation
MAX_WORK = 10**9
#: sample paths recorded for figures at most
MAX_SAMPLES = 64
TABLE_COLUMNS = [
    "label", "accuracy", "outcomes", "signals", "inverse_odds", "cash", "paths", "rounds",
    "entropy", "conditional_entropy", "mutual_information",
    "without_theory", "without_mc", "without_se",
    "with_theory", "with_mc", "with_se",
    "gain_theory", "gain_mc", "gain_se", "gain_z",
]


def _count(name: str, value: object, least: int, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} = {quote(value)} is not a whole number")
    if not least <= value <= most:
        raise ValueError(f"{name} = {value} must be at least {least} and at most {most:,}")
    return int(value)


@dataclass(frozen=True)
class WireRun:
    """Log-wealth per path (ln W_T / W_0) of the two gamblers on common outcomes.

    ``sample_without`` / ``sample_with`` hold ln W_t for t = 0..rounds of the first ``samples``
    paths (shape (samples, rounds + 1)), for figures.
    """

    joint: np.ndarray
    odds: np.ndarray
    cash: bool
    seed: int
    rounds: int
    log_wealth_without: np.ndarray
    log_wealth_with: np.ndarray
    sample_without: np.ndarray
    sample_with: np.ndarray

    @property
    def paths(self) -> int:
        return self.log_wealth_without.size


def _log_multipliers(joint: np.ndarray, odds: np.ndarray, cash: bool):
    """ln(b_0 + b_x o_x) per outcome without the wire, per (outcome, signal) with it."""
    marginal = joint.sum(axis=1)
    plain = kelly_shares(marginal, odds)[0] if cash else marginal
    tipped = wire_shares(joint, odds, cash)
    with np.errstate(divide="ignore"):  # an outcome bet nothing, which then never comes
        without = np.log(1.0 - plain.sum() + plain * odds)
        with_wire = np.log(1.0 - tipped.sum(axis=0) + tipped * odds[:, None])
    return without, with_wire


def _signal_thresholds(joint: np.ndarray) -> np.ndarray:
    """Cumulative p(y | x) per outcome, without the last column (a draw u picks #{c <= u})."""
    marginal = joint.sum(axis=1, keepdims=True)
    channel = joint / np.where(marginal > 0, marginal, 1.0)
    return np.cumsum(channel, axis=1)[:, :-1]


def _block(game: RaceGame, joint, logs, seed: int, block: int, width: int, samples: int):
    """Log-wealth of paths ``block * BLOCK_PATHS`` .. ``+ width`` and their sample increments."""
    without, with_wire = logs
    outcomes = block_outcomes(game, seed, block)[:, :width]
    thresholds = _signal_thresholds(joint)
    signals_rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, SIGNAL_STREAM)))
    )
    total = np.zeros((2, width))
    steps = np.empty((2, game.rounds, samples))
    for start in range(0, game.rounds, SPAN_ROUNDS):
        x = outcomes[start:start + SPAN_ROUNDS]
        draws = signals_rng.random((x.shape[0], BLOCK_PATHS))[:, :width]
        y = (draws[..., None] >= thresholds[x]).sum(axis=-1)
        plain, tipped = without[x], with_wire[x, y]
        total[0] += plain.sum(axis=0)
        total[1] += tipped.sum(axis=0)
        steps[0, start:start + x.shape[0]] = plain[:, :samples]
        steps[1, start:start + x.shape[0]] = tipped[:, :samples]
    return total, steps


def simulate_wire(
    joint: ArrayLike,
    odds: ArrayLike | None = None,
    *,
    paths: int = 10_000,
    rounds: int = 100,
    seed: int = 0,
    cash: bool = True,
    samples: int = 0,
) -> WireRun:
    """Play ``rounds`` races on ``paths`` bankrolls with and without the wire, on common outcomes.

    Parameters
    ----------
    joint : array_like, shape (outcomes, signals)
        P(X = x, Y = y) (:func:`sim.information.joint_distribution`).
    odds : array_like, optional
        Decimal odds per outcome; default uniform fair m-for-1.
    paths, rounds : int
        Independent bankrolls, and races per bankroll (at most :data:`MAX_ROUNDS`; paths x
        rounds at most :data:`MAX_WORK`).
    seed : int
        Fixes every outcome and signal; path i is the same whatever ``paths`` is.
    cash : bool
        Whether the gamblers may keep cash (subfair odds).
    samples : int
        Paths whose whole log-wealth path is kept (at most :data:`MAX_SAMPLES`).

    Returns
    -------
    WireRun

    Raises
    ------
    ValueError
        Naming a bad table, odds, count or seed.

    Examples
    --------
    >>> run = simulate_wire(tip_joint(1.0), paths=3, rounds=10, seed=1)
    >>> (run.log_wealth_with / run.rounds).round(6).tolist()  # a perfect tip doubles each bet
    [0.693147, 0.693147, 0.693147]
    """
    table = joint_distribution(joint)
    o = fair_odds(table.shape[0]) if odds is None else check_odds(odds, table.shape[0])
    paths = _count("paths", paths, 1, MAX_WORK)
    rounds = _count("rounds", rounds, 1, MAX_ROUNDS)
    samples = _count("samples", samples, 0, min(MAX_SAMPLES, paths))
    if paths * rounds > MAX_WORK:
        raise ValueError(f"paths x rounds = {paths * rounds:,} is more than {MAX_WORK:,} draws")
    seed = resolve_seed(seed)
    game = RaceGame(probs=tuple(table.sum(axis=1)), odds=tuple(o), rounds=rounds)
    logs = _log_multipliers(table, o, cash)
    totals = np.empty((2, paths))
    steps = np.zeros((2, rounds, samples))
    for block in range(math.ceil(paths / BLOCK_PATHS)):
        first = block * BLOCK_PATHS
        width = min(BLOCK_PATHS, paths - first)
        kept = max(0, min(samples - first, width))
        total, block_steps = _block(game, table, logs, seed, block, width, kept)
        totals[:, first:first + width] = total
        steps[:, :, first:first + kept] = block_steps
    start = np.zeros((2, samples, 1))
    trajectories = np.concatenate([start, np.cumsum(steps.transpose(0, 2, 1), axis=2)], axis=2)
    return WireRun(table, o, bool(cash), seed, rounds, totals[0], totals[1],
                   trajectories[0], trajectories[1])


def _mean_and_error(values: np.ndarray) -> tuple[float, float]:
    mean = float(values.mean())
    if values.size < 2 or not np.all(np.isfinite(values)):
        return mean, math.nan
    return mean, float(values.std(ddof=1) / math.sqrt(values.size))


def _z_score(difference: float, error: float) -> float:
    """difference / error; 0 when both vanish (a bet that cannot vary, e.g. a worthless tip)."""
    if error > 0:
        return difference / error
    return 0.0 if abs(difference) < 1e-12 else math.nan


def wire_summary(run: WireRun, label: str = "", accuracy: float = math.nan) -> dict:
    """One table row: theory beside Monte Carlo (mean and standard error per race).

    ``gain_mc`` is the mean over paths of the paired difference (same races), so its standard
    error is far smaller than either growth's; ``gain_z`` = (gain_mc - gain_theory)/gain_se.
    """
    value = wire_value(run.joint, run.odds, run.cash)
    without = run.log_wealth_without / run.rounds
    with_wire = run.log_wealth_with / run.rounds
    with np.errstate(invalid="ignore"):  # -inf - -inf only if both went bust
        gain = with_wire - without
    row = {"label": label, "accuracy": float(accuracy), "outcomes": run.joint.shape[0],
           "signals": run.joint.shape[1], "inverse_odds": value.inverse_odds,
           "cash": run.cash, "paths": run.paths, "rounds": run.rounds,
           "entropy": value.entropy, "conditional_entropy": value.conditional_entropy,
           "mutual_information": value.mutual_information}
    theory = {"without": value.without_wire, "with": value.with_wire, "gain": value.gain}
    for name, values in (("without", without), ("with", with_wire), ("gain", gain)):
        mean, error = _mean_and_error(values)
        row |= {f"{name}_theory": theory[name], f"{name}_mc": mean, f"{name}_se": error}
    row["gain_z"] = _z_score(row["gain_mc"] - row["gain_theory"], row["gain_se"])
    return row


def tip_table(
    accuracies: ArrayLike,
    prior: ArrayLike = (0.5, 0.5),
    odds: ArrayLike | None = None,
    **simulation,
) -> tuple[pd.DataFrame, list[WireRun]]:
    """:func:`wire_summary` rows for a symmetric tip of each accuracy (:func:`tip_joint`).

    Every accuracy is played on the same seed, so the outcomes are common to all rows.
    ``simulation`` passes ``paths``, ``rounds``, ``seed``, ``cash``, ``samples`` on to
    :func:`simulate_wire`.

    Examples
    --------
    >>> table, _ = tip_table([0.5, 0.75], paths=2000, rounds=50, seed=3)
    >>> table["with_theory"].round(4).tolist()  # ln 2 - H(q)
    [0.0, 0.1308]
    >>> bool((table["gain_z"].abs() < 4).all())
    True
    """
    values = np.atleast_1d(np.asarray(accuracies, dtype=float))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"accuracies = {quote(accuracies)} must be a list of probabilities")
    runs = [simulate_wire(tip_joint(q, prior), odds, **simulation) for q in values]
    rows = [wire_summary(run, f"tip {q:g}", q) for q, run in zip(values, runs, strict=True)]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS), runs


def joint_table(
    joint: ArrayLike, odds: ArrayLike | None = None, **simulation
) -> tuple[pd.DataFrame, list[WireRun]]:
    """The :func:`wire_summary` row of one joint table (see :func:`tip_table`).

    Examples
    --------
    >>> table, _ = joint_table([[0.3, 0.1], [0.1, 0.5]], paths=500, rounds=20, seed=0)
    >>> bool(abs(table.loc[0, "gain_theory"] - table.loc[0, "mutual_information"]) < 1e-12)
    True
    """
    run = simulate_wire(joint, odds, **simulation)
    return pd.DataFrame([wire_summary(run, "joint")], columns=TABLE_COLUMNS), [run]


def parse_joint(text: str) -> np.ndarray:
    """A joint table written as rows separated by ``;`` and entries by ``,``.

    Rows are outcomes, columns signals: ``"0.4,0.1;0.1,0.4"`` is a 80% tip on a fair coin.

    Examples
    --------
    >>> parse_joint("0.4,0.1;0.1,0.4").tolist()
    [[0.4, 0.1], [0.1, 0.4]]
    >>> parse_joint("0.4,x;0.1,0.5")
    Traceback (most recent call last):
    ...
    ValueError: joint = '0.4,x;0.1,0.5' is not a table of numbers: rows split by ';', entries by ','
    """
    try:
        rows = [[float(item) for item in row.split(",")] for row in str(text).split(";")]
    except ValueError:
        raise ValueError(f"joint = {quote(text)} is not a table of numbers: rows split by ';', "
                         "entries by ','") from None
    if len({len(row) for row in rows}) != 1:
        raise ValueError(f"joint = {quote(text)}: every row needs the same number of entries")
    return joint_distribution(rows)


def tip_curve(prior: ArrayLike = (0.5, 0.5), odds: ArrayLike | None = None, cash: bool = True,
              points: int = 201) -> pd.DataFrame:
    """Theory over accuracies 0..1: growth without and with the tip, and I(X;Y).

    Examples
    --------
    >>> curve = tip_curve(points=3)
    >>> curve["with_wire"].round(6).tolist()  # ln 2 - H(q) at q = 0, 1/2, 1
    [0.693147, 0.0, 0.693147]
    """
    rows = []
    for q in np.linspace(0.0, 1.0, _count("points", points, 2, 10_001)):
        value = wire_value(tip_joint(q, prior), odds, cash)
        rows.append({"accuracy": q, "without_wire": value.without_wire,
                     "with_wire": value.with_wire, "mutual_information": value.mutual_information})
    return pd.DataFrame(rows)
