"""The compiled players of a chunk: one per strategy, holding its paths' state between tiles.

A transition table for a constant fraction or a fixed amount under a cap and a tick
(:class:`_TablePlayer`), whole ticks for optimal play at even money and for Bayes-Kelly
(:class:`_OptimalPlayer`, :class:`_BayesTicksPlayer`), money for other rules
(:class:`_RulesPlayer`), ln W for frictionless ones (:class:`_FreePlayer`). Where they can
differ from the numpy engine is said in :mod:`sim.jit.runner`.
"""


from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import numpy as np

from sim.games import CoinGame, Game
from sim.jit import bayes, kernels, layout, lookups, race
from sim.jit.forms import CompiledForm, chunk_forms
from sim.strategies import Strategy

#: the largest table of numpy's seen wealth per whole tick (8 MiB)
MAX_SEEN_TICKS = 1 << 20
#: as sim.engine: a bankroll past 2^53 ticks, minimum bets or floors cannot be changed by them
EXACT_MONEY = 2.0**53
#: rounds in the largest tile the engine hands in (8 groups of 8)
TILE_ROUNDS = 64
KEYS = ("log_wealth", "max_drawdown", "capped", "ruined", "rounds_played")
_NO_HIST = np.zeros((0, 2), dtype=np.int64)
_NO_BAND = np.zeros(0)
#: (histogram, lowest edge per round, bins per unit of ln W, paths to count): none
_NO_BANDS = (_NO_HIST, _NO_BAND, _NO_BAND, 0)

Draw = Callable[[np.ndarray], None]
Span = tuple[int, int, int]  # (first round, groups, width) of a tile


def rules_vector(game: Game) -> np.ndarray:
    """The game's rules as the kernels read them (indices in :mod:`sim.jit.kernels`)."""
    rules = np.zeros(layout.RULES_SIZE)
    rules[layout.ODDS] = game.odds if isinstance(game, CoinGame) else 0.0
    rules[layout.TICK] = game.tick
    rules[layout.MIN_BET] = game.min_bet
    rules[layout.CAP] = math.inf if game.cap is None else game.cap
    rules[layout.FLOOR] = game.floor
    rules[layout.SMALLEST] = max(game.min_bet, game.tick)
    unit = max(game.tick, game.min_bet, game.floor)
    rules[layout.RICH] = math.inf if game.cap is not None else EXACT_MONEY * unit
    rules[layout.TAILS] = float(bool(getattr(game, "allow_tails", True)))
    rules[layout.ROUNDS] = game.rounds
    rules[layout.INV_TICK] = 1.0 / game.tick if game.tick > 0 else 0.0
    rules[layout.INV_ODDS] = 1.0 / game.odds if isinstance(game, CoinGame) else 0.0
    rules[layout.START_SEEN] = _start_seen(game)
    return rules


@functools.lru_cache(maxsize=8)
def seen_table(tick: float, size: int) -> np.ndarray:
    """numpy's ``exp(log(k * tick))`` for k = 0..size-1: the wealth the engine sees."""
    with np.errstate(divide="ignore"):
        return np.exp(np.log(np.arange(size, dtype=float) * tick))


def _seen_table(game: Game) -> np.ndarray:
    if game.tick <= 0:
        return _NO_BAND
    size = MAX_SEEN_TICKS
    if game.cap is not None:
        size = min(size, int(game.cap / game.tick) + 2)
    return seen_table(game.tick, size)


def _start_seen(game: Game) -> float:
    """e^(ln W_0) as numpy sees it before the first round."""
    return float(np.exp(np.full(1, math.log(game.start)))[0])


