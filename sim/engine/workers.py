"""Worker threads and processes for the engine's chunks, which can be stopped within a tile.

:func:`start_workers` picks threads when every chunk runs in the compiled kernels (they
release the GIL: no process start-up, no results pickled back), else processes. Either way
each chunk draws from its own blocks' generators, so the result does not depend on which
worker ran it, or how many there were.

Stopping is cooperative: a stop sets an event that each chunk checks between tiles of rounds
(``run_chunk``'s ``checkpoint``), so a worker ends its chunk within one tile by raising
:class:`Cancelled`, its result is sent back whole, and the pool shuts down cleanly. Killing
worker processes instead can leave a half-written result in the pool's pipe, on which the
pool's reader (``multiprocessing.Pool`` and ``ProcessPoolExecutor`` alike) then waits forever.
Worker processes leave Ctrl-C, SIGTERM and SIGHUP to the parent, which stops them.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import signal
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from sim.engine.kernels import Chunk, run_chunk, runs_compiled

#: the signals a worker process leaves to its parent
_PARENT_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                   if hasattr(signal, name)}
_MASKS = hasattr(signal, "pthread_sigmask")


class Cancelled(Exception):
    """Raised in a worker between two tiles once the run has stopped."""


_stopped_here: list = []  # in a worker process: the parent's stop event (set at start-up)


def _worker_start(stopped) -> None:
    """Worker process start-up: the stop signals are the parent's to handle (a forked worker
    inherits the command line's handlers, which would raise in the worker and print its
    traceback). The worker starts with them blocked (:func:`_stop_signals_blocked`) and
    unblocks them once ignored, so one that came meanwhile is dropped, not run."""
    for signum in _PARENT_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    if _MASKS:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _PARENT_SIGNALS)
    _stopped_here[:] = [stopped]


def _process_checkpoint() -> None:
    if _stopped_here and _stopped_here[0].is_set():
        raise Cancelled


@contextlib.contextmanager
def _stop_signals_blocked():
    """The parent's stop signals blocked in this thread meanwhile, so that worker processes
    started here start with them blocked: one landing before a worker's start-up has ignored
    it would run the command line's handler inside the worker."""
    if not _MASKS:
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _PARENT_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class ChunkThreads:
    """Worker threads for chunks that run in the compiled kernels."""

    def __init__(self, count: int) -> None:
        self.executor = ThreadPoolExecutor(count, thread_name_prefix="kelly-chunk")
        self.stopped = threading.Event()

    def _checkpoint(self) -> None:
        if self.stopped.is_set():
            raise Cancelled

    def map(self, chunks: list[Chunk]):
        return self.executor.map(functools.partial(run_chunk, checkpoint=self._checkpoint),
                                 chunks)

    def stop(self) -> None:
        """Cancel the chunks not started; the running ones end at their next tile."""
        self.stopped.set()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class ChunkProcesses(ChunkThreads):
    """Worker processes (:class:`~concurrent.futures.ProcessPoolExecutor`), stopped the same
    way through an event they share."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context()
        self.stopped = context.Event()
        self.executor = ProcessPoolExecutor(count, mp_context=context,
                                            initializer=_worker_start, initargs=(self.stopped,))

    def map(self, chunks: list[Chunk]):
        with _stop_signals_blocked():  # the workers start in the first submit
            return self.executor.map(functools.partial(run_chunk,
                                                       checkpoint=_process_checkpoint), chunks)


def start_workers(chunks: list[Chunk], count: int) -> ChunkThreads:
    """Threads if the chunks run in the compiled kernels, else processes.

    The chunks of one plan share their game, strategies, method and recording, so the first
    says it for all (deciding it costs a look at every strategy's compiled form).
    """
    if runs_compiled(chunks[0]):
        return ChunkThreads(count)
    return ChunkProcesses(count)
