"""Monte Carlo of repeated bets: many paths x many rounds x several strategies.

Design (DESIGN.md, "Rules of the engine"):

* **Common random numbers.** Every strategy sees the same outcomes on the same path, so
  differences between strategies are never luck.
* **Seeding independent of chunking.** Paths are grouped in fixed blocks of
  :data:`BLOCK_PATHS`; block k draws from its own generator seeded by child k of
  ``SeedSequence(seed)`` (``SeedSequence(seed, spawn_key=(k,))``). A chunk is a run of whole
  blocks, so the same seed gives bit-for-bit the same result for any chunk size or number of
  worker processes. The last block is padded and the padding paths are dropped.
* **Bounded memory.** Within a chunk the rounds are drawn in tiles of :data:`TILE_ROUNDS`
  (float32 uniforms into one reused buffer); only per-path state is kept, never a
  paths x rounds array unless ``record_paths=True`` asks for the trajectories.
* **Log-wealth** is the working variable, so 10^4 or 10^6 rounds never overflow. Money appears
  only where the rules need it (cap, floor, minimum bet, tick).
* **Exact fast path.** When the rules are frictionless (no cap, floor, minimum bet or tick) and
  every strategy stakes constant fractions, terminal wealth depends only on how often each
  outcome came up: W_T = W_0 prod_i m_i^{N_i} with (N_i) ~ Multinomial(T, p). ``method="counts"``
  samples those counts, so 10^4 rounds cost the same as one.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.games import CoinGame, Game, RaceGame
from sim.strategies import BetContext, Strategy, parse_strategy

BLOCK_PATHS = 1024
TILE_ROUNDS = 64
DEFAULT_CHUNK_PATHS = 65_536
#: the largest trajectory array ``record_paths=True`` may allocate
MAX_RECORD_BYTES = 2 * 1024**3

Method = Literal["auto", "paths", "counts"]


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
    max_drawdown: np.ndarray | None  # largest fall from a running peak, as a fraction; None for counts
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
# The chunk kernels.


def _draw_outcomes(uniforms: np.ndarray, cumulative: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Outcome index per path from uniforms: the number of cumulative thresholds <= u."""
    np.greater_equal(uniforms, cumulative[0], out=out)
    if len(cumulative) > 1:
        step = np.empty_like(out)
        for threshold in cumulative[1:]:
            np.greater_equal(uniforms, threshold, out=step)
            out += step
    return out


@dataclass
class _StrategyState:
    log_wealth: np.ndarray
    peak: np.ndarray
    drawdown: np.ndarray
    rounds_played: np.ndarray
    capped: np.ndarray
    ruined: np.ndarray
    last_stake: np.ndarray
    last_won: np.ndarray
    log_multipliers: np.ndarray | None  # constant strategies under frictionless rules
    trajectory: np.ndarray | None


def _log_multipliers(strategy: Strategy, game: Game) -> np.ndarray | None:
    multipliers = strategy.multipliers(game)
    if multipliers is None:
        return None
    with np.errstate(divide="ignore"):
        return np.log(multipliers)