class _RulesPlayer:
    """One strategy under caps, floors, minimum bets or ticks: money state per path."""

    def __init__(self, game: Game, form: CompiledForm, paths: int) -> None:
        self.game, self.form = game, form
        self.rules = rules_vector(game)
        self.table = _seen_table(game)
        self.money = np.full(paths, game.start)
        self.seen = np.full(paths, _start_seen(game))
        self.peak = np.full(paths, game.start)
        self.ratio = np.ones(paths)
        self.played = np.zeros(paths, dtype=np.int64)
        self.status = np.zeros(paths, dtype=np.int64)
        self.coin = isinstance(game, CoinGame)
        if self.coin:
            self.last_stake = np.zeros(paths)
            self.last_won = np.zeros(paths, dtype=np.bool_)
            self.heads = np.zeros(paths, dtype=np.int64)
        else:
            self.odds = np.ascontiguousarray(game.decimal_odds)
            self.counts = np.zeros((len(self.odds), paths), dtype=np.int64)
            self.scratch = np.zeros(len(self.odds))

    def tile(self, tile: np.ndarray, span: Span, band=_NO_BANDS) -> None:
        first, groups, width = span
        form = self.form
        if self.coin:
            kernels.coin_rules_tile(
                tile, groups, width, first, form.kind, form.params, self.rules, form.optimal,
                self.table, self.money, self.peak, self.ratio, self.last_stake,
                self.last_won, self.played, self.status, self.heads, *band,
            )
        else:
            race.race_rules_tile(
                tile, groups, width, first, form.kind, form.params, self.rules, self.odds,
                self.table, self.money, self.seen, self.peak, self.ratio, self.played,
                self.status, self.counts, self.scratch, *band,
            )

    def log_wealth(self) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.money)

    def finish(self) -> dict[str, np.ndarray]:
        log_wealth = self.log_wealth()
        return {
            "log_wealth": log_wealth,
            "max_drawdown": 1.0 - self.ratio,
            "capped": self.status == layout.CAPPED,
            "ruined": (self.status == layout.RUINED) | (log_wealth == -np.inf),
            "rounds_played": self.played,
        }


@functools.lru_cache(maxsize=16)
def _transitions(rules: bytes, kind: int, params: bytes, tick: float,
                 size: int) -> tuple[np.ndarray, np.ndarray]:
    table = np.zeros((size, 2), dtype=np.int32)  # 25,002 x 2 x 4 bytes under HD rules: L2
    limits = np.zeros(2, dtype=np.int64)
    lookups.coin_transition_table(kind, np.frombuffer(params), np.frombuffer(rules),
                                  seen_table(tick, size), table, limits)
    return table, limits


class _TablePlayer:
    """A constant fraction or fixed amount on a coin with a cap and a tick: a look-up per round
    (bit for bit what numpy computes, by construction: the table is settled from numpy's seen
    wealth). The bankroll is kept in ticks; the table's last row stands for the cap."""

    def __init__(self, game: Game, form: CompiledForm, paths: int) -> None:
        self.game, self.form = game, form
        self.rules = rules_vector(game)
        size = _seen_table(game).shape[0]
        self.table, self.limits = _transitions(
            self.rules.tobytes(), form.kind, form.params.tobytes(), game.tick, size)
        self.ticks = np.zeros(paths, dtype=np.int64)
        self.peak = np.zeros(paths)  # in ticks, set in round 0
        self.low = np.ones((2, paths))  # the lowest share of the peak: low[0] / low[1]
        self.played = np.zeros(paths, dtype=np.int64)

    @staticmethod
    def fits(game: Game, form: CompiledForm) -> bool:
        return (
            form.kind in (layout.CONSTANT, layout.AMOUNT)
            and isinstance(game, CoinGame)
            and game.cap is not None
            and game.tick > 0
            and game.cap / game.tick + 2 <= MAX_SEEN_TICKS
        )

    def tile(self, tile: np.ndarray, span: Span, band=_NO_BANDS) -> None:
        first, groups, width = span
        lookups.coin_table_tile(
            tile, groups, width, first, self.form.kind, self.form.params, self.rules,
            self.table, self.limits, self.ticks, self.peak, self.low, self.played, *band,
        )

    def capped(self) -> np.ndarray:
        return self.ticks == self.table.shape[0] - 1

    def finish(self) -> dict[str, np.ndarray]:
        capped = self.capped()
        money = np.where(capped, self.game.cap, self.ticks * self.game.tick)
        with np.errstate(divide="ignore"):
            log_wealth = np.log(money)
        return {
            "log_wealth": log_wealth,
            "max_drawdown": 1.0 - self.low[0] / self.low[1],
            "capped": capped,
            "ruined": (self.ticks <= self.limits[0]) | (log_wealth == -np.inf),
            "rounds_played": self.played,
        }


