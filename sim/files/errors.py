"""The file problems, the kinds of file and their limits, and short quotes of bad values."""

from __future__ import annotations

import os
import reprlib
import stat
from dataclasses import dataclass
from pathlib import Path

MiB = 2**20


@dataclass(frozen=True)
class FileKind:
    """What a file is for, in words for messages, and the limits it is read under.

    Attributes
    ----------
    label : str
        How messages call it, e.g. ``"lesson file"``.
    max_bytes : int
        Largest size accepted (for the cache also the largest uncompressed member).
    max_depth : int
        Deepest nesting of lists and tables accepted (JSON and TOML).
    """

    label: str
    max_bytes: int
    max_depth: int = 16


SETTINGS = FileKind("settings file", 64 * 1024, 8)
SCORES = FileKind("high-score file", 2 * MiB, 8)
SESSION = FileKind("saved session", 4 * MiB, 8)
LESSON = FileKind("lesson file", 1_000_000, 16)
CONFIG = FileKind("config", 1 * MiB, 16)
CLASS_LIST = FileKind("class list", 1 * MiB, 0)
CACHE = FileKind("optimal-play cache", 1024 * MiB, 0)


class FileError(ValueError):
    """A file problem: ``str(error)`` is one short line naming the file and the problem."""

    def __init__(self, kind: FileKind | None, path: str | os.PathLike, problem: str):
        self.path = Path(path)
        self.problem = problem
        label = f"{kind.label} " if kind is not None else ""
        super().__init__(f"{label}{excerpt(str(path))}: {problem}")


class UnreadableFile(FileError):
    """The file cannot be read as what it should be (missing, not a regular file, too big, not
    UTF-8, not valid JSON/TOML, nested too deep, ...)."""


class UnwritableFile(FileError):
    """The destination cannot be written (no such folder, read-only, disk full, ...)."""


# -- messages ----------------------------------------------------------------------------------

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict = 2, 4, 4, 4


def excerpt(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for quoting bad values in errors.

    Parameters
    ----------
    value : object
        Whatever was given; strings are quoted like ``repr`` does, on one line.
    limit : int
        Characters of the value kept.

    Returns
    -------
    str
        The quote, with the full length added when it was cut.

    Examples
    --------
    >>> excerpt("0.5")
    "'0.5'"
    >>> excerpt("x" * 1000, limit=5)
    "'xxxxx…' (1,000 characters)"
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        quoted = repr(value[:limit])
        return f"{quoted[:-1]}…{quoted[-1]} ({len(value):,} characters)"
    _REPR.maxstring = _REPR.maxother = max(limit, 8)
    text = _REPR.repr(value)
    return text if len(text) <= limit + 20 else text[:limit] + "…"


def _os_problem(error: OSError) -> str:
    return error.strerror or type(error).__name__


# -- reading -----------------------------------------------------------------------------------

_KIND_OF_MODE = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                 (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                 (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str:
    what = next((words for test, words in _KIND_OF_MODE if test(mode)), "not a regular file")
    return f"is {what}, not a regular file"
