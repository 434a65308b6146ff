"""How a ``kelly`` run ends: the program's name, the exit statuses, and stops by signal."""

from __future__ import annotations

import signal

PROG = "kelly"
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Terminated(KeyboardInterrupt):
    """A stop signal other than Ctrl-C, raised where the program is, so it unwinds cleanly."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.status = 128 + signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


def stop_line(stop: KeyboardInterrupt) -> tuple[str, int]:
    """The word and the exit status for a stop: ('interrupted', 130) or ('terminated
    (SIGTERM)', 143)."""
    if isinstance(stop, Terminated):
        return f"terminated ({stop.name})", stop.status
    return "interrupted", EXIT_INTERRUPTED
