"""The engine's entry to the kernels: decide cheaply, import numba only when a chunk needs it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence

import numpy as np

from sim.games import Game
from sim.jit.forms import chunk_forms
from sim.jit.layout import BlockDraws  # noqa: F401  (the engine's draws, re-exported)
from sim.strategies import Strategy


def play_chunk(game: Game, strategies: Sequence[Strategy], paths: int, keep: int, draw,
               spans: Sequence[tuple[int, int, int]],
               checkpoint: Callable[[], None] | None = None) -> dict[str, np.ndarray] | None:
    """:func:`sim.jit.runner.play_chunk` if the chunk has a compiled form, else None at once.

    A chunk of constant bets under frictionless rules, which the engine plays from win counts,
    returns None without importing numba.
    """
    if chunk_forms(game, strategies) is None:
        return None
    from sim.jit.runner import play_chunk as compiled  # numba loads on first use only

    return compiled(game, strategies, paths, keep, draw, spans, checkpoint)


_warming: list[threading.Thread] = []  # the one warm-up thread of this process, once started


def warm_up_in_background(compile_elsewhere: bool = True) -> threading.Thread | None:
    """Make every kernel ready off the calling thread; returns the (daemon) thread, or None
    when ``KELLY_JIT=0``. Started once per process; later calls return the same thread.

    numba holds the GIL through most of a compilation (its typing and lowering are Python;
    only LLVM's passes release it), so compiling in a thread of the game stalls frames (up to
    0.4 s measured at load 5 on 2 cores). With ``compile_elsewhere`` and an empty cache, a
    child process compiles the kernels into the disk cache first; the thread then loads them,
    which takes well under a second and does not stall a frame by more than ~0.1 s.

    Examples
    --------
    >>> thread = warm_up_in_background(compile_elsewhere=False)
    >>> thread is None or thread.join(timeout=600) is None
    True
    """
    if os.environ.get("KELLY_JIT", "1") == "0":
        return None
    if not _warming:
        thread = threading.Thread(target=_warm, args=(compile_elsewhere,), daemon=True,
                                  name="kelly-jit-warm-up")
        _warming.append(thread)
        thread.start()
    return _warming[0]


def _warm(compile_elsewhere: bool) -> None:
    from sim.jit import cache

    if compile_elsewhere and cache.cached_kernels() == 0:
        code = "from sim.jit.runner import warm_up; warm_up()"
        subprocess.run([sys.executable, "-c", code], check=False, timeout=900)
    from sim.jit.runner import warm_up

    warm_up()
