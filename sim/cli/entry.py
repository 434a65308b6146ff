"""The light entry point of ``kelly`` and ``python -m sim``: signals first, imports after.

Only the standard library is imported before the handlers are in place, so a signal at any
moment, even while numpy and pandas load, ends the program with one line:

* Ctrl-C (SIGINT): ``kelly: interrupted ...``, exit status 130;
* SIGTERM and SIGHUP: raised as :class:`Terminated` (a ``KeyboardInterrupt``), so every
  ``finally`` runs (an atomic write removes its temporary file) and the run ends with
  ``kelly: terminated (SIGTERM) ...``, exit status 128 + the signal's number (143 for SIGTERM).

Worker processes ignore these signals and leave them to the parent, which stops them between
two tiles of rounds (:mod:`sim.engine.workers`), so the pool shuts down quietly. Once the run
is over, later signals are ignored (when run as a program): a signal landing just after
"wrote X.csv" cannot turn a finished run (whose files are complete) into an interrupted one.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence

from sim.cli.exits import EXIT_INTERRUPTED, EXIT_USAGE, PROG, Terminated, stop_line

__all__ = ["EXIT_INTERRUPTED", "EXIT_USAGE", "PROG", "install_handlers", "main"]

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


_received: list[int] = []  # the stop signals that arrived, so a stop is known whatever it became


def _raise_terminated(signum, _frame) -> None:
    _received.append(signum)
    raise Terminated(signum)


def _raise_interrupt(signum, _frame) -> None:
    _received.append(signum)
    raise KeyboardInterrupt


def install_handlers() -> dict[int, object]:
    """SIGTERM/SIGHUP raise :class:`Terminated`, SIGINT raises KeyboardInterrupt (main thread);
    returns the handlers they replace.

    A signal the program was started with ignored (``nohup``, a background job of a script)
    stays ignored, as Python itself leaves it.
    """
    previous: dict[int, object] = {}
    for signum in (signal.SIGINT, *STOP_SIGNALS):
        try:
            handler = signal.getsignal(signum)
            if handler is not signal.SIG_IGN:
                signal.signal(signum, _raise_interrupt if signum == signal.SIGINT
                              else _raise_terminated)
                previous[signum] = handler
        except ValueError:  # not the main thread: the caller handles signals itself
            break
    return previous


def _after_the_run(previous: dict[int, object], as_program: bool) -> None:
    """As a program: ignore the stop signals from now on (the run is over, whatever happens
    next); called from Python code: put the caller's handlers back."""
    try:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_IGN if as_program else handler)
    except ValueError:  # not the main thread
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kelly`` command line (:func:`sim.cli.dispatch.main`) with the handlers above;
    returns the exit status (0, 2 for bad input, 130 on Ctrl-C, 143 on SIGTERM).

    Without ``argv`` (the ``kelly`` script, ``python -m sim``) the stop signals are ignored once
    the run is over; with ``argv`` (called from Python) the caller's handlers are put back.
    """
    previous = install_handlers()
    try:
        try:
            from sim.cli.dispatch import main as run_command

            status = run_command(argv)
        finally:
            _after_the_run(previous, as_program=argv is None)
    except BaseException as error:  # a stop while the program loaded (dispatch handles a run)
        if not _received or isinstance(error, SystemExit):
            raise
        # a signal inside an import can surface as another error (numpy turns it into an
        # ImportError): the signal is what happened
        stop = error if isinstance(error, KeyboardInterrupt) else (
            Terminated(_received[0]) if _received[0] != signal.SIGINT else KeyboardInterrupt())
        word, status = stop_line(stop)
        print(f"{PROG}: {word} while starting; nothing was run", file=sys.stderr)
    return status
