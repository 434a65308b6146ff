"""The run context of one ``kelly`` command: built once from the parsed arguments.

A subcommand gets a :class:`RunContext` and never changes the parsed arguments. The context
says whether to be quiet, keeps the :class:`RunLog` (how far the run got, which files are
complete) for the line printed on Ctrl-C, writes tables and figures, and opens a
:class:`Simulation` (the executor of ``--scheduler``, the workers, a tracked progress bar)
around each simulation.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.cli.options import PROG
from sim.i18n import format_number
from sim.i18n import gettext as _
from sim.output import check_figure_path, check_table_path, print_table, write_figure, write_table

Progress = Callable[[int], None] | None


@dataclass
class RunLog:
    """How far a command got, for the one line printed when Ctrl-C stops it."""

    task: str = ""  # the simulation running or last run
    done: int = 0  # paths finished (the engine reports after each chunk)
    total: int = 0
    written: list[str] = field(default_factory=list)  # files complete on disk
    folder: str | None = None  # `kelly report`'s folder: the files in it are complete

    def start(self, task: str, total: int) -> None:
        self.task, self.done, self.total = task, 0, total

    def summary(self) -> str:
        """E.g. 'sweep of 100 fractions: 49,152 of 1,000,000 paths simulated; no file written'."""
        parts = []
        if self.total:
            parts.append(_("{task}: {done} of {total} paths simulated").format(
                task=self.task, done=format_number(self.done), total=format_number(self.total)))
        if self.written:
            parts.append(_("wrote {path}").format(path=", ".join(self.written)))
        elif self.folder is None:
            parts.append(_("no file written"))
        if self.folder is not None:
            parts.append(_("the files already in {folder} are complete").format(folder=self.folder))
        return _("; ").join(parts)


@contextlib.contextmanager
def progress_bar(quiet: bool, description: str, total: int) -> Iterator[Progress]:
    """A rich progress bar on stderr, only when stderr is a terminal and not ``quiet``."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)


@dataclass(frozen=True)
class Simulation:
    """Where one simulation runs and whom it tells: the engine's keyword arguments."""

    executor: Executor | None
    workers: int
    progress: Callable[[int], None]

    def options(self) -> dict[str, Any]:
        """``workers``, ``executor`` and ``progress`` for :mod:`sim.analysis`."""
        return {"workers": self.workers, "executor": self.executor, "progress": self.progress}


@dataclass
class RunContext:
    """What a subcommand needs besides its own options."""

    quiet: bool = False
    log: RunLog = field(default_factory=RunLog)
    workers: int = 1
    scheduler: str | None = None  # a Dask scheduler address or 'local'; None: run here
    extra: tuple[str, ...] = ()  # arguments ``kelly play`` forwards to the game

    @classmethod
    def from_args(cls, args: argparse.Namespace, log: RunLog,
                  extra: Sequence[str] = ()) -> RunContext:
        return cls(quiet=bool(getattr(args, "quiet", False)), log=log,
                   workers=getattr(args, "workers", 1) or 1,
                   scheduler=getattr(args, "scheduler", None), extra=tuple(extra))

    def note(self, message: str) -> None:
        """One line on stderr (``kelly: message``) unless quiet."""
        if not self.quiet:
            print(f"{PROG}: {message}", file=sys.stderr)

    @contextlib.contextmanager
    def progress(self, description: str, total: int) -> Iterator[Callable[[int], None]]:
        """:func:`progress_bar`, and the paths done recorded in the :class:`RunLog`."""
        self.log.start(description, total)
        with progress_bar(self.quiet, description, total) as bar:

            def report(done: int) -> None:
                self.log.done = done
                if bar is not None:
                    bar(done)

            yield report

    @contextlib.contextmanager
    def executor(self) -> Iterator[Executor | None]:
        """The Dask executor of ``--scheduler``/``--dask``, or None to run here."""
        if self.scheduler is None:
            yield None
            return
        from sim.distributed import check_scheduler, dask_executor

        with dask_executor(check_scheduler(self.scheduler)) as executor:
            yield executor

    @contextlib.contextmanager
    def simulation(self, description: str, total: int) -> Iterator[Simulation]:
        """The executor, then a tracked progress bar; on a cluster the cluster's workers run
        the chunks, so ``--workers`` is set aside."""
        with self.executor() as executor, self.progress(description, total) as report:
            workers = self.workers if executor is None else 1
            yield Simulation(executor, workers, report)

    def wrote(self, path) -> None:
        """Record a finished file; ``main`` notes it on stderr once the command succeeded, so a
        later failure still prints one line (which names the files already written)."""
        self.log.written.append(str(path))

    def emit_table(self, table: pd.DataFrame, path: str | None, title: str) -> None:
        """Write ``table`` to ``path`` (``--out``), or print it with ``title`` when None."""
        if path:
            write_table(table, path)
            self.wrote(path)
        else:
            print_table(table, title=title)

    def emit_figure(self, figure, path) -> None:
        write_figure(figure, path)
        self.wrote(path)


def _given(args: argparse.Namespace, name: str) -> str | None:
    """The path given for option ``name``, or None; an empty or blank one raises ValueError."""
    value = getattr(args, name, None)
    if value is not None and not str(value).strip():
        raise ValueError(_("{option} {value}: the file name is empty")
                         .format(option="--" + name.replace("_", "-"), value=repr(value)))
    return value


def check_outputs(args: argparse.Namespace, tables: Sequence[str] = ("out",),
                  figures: Sequence[str] = ("plot",)) -> None:
    """Validate output paths before any work, so a typo costs no simulation time."""
    for name in tables:
        if _given(args, name):
            check_table_path(getattr(args, name))
    for name in figures:
        if _given(args, name):
            check_figure_path(getattr(args, name))
