"""Monte Carlo of repeated bets: many paths x many rounds x several strategies.

Design (DESIGN.md, "Rules of the engine"):

* **Common random numbers.** Every strategy sees the same outcomes on the same path, so
  differences between strategies are never luck.
* **Seeding independent of chunking.** Paths are grouped in fixed blocks of
  :data:`BLOCK_PATHS`; block k draws from its own generator seeded by child k of
  ``SeedSequence(seed)`` (``SeedSequence(seed, spawn_key=(k,))``). A chunk is a run of whole
  blocks, so the same seed gives bit-for-bit the same result for any chunk size, number of
  worker processes or Dask cluster. The last block is padded and the padding paths dropped.
* **Outcomes at the random-number limit.** A block consumes its generator in groups of
  :data:`GROUP_ROUNDS` rounds: one 32-bit draw per path and round (the two halves of each
  64-bit PCG64 output, path-major within the group), and the outcome is the number of
  thresholds c_k = round(2^32 (p_0 + ... + p_{k-1})) at or below the draw, so every outcome
  probability is exact to 2^-32 (float32 uniforms resolve only 2^-24). See
  :func:`block_outcomes`. Draws are split from 64-bit words in the machine's byte order, so
  results are bit-identical across little-endian machines.
* **Constant bets cost a table look-up per 8 rounds.** Under frictionless rules a constant
  bet's log-wealth after round t is ln W_0 + sum_i N_i(t) ln m_i (Kelly 1956), so its terminal
  wealth needs only the win counts N_i. Its largest drawdown needs the path; for a coin the 8
  outcomes of a group form a byte, and four precomputed numbers per byte value (the group's
  net change, its highest and lowest partial sums, the largest fall inside it) update the
  running drawdown exactly: gap' = max(gap, high) - net, drop' = max(drop, gap - low, fall).
  Races, recorded paths and the last partial group use the same update one round at a time.
* **Adaptive policies** (caps, floors, minimum bets, ticks, fixed amounts, martingale, Bayes,
  optimal play) go round by round, vectorised over the paths of the chunk.
* **Bounded memory.** Within a chunk only per-path state is kept, never a paths x rounds
  array unless ``record_paths=True`` asks for the trajectories; :func:`simulate_summary`
  reduces every chunk to mergeable statistics (:mod:`sim.accumulate`) where it ran. Requests
  whose results would not fit are refused before any work (:data:`MAX_RESULT_BYTES`).
* **Log-wealth** is the working variable, so 10^4 or 10^6 rounds never overflow. Money appears
  only where the rules need it (cap, floor, minimum bet, tick).
* **Exact fast path.** When the rules are frictionless (no cap, floor, minimum bet or tick) and
  every strategy stakes constant fractions, terminal wealth depends only on how often each
  outcome came up: W_T = W_0 prod_i m_i^{N_i} with (N_i) ~ Multinomial(T, p). ``method="counts"``
  samples those counts (binomial for a coin), so 10^4 rounds cost the same as one, and every
  strategy of a sweep reuses the same counts.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.accumulate import Distribution, SimulationSummary, StrategyTally
from sim.games import CoinGame, Game, RaceGame
from sim.strategies import BetContext, Strategy, parse_strategy

BLOCK_PATHS = 1024
#: rounds per group of draws; a coin group's outcomes form one byte
GROUP_ROUNDS = 8
#: groups drawn at a time (a tile of 64 rounds x chunk paths, about 1 MB at 16,384 paths)
TILE_GROUPS = 8
#: paths per chunk of the path method: large enough to amortise numpy's per-call cost,
#: small enough that a tile of outcomes and the per-path state stay in the L2 cache
DEFAULT_CHUNK_PATHS = 16_384
#: paths per chunk of the counts method (16 bytes of counts per path)
DEFAULT_COUNTS_CHUNK_PATHS = 262_144
#: larger chunk sizes are treated as this one (results do not depend on the chunk size)
MAX_CHUNK_PATHS = 1 << 20
#: the largest trajectory array ``record_paths=True`` may allocate
MAX_RECORD_BYTES = 2 * 1024**3
#: the largest per-path result (or summary tally) a run may keep
MAX_RESULT_BYTES = 2 * 1024**3
#: draws are 32-bit: outcome thresholds are integers in [0, 2^32]
DRAW_SCALE = 1 << 32

Method = Literal["auto", "paths", "counts"]

_PACK_BITS = np.uint64(0x0102040810204080)  # byte k of a word -> bit k of the top byte
_SUM_BYTES = np.uint64(0x0101010101010101)  # sum of the 8 bytes of a word -> the top byte
_TOP_BYTE = np.uint64(56)
#: a bankroll of more than 2^53 ticks (minimum bets, floors) cannot be changed by their rounding
_EXACT_MONEY = 2.0**53
#: chunks whose strategies have a compiled form run in sim.jit's kernels; KELLY_JIT=0 keeps numpy
_JIT = os.environ.get("KELLY_JIT", "1") != "0"


@dataclass(frozen=True)
class SimulationResult:
    """Per-strategy, per-path outcomes of :func:`simulate` (arrays are strategies x paths)."""

    game: Game
    labels: tuple[str, ...]
    strategies: tuple[Strategy, ...]
    seed: int
    method: str
    log_wealth: np.ndarray  # ln W_T (float64; -inf where the bankroll hit 0)
    rounds_played: np.ndarray  # rounds bet before the path stopped (cap, floor, bust) or T
    capped: np.ndarray  # bool: reached the cap
    ruined: np.ndarray  # bool: fell to the floor / 0 or can no longer place a bet
    max_drawdown: np.ndarray | None  # largest fall from a peak, as a fraction; None for counts
    trajectories: np.ndarray | None = None  # (strategies, paths, T + 1) ln W_t if recorded

    @property
    def paths(self) -> int:
        return self.log_wealth.shape[1]

    @property
    def rounds(self) -> int:
        return self.game.rounds

    @property
    def final_wealth(self) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(self.log_wealth)


def block_generator(seed: int, block: int) -> np.random.Generator:
    """The generator of path block ``block``: child ``block`` of ``SeedSequence(seed)``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def resolve_seed(seed: int | None = None, rng: np.random.Generator | None = None) -> int:
    """One integer seed from an explicit seed, a Generator (one draw from it), or fresh entropy."""
    if seed is not None and rng is not None:
        raise ValueError("give either seed or rng, not both")
    if rng is not None:
        return int(rng.integers(0, 2**63 - 1))
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a non-negative whole number")
    return int(seed)


