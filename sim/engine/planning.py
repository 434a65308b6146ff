"""Check a request and split it into chunks of whole path blocks, before any work is done.

Validation (strategies, method, sizes), the memory limits (:data:`MAX_RESULT_BYTES`,
:data:`MAX_RECORD_BYTES`) and the chunk plan live here, so a request that cannot run is refused
with one ValueError before a single path is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sim.engine.draws import BLOCK_PATHS, resolve_seed
from sim.engine.kernels import Chunk, compiles
from sim.games import Game, is_whole_number
from sim.policy import Strategy
from sim.strategies import parse_strategy

#: paths per chunk of the path method: large enough to amortise numpy's per-call cost,
#: small enough that a tile of outcomes and the per-path state stay in the L2 cache
DEFAULT_CHUNK_PATHS = 16_384
#: paths per chunk when the compiled kernels play it: each tile's look-up rows (optimal play's
#: stakes change every round) are shared by more paths (optimal play 0.48 -> 0.55x the float32
#: fill rate, kelly 0.64 -> 0.71x under Haghani-Dewey rules, against 16,384); cut down so that
#: each worker gets two chunks at least
DEFAULT_COMPILED_CHUNK_PATHS = 65_536
#: paths per chunk of the counts method (16 bytes of counts per path)
DEFAULT_COUNTS_CHUNK_PATHS = 262_144
#: larger chunk sizes are treated as this one (results do not depend on the chunk size)
MAX_CHUNK_PATHS = 1 << 20
#: the largest trajectory array ``record_paths=True`` may allocate
MAX_RECORD_BYTES = 2 * 1024**3
#: the largest per-path result (or summary tally) a run may keep
MAX_RESULT_BYTES = 2 * 1024**3
#: the most paths one run may ask for: path counts and the statistics' sums are float64,
#: exact up to 2**53 (``force`` on the command line cannot pass this one)
MAX_PATHS = 2**53


def validate_strategies(game: Game, strategies) -> tuple[Strategy, ...]:
    """Strategies (or spec strings) as a tuple of Strategy objects that fit ``game``."""
    if isinstance(strategies, (str, Strategy)):
        strategies = [strategies]
    parsed = tuple(parse_strategy(s) if isinstance(s, str) else s for s in strategies)
    if not parsed:
        raise ValueError("no strategy given; name at least one, e.g. 'kelly'")
    for strategy in parsed:
        if not isinstance(strategy, Strategy):
            raise ValueError(f"strategy {strategy!r:.80} is not a Strategy or a spec string")
        strategy.constant_fractions(game)  # raises if the policy does not fit the game
        if hasattr(strategy, "prepare"):
            strategy.prepare(game)
    return parsed


def choose_method(game: Game, strategies: Sequence[Strategy], method: str, record: bool) -> str:
    """The method to run: ``"counts"`` where it is exact and allowed, else ``"paths"``."""
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
        raise ValueError(f"method = {method!r:.80}; expected 'auto', 'paths' or 'counts'")
    return method


def positive_int(name: str, value) -> int:
    """``value`` as an int if it is a whole number >= 1, else ValueError naming ``name``."""
    if not is_whole_number(value) or value < 1:
        raise ValueError(f"{name} = {value!r:.80} must be a whole number of at least 1")
    return int(value)


def check_paths(paths: int) -> int:
    """``paths`` if the engine can count that many exactly (:data:`MAX_PATHS`), else ValueError."""
    if paths > MAX_PATHS:
        shown = f"{paths:.3e}" if paths < 10**300 else f"a {len(str(paths))}-digit number"
        raise ValueError(f"paths = {shown} is more than a run can count exactly "
                         f"(at most 2**53 = {MAX_PATHS:.3e})")
    return paths


def _gib(size: float) -> str:
    return f"{size / 1024**3:.1f} GiB"


def _check_record(game: Game, n_strategies: int, paths: int) -> None:
    needed = n_strategies * paths * (game.rounds + 1) * 8
    if needed > MAX_RECORD_BYTES:
        raise ValueError(
            f"recording {paths} paths x {game.rounds + 1} rounds x {n_strategies} "
            f"strategies needs {_gib(needed)}; the limit is {_gib(MAX_RECORD_BYTES)} "
            "(record fewer paths or rounds)"
        )


def check_memory(game: Game, strategies: Sequence[Strategy], paths: int, method: str,
                 record: bool, summary: bool) -> None:
    """Refuse, before any work, a run whose kept results would exceed the limits."""
    n_strategies = len(strategies)
    if record:
        _check_record(game, n_strategies, paths)
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


@dataclass(frozen=True)
class ChunkPlan(Sequence):
    """The chunks of a run, made one at a time when asked for (a run of 2**53 paths has
    billions of chunks: a list of them would fill the memory before any work)."""

    game: Game
    strategies: tuple[Strategy, ...]
    seed: int
    paths: int
    per_chunk: int  # blocks per chunk
    method: str
    record: bool
    summary: bool

    def __len__(self) -> int:
        total_blocks = -(-self.paths // BLOCK_PATHS)
        return -(-total_blocks // self.per_chunk)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        first = index * self.per_chunk
        n_blocks = min(self.per_chunk, -(-self.paths // BLOCK_PATHS) - first)
        kept = min(n_blocks * BLOCK_PATHS, self.paths - first * BLOCK_PATHS)
        return Chunk(self.game, self.strategies, self.seed, first, n_blocks, kept, self.method,
                     self.record, self.summary)

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))


@dataclass(frozen=True)
class Plan:
    """A checked request: its strategies, seed, method and chunks."""

    strategies: tuple[Strategy, ...]
    seed: int
    method: str
    chunks: Sequence[Chunk]


def default_chunk_paths(game, strategies, paths: int, method: str, record: bool,
                        workers: int) -> int:
    """Paths per chunk when the caller gives none (the results do not depend on it)."""
    if method == "counts":
        return DEFAULT_COUNTS_CHUNK_PATHS
    if not compiles(game, strategies, method, record):
        return DEFAULT_CHUNK_PATHS
    shared = -(-paths // (2 * workers)) if workers > 1 else DEFAULT_COMPILED_CHUNK_PATHS
    return max(DEFAULT_CHUNK_PATHS, min(DEFAULT_COMPILED_CHUNK_PATHS, shared))


def plan(game, strategies, paths, seed, rng, method, record, chunk_size, summary,
         workers: int = 1) -> Plan:
    """Validate a request and split it into chunks of whole blocks."""
    strategies = validate_strategies(game, strategies)
    paths = check_paths(positive_int("paths", paths))
    seed = resolve_seed(seed, rng)
    method = choose_method(game, strategies, method, record)
    if chunk_size is None:
        chunk_size = default_chunk_paths(game, strategies, paths, method, record, workers)
    chunk_size = min(positive_int("chunk_size", chunk_size), MAX_CHUNK_PATHS)
    check_memory(game, strategies, paths, method, record, summary)
    per_chunk = -(-chunk_size // BLOCK_PATHS)
    chunks = ChunkPlan(game, strategies, seed, paths, per_chunk, method, record, summary)
    return Plan(strategies, seed, method, chunks)