def _paths_chunk(
    game: Game,
    strategies: Sequence[Strategy],
    seed: int,
    first_block: int,
    n_blocks: int,
    record_paths: bool,
) -> dict[str, np.ndarray]:
    """Round-by-round simulation of blocks [first_block, first_block + n_blocks)."""
    n = n_blocks * BLOCK_PATHS
    rounds = game.rounds
    frictionless = game.is_frictionless
    generators = [block_generator(seed, first_block + i) for i in range(n_blocks)]
    cumulative = np.cumsum(game.outcome_probs)[:-1].astype(np.float32)
    start = math.log(game.start)
    needs_counts = any(s.needs_counts for s in strategies)
    counts = np.zeros((n, len(game.outcome_probs)), dtype=np.int64) if needs_counts else None
    rows = np.arange(n)

    states = []
    for strategy in strategies:
        log_mult = _log_multipliers(strategy, game) if frictionless else None
        states.append(
            _StrategyState(
                log_wealth=np.full(n, start),
                peak=np.full(n, start),
                drawdown=np.zeros(n),
                rounds_played=np.zeros(n, dtype=np.int64),
                capped=np.zeros(n, dtype=bool),
                ruined=np.zeros(n, dtype=bool),
                last_stake=np.zeros(n),
                last_won=np.zeros(n, dtype=bool),
                log_multipliers=log_mult,
                trajectory=np.empty((n, rounds + 1)) if record_paths else None,
            )
        )
        if record_paths:
            states[-1].trajectory[:, 0] = start

    uniforms = np.empty((n_blocks, TILE_ROUNDS, BLOCK_PATHS), dtype=np.float32)
    outcome = np.empty(n, dtype=np.uint8)
    outcome_blocks = outcome.reshape(n_blocks, BLOCK_PATHS)
    step = np.empty(n)
    gap = np.empty(n)
    for tile_start in range(0, rounds, TILE_ROUNDS):
        tile = min(TILE_ROUNDS, rounds - tile_start)
        for i, generator in enumerate(generators):
            generator.random(dtype=np.float32, out=uniforms[i, :tile])
        for offset in range(tile):
            t = tile_start + offset
            _draw_outcomes(uniforms[:, offset, :], cumulative, outcome_blocks)
            for strategy, state in zip(strategies, states):
                lw = state.log_wealth
                if state.log_multipliers is not None:
                    np.take(state.log_multipliers, outcome, out=step)
                    lw += step
                else:
                    _adaptive_round(game, strategy, state, t, counts, outcome)
                np.maximum(state.peak, lw, out=state.peak)
                np.subtract(state.peak, lw, out=gap)
                np.maximum(state.drawdown, gap, out=state.drawdown)
                if record_paths:
                    state.trajectory[:, t + 1] = lw
            if counts is not None:
                counts[rows, outcome] += 1

    result = {
        "log_wealth": np.stack([s.log_wealth for s in states]),
        "max_drawdown": -np.expm1(-np.stack([s.drawdown for s in states])),
        "capped": np.stack([s.capped for s in states]),
        "ruined": np.stack([s.ruined | (s.log_wealth == -np.inf) for s in states]),
        "rounds_played": np.stack([
            s.rounds_played if s.log_multipliers is None else np.full(n, rounds) for s in states
        ]),
    }
    if record_paths:
        result["trajectories"] = np.stack([s.trajectory for s in states])
    return result


def _adaptive_round(
    game: Game,
    strategy: Strategy,
    state: _StrategyState,
    t: int,
    counts: np.ndarray | None,
    outcome: np.ndarray,
) -> None:
    """One round for a strategy that needs money rules or decides from the history."""
    active = ~(state.capped | state.ruined)
    if not np.any(active):
        return
    context = BetContext(
        game=game,
        round=t,
        log_wealth=state.log_wealth,
        counts=counts,
        last_stake=state.last_stake,
        last_won=state.last_won,
    )
    fractions = np.asarray(strategy.fractions(context), dtype=float)
    with np.errstate(over="ignore"):
        wealth = np.exp(state.log_wealth)
    if game.is_frictionless:
        if isinstance(game, CoinGame):
            multiplier = coin_settle_multiplier(game, fractions, outcome == 0)
            staked = np.abs(fractions) * wealth
        else:
            multiplier = race_settle_multiplier(game, fractions, outcome)
            staked = fractions.sum(axis=1) * wealth
        multiplier = np.where(active, multiplier, 1.0)
        with np.errstate(divide="ignore"):
            state.log_wealth += np.log(multiplier)
        state.ruined |= state.log_wealth == -np.inf
        state.last_won = multiplier > 1.0
        state.last_stake = np.where(active, staked, 0.0)
        state.rounds_played += active
        return
    settlement = settle(game, wealth, fractions, outcome, active)
    state.last_won = settlement.wealth > wealth
    state.last_stake = settlement.stake
    with np.errstate(divide="ignore"):
        state.log_wealth[:] = np.where(active, np.log(settlement.wealth), state.log_wealth)
    state.rounds_played += active
    state.capped |= settlement.capped
    state.ruined |= settlement.ruined


