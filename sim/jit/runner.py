"""Play a whole chunk of the path engine with the compiled kernels, or say it cannot.

:func:`play_chunk` is what :mod:`sim.engine` calls (through :mod:`sim.jit.dispatch`, unless
``KELLY_JIT=0``): given the chunk's draw function and its tiles of rounds it returns the same
dict as the numpy round-by-round loop (``log_wealth``, ``max_drawdown``, ``capped``,
``ruined``, ``rounds_played``; strategies x kept paths), or None when numpy must play the chunk
(:func:`sim.jit.forms.chunk_forms`). Each strategy gets a player: a transition table for a
constant fraction or a fixed amount under a cap and a tick, money for other rules, ln W for
frictionless ones.

**Equality with the numpy engine** (tests/test_jit_equivalence.py). The outcomes are the same
draws and the kernels repeat the numpy operations in the same order. Where they can differ:

* With a tick, the numpy engine keeps ln W and settles e^(ln W), which misses k x tick by an
  ulp or so; a stake of exactly half a tick (fixed:0.1 on $25.05) then rounds whichever way that
  ulp says. The transition tables are settled from numpy's own ``np.exp(np.log(k * tick))``
  (:func:`seen_table`), and the money kernels settle that value whenever a stake is within
  1e-6 of half a tick or the bankroll equals the minimum bet, so wealth is equal to the cent,
  bit for bit, while the bankroll stays below :data:`MAX_SEEN_TICKS` ticks (always under a cap
  of up to that many ticks). Above it a half-tick tie may round the other way.
* Without a tick (cap, floor or minimum bet in continuous money), numpy's round trip e^(ln W)
  adds about an ulp per round that the kernel's money does not: wealth agrees to a relative
  1e-12 over 10^4 rounds (or 1e-10 of the start for what is left after losing nearly all), and
  a cap, floor or minimum is decided differently only within that distance of it; a bankroll
  fallen to dust (below 1e-9 of the start) may be declared ruined a round apart.
* Frictionless adaptive strategies add ln(multiplier) per round, as numpy does, but with the C
  library's log and exp, which differ from numpy's SIMD ones by an ulp on some inputs (AVX-512):
  the same relative 1e-12.
* Drawdowns under rules are tracked as the lowest wealth / running peak in money (numpy: the
  largest ln(peak) - ln W): equal to 1e-12.
* Paths past 2^53 ticks, minimum bets or floors without a cap are settled as numpy settles them
  (the rules can no longer change a stake) but in money: relative 1e-12.
* A race whose chunk has a path over its bankroll re-rounds every path's stakes in numpy (an
  idempotent floor below about 2^22 ticks); the kernel re-rounds only the paths that were over.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.games import CoinGame, Game
from sim.jit import layout  # noqa: F401  (the tests read runner.layout)
from sim.jit.draws import CompiledDraws
from sim.jit.layout import BlockDraws
from sim.jit.players import (  # noqa: F401  (rules_vector, seen_table: the tests read them)
    EXACT_MONEY,
    KEYS,
    MAX_SEEN_TICKS,
    Span,
    players_for,
    rules_vector,
    seen_table,
)
from sim.strategies import Strategy

Draw = Callable[[np.ndarray], None]


def tile_buffer(spans: Sequence[Span], paths: int) -> np.ndarray:
    """One reusable outcome tile, large enough for every span."""
    groups = max(span[1] for span in spans)
    width = max(span[2] for span in spans)
    return np.empty((groups, paths, width), dtype=np.uint8)


def play_chunk(game: Game, strategies: Sequence[Strategy], paths: int, keep: int,
               draw: Draw | BlockDraws, spans: Sequence[Span],
               checkpoint: Callable[[], None] | None = None) -> dict[str, np.ndarray] | None:
    """Play ``paths`` paths of every strategy with the kernels; None if they cannot.

    Parameters
    ----------
    game, strategies
        The chunk's rules and policies.
    paths, keep
        Paths drawn (whole blocks) and paths kept (the first ``keep``).
    draw
        ``draw(out)`` fills ``out`` (groups, paths, width) with the next tile's outcomes; or
        the chunk's generators and thresholds (:class:`~sim.jit.dispatch.BlockDraws`), whose
        draws are then made and classified in compiled code (:mod:`sim.jit.draws`).
    spans
        (first round, groups, width) of each tile, in order; round t of a tile is
        ``out[j, path, offset]`` with t = first round + j x width + offset.
    checkpoint
        Called before each tile; it may raise to stop the chunk (a worker thread being
        cancelled stops within one tile).

    Returns
    -------
    dict or None
        Arrays (strategies x keep) under the keys of the numpy engine's path loop.

    Examples
    --------
    >>> import numpy as np
    >>> from sim.games import HAGHANI_DEWEY
    >>> from sim.strategies import parse_strategy
    >>> flips = lambda out: out.fill(0)  # heads every round
    >>> spans = [(0, 1, 8)] * 1
    >>> game = HAGHANI_DEWEY
    >>> out = play_chunk(game, [parse_strategy("kelly")], 4, 4, flips, spans)
    >>> round(float(np.exp(out["log_wealth"][0, 0])), 2)  # 8 wins of 20%, in cents
    107.5
    """
    players = players_for(game, strategies, paths)
    if players is None:
        return None
    if isinstance(draw, BlockDraws):
        draw = CompiledDraws(draw.generators, draw.thresholds, draw.block_paths)
    tile = tile_buffer(spans, paths)
    for span in spans:
        if checkpoint is not None:
            checkpoint()
        _, groups, width = span
        draw(tile[:groups, :, :width])
        for player in players:
            player.tile(tile, span)
    parts = [player.finish() for player in players]
    return {key: np.stack([part[key][:keep] for part in parts]) for key in KEYS}


def warm_up() -> None:
    """Compile every kernel, or load it from numba's disk cache, so no later call waits.

    Safe to call from a background thread (numba serialises compilation); the game calls it
    at start-up so that the first simulation does not freeze a frame.

    Examples
    --------
    >>> warm_up()
    """
    from sim.games import HAGHANI_DEWEY, RaceGame
    from sim.optimal import OptimalStrategy
    from sim.strategies import BayesKelly, Kelly, Martingale

    generator = np.random.Generator(np.random.PCG64(0))
    CompiledDraws([generator], (1 << 31,), 2)(np.empty((1, 2, 2), dtype=np.uint8))
    from sim.jit.heads import heads_histogram_tile  # the fan chart's heads counts

    counts = np.zeros(3, dtype=np.int64)
    heads_histogram_tile(np.zeros((1, 2, 2), dtype=np.uint8), 1, 2, 0, counts[:2], counts,
                         np.ones(3, dtype=np.int64), np.zeros((3, 4), dtype=np.int64), 2)
    spans = [(0, 1, 2)]
    race = RaceGame(probs=(0.5, 0.5), odds=(2.0, 2.0), rounds=2)
    capped_race = RaceGame(probs=(0.5, 0.5), odds=(2.0, 2.0), rounds=2, cap=200.0, tick=0.01)
    for game, strategy in (
        (HAGHANI_DEWEY, Kelly()),  # the transition table
        (HAGHANI_DEWEY, BayesKelly()),  # Bayes in whole ticks
        (CoinGame(odds=2.0, cap=1000.0, tick=0.01, rounds=2), BayesKelly()),  # in money
        (HAGHANI_DEWEY, Martingale()),  # coin rules in money
        (CoinGame(start=1.0, cap=2.0, tick=0.5, rounds=2), OptimalStrategy()),  # k +- stake
        (CoinGame(cap=1000.0, rounds=2), Kelly()),  # a constant multiplier
        (CoinGame(rounds=2), BayesKelly()),  # frictionless coin
        (capped_race, Kelly()),  # race rules
        (race, BayesKelly()),  # frictionless race
    ):
        players = players_for(game, [strategy], 2)
        tile = tile_buffer(spans, 2)
        tile.fill(0)
        for player in players or ():
            player.tile(tile, spans[0])