class _OptimalPlayer(_TablePlayer):
    """Optimal play at even money without a minimum bet: k +- the table's stake per round."""

    def __init__(self, game: Game, form: CompiledForm, paths: int) -> None:
        self.game, self.form = game, form
        self.rules = rules_vector(game)
        self.ticks = np.full(paths, round(game.start / game.tick), dtype=np.int64)
        self.limits = _limits(self.rules.tobytes(), int(game.cap / game.tick) + 2)
        self.stakes = stopped_rows_stake_nothing(form.optimal, self.limits)
        self.peak = np.full(paths, game.start / game.tick)
        self.low = np.ones((2, paths))
        self.played = np.zeros(paths, dtype=np.int64)

    @staticmethod
    def fits(game: Game, form: CompiledForm) -> bool:
        return form.kind == layout.OPTIMAL and game.odds == 1.0 and game.min_bet == 0

    def tile(self, tile: np.ndarray, span: Span, band=_NO_BANDS) -> None:
        first, groups, width = span
        lookups.coin_optimal_tile(
            tile, groups, width, first, self.rules, self.stakes, self.limits, self.ticks,
            self.peak, self.low, self.played, *band,
        )

    def capped(self) -> np.ndarray:
        return self.ticks >= self.limits[1]


def stopped_rows_stake_nothing(stakes: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Optimal play's stake table (rounds left, ticks) with a zero stake in every stopped row
    (k <= ruined or k >= capped) and a row for ``capped``: the table itself when it already
    is (the solver's tables are), else a copy made so.
    """
    ruined, capped = int(limits[0]), int(limits[1])
    width = max(stakes.shape[1], capped + 1)
    if (width == stakes.shape[1] and not stakes[:, : max(ruined + 1, 0)].any()
            and not stakes[:, capped:].any()):
        return stakes
    table = np.zeros((stakes.shape[0], width), dtype=stakes.dtype)
    table[:, : stakes.shape[1]] = stakes
    table[:, : max(ruined + 1, 0)] = 0
    table[:, capped:] = 0
    return table


@functools.lru_cache(maxsize=16)
def _limits(rules: bytes, rows: int) -> np.ndarray:
    limits = np.zeros(2, dtype=np.int64)
    lookups.tick_limits(np.frombuffer(rules), rows, limits)
    return limits


class _BayesPlayer(_RulesPlayer):
    """Bayes-Kelly on a coin under a cap and a tick: the round's fractions from a table."""

    def __init__(self, game: Game, form: CompiledForm, paths: int) -> None:
        super().__init__(game, form, paths)
        self.fractions = np.zeros((TILE_ROUNDS, game.rounds + 1))

    @staticmethod
    def fits(game: Game, form: CompiledForm) -> bool:
        return (form.kind == layout.BAYES and isinstance(game, CoinGame) and game.tick > 0
                and game.cap is not None)

    def tile(self, tile: np.ndarray, span: Span, band=_NO_BANDS) -> None:
        first, groups, width = span
        bayes.coin_bayes_tile(
            tile, groups, width, first, self.form.params, self.rules, self.fractions,
            self.table, self.money, self.peak, self.ratio, self.played, self.status,
            self.heads, *band,
        )


class _BayesTicksPlayer(_TablePlayer):
    """Bayes-Kelly at even money without a minimum bet under a cap and a tick, in ticks."""

    def __init__(self, game: Game, form: CompiledForm, paths: int) -> None:
        self.game, self.form = game, form
        self.rules = rules_vector(game)
        self.table = _seen_table(game)
        self.limits = _limits(self.rules.tobytes(), self.table.shape[0])
        self.fractions = np.zeros((TILE_ROUNDS, game.rounds + 1))
        self.ticks = np.zeros(paths, dtype=np.int64)
        self.heads = np.zeros(paths, dtype=np.int64)
        self.peak = np.zeros(paths)
        self.low = np.ones((2, paths))
        self.played = np.zeros(paths, dtype=np.int64)

    @staticmethod
    def fits(game: Game, form: CompiledForm) -> bool:
        return (_BayesPlayer.fits(game, form) and game.odds == 1.0 and game.min_bet == 0
                and game.cap / game.tick + 2 <= MAX_SEEN_TICKS)

    def tile(self, tile: np.ndarray, span: Span, band=_NO_BANDS) -> None:
        first, groups, width = span
        bayes.coin_bayes_ticks_tile(
            tile, groups, width, first, self.game.start, self.form.params, self.rules,
            self.fractions, self.table, self.limits, self.ticks, self.peak, self.low,
            self.played, self.heads, *band,
        )

    def capped(self) -> np.ndarray:
        return self.ticks >= self.limits[1]


class _ScalePlayer(_RulesPlayer):
    """A constant fraction under a cap or floor, without a tick or minimum bet: a multiply."""

    def __init__(self, game: Game, form: CompiledForm, paths: int) -> None:
        super().__init__(game, form, paths)
        fraction = float(form.params[0])
        if fraction < 0 and not game.allow_tails:
            fraction = 0.0
        self.multipliers = _constant_multipliers(game, fraction)
        self.low = np.ones((2, paths))  # the lowest share of the peak: low[0] / low[1]

    @staticmethod
    def fits(game: Game, form: CompiledForm) -> bool:
        return (
            form.kind == layout.CONSTANT and isinstance(game, CoinGame)
            and game.tick == 0 and game.min_bet == 0
        )

    def tile(self, tile: np.ndarray, span: Span, band=_NO_BANDS) -> None:
        first, groups, width = span
        lookups.coin_scale_tile(
            tile, groups, width, first, self.multipliers, self.rules, self.money, self.status,
            self.played, self.peak, self.low, *band,
        )

    def finish(self) -> dict[str, np.ndarray]:
        self.ratio = self.low[0] / self.low[1]
        return _RulesPlayer.finish(self)


class _FreePlayer:
    """One strategy under frictionless rules: ln W per path, as the numpy engine keeps it."""

    def __init__(self, game: Game, form: CompiledForm, paths: int) -> None:
        self.game, self.form = game, form
        self.rules = rules_vector(game)
        log_start = math.log(game.start)
        self.lw = np.full(paths, log_start)
        self.peak = np.full(paths, log_start)
        self.drop = np.zeros(paths)
        self.played = np.zeros(paths, dtype=np.int64)
        self.status = np.zeros(paths, dtype=np.int64)
        self.coin = isinstance(game, CoinGame)
        self.log_mult = _NO_BAND
        if form.constant:  # bands only; the engine plays constant bets from the counts
            multipliers = _constant_multipliers(game, form)
            with np.errstate(divide="ignore"):
                self.log_mult = np.log(multipliers)
        if self.coin:
            self.last_stake = np.zeros(paths)
            self.last_won = np.zeros(paths, dtype=np.bool_)
            self.heads = np.zeros(paths, dtype=np.int64)
        else:
            self.odds = np.ascontiguousarray(game.decimal_odds)
            self.counts = np.zeros((len(self.odds), paths), dtype=np.int64)
            self.scratch = np.zeros(len(self.odds))

    def tile(self, tile: np.ndarray, span: Span, band=_NO_BANDS) -> None:
        first, groups, width = span
        form = self.form
        if self.coin:
            kernels.coin_free_tile(
                tile, groups, width, first, form.kind, form.params, self.rules, self.log_mult,
                form.optimal, self.lw, self.peak, self.drop, self.last_stake, self.last_won,
                self.played, self.status, self.heads, *band,
            )
        else:
            race.race_free_tile(
                tile, groups, width, first, form.kind, form.params, self.odds, self.log_mult,
                self.lw, self.peak, self.drop, self.played, self.status, self.counts,
                self.scratch, *band,
            )

    def log_wealth(self) -> np.ndarray:
        return self.lw

    def finish(self) -> dict[str, np.ndarray]:
        return {
            "log_wealth": self.lw,
            "max_drawdown": -np.expm1(-self.drop),
            "capped": np.zeros(self.lw.shape, dtype=bool),
            "ruined": (self.status == layout.RUINED) | (self.lw == -np.inf),
            "rounds_played": self.played,
        }


def _constant_multipliers(game: Game, form: CompiledForm | float) -> np.ndarray:
    if isinstance(game, CoinGame):
        f = form if isinstance(form, float) else float(form.params[0])
        b = game.odds
        return np.array([1.0 + b * f, 1.0 - f]) if f >= 0 else np.array([1.0 + f, 1.0 - f / b])
    return 1.0 - form.params.sum() + form.params * game.decimal_odds


Player = (_RulesPlayer | _TablePlayer | _OptimalPlayer | _BayesTicksPlayer | _BayesPlayer
          | _ScalePlayer | _FreePlayer)


def players_for(game: Game, strategies: Sequence[Strategy], paths: int,
                allow_constant: bool = False) -> list[Player] | None:
    """A compiled player per strategy, or None if the numpy engine must play the chunk.

    ``allow_constant`` admits constant bets under frictionless rules (fan-chart bands; the
    engine itself plays those from the win counts).
    """
    forms = chunk_forms(game, strategies, allow_constant)
    if forms is None:
        return None
    if game.is_frictionless:
        return [_FreePlayer(game, form, paths) for form in forms]
    return [_rules_player(game, form)(game, form, paths) for form in forms]


def _rules_player(game: Game, form: CompiledForm) -> type:
    for player in (_TablePlayer, _OptimalPlayer, _BayesTicksPlayer, _BayesPlayer,
                   _ScalePlayer):
        if player.fits(game, form):
            return player
    return _RulesPlayer