# --------------------------------------------------------------------------------------------
# One round of the rules, for any number of paths (used by the engine and the game session).


def coin_settle_multiplier(game: CoinGame, fractions: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """Wealth multiplier of signed coin fractions given the flips (frictionless rules)."""
    on_heads = np.maximum(fractions, 0.0)
    on_tails = np.maximum(-fractions, 0.0)
    win_heads = 1.0 + game.odds * on_heads - on_tails
    win_tails = 1.0 - on_heads + on_tails / game.odds
    return np.where(heads, win_heads, win_tails)


def race_settle_multiplier(game: RaceGame, shares: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Wealth multiplier b_0 + b_X o_X of race shares given the winners (frictionless rules)."""
    winning = np.take_along_axis(shares, outcome[:, None].astype(np.intp), axis=1)[:, 0]
    return 1.0 - shares.sum(axis=1) + winning * game.decimal_odds[outcome]


def _round_to_tick(amount: np.ndarray, tick: float, mode: str) -> np.ndarray:
    if tick <= 0:
        return amount
    scaled = amount / tick
    whole = np.floor(scaled + 1e-9) if mode == "down" else np.round(scaled)
    return whole * tick


def smallest_bet(game: Game) -> float:
    """The least stake the rules accept; a bankroll below it can no longer bet."""
    return max(game.min_bet, game.tick)


@dataclass(frozen=True)
class Settlement:
    """What one round did to each path."""

    wealth: np.ndarray  # bankroll after the round
    stake: np.ndarray  # money staked (absolute, summed over outcomes)
    capped: np.ndarray  # reached the cap this round
    ruined: np.ndarray  # fell to the floor / 0, or below the smallest accepted stake


def settle(
    game: Game,
    wealth: np.ndarray,
    fractions: np.ndarray,
    outcome: np.ndarray,
    active: np.ndarray | None = None,
) -> Settlement:
    """Apply one round of ``game``'s rules in money.

    ``fractions`` are the policy's signed coin fractions (paths,) or race shares (paths, K);
    ``outcome`` is the winning outcome index per path (0 = heads). Stakes never exceed the
    bankroll; with a tick they are rounded to whole ticks (to the nearest for a coin bet, down for
    race bets so their sum fits) and payouts are rounded down to a tick; a positive stake below
    ``min_bet`` is raised to it; a win past the cap pays only up to the cap. Paths not ``active``
    are left as they are.
    """
    wealth = np.asarray(wealth, dtype=float)
    active = np.ones(wealth.shape, dtype=bool) if active is None else active
    if isinstance(game, CoinGame):
        stake = np.clip(np.asarray(fractions, dtype=float) * wealth, -wealth, wealth)
        if not game.allow_tails:
            stake = np.maximum(stake, 0.0)
        size = np.abs(stake)
        if game.tick > 0:
            size = np.minimum(
                _round_to_tick(size, game.tick, "nearest"),
                _round_to_tick(wealth, game.tick, "down"),
            )
        if game.min_bet > 0:
            size = np.where((size > 0) & (size < game.min_bet) & (wealth >= game.min_bet),
                            game.min_bet, size)
            size = np.where(size < game.min_bet, 0.0, size)
        size = np.where(active, size, 0.0)
        on_heads = np.where(stake > 0, size, 0.0)
        on_tails = np.where(stake < 0, size, 0.0)
        heads = outcome == 0
        new_wealth = np.where(
            heads,
            wealth + game.odds * on_heads - on_tails,
            wealth - on_heads + on_tails / game.odds,
        )
        staked = size
    else:
        stakes = np.asarray(fractions, dtype=float) * wealth[:, None]
        stakes = _round_to_tick(np.maximum(stakes, 0.0), game.tick, "down")
        if game.min_bet > 0:
            stakes = np.where((stakes > 0) & (stakes < game.min_bet), game.min_bet, stakes)
        total = stakes.sum(axis=1)
        over = total > wealth
        if np.any(over):  # never stake more than the bankroll
            scale = np.where(over, wealth / np.where(total > 0, total, 1.0), 1.0)
            stakes = _round_to_tick(stakes * scale[:, None], game.tick, "down")
        stakes = np.where(active[:, None], stakes, 0.0)
        winning = np.take_along_axis(stakes, outcome[:, None].astype(np.intp), axis=1)[:, 0]
        new_wealth = wealth - stakes.sum(axis=1) + winning * game.decimal_odds[outcome]
        staked = stakes.sum(axis=1)
    if game.tick > 0:
        new_wealth = _round_to_tick(new_wealth, game.tick, "down")
    new_wealth = np.where(active, np.maximum(new_wealth, 0.0), wealth)
    capped = np.zeros(wealth.shape, dtype=bool)
    if game.cap is not None:
        capped = active & (new_wealth >= game.cap)
        new_wealth = np.where(capped, game.cap, new_wealth)
    minimum = smallest_bet(game)
    ruined = active & ~capped & (
        (new_wealth <= game.floor) | (new_wealth <= 0) | ((minimum > 0) & (new_wealth < minimum))
    )
    return Settlement(new_wealth, staked, capped, ruined)


# --------------------------------------------------------------------------------------------
# Outcomes: 32-bit draws against integer thresholds.


def outcome_thresholds(game: Game) -> tuple[int, ...]:
    """Thresholds c_1 <= ... <= c_{K-1} on 32-bit draws; the outcome is #{k : draw >= c_k}.

    c_k = round(2^32 (p_0 + ... + p_{k-1})), so outcome i comes up with probability
    (c_{i+1} - c_i) / 2^32 (c_0 = 0, c_K = 2^32), within 2^-32 of p_i.
    """
    cumulative = np.cumsum(game.outcome_probs)[:-1]
    return tuple(min(round(float(c) * DRAW_SCALE), DRAW_SCALE) for c in cumulative)


def _classify(draws: np.ndarray, thresholds: Sequence[int], out: np.ndarray) -> None:
    """``out`` (uint8) = the number of thresholds at or below each draw."""
    live = [np.uint32(c) for c in thresholds if c < DRAW_SCALE]
    if not live:
        out[...] = 0
        return
    np.greater_equal(draws, live[0], out=out.view(np.bool_))
    if len(live) > 1:
        above = np.empty(draws.shape, dtype=np.bool_)
        for threshold in live[1:]:
            np.greater_equal(draws, threshold, out=above)
            np.add(out, above, out=out)


def _draw_groups(
    generators: Sequence[np.random.Generator], thresholds: Sequence[int], out: np.ndarray
) -> None:
    """Outcomes of the next ``groups`` groups of ``width`` rounds of every block.

    ``out`` is (groups, blocks x BLOCK_PATHS, width); block i fills its BLOCK_PATHS columns
    from its own generator, path-major within each group.
    """
    groups, _, width = out.shape
    words = groups * BLOCK_PATHS * width // 2  # BLOCK_PATHS is even: whole 64-bit words
    for i, generator in enumerate(generators):
        draws = generator.bit_generator.random_raw(words).view(np.uint32)
        _classify(
            draws.reshape(groups, BLOCK_PATHS, width),
            thresholds,
            out[:, i * BLOCK_PATHS:(i + 1) * BLOCK_PATHS, :],
        )


def _group_spans(rounds: int) -> list[tuple[int, int, int]]:
    """(first group, groups, width) of each tile: full groups of GROUP_ROUNDS, then the rest."""
    full, rest = divmod(rounds, GROUP_ROUNDS)
    spans = [
        (first, min(TILE_GROUPS, full - first), GROUP_ROUNDS)
        for first in range(0, full, TILE_GROUPS)
    ]
    if rest:
        spans.append((full, 1, rest))
    return spans


def block_outcomes(game: Game, seed: int, block: int) -> np.ndarray:
    """The outcome index (rounds, BLOCK_PATHS) of every round of path block ``block``.

    Exactly what :func:`simulate` draws for paths ``block * BLOCK_PATHS ...`` with this seed
    (0 = heads); useful to replay a simulated path or to check the engine against a plain loop.
    """
    generator = block_generator(resolve_seed(seed), block)
    thresholds = outcome_thresholds(game)
    parts = []
    for _, groups, width in _group_spans(game.rounds):
        out = np.empty((groups, BLOCK_PATHS, width), dtype=np.uint8)
        _draw_groups([generator], thresholds, out)
        parts.append(out.transpose(0, 2, 1).reshape(groups * width, BLOCK_PATHS))
    return np.concatenate(parts)


# --------------------------------------------------------------------------------------------
# Per-strategy state within a chunk.


def _log_multipliers(strategy: Strategy, game: Game) -> np.ndarray | None:
    multipliers = strategy.multipliers(game)
    if multipliers is None:
        return None
    with np.errstate(divide="ignore"):
        return np.log(multipliers)


def _terminal_log_wealth(log_start: float, log_mult: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """ln W_0 + sum_i N_i ln m_i for counts (K, ...) with 0 ln 0 = 0, summed in outcome order.

    The one formula behind both methods, so equal counts give bit-identical wealth.
    """
    total = None
    for count, log_m in zip(counts, log_mult, strict=True):
        if log_m == -math.inf:  # a multiplier of 0: ruin once it comes up
            term = np.where(count > 0, -math.inf, 0.0)
        else:
            term = count * log_m
        total = term if total is None else total + term
    return log_start + total


def counts_log_wealth(game: Game, strategy: Strategy, counts: np.ndarray) -> np.ndarray:
    """ln W_T = ln W_0 + sum_i N_i ln m_i for outcome counts N (paths, K); 0 ln 0 counts as 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _terminal_log_wealth(
            math.log(game.start), np.log(strategy.multipliers(game)), np.asarray(counts).T
        )


def _pattern_table(log_mult: np.ndarray, length: int) -> np.ndarray:
    """Per sequence of ``length`` outcomes (code sum_j o_j K^j): net change of ln W, highest
    partial sum, minus the lowest partial sum, and largest fall from a peak inside it.

    Partial sums start at 0 before the first round, so the last three columns are >= 0.
    """
    k = len(log_mult)
    codes = np.arange(k**length)
    digits = (codes[:, None] // k ** np.arange(length)) % k
    partial = np.zeros((codes.size, length + 1))
    np.cumsum(log_mult[digits], axis=1, out=partial[:, 1:])
    peak = np.maximum.accumulate(partial, axis=1)
    return np.stack(
        [partial[:, -1], peak[:, -1], -partial.min(axis=1), (peak - partial).max(axis=1)], axis=1
    )


class _ConstantRunner:
    """A constant bet under frictionless rules (see the module docstring)."""

    def __init__(self, log_mult: np.ndarray, paths: int, log_start: float,
                 trajectory: np.ndarray | None, rows: np.ndarray, scratch: np.ndarray) -> None:
        self.log_mult = log_mult
        self.log_start = log_start
        self.group_table = _pattern_table(log_mult, GROUP_ROUNDS) if len(log_mult) == 2 else None
        self.round_table = _pattern_table(log_mult, 1)
        self.gap = np.zeros(paths)  # ln(peak / W) now
        self.drop = np.zeros(paths)  # largest gap so far
        self._rows = rows  # (TILE_GROUPS, paths, 4) and (paths,) scratch, shared by the chunk's
        self._scratch = scratch  # constant runners (they run one after the other)
        self.trajectory = trajectory  # (kept paths, T + 1) ln W_t to fill, or None

    def groups(self, codes: np.ndarray) -> None:
        """Advance by whole coin groups; ``codes`` (groups, paths) are the group bytes."""
        rows = self._rows[: len(codes)]
        np.take(self.group_table, codes, axis=0, out=rows, mode="clip")
        for row in rows:
            self._advance(row)

    def round(self, outcome: np.ndarray, t: int, counts: np.ndarray) -> None:
        """Advance by one round; ``counts`` already include it."""
        np.take(self.round_table, outcome, axis=0, out=self._rows[0], mode="clip")
        self._advance(self._rows[0])
        if self.trajectory is not None:  # the kept paths come first
            kept = counts[:, : len(self.trajectory)]
            self.trajectory[:, t + 1] = _terminal_log_wealth(self.log_start, self.log_mult, kept)

    def _advance(self, row: np.ndarray) -> None:
        net, high, low, fall = row.T
        np.add(self.gap, low, out=self._scratch)
        np.maximum(self.drop, self._scratch, out=self.drop)
        np.maximum(self.drop, fall, out=self.drop)
        np.maximum(self.gap, high, out=self.gap)
        np.subtract(self.gap, net, out=self.gap)

    def finish(self, counts: np.ndarray, rounds: int) -> dict[str, np.ndarray]:
        log_wealth = _terminal_log_wealth(self.log_start, self.log_mult, counts)
        return {
            "log_wealth": log_wealth,
            "max_drawdown": -np.expm1(-self.drop),
            "capped": np.zeros(log_wealth.shape, dtype=bool),
            "ruined": log_wealth == -np.inf,
            "rounds_played": np.full(log_wealth.shape, rounds, dtype=np.int64),
        }


class _AdaptiveRunner:
    """A policy that needs money rules or decides from the history: one round at a time.

    Capped and ruined paths never bet again, so once a quarter of the paths in play have
    stopped, the rest are gathered by index and only they are played (policies decide path by
    path, so a subset of paths gets the same fractions it would get among all of them).
    """

    def __init__(self, game: Game, strategy: Strategy, paths: int, log_start: float,
                 trajectory: np.ndarray | None) -> None:
        self.game = game
        self.strategy = strategy
        self.log_wealth = np.full(paths, log_start)
        self.peak = np.full(paths, log_start)
        self.drop = np.zeros(paths)
        self.rounds_played = np.zeros(paths, dtype=np.int64)
        self.capped = np.zeros(paths, dtype=bool)
        self.ruined = np.zeros(paths, dtype=bool)
        self.last_stake = np.zeros(paths)
        self.last_won = np.zeros(paths, dtype=bool)
        self.live: slice | np.ndarray = slice(None)  # the paths still in play (a superset)
        self.trajectory = trajectory  # (kept paths, T + 1) ln W_t to fill, or None

    def round(self, t: int, outcome: np.ndarray, counts: np.ndarray | None) -> None:
        live = self.live
        if not isinstance(live, np.ndarray) or live.size:
            self._play(t, live, outcome[live], None if counts is None else counts[live])
        if self.trajectory is not None:  # the kept paths come first
            self.trajectory[:, t + 1] = self.log_wealth[: len(self.trajectory)]

    def _play(self, t: int, live, outcome: np.ndarray, counts: np.ndarray | None) -> None:
        """One round for the paths ``live`` (a slice or indices) given their outcomes."""
        game = self.game
        log_wealth = self.log_wealth[live]
        active = ~(self.capped[live] | self.ruined[live])
        context = BetContext(
            game=game,
            round=t,
            log_wealth=log_wealth,
            counts=counts,
            last_stake=self.last_stake[live],
            last_won=self.last_won[live],
        )
        fractions = np.asarray(self.strategy.fractions(context), dtype=float)
        with np.errstate(over="ignore"):
            wealth = np.exp(log_wealth)
        if game.is_frictionless:
            if isinstance(game, CoinGame):
                multiplier = coin_settle_multiplier(game, fractions, outcome == 0)
                staked = np.abs(fractions) * wealth
            else:
                multiplier = race_settle_multiplier(game, fractions, outcome)
                staked = fractions.sum(axis=1) * wealth
            multiplier = np.where(active, multiplier, 1.0)
            with np.errstate(divide="ignore"):
                log_wealth = log_wealth + np.log(multiplier)
            won, staked = multiplier > 1.0, np.where(active, staked, 0.0)
            capped, ruined = None, log_wealth == -np.inf
        else:
            log_wealth, won, staked, capped, ruined = _settle_with_friction(
                game, log_wealth, wealth, fractions, outcome, active
            )
        self.log_wealth[live] = log_wealth
        self.last_won[live] = won
        self.last_stake[live] = staked
        self.rounds_played[live] += active
        stopped = ruined if capped is None else capped | ruined
        if capped is not None:
            self.capped[live] |= capped
        self.ruined[live] |= ruined
        peak = np.maximum(self.peak[live], log_wealth)
        self.peak[live] = peak
        self.drop[live] = np.maximum(self.drop[live], peak - log_wealth)
        playing = active & ~stopped
        if 4 * np.count_nonzero(~playing) >= playing.size:
            self.live = np.flatnonzero(playing) if isinstance(live, slice) else live[playing]

    def finish(self, counts: np.ndarray, rounds: int) -> dict[str, np.ndarray]:
        return {
            "log_wealth": self.log_wealth,
            "max_drawdown": -np.expm1(-self.drop),
            "capped": self.capped,
            "ruined": self.ruined | (self.log_wealth == -np.inf),
            "rounds_played": self.rounds_played,
        }


def _settle_with_friction(
    game: Game,
    log_wealth: np.ndarray,
    wealth: np.ndarray,
    fractions: np.ndarray,
    outcome: np.ndarray,
    active: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """One round under a cap, floor, minimum bet or tick: new ln W, won, staked, capped, ruined.

    In money by :func:`settle`, except (without a cap) for paths holding more than 2^53 ticks,
    minimum bets and floors: those rules can no longer change their stakes by a representable
    amount, so they are settled in log space and wealth past 1.8e308 stays finite.
    """
    rich = np.zeros(active.shape, dtype=bool)
    if game.cap is None:
        rich = active & (wealth > _EXACT_MONEY * max(game.tick, game.min_bet, game.floor))
    if not rich.any():
        settlement = settle(game, wealth, fractions, outcome, active)
        with np.errstate(divide="ignore"):
            log_wealth = np.where(active, np.log(settlement.wealth), log_wealth)
        won = settlement.wealth > wealth
        return log_wealth, won, settlement.stake, settlement.capped, settlement.ruined
    log_wealth = log_wealth.copy()
    won = np.zeros(active.shape, dtype=bool)
    staked = np.zeros(active.shape)
    capped = np.zeros(active.shape, dtype=bool)
    ruined = np.zeros(active.shape, dtype=bool)
    money = np.flatnonzero(active & ~rich)
    if money.size:
        settlement = settle(game, wealth[money], fractions[money], outcome[money])
        with np.errstate(divide="ignore"):
            log_wealth[money] = np.log(settlement.wealth)
        won[money] = settlement.wealth > wealth[money]
        staked[money] = settlement.stake
        capped[money] = settlement.capped
        ruined[money] = settlement.ruined
    rich = np.flatnonzero(rich)
    if isinstance(game, CoinGame):
        bet = np.clip(fractions[rich], 0.0 if not game.allow_tails else -1.0, 1.0)
        multiplier = coin_settle_multiplier(game, bet, outcome[rich] == 0)
        share = np.abs(bet)
    else:
        bet = np.maximum(fractions[rich], 0.0)
        total = bet.sum(axis=1)
        bet = bet / np.maximum(total, 1.0)[:, None]  # never more than the bankroll
        multiplier = race_settle_multiplier(game, bet, outcome[rich])
        share = bet.sum(axis=1)
    with np.errstate(divide="ignore", over="ignore"):
        log_wealth[rich] += np.log(multiplier)
        staked[rich] = share * wealth[rich]
        lowest = math.log(max(game.floor, smallest_bet(game)))
    won[rich] = multiplier > 1.0
    ruined[rich] = (log_wealth[rich] <= lowest) | (log_wealth[rich] == -np.inf)
    return log_wealth, won, staked, capped, ruined


# --------------------------------------------------------------------------------------------
# The chunk kernels.


@dataclass(frozen=True)
class _Chunk:
    """One unit of work: whole blocks [first_block, first_block + n_blocks), of which the
    first ``paths`` paths are kept (the rest pads the last block)."""

    game: Game
    strategies: tuple[Strategy, ...]
    seed: int
    first_block: int
    n_blocks: int
    paths: int
    method: str
    record: bool
    summary: bool


def _run_chunk(chunk: _Chunk) -> dict[str, np.ndarray] | list[StrategyTally]:
    """Per-path arrays (strategies x paths) of one chunk, or its per-strategy tallies."""
    if chunk.method == "counts":
        return _counts_chunk(chunk)
    arrays = _paths_chunk(chunk)
    if not chunk.summary:
        return arrays
    return [
        StrategyTally.of_paths(
            arrays["log_wealth"][i], arrays["max_drawdown"][i], arrays["ruined"][i],
            arrays["capped"][i], arrays["rounds_played"][i],
        )
        for i in range(len(chunk.strategies))
    ]


def _paths_chunk(chunk: _Chunk) -> dict[str, np.ndarray]:
    """Round-by-round simulation of the chunk's blocks; arrays are strategies x kept paths."""
    game, record = chunk.game, chunk.record
    n = chunk.n_blocks * BLOCK_PATHS
    rounds = game.rounds
    k = len(game.outcome_probs)
    log_start = math.log(game.start)
    generators = [block_generator(chunk.seed, chunk.first_block + i) for i in range(chunk.n_blocks)]
    thresholds = outcome_thresholds(game)
    if _JIT and not record:
        from sim.jit.dispatch import play_chunk  # sim.jit never imports sim.engine

        spans = [(g * GROUP_ROUNDS, groups, width) for g, groups, width in _group_spans(rounds)]
        compiled = play_chunk(game, chunk.strategies, n, chunk.paths,
                              lambda out: _draw_groups(generators, thresholds, out), spans)
        if compiled is not None:
            return compiled

    trajectories = None
    if record:  # kept paths only, one array for all strategies: returned without a copy
        trajectories = np.empty((len(chunk.strategies), chunk.paths, rounds + 1))
        trajectories[:, :, 0] = log_start
    rows, scratch = np.empty((TILE_GROUPS, n, 4)), np.empty(n)
    runners: list[_ConstantRunner | _AdaptiveRunner] = []
    for i, strategy in enumerate(chunk.strategies):
        log_mult = _log_multipliers(strategy, game) if game.is_frictionless else None
        trajectory = None if trajectories is None else trajectories[i]
        if log_mult is None:
            runners.append(_AdaptiveRunner(game, strategy, n, log_start, trajectory))
        else:
            runners.append(_ConstantRunner(log_mult, n, log_start, trajectory, rows, scratch))
    constant = [r for r in runners if isinstance(r, _ConstantRunner)]
    adaptive = [r for r in runners if isinstance(r, _AdaptiveRunner)]
    count_every_round = record or any(s.needs_counts for s in chunk.strategies)

    counts = np.zeros((k, n), dtype=np.int64)  # counts[i, path]: how often outcome i came up
    counts_view = counts.T  # (paths, K) for BetContext
    is_outcome = np.empty(n, dtype=bool)
    tile = np.empty((TILE_GROUPS, n, GROUP_ROUNDS), dtype=np.uint8)
    words = tile.view("<u8")[..., 0]  # a coin group's 8 outcomes (0/1) as one 64-bit word
    packed = np.empty((TILE_GROUPS, n), dtype=np.uint64)
    codes = np.empty((TILE_GROUPS, n), dtype=np.intp)
    tails = np.empty(n, dtype=np.uint64)

    for first_group, groups, width in _group_spans(rounds):
        out = tile[:groups, :, :width]
        _draw_groups(generators, thresholds, out)
        grouped = k == 2 and width == GROUP_ROUNDS and not record
        if grouped and constant:
            np.multiply(words[:groups], _PACK_BITS, out=packed[:groups])
            np.right_shift(packed[:groups], _TOP_BYTE, out=packed[:groups])
            np.copyto(codes[:groups], packed[:groups])
            for runner in constant:
                runner.groups(codes[:groups])
        if grouped and not count_every_round:  # tails per path in the tile, byte by byte
            np.add.reduce(words[:groups], axis=0, out=tails)
            np.multiply(tails, _SUM_BYTES, out=tails)
            np.right_shift(tails, _TOP_BYTE, out=tails)
            np.add(counts[1], tails, out=counts[1], casting="unsafe")
        if grouped and not adaptive and not count_every_round:
            continue
        for j in range(groups):
            for offset in range(width):
                t = (first_group + j) * GROUP_ROUNDS + offset
                outcome = out[j, :, offset]
                for runner in adaptive:
                    runner.round(t, outcome, counts_view)
                if grouped and not count_every_round:
                    continue
                if k == 2:
                    np.add(counts[1], outcome, out=counts[1])
                    np.subtract(t + 1, counts[1], out=counts[0])
                else:
                    for i in range(k):
                        np.equal(outcome, i, out=is_outcome)
                        np.add(counts[i], is_outcome, out=counts[i])
                if not grouped:
                    for runner in constant:
                        runner.round(outcome, t, counts)
    if k == 2:
        np.subtract(rounds, counts[1], out=counts[0])

    parts = [runner.finish(counts, rounds) for runner in runners]
    keep = chunk.paths
    result = {
        key: np.stack([part[key][:keep] for part in parts])
        for key in ("log_wealth", "max_drawdown", "capped", "ruined", "rounds_played")
    }
    if record:
        result["trajectories"] = trajectories
    return result


def _counts_chunk(chunk: _Chunk) -> dict[str, np.ndarray] | list[StrategyTally]:
    """Terminal wealth from sampled outcome counts (frictionless, constant strategies)."""
    game = chunk.game
    probs = game.outcome_probs
    rounds = game.rounds
    counts = np.empty((len(probs), chunk.n_blocks * BLOCK_PATHS), dtype=np.int64)
    for i in range(chunk.n_blocks):
        generator = block_generator(chunk.seed, chunk.first_block + i)
        columns = slice(i * BLOCK_PATHS, (i + 1) * BLOCK_PATHS)
        if len(probs) == 2:  # the same stream as multinomial, one binomial per path, faster
            counts[0, columns] = generator.binomial(rounds, probs[0], size=BLOCK_PATHS)
            np.subtract(rounds, counts[0, columns], out=counts[1, columns])
        else:
            counts[:, columns] = generator.multinomial(rounds, probs, size=BLOCK_PATHS).T
    counts = counts[:, : chunk.paths]
    log_start = math.log(game.start)
    log_mults = [_log_multipliers(s, game) for s in chunk.strategies]
    if not chunk.summary:
        log_wealth = np.stack([_terminal_log_wealth(log_start, m, counts) for m in log_mults])
        return {"log_wealth": log_wealth, "ruined": log_wealth == -np.inf}
    if len(probs) == 2:
        if rounds <= 8 * counts.shape[1] + 1024:  # a histogram over 0..T is small: count fast
            histogram = np.bincount(counts[0], minlength=rounds + 1)
            heads = np.flatnonzero(histogram)
            weights = histogram[heads]
        else:  # T far above the paths (10^12 rounds, say): sort the few head counts instead
            heads, weights = np.unique(counts[0], return_counts=True)
        distinct = np.stack([heads, rounds - heads])
    else:
        distinct, weights = np.unique(counts, axis=1, return_counts=True)
    tallies = []
    for log_mult in log_mults:
        values = _terminal_log_wealth(log_start, log_mult, distinct)
        tallies.append(StrategyTally(
            log_wealth=Distribution.of(values, weights),
            max_drawdown=None,
            ruined=int(weights[values == -np.inf].sum()),
            capped=0,
            rounds_to_cap=0,
        ))
    return tallies


# --------------------------------------------------------------------------------------------
# The public entry points.


def _validate_strategies(game: Game, strategies) -> tuple[Strategy, ...]:
    if isinstance(strategies, (str, Strategy)):
        strategies = [strategies]
    parsed = tuple(parse_strategy(s) if isinstance(s, str) else s for s in strategies)
    if not parsed:
        raise ValueError("no strategy given; name at least one, e.g. 'kelly'")
    for strategy in parsed:
        if not isinstance(strategy, Strategy):
            raise ValueError(f"strategy {strategy!r} is not a Strategy or a spec string")
        strategy.constant_fractions(game)  # raises if the policy does not fit the game
        if hasattr(strategy, "prepare"):
            strategy.prepare(game)
    return parsed


def _choose_method(game: Game, strategies: Sequence[Strategy], method: str, record: bool) -> str:
    exact_ok = game.is_frictionless and all(s.multipliers(game) is not None for s in strategies)
    if method == "auto":
        return "counts" if exact_ok and not record else "paths"
    if method == "counts":
        if not exact_ok:
            raise ValueError(
                "method 'counts' needs frictionless rules (no cap, floor, min_bet or tick) "
                "and constant-fraction strategies"
            )
        if record:
            raise ValueError("method 'counts' cannot record paths; use method 'paths'")
    elif method != "paths":
        raise ValueError(f"method = {method!r}; expected 'auto', 'paths' or 'counts'")
    return method


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} = {value!r} must be a whole number of at least 1")
    return int(value)


def _gib(size: float) -> str:
    return f"{size / 1024**3:.1f} GiB"


def _check_memory(game: Game, strategies: Sequence[Strategy], paths: int, method: str,
                  record: bool, summary: bool) -> None:
    """Refuse, before any work, a run whose kept results would exceed the limits."""
    n_strategies = len(strategies)
    if record:
        needed = n_strategies * paths * (game.rounds + 1) * 8
        if needed > MAX_RECORD_BYTES:
            raise ValueError(
                f"recording {paths} paths x {game.rounds + 1} rounds x {n_strategies} "
                f"strategies needs {_gib(needed)}; the limit is {_gib(MAX_RECORD_BYTES)} "
                "(record fewer paths or rounds)"
            )
    if summary:
        # worst case: every path a distinct value (8 bytes) with its count (8 bytes), for the
        # terminal wealth and, on the path method, the drawdown too
        k = len(game.outcome_probs)
        distinct = paths if method == "paths" else min(paths, math.comb(game.rounds + k - 1, k - 1))
        needed = n_strategies * distinct * (32 if method == "paths" else 16)
        what = "a summary"
    else:
        # log-wealth and ruin per path; the path method adds drawdown, rounds and cap
        needed = n_strategies * paths * (26 if method == "paths" else 9)
        what = "per-path results"
    if needed > MAX_RESULT_BYTES:
        hint = (
            "use fewer paths or strategies" if summary
            else "use simulate_summary (statistics merged per chunk) or fewer paths"
        )
        raise ValueError(
            f"{paths} paths x {n_strategies} strategies with method {method!r} would keep "
            f"{_gib(needed)} of {what}; the limit is {_gib(MAX_RESULT_BYTES)} ({hint})"
        )


def _plan(game, strategies, paths, seed, rng, method, record, chunk_size, summary):
    """Validate a request and split it into chunks of whole blocks."""
    strategies = _validate_strategies(game, strategies)
    paths = _positive_int("paths", paths)
    seed = resolve_seed(seed, rng)
    method = _choose_method(game, strategies, method, record)
    if chunk_size is None:
        chunk_size = DEFAULT_COUNTS_CHUNK_PATHS if method == "counts" else DEFAULT_CHUNK_PATHS
    chunk_size = min(_positive_int("chunk_size", chunk_size), MAX_CHUNK_PATHS)
    _check_memory(game, strategies, paths, method, record, summary)
    total_blocks = -(-paths // BLOCK_PATHS)
    per_chunk = -(-chunk_size // BLOCK_PATHS)
    chunks = []
    for first in range(0, total_blocks, per_chunk):
        n_blocks = min(per_chunk, total_blocks - first)
        kept = min(n_blocks * BLOCK_PATHS, paths - first * BLOCK_PATHS)
        chunks.append(
            _Chunk(game, strategies, seed, first, n_blocks, kept, method, record, summary)
        )
    return strategies, seed, method, chunks


def _ignore_interrupts() -> None:
    """Worker start-up: Ctrl-C is the parent's to handle (it then terminates the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _execute(
    chunks: list[_Chunk],
    workers: int,
    executor: Executor | None,
    progress: Callable[[int], None] | None,
) -> list:
    """Run the chunks (here, in worker processes or on ``executor``) and return them in order.

    If the run stops early (Ctrl-C, an error in a chunk) the worker processes are terminated at
    once rather than left to finish the chunks they hold, and an executor's pending chunks are
    cancelled.
    """
    workers = _positive_int("workers", workers)
    if executor is not None and workers != 1:
        raise ValueError(f"workers = {workers} and an executor given; give one of them")
    pool = None
    if executor is not None:
        results = executor.map(_run_chunk, chunks)
    elif workers == 1 or len(chunks) == 1:
        results = map(_run_chunk, chunks)
    else:
        processes = min(workers, len(chunks), os.cpu_count() or 1)
        pool = multiprocessing.get_context().Pool(processes, initializer=_ignore_interrupts)
        results = pool.imap(_run_chunk, chunks)
    parts = []
    done = 0
    try:
        for chunk, part in zip(chunks, results, strict=True):
            parts.append(part)
            done += chunk.paths
            if progress is not None:
                progress(done)
    except BaseException:
        if pool is not None:
            pool.terminate()
        close = getattr(results, "close", None)
        if close is not None:  # a generator of futures cancels the ones not yet done
            close()
        raise
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return parts


def simulate(
    game: Game,
    strategies: Sequence[Strategy | str] | Strategy | str,
    paths: int = 10_000,
    seed: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    method: Method = "auto",
    record_paths: bool = False,
    chunk_size: int | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> SimulationResult:
    """Simulate ``paths`` independent bankrolls of ``game`` for every strategy on common flips.

    ``seed`` (or one draw from ``rng``) fixes the result, whatever ``chunk_size`` (paths per
    task, rounded up to whole blocks of :data:`BLOCK_PATHS`; default
    :data:`DEFAULT_CHUNK_PATHS`, or :data:`DEFAULT_COUNTS_CHUNK_PATHS` for the counts method),
    ``workers`` (processes) or ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. a Dask client's, see :mod:`sim.distributed`).
    ``method="auto"`` takes the exact counts path when it applies and trajectories are not
    requested. ``progress`` is called with the number of paths finished after each chunk.
    A run whose per-path results would exceed :data:`MAX_RESULT_BYTES` (or trajectories
    :data:`MAX_RECORD_BYTES`) raises ValueError before any work; :func:`simulate_summary`
    computes the statistics of any number of paths in bounded memory.
    """
    strategies, seed, method, chunks = _plan(
        game, strategies, paths, seed, rng, method, record_paths, chunk_size, summary=False
    )
    parts = _execute(chunks, workers, executor, progress)

    def gather(key: str) -> np.ndarray | None:
        if key not in parts[0]:
            return None
        if len(parts) == 1:
            return parts[0][key]
        return np.concatenate([part[key] for part in parts], axis=1)

    log_wealth = gather("log_wealth")
    shape = log_wealth.shape
    if method == "counts":  # every path plays every round and none is capped: no copies
        rounds_played = np.broadcast_to(np.int64(game.rounds), shape)
        capped = np.broadcast_to(False, shape)
    else:
        rounds_played = gather("rounds_played")
        capped = gather("capped")
    return SimulationResult(
        game=game,
        labels=tuple(s.label for s in strategies),
        strategies=strategies,
        seed=seed,
        method=method,
        log_wealth=log_wealth,
        rounds_played=rounds_played,
        capped=capped,
        ruined=gather("ruined"),
        max_drawdown=gather("max_drawdown"),
        trajectories=gather("trajectories"),
    )


def simulate_summary(
    game: Game,
    strategies: Sequence[Strategy | str] | Strategy | str,
    paths: int = 10_000,
    seed: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    method: Method = "auto",
    chunk_size: int | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> SimulationSummary:
    """The statistics of :func:`simulate` without keeping per-path arrays.

    Same arguments and the same paths as :func:`simulate` for the same seed; each chunk is
    reduced to exact, mergeable tallies where it ran (:mod:`sim.accumulate`), so memory grows
    with the number of distinct terminal values rather than with the paths: a sweep of 101
    fractions over 10^6 coin paths of 10^4 rounds keeps at most 101 x 10^4 values.
    ``summary.to_frame()`` gives the table of :func:`sim.stats.summarize`.
    """
    strategies, seed, method, chunks = _plan(
        game, strategies, paths, seed, rng, method, False, chunk_size, summary=True
    )
    parts = _execute(chunks, workers, executor, progress)
    tallies = tuple(
        StrategyTally.merge_all([part[i] for part in parts]) for i in range(len(strategies))
    )
    return SimulationSummary(
        game=game,
        labels=tuple(s.label for s in strategies),
        strategies=strategies,
        seed=seed,
        method=method,
        tallies=tallies,
    )