def _counts_chunk(
    game: Game,
    strategies: Sequence[Strategy],
    seed: int,
    first_block: int,
    n_blocks: int,
    record_paths: bool,
) -> dict[str, np.ndarray]:
    """Terminal wealth from sampled outcome counts (frictionless, constant strategies)."""
    probs = game.outcome_probs
    counts = np.concatenate([
        block_generator(seed, first_block + i).multinomial(game.rounds, probs, size=BLOCK_PATHS)
        for i in range(n_blocks)
    ])
    log_wealth = np.stack([counts_log_wealth(game, s, counts) for s in strategies])
    n = counts.shape[0]
    return {
        "log_wealth": log_wealth,
        "capped": np.zeros(log_wealth.shape, dtype=bool),
        "ruined": log_wealth == -np.inf,
        "rounds_played": np.full(log_wealth.shape, game.rounds, dtype=np.int64),
        "max_drawdown": np.full((len(strategies), n), np.nan),
    }


def counts_log_wealth(game: Game, strategy: Strategy, counts: np.ndarray) -> np.ndarray:
    """ln W_T = ln W_0 + sum_i N_i ln m_i for outcome counts N (paths, K); 0 ln 0 counts as 0."""
    with np.errstate(divide="ignore"):
        log_mult = np.log(strategy.multipliers(game))
    with np.errstate(invalid="ignore"):
        terms = np.where(counts > 0, counts * log_mult, 0.0)
    return math.log(game.start) + terms.sum(axis=1)


# --------------------------------------------------------------------------------------------
# The public entry point.


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


def simulate(
    game: Game,
    strategies: Sequence[Strategy | str] | Strategy | str,
    paths: int = 10_000,
    seed: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    method: Method = "auto",
    record_paths: bool = False,
    chunk_size: int = DEFAULT_CHUNK_PATHS,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate ``paths`` independent bankrolls of ``game`` for every strategy on common flips.

    ``seed`` (or one draw from ``rng``) fixes the result, whatever ``chunk_size`` (rounded up to
    whole blocks of :data:`BLOCK_PATHS` paths) or ``workers``. ``method="auto"`` takes the exact
    counts path when it applies and trajectories are not requested. ``progress`` is called with
    the number of paths finished after each chunk.
    """
    strategies = _validate_strategies(game, strategies)
    paths = _positive_int("paths", paths)
    chunk_size = _positive_int("chunk_size", chunk_size)
    workers = _positive_int("workers", workers)
    seed = resolve_seed(seed, rng)
    method = _choose_method(game, strategies, method, record_paths)
    if record_paths:
        needed = len(strategies) * paths * (game.rounds + 1) * 8
        if needed > MAX_RECORD_BYTES:
            raise ValueError(
                f"recording {paths} paths x {game.rounds + 1} rounds x {len(strategies)} "
                f"strategies needs {needed / 1024**3:.1f} GiB; the limit is "
                f"{MAX_RECORD_BYTES / 1024**3:.0f} GiB (record fewer paths or rounds)"
            )

    total_blocks = -(-paths // BLOCK_PATHS)
    blocks_per_chunk = max(1, -(-chunk_size // BLOCK_PATHS))
    kernel = _counts_chunk if method == "counts" else _paths_chunk
    tasks = [
        (game, strategies, seed, first, min(blocks_per_chunk, total_blocks - first), record_paths)
        for first in range(0, total_blocks, blocks_per_chunk)
    ]
    parts = []
    done = 0
    if workers == 1 or len(tasks) == 1:
        results = (kernel(*task) for task in tasks)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks), os.cpu_count() or 1))
        results = pool.map(kernel, *zip(*tasks))
    try:
        for task, part in zip(tasks, results):
            parts.append(part)
            done = min(paths, done + task[4] * BLOCK_PATHS)
            if progress is not None:
                progress(done)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)

    def gather(key: str) -> np.ndarray | None:
        if parts[0].get(key) is None:
            return None
        return np.concatenate([part[key] for part in parts], axis=1)[:, :paths]

    drawdown = gather("max_drawdown")
    return SimulationResult(
        game=game,
        labels=tuple(s.label for s in strategies),
        strategies=strategies,
        seed=seed,
        method=method,
        log_wealth=gather("log_wealth"),
        rounds_played=gather("rounds_played"),
        capped=gather("capped"),
        ruined=gather("ruined"),
        max_drawdown=None if method == "counts" else drawdown,
        trajectories=gather("trajectories"),
    )
