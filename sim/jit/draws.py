"""The engine's 32-bit draws made inside a kernel: numpy's PCG64, step for step, classified.

Block k of the engine draws from ``PCG64(SeedSequence(seed, spawn_key=(k,)))`` with
``random_raw`` and splits each 64-bit output into two 32-bit draws (low half first); a draw's
outcome is the number of thresholds at or below it (:mod:`sim.engine.draws`). Here the same
generator runs in compiled code: its 128-bit state is read from ``bit_generator.state`` and
advanced as numpy advances it (state = state x M + inc mod 2^128, output XSL-RR), so the
outcomes are bit for bit the engine's, without a raw buffer in memory or numpy's separate
classification pass. tests/sim/test_jit_draws.py compares them with ``random_raw``.

Four consecutive outputs are computed side by side (each lane steps by M^4 with the matching
increment), so the multiply chain of one lane does not wait for the previous output.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.jit import cache as _cache  # noqa: F401  (sets NUMBA_CACHE_DIR before numba loads)

# isort: split
import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

MASK64 = (1 << 64) - 1
#: numpy's PCG64 multiplier (PCG_DEFAULT_MULTIPLIER_128)
MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
LANES = 4


def _lane_constants() -> np.ndarray:
    """(M^4, inc factor 1 + M + M^2 + M^3) mod 2^128 as (hi, lo) words."""
    modulus = 1 << 128
    power = pow(MULTIPLIER, LANES, modulus)
    factor = sum(pow(MULTIPLIER, i, modulus) for i in range(LANES)) % modulus
    return np.array([power >> 64, power & MASK64, factor >> 64, factor & MASK64, MULTIPLIER >> 64,
                     MULTIPLIER & MASK64], dtype=np.uint64)


LANE_CONSTANTS = _lane_constants()


def pcg_states(generators: Sequence[np.random.Generator]) -> np.ndarray:
    """(blocks, 4) uint64: each PCG64 generator's state and increment as (hi, lo) words.

    Raises
    ------
    ValueError
        If a generator is not a fresh-buffered PCG64 (a pending 32-bit half would shift the
        stream).
    """
    out = np.empty((len(generators), 4), dtype=np.uint64)
    for i, generator in enumerate(generators):
        state = generator.bit_generator.state
        if state["bit_generator"] != "PCG64" or state["has_uint32"]:
            raise ValueError(f"generator {i} is not a PCG64 without a pending half draw")
        value, inc = state["state"]["state"], state["state"]["inc"]
        out[i] = (value >> 64, value & MASK64, inc >> 64, inc & MASK64)
    return out


@intrinsic
def _mul_add(typingctx, hi, lo, m_hi, m_lo, c_hi, c_lo):
    """(hi, lo) x (m_hi, m_lo) + (c_hi, c_lo) mod 2^128, as one LLVM i128 multiply-add (three
    64-bit multiplies)."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64, types.uint64,
                                          types.uint64, types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        narrow = ir.IntType(64)
        shift = ir.Constant(wide, 64)

        def join(high, low):
            return builder.or_(builder.shl(builder.zext(high, wide), shift),
                               builder.zext(low, wide))

        value = builder.add(builder.mul(join(args[0], args[1]), join(args[2], args[3])),
                            join(args[4], args[5]))
        high = builder.trunc(builder.lshr(value, shift), narrow)
        return context.make_tuple(builder, signature.return_type,
                                  (high, builder.trunc(value, narrow)))

    return sig, codegen


@njit(cache=True, nogil=True, inline="always")
def _output(hi, lo):
    """PCG's XSL-RR output of a 128-bit state."""
    x = hi ^ lo
    rot = hi >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@njit(cache=True, nogil=True, inline="always")
def _outcome(draw, thresholds):
    count = 0
    for c in thresholds:
        count += draw >= c
    return count


