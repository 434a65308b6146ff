"""Seeds and outcomes: one generator per block of paths, 32-bit draws against integer thresholds.

Block k of :data:`BLOCK_PATHS` paths draws from child k of ``SeedSequence(seed)``, so the same
seed gives the same outcomes for any chunking; the outcome of a draw is the number of
thresholds c_k = round(2^32 (p_0 + ... + p_{k-1})) at or below it, exact to 2^-32.
:func:`check_seed` is the one place a seed is validated (in the engine and in the game).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.games import Game, is_whole_number

BLOCK_PATHS = 1024
#: rounds per group of draws; a coin group's outcomes form one byte
GROUP_ROUNDS = 8
#: groups drawn at a time (a tile of 64 rounds x chunk paths, about 1 MB at 16,384 paths)
TILE_GROUPS = 8
#: draws are 32-bit: outcome thresholds are integers in [0, 2^32]
DRAW_SCALE = 1 << 32
#: seeds drawn from a Generator lie in [0, SEED_BOUND)
SEED_BOUND = 2**63 - 1


def check_seed(seed: object) -> int:
    """``seed`` as an int if it is a whole number >= 0, else ValueError naming it.

    The one seed check of the project (the engine, the game's sessions and its app use it).

    Parameters
    ----------
    seed : object
        The value to check; a bool is not a seed.

    Returns
    -------
    int
        The seed.

    Raises
    ------
    ValueError
        If ``seed`` is not a non-negative whole number (int or numpy integer).

    Examples
    --------
    >>> check_seed(7)
    7
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed = -1 must be a non-negative whole number
    """
    if not is_whole_number(seed) or seed < 0:
        text = repr(seed)
        text = text if len(text) <= 80 else text[:77] + "..."
        raise ValueError(f"seed = {text} must be a non-negative whole number")
    return int(seed)


def resolve_seed(seed: int | None = None, rng: np.random.Generator | None = None) -> int:
    """One integer seed from an explicit seed, a Generator (one draw from it), or fresh entropy.

    Parameters
    ----------
    seed : int, optional
        A whole number >= 0 (checked by :func:`check_seed`).
    rng : numpy.random.Generator, optional
        A generator to draw the seed from; give either ``seed`` or ``rng``.

    Returns
    -------
    int
        The seed; with neither argument, fresh entropy from the operating system.

    Raises
    ------
    ValueError
        If both are given, ``seed`` is not a whole number >= 0, or ``rng`` is not a Generator.

    Examples
    --------
    >>> resolve_seed(3)
    3
    >>> import numpy as np
    >>> resolve_seed(rng=np.random.default_rng(0)) == resolve_seed(rng=np.random.default_rng(0))
    True
    """
    if seed is not None and rng is not None:
        raise ValueError("give either seed or rng, not both")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng = {rng!r:.80} is not a numpy.random.Generator")
        return int(rng.integers(0, SEED_BOUND))
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    return check_seed(seed)


def block_generator(seed: int, block: int) -> np.random.Generator:
    """The generator of path block ``block``: child ``block`` of ``SeedSequence(seed)``.

    Parameters
    ----------
    seed : int
        The run's seed.
    block : int
        The block index (paths ``block * BLOCK_PATHS`` onwards).

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator seeded by ``SeedSequence(seed, spawn_key=(block,))``.

    Examples
    --------
    >>> int(block_generator(1, 0).integers(10)) == int(block_generator(1, 0).integers(10))
    True
    """
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def outcome_thresholds(game: Game) -> tuple[int, ...]:
    """Thresholds c_1 <= ... <= c_{K-1} on 32-bit draws; the outcome is #{k : draw >= c_k}.

    c_k = round(2^32 (p_0 + ... + p_{k-1})), so outcome i comes up with probability
    (c_{i+1} - c_i) / 2^32 (c_0 = 0, c_K = 2^32), within 2^-32 of p_i.

    Parameters
    ----------
    game : CoinGame or RaceGame
        Its outcome probabilities.

    Returns
    -------
    tuple of int
        K - 1 thresholds in [0, 2^32].

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> outcome_thresholds(CoinGame(p=0.5))
    (2147483648,)
    """
    cumulative = np.cumsum(game.outcome_probs)[:-1]
    return tuple(min(round(float(c) * DRAW_SCALE), DRAW_SCALE) for c in cumulative)


def classify(draws: np.ndarray, thresholds: Sequence[int], out: np.ndarray) -> None:
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


def draw_groups(
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
        classify(
            draws.reshape(groups, BLOCK_PATHS, width),
            thresholds,
            out[:, i * BLOCK_PATHS:(i + 1) * BLOCK_PATHS, :],
        )


def group_spans(rounds: int) -> list[tuple[int, int, int]]:
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

    Exactly what :func:`sim.simulate` draws for paths ``block * BLOCK_PATHS ...`` with this
    seed (0 = heads); useful to replay a simulated path or to check the engine against a loop.

    Parameters
    ----------
    game : CoinGame or RaceGame
        Its rounds and outcome probabilities.
    seed : int
        The run's seed (a whole number >= 0).
    block : int
        The block index.

    Returns
    -------
    numpy.ndarray
        uint8 outcomes, one row per round and one column per path of the block.

    Raises
    ------
    ValueError
        If ``seed`` is not a whole number >= 0.

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> flips = block_outcomes(CoinGame(p=0.6, rounds=10), seed=7, block=0)
    >>> flips.shape
    (10, 1024)
    """
    generator = block_generator(resolve_seed(seed), block)
    thresholds = outcome_thresholds(game)
    parts = []
    for _, groups, width in group_spans(game.rounds):
        out = np.empty((groups, BLOCK_PATHS, width), dtype=np.uint8)
        draw_groups([generator], thresholds, out)
        parts.append(out.transpose(0, 2, 1).reshape(groups * width, BLOCK_PATHS))
    return np.concatenate(parts)
