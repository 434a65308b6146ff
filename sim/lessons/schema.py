"""What a lesson may contain: the step ids, their parameters and facts, the labels, and the
checks a lesson file's values go through (:mod:`sim.lessons.model` builds lessons with them).

Every problem raises ``ValueError`` naming the key and the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.files import excerpt
from sim.games import CoinGame, is_number, is_whole_number
from sim.strategies import parse_strategy
from sim.text_template import Template, compile_template

#: The ideas, in the order the default lessons teach them (the last two: Kelly's private wire,
#: and learning is betting).
STEP_IDS = (
    "entropy",
    "two_outcomes",
    "same_flips",
    "growth_curve",
    "peak_decomposition",
    "overbetting",
    "many_worlds",
    "unknown_p",
    "wire",
    "learning",
)

#: Largest values a lesson may ask for, so a typo cannot freeze the classroom screen.
MAX_PATHS = 20_000
MAX_ROUNDS = 5_000
MAX_TRAJECTORY_CELLS = 4_000_000  # paths x rounds x strategies kept in memory for a drawing
MAX_FILE_BYTES = 1_000_000
MAX_HEADING = 200
MAX_BODY = 4_000
MAX_TITLE = 200
MAX_SMOOTHING = 100.0


@dataclass(frozen=True)
class StepParams:
    """Every parameter a step can use; a step reads only those listed in :data:`STEP_KEYS`.

    p           chance of heads
    odds        net odds b on heads (b-to-1); tails pays 1/b-to-1, decimal odds (1 + b, 1 + 1/b)
    start       starting bankroll
    rounds      flips per path (for ``entropy``: how many sample flips are shown)
    paths       parallel bankrolls in the Monte Carlo
    seed        the seed of every draw the step makes (same seed, same numbers)
    share       the share a of the bankroll on heads the step looks at
    shares      shares on heads whose growth is measured by Monte Carlo (``growth_curve``)
    strategies  strategy specs raced on the same flips (``overbetting``), e.g. ``kelly:2``
    prior       Beta(alpha, beta) prior of the Bayesian learner (``unknown_p``)
    accuracy    the chance q that the tip names the winner (``wire``)
    smoothing   k added to every count of the smoothed frequency table (``learning``)
    """

    p: float = 0.6
    odds: float = 1.0
    start: float = 100.0
    rounds: int = 100
    paths: int = 1000
    seed: int = 2024
    share: float = 0.7
    shares: tuple[float, ...] = (0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95)
    strategies: tuple[str, ...] = ("kelly:0.5", "kelly", "kelly:2", "allin")
    prior: tuple[float, float] = (1.0, 1.0)
    accuracy: float = 0.6
    smoothing: float = 1.0


#: The parameters each step uses; anything else in its ``[steps.params]`` table is an error.
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "entropy": ("p", "rounds", "seed"),
    "two_outcomes": ("p", "odds", "share"),
    "same_flips": ("p", "odds", "start", "rounds", "seed", "share"),
    "growth_curve": ("p", "odds", "rounds", "paths", "seed", "shares"),
    "peak_decomposition": ("p", "odds", "share"),
    "overbetting": ("p", "odds", "start", "rounds", "paths", "seed", "strategies"),
    "many_worlds": ("p", "odds", "start", "rounds", "paths", "seed", "share"),
    "unknown_p": ("p", "odds", "rounds", "paths", "seed", "prior"),
    "wire": ("accuracy", "rounds", "paths", "seed"),
    "learning": ("smoothing", "seed"),
}

#: Defaults that differ from :class:`StepParams` for one step.
STEP_DEFAULTS: dict[str, dict[str, Any]] = {
    "entropy": {"rounds": 40},
    "two_outcomes": {"share": 0.7},
    "same_flips": {"share": 0.95, "rounds": 200},
    "growth_curve": {"paths": 2000, "rounds": 100},
    "peak_decomposition": {"share": 0.8},
    "overbetting": {"paths": 2000, "rounds": 200},
    "many_worlds": {"share": 0.75, "paths": 1000, "rounds": 100},
    "unknown_p": {"paths": 1000, "rounds": 200},
    "wire": {"paths": 2000, "rounds": 100},
    "learning": {},
}

#: The numbers each step offers to its body text as ``{name}`` (see sim.lessons.steps).
STEP_FACTS: dict[str, tuple[str, ...]] = {
    "entropy": (
        "p", "H_bits", "H_nats", "surprise_heads_bits", "surprise_tails_bits", "flips",
        "heads", "heads_share",
    ),
    "two_outcomes": (
        "p", "share", "odds", "o_heads", "o_tails", "m_heads", "m_tails", "fraction", "growth",
        "mean_multiplier",
    ),
    "same_flips": (
        "p", "share", "rounds", "heads", "start", "wealth_p", "wealth_share", "growth_p",
        "growth_share", "theory_p", "theory_share",
    ),
    "growth_curve": (
        "p", "odds", "peak_share", "peak_growth", "log_odds", "entropy", "paths", "rounds",
    ),
    "peak_decomposition": (
        "p", "share", "log_odds", "entropy", "divergence", "cross_entropy", "growth",
        "best_growth",
    ),
    "overbetting": (
        "p", "kelly_fraction", "g_star", "double_growth", "double_thorp", "half_thorp",
        "paths", "rounds",
    ),
    "many_worlds": (
        "p", "share", "fraction", "time_growth", "ensemble_growth", "median_final",
        "mean_final", "theory_median_final", "theory_mean_final", "share_ahead", "paths",
        "rounds",
    ),
    "unknown_p": (
        "p", "rounds", "paths", "first_loss", "last_loss", "regret_exact", "regret_mc",
        "regret_se", "half_log_rounds",
    ),
    "wire": (
        "accuracy", "stake", "capacity", "capacity_bits", "mc_growth", "mc_se", "paths",
        "rounds", "perfect",
    ),
    "learning": (
        "smoothing", "log_odds", "train_races", "test_races", "table_train_loss", "bust_race",
        "smoothed_train_loss", "smoothed_test_loss", "smoothed_growth", "entropy",
        "divergence", "table_brier", "smoothed_brier", "hard_accuracy", "smoothed_accuracy",
    ),
}

#: Words printed by the classroom screen and the figures; a lesson's ``[labels]`` replaces them.
LABELS: dict[str, str] = {
    "step_counter": "Step {number} of {total}",
    "heads": "heads",
    "tails": "tails",
    "share_axis": "share on heads a",
    "growth_axis": "growth per round (nats)",
    "round_axis": "round",
    "wealth_axis": "bankroll",
    "probability_axis": "chance of heads p",
    "entropy_axis": "entropy (bits)",
    "theory": "theory",
    "monte_carlo": "Monte Carlo",
    "kelly_peak": "Kelly peak a = p",
    "log_odds": "Σ p ln o",
    "entropy": "H(p)",
    "divergence": "D(p‖a)",
    "growth": "growth G",
    "multiplier": "multiplier",
    "mean": "mean",
    "median": "median",
    "typical": "typical bankroll (geometric mean)",
    "theory_mean": "theory: mean",
    "theory_median": "theory: median",
    "bust": "bust",
    "belief": "belief q",
    "loss": "loss D(p‖q) per round",
    "regret": "total loss (nats)",
    "exact": "exact",
    "leaderboard": "Leaderboard",
    "rank": "rank",
    "name": "name",
    "fraction": "fraction",
    "final_wealth": "final wealth",
    "edit_hint": "←/→ step   P: p   O: odds   N: paths   F: full screen",
    "race_title": "Class race",
    "back": "◀ Back",
    "next": "Next ▶",
    "class_race": "Class race (C)",
    "other_language": "中文 (L)",
    "edit_keys": "Enter: apply    Esc: cancel",
    "odds": "odds",
    "paths": "paths",
    "seed": "seed",
    "round_counter": "Flip {number} of {total}",
    "strip_counter": "first {number} of {total} flips",
    "race_keys": "A: add   I: import CSV   Space: start/pause   →: one flip   E: export   S: seed",
    "race_empty": "No one is racing yet. Press A to add a student, or I to import a CSV file "
                  "with the columns name,fraction.",
    "name_prompt": "name",
    "fraction_prompt": "fraction",
    "csv_prompt": "CSV file",
    "saved": "Saved",
    "kelly_reference": "Kelly",
    "more": "more",
    "accuracy_axis": "tip accuracy q",
    "with_tip": "with the tip",
    "without_tip": "without the tip",
    "capacity": "ln 2 − H(q)",
    "step_axis": "training step",
    "race_axis": "race",
    "train": "training races",
    "test": "test races",
    "loss_axis": "cross-entropy (nats per race)",
    "break_even": "ln m: break even",
    "table_model": "table (no smoothing)",
    "smoothed_model": "smoothed table",
    "log_wealth_axis": "ln bankroll",
}
#: labels that are templates, and the placeholders each must contain
LABEL_TEMPLATES = {"step_counter": {"number", "total"}, "round_counter": {"number", "total"},
                   "strip_counter": {"number", "total"}}

_LESSON_KEYS = {"title", "language", "defaults", "labels", "steps"}
_STEP_KEYS_ALLOWED = {"id", "heading", "body", "params"}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _no_unknown(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(
            f"{where}: unknown key {excerpt(unknown[0])} (= {excerpt(table[unknown[0]])}); "
            f"expected one of {', '.join(sorted(allowed))}"
        )


def _table(name: str, value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: {name} = {excerpt(value)} must be a table")
    return value


def _text(name: str, value: Any, where: str, limit: int, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ValueError(f"{where}: {name} = {excerpt(value)} must be a non-empty string")
    if len(value) > limit:
        raise ValueError(f"{where}: {name} is {len(value)} characters long; the limit is {limit}")
    return value


def _check_placeholders(body: str, facts: tuple[str, ...], where: str) -> Template:
    """The body as a :class:`sim.text_template.Template`: every ``{name:spec}`` names a fact
    of the step and has a bounded number format (width <= 40, precision <= 6)."""
    return compile_template(body, facts, where=f"{where}: body")


def _check_template(key: str, text: str, wanted: set[str], where: str) -> Template:
    """A template label (see LABEL_TEMPLATES) must place exactly its placeholders."""
    template = compile_template(text, wanted, where=f"{where}: labels.{key}")
    if template.names != wanted:
        need = " and ".join(f"{{{n}}}" for n in sorted(wanted))
        raise ValueError(
            f"{where}: labels.{key} = {excerpt(text)} must contain {need} and no other "
            "placeholder"
        )
    return template


def _number(key: str, value: Any, where: str) -> float:
    if not is_number(value):
        raise ValueError(f"{where}: {key} = {excerpt(value)} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where}: {key} = {excerpt(value)} is not a finite number")
    return number


def _whole(key: str, value: Any, where: str, low: int, high: int) -> int:
    if not is_whole_number(value):
        raise ValueError(f"{where}: {key} = {excerpt(value)} is not a whole number")
    if not low <= value <= high:
        raise ValueError(f"{where}: {key} = {excerpt(value)} must be between {low} and {high}")
    return int(value)


def _unit(key: str, value: Any, where: str) -> float:
    number = _number(key, value, where)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{where}: {key} = {excerpt(value)} must be in [0, 1]")
    return number


def _positive(key: str, value: Any, where: str) -> float:
    number = _number(key, value, where)
    if number <= 0:
        raise ValueError(f"{where}: {key} = {excerpt(value)} must be greater than 0")
    return number


def _odds(key: str, value: Any, where: str) -> float:
    """Net odds the engine accepts: positive, with a finite reciprocal (tails pays 1/b)."""
    number = _positive(key, value, where)
    try:
        CoinGame(odds=number)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    return number


def _shares(key: str, value: Any, where: str) -> tuple[float, ...]:
    items = _list(key, value, where)
    if not 1 <= len(items) <= 50:
        raise ValueError(f"{where}: shares = {excerpt(value)} must list 1 to 50 shares")
    return tuple(_unit(f"shares[{i}]", v, where) for i, v in enumerate(items))


def _strategies(key: str, value: Any, where: str) -> tuple[str, ...]:
    items = _list(key, value, where)
    if not 1 <= len(items) <= 8:
        raise ValueError(f"{where}: strategies = {excerpt(value)} must list 1 to 8 strategies")
    for i, spec in enumerate(items):
        if not isinstance(spec, str):
            raise ValueError(f"{where}: strategies[{i}] = {excerpt(spec)} is not a strategy name")
        try:
            parse_strategy(spec)
        except ValueError as error:
            raise ValueError(f"{where}: strategies[{i}] = {excerpt(spec)}: {error}") from None
    return tuple(items)


def _prior(key: str, value: Any, where: str) -> tuple[float, float]:
    items = _list(key, value, where)
    if len(items) != 2:
        raise ValueError(f"{where}: prior = {excerpt(value)} must be [alpha, beta]")
    alpha, beta = (_number(f"prior[{i}]", v, where) for i, v in enumerate(items))
    if alpha <= 0 or beta <= 0:
        raise ValueError(f"{where}: prior = {excerpt(value)} must be two numbers greater than 0")
    return (alpha, beta)


def _smoothing(key: str, value: Any, where: str) -> float:
    number = _number(key, value, where)
    if not 0.0 <= number <= MAX_SMOOTHING:
        raise ValueError(f"{where}: {key} = {value!r} must be between 0 and {MAX_SMOOTHING:g}")
    return number


#: the check of each parameter: (key, value, where) -> the value in the type StepParams holds
_PARAM_CHECKS = {
    "p": _unit,
    "share": _unit,
    "odds": _odds,
    "start": _positive,
    "rounds": lambda key, value, where: _whole(key, value, where, 1, MAX_ROUNDS),
    "paths": lambda key, value, where: _whole(key, value, where, 1, MAX_PATHS),
    "seed": lambda key, value, where: _whole(key, value, where, 0, 2**63 - 1),
    "shares": _shares,
    "strategies": _strategies,
    "prior": _prior,
    "accuracy": _unit,
    "smoothing": _smoothing,
}


def _check_param(key: str, value: Any, where: str) -> Any:
    """One parameter, type- and range-checked; returns it in the type StepParams holds."""
    check = _PARAM_CHECKS.get(key)
    if check is None:
        raise ValueError(f"{where}: unknown parameter {excerpt(key)} (= {excerpt(value)})")
    return check(key, value, where)


def _list(key: str, value: Any, where: str) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{where}: {key} = {excerpt(value)} must be a list")
    return list(value)


def _check_combination(step_id: str, params: StepParams, where: str) -> None:
    """Limits that involve several parameters (memory for recorded paths) or one step's
    figure (what it can draw)."""
    if step_id == "peak_decomposition" and not 0.0 < params.share < 1.0:
        raise ValueError(
            f"{where}: share = {params.share!r} must be strictly between 0 and 1 for this step "
            "(its figure draws the divergence D(p||share), infinite at 0 and 1)"
        )
    recorded = {"overbetting": len(params.strategies), "many_worlds": 1, "unknown_p": 3}
    if step_id in recorded:
        cells = params.paths * params.rounds * recorded[step_id]
        if cells > MAX_TRAJECTORY_CELLS:
            raise ValueError(
                f"{where}: paths x rounds = {params.paths} x {params.rounds} is too many to draw "
                f"(limit {MAX_TRAJECTORY_CELLS // recorded[step_id]:,} per step)"
            )
    if step_id == "overbetting":
        game = CoinGame(p=params.p, odds=params.odds)
        for spec in params.strategies:
            try:
                constant = parse_strategy(spec).constant_fractions(game)
            except ValueError as error:
                raise ValueError(f"{where}: strategies: {excerpt(spec)}: {error}") from None
            if constant is None:
                raise ValueError(
                    f"{where}: strategies: {excerpt(spec)} does not stake a constant fraction; "
                    "use kelly, kelly:C, fixed:F, share:A or allin"
                )
