"""Monte Carlo of repeated bets: many paths x many rounds x several strategies.

Design (docs/architecture.md has the layers; the rules of the engine are these):

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

The package, one job per module (each imports only those above it):

* :mod:`sim.engine.rules` -- settlement in money, multipliers, tick rounding, smallest bet;
* :mod:`sim.engine.draws` -- the seed check, block generators, thresholds, block outcomes;
* :mod:`sim.engine.runners` -- the constant and adaptive per-strategy runners;
* :mod:`sim.engine.kernels` -- the chunk kernels (path method, counts method);
* :mod:`sim.engine.planning` -- validation, memory limits, the chunk plan;
* :mod:`sim.engine.run` -- :func:`simulate` and :func:`simulate_summary`, one code path.

The result types live in :mod:`sim.results`.
"""

from sim.engine.draws import (
    BLOCK_PATHS,
    DRAW_SCALE,
    GROUP_ROUNDS,
    TILE_GROUPS,
    block_generator,
    block_outcomes,
    check_seed,
    outcome_thresholds,
    resolve_seed,
)
from sim.engine.kernels import Chunk, counts_chunk, run_chunk
from sim.engine.planning import (
    DEFAULT_CHUNK_PATHS,
    DEFAULT_COUNTS_CHUNK_PATHS,
    MAX_CHUNK_PATHS,
    MAX_RECORD_BYTES,
    MAX_RESULT_BYTES,
    positive_int,
)
from sim.engine.rules import (
    EXACT_MONEY,
    Settlement,
    coin_settle_multiplier,
    race_settle_multiplier,
    round_to_tick,
    settle,
    settle_with_friction,
    smallest_bet,
)
from sim.engine.run import Method, execute, simulate, simulate_summary
from sim.engine.runners import counts_log_wealth
from sim.results import SimulationResult, SimulationSummary

__all__ = [
    "BLOCK_PATHS",
    "DEFAULT_CHUNK_PATHS",
    "DEFAULT_COUNTS_CHUNK_PATHS",
    "DRAW_SCALE",
    "EXACT_MONEY",
    "GROUP_ROUNDS",
    "MAX_CHUNK_PATHS",
    "MAX_RECORD_BYTES",
    "MAX_RESULT_BYTES",
    "TILE_GROUPS",
    "Chunk",
    "Method",
    "Settlement",
    "SimulationResult",
    "SimulationSummary",
    "block_generator",
    "block_outcomes",
    "check_seed",
    "coin_settle_multiplier",
    "counts_chunk",
    "counts_log_wealth",
    "execute",
    "outcome_thresholds",
    "positive_int",
    "race_settle_multiplier",
    "resolve_seed",
    "round_to_tick",
    "run_chunk",
    "settle",
    "settle_with_friction",
    "simulate",
    "simulate_summary",
    "smallest_bet",
]