@njit(cache=True, nogil=True)
def fill_outcomes(states, constants, thresholds, block_paths, out):
    """Fill ``out`` (groups, blocks x block_paths, width) with the next outcomes of each block,
    as :func:`sim.engine.draws.draw_groups` does, advancing ``states`` in place.

    ``thresholds`` (int64, the live c_k < 2^32) classify each 32-bit draw. A group of a block
    is block_paths x width / 2 words, a multiple of the four lanes.
    """
    groups, paths, width = out.shape
    m4_hi, m4_lo, f_hi, f_lo, m_hi, m_lo = (constants[0], constants[1], constants[2],
                                            constants[3], constants[4], constants[5])
    zero = np.uint64(0)
    low32 = np.uint64(0xFFFFFFFF)
    shift = np.uint64(32)
    coin = thresholds.shape[0] == 1
    c = thresholds[0] if coin else 0
    for b in range(paths // block_paths):
        hi, lo, inc_hi, inc_lo = states[b, 0], states[b, 1], states[b, 2], states[b, 3]
        c_hi, c_lo = _mul_add(inc_hi, inc_lo, f_hi, f_lo, zero, zero)  # inc x (1+M+M^2+M^3)
        h0, l0 = _mul_add(hi, lo, m_hi, m_lo, inc_hi, inc_lo)  # the lanes: the next 4 states
        h1, l1 = _mul_add(h0, l0, m_hi, m_lo, inc_hi, inc_lo)
        h2, l2 = _mul_add(h1, l1, m_hi, m_lo, inc_hi, inc_lo)
        h3, l3 = _mul_add(h2, l2, m_hi, m_lo, inc_hi, inc_lo)
        base = b * block_paths
        for j in range(groups):
            i, offset = base, 0
            for _ in range(block_paths * width // (2 * LANES)):
                w0, w1, w2, w3 = _output(h0, l0), _output(h1, l1), _output(h2, l2), _output(h3, l3)
                hi, lo = h3, l3  # numpy's state after these outputs
                h0, l0 = _mul_add(h0, l0, m4_hi, m4_lo, c_hi, c_lo)
                h1, l1 = _mul_add(h1, l1, m4_hi, m4_lo, c_hi, c_lo)
                h2, l2 = _mul_add(h2, l2, m4_hi, m4_lo, c_hi, c_lo)
                h3, l3 = _mul_add(h3, l3, m4_hi, m4_lo, c_hi, c_lo)
                if width == 8 and coin:  # a whole group of one path: 8 compares, no counters
                    row = out[j, i]
                    row[0] = np.int64(w0 & low32) >= c
                    row[1] = np.int64(w0 >> shift) >= c
                    row[2] = np.int64(w1 & low32) >= c
                    row[3] = np.int64(w1 >> shift) >= c
                    row[4] = np.int64(w2 & low32) >= c
                    row[5] = np.int64(w2 >> shift) >= c
                    row[6] = np.int64(w3 & low32) >= c
                    row[7] = np.int64(w3 >> shift) >= c
                    i += 1
                    continue
                for word in (w0, w1, w2, w3):
                    for half in (word & low32, word >> shift):
                        out[j, i, offset] = _outcome(np.int64(half), thresholds)
                        offset += 1
                        if offset == width:
                            offset = 0
                            i += 1
        states[b, 0], states[b, 1] = hi, lo


class CompiledDraws:
    """``draws(out)`` fills an outcome tile as :func:`sim.engine.draws.draw_groups` would from
    the same generators, which are left untouched (their states are copied here)."""

    def __init__(self, generators: Sequence[np.random.Generator], thresholds: Sequence[int],
                 block_paths: int) -> None:
        self.states = pcg_states(generators)
        self.live = np.array([c for c in thresholds if c < 1 << 32], dtype=np.int64)
        self.block_paths = block_paths

    def __call__(self, out: np.ndarray) -> None:
        fill_outcomes(self.states, LANE_CONSTANTS, self.live, self.block_paths, out)
