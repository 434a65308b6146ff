"""Reading and writing the program's files safely: one loader, one atomic writer.

Every file the program reads (saves, lessons, configs, class lists, the optimal-play cache)
goes through :func:`read_bytes`, which

* opens without blocking (``O_NONBLOCK``), so a FIFO in place of a file cannot hang the program,
  then checks with ``fstat`` on the open descriptor that it is a regular file (a symlink to
  ``/dev/zero`` is refused, not read forever);
* refuses a file larger than its kind's limit (:class:`FileKind`), and reads at most that many
  bytes even if the file grows while it is read.

On top of it, :func:`read_text` strips a UTF-8 byte-order mark and names the file, line and
column of a byte that is not UTF-8; :func:`parse_json` and :func:`parse_toml` check the nesting
depth *before* the recursive parsers run (a bracket pre-scan that skips strings and comments)
and again on the result (TOML's dotted keys nest without brackets), so ``RecursionError`` never
escapes; JSON's ``NaN`` and ``Infinity`` are refused unless asked for. Every problem is an
:class:`UnreadableFile` (a ``ValueError``) whose message is one short line naming the file and
the problem; values are quoted through :func:`excerpt`, never whole.

Writes go through :func:`atomic_write` / :func:`atomic_path`: a temporary file in the
destination's folder, ``fsync``, then :func:`os.replace`. An existing destination keeps its
permission bits (a 0600 file stays 0600); a symlinked destination is written through (its target
is replaced, the link stays). The temporary file is removed on every way out: an exception,
Ctrl-C (``KeyboardInterrupt``) and SIGTERM/SIGHUP, whose handler (installed by the first write,
in the main thread, only over the default action) removes this process's pending temporary
files before the signal takes its usual course (Python runs handlers between bytecodes, so a
signal that lands inside a long C call, e.g. a big ``to_csv``, is handled when it returns). An
existing destination that is not a regular file is refused, never replaced. Problems are
:class:`UnwritableFile`.

:func:`move_aside` renames a damaged file to ``NAME.corrupt-YYYYmmddTHHMMSS`` (never deleting,
never overwriting an earlier one).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import reprlib
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "CACHE", "CLASS_LIST", "CONFIG", "LESSON", "SCORES", "SESSION", "SETTINGS", "FileError",
    "FileKind", "UnreadableFile", "UnwritableFile", "atomic_path", "atomic_write", "csv_rows",
    "excerpt", "load_json", "load_npz", "load_toml", "move_aside", "parse_json", "parse_toml",
    "read_bytes", "read_text", "write_bytes", "write_json", "write_text",
]

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


def read_bytes(path: str | os.PathLike, kind: FileKind, *, missing_ok: bool = False
               ) -> bytes | None:
    """The bytes of a regular file of at most ``kind.max_bytes``, without ever blocking.

    Parameters
    ----------
    path : str or os.PathLike
        The file; a symlink is followed, but what it points at must be a regular file.
    kind : FileKind
        Its limits and how messages call it.
    missing_ok : bool
        Return None (instead of raising) when the file does not exist.

    Returns
    -------
    bytes or None

    Raises
    ------
    UnreadableFile
        Missing (unless ``missing_ok``; "cannot be read (no such file)"), not a regular file,
        too big, or unreadable ("cannot be read (Permission denied)").

    Examples
    --------
    >>> read_bytes("/dev/zero", CONFIG)
    Traceback (most recent call last):
    ...
    sim.files.UnreadableFile: config '/dev/zero': is a device, not a regular file
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if missing_ok:
            return None
        raise UnreadableFile(kind, path, "cannot be read (no such file)") from None
    except OSError as error:
        if error.errno == errno.EISDIR:
            raise UnreadableFile(kind, path, _not_regular(stat.S_IFDIR)) from None
        raise UnreadableFile(kind, path, f"cannot be read ({_os_problem(error)})") from None
    try:
        return _read_open(handle, path, kind)
    finally:
        os.close(handle)


def _read_open(handle: int, path: str | os.PathLike, kind: FileKind) -> bytes:
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(kind, path, _not_regular(info.st_mode))
    if info.st_size > kind.max_bytes:
        raise UnreadableFile(kind, path, f"is {info.st_size:,} bytes; the limit is "
                                         f"{kind.max_bytes:,}")
    chunks, total = [], 0
    try:
        while total <= kind.max_bytes:
            chunk = os.read(handle, min(MiB, kind.max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise UnreadableFile(kind, path, f"cannot be read ({_os_problem(error)})") from None
    if total > kind.max_bytes:
        raise UnreadableFile(kind, path, f"grew past the limit of {kind.max_bytes:,} bytes "
                                         "while it was read")
    return b"".join(chunks)


def _decode(data: bytes, path: str | os.PathLike, kind: FileKind) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        raise UnreadableFile(kind, path, f"is not UTF-8 text (byte 0x{byte:02x} at line {line}, "
                                         f"column {column})") from None


def read_text(path: str | os.PathLike, kind: FileKind, *, missing_ok: bool = False
              ) -> str | None:
    """The UTF-8 text of a file read by :func:`read_bytes`, without a byte-order mark.

    Raises
    ------
    UnreadableFile
        As :func:`read_bytes`, or a byte that is not UTF-8 (its line and column named).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.toml"
    >>> _ = path.write_bytes(b"\\xef\\xbb\\xbfp = 0.5\\n")
    >>> read_text(path, CONFIG)
    'p = 0.5\\n'
    """
    data = read_bytes(path, kind, missing_ok=missing_ok)
    return None if data is None else _decode(data, path, kind)


# -- depth -------------------------------------------------------------------------------------

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_TOML_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]',
    re.DOTALL,
)


def _bracket_depth(text: str, tokens: re.Pattern[str], limit: int) -> int:
    """Deepest bracket nesting outside strings and comments, stopping once past ``limit``."""
    depth = deepest = 0
    for match in tokens.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _data_depth(data: Any, limit: int) -> int:
    """Deepest nesting of lists and dicts in parsed data (iterative: no recursion)."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth) for child in children)
    return deepest


def _too_deep(kind: FileKind, path, limit: int) -> UnreadableFile:
    return UnreadableFile(kind, path, f"is nested more than {limit} deep")


# -- JSON and TOML -----------------------------------------------------------------------------

def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed")


def parse_json(text: str, path: str | os.PathLike, kind: FileKind, *, allow_nan: bool = False
               ) -> Any:
    """Parse JSON text read from ``path`` under ``kind``'s depth limit.

    Raises
    ------
    UnreadableFile
        Not valid JSON (line and column named), nested too deep, or NaN/Infinity when not
        allowed.

    Examples
    --------
    >>> parse_json('{"a": [1, 2]}', "s.json", SETTINGS)
    {'a': [1, 2]}
    >>> parse_json('{"a": NaN}', "s.json", SETTINGS)
    Traceback (most recent call last):
    ...
    sim.files.UnreadableFile: settings file 's.json': is not valid JSON: NaN is not allowed
    """
    if _bracket_depth(text, _JSON_TOKENS, kind.max_depth) > kind.max_depth:
        raise _too_deep(kind, path, kind.max_depth)
    hook = None if allow_nan else _refuse_constant
    try:
        return json.loads(text, parse_constant=hook)
    except json.JSONDecodeError as error:
        where = f"{error.msg} (line {error.lineno}, column {error.colno})"
        raise UnreadableFile(kind, path, f"is not valid JSON: {where}") from None
    except ValueError as error:
        raise UnreadableFile(kind, path, f"is not valid JSON: {error}") from None
    except RecursionError:  # the pre-scan should have caught it; never let it escape
        raise _too_deep(kind, path, kind.max_depth) from None


def parse_toml(text: str, path: str | os.PathLike, kind: FileKind, *, allow_nan: bool = True
               ) -> dict[str, Any]:
    """Parse TOML text read from ``path`` under ``kind``'s depth limit.

    Raises
    ------
    UnreadableFile
        Not valid TOML, nested too deep (brackets or dotted keys), or nan/inf when not allowed.

    Examples
    --------
    >>> parse_toml("p = 0.5", "c.toml", CONFIG)
    {'p': 0.5}
    >>> parse_toml("a" + ".a" * 40 + " = 1", "c.toml", CONFIG)
    Traceback (most recent call last):
    ...
    sim.files.UnreadableFile: config 'c.toml': is nested more than 16 deep
    """
    if _bracket_depth(text, _TOML_TOKENS, kind.max_depth) > kind.max_depth:
        raise _too_deep(kind, path, kind.max_depth)

    def number(token: str) -> float:
        if not allow_nan and token.lstrip("+-") in ("nan", "inf"):
            raise ValueError(f"{token} is not allowed")
        return float(token)

    try:
        data = tomllib.loads(text, parse_float=number)
    except tomllib.TOMLDecodeError as error:
        raise UnreadableFile(kind, path, f"is not valid TOML: {error}") from None
    except ValueError as error:
        raise UnreadableFile(kind, path, f"is not valid TOML: {error}") from None
    except RecursionError:
        raise _too_deep(kind, path, kind.max_depth) from None
    if _data_depth(data, kind.max_depth) > kind.max_depth:
        raise _too_deep(kind, path, kind.max_depth)
    return data


def load_json(path: str | os.PathLike, kind: FileKind, *, missing_ok: bool = False,
              allow_nan: bool = False) -> Any:
    """:func:`read_text` then :func:`parse_json`; None for a missing file if ``missing_ok``."""
    text = read_text(path, kind, missing_ok=missing_ok)
    return None if text is None else parse_json(text, path, kind, allow_nan=allow_nan)


def load_toml(path: str | os.PathLike, kind: FileKind, *, missing_ok: bool = False,
              allow_nan: bool = True) -> dict[str, Any] | None:
    """:func:`read_text` then :func:`parse_toml`; None for a missing file if ``missing_ok``."""
    text = read_text(path, kind, missing_ok=missing_ok)
    return None if text is None else parse_toml(text, path, kind, allow_nan=allow_nan)


def csv_rows(text: str, source: str | os.PathLike, kind: FileKind = CLASS_LIST
             ) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of CSV text; a malformed row raises UnreadableFile, not csv.Error.

    Examples
    --------
    >>> list(csv_rows("name,fraction\\nAnn,0.5\\n", "c.csv"))
    [(1, ['name', 'fraction']), (2, ['Ann', '0.5'])]
    >>> list(csv_rows("a\\n" + "x" * 200_000 + "\\n", "c.csv"))
    Traceback (most recent call last):
    ...
    sim.files.UnreadableFile: class list 'c.csv': line 2: field larger than field limit (131072)
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableFile(kind, source, f"line {reader.line_num}: {error}") from None
        yield reader.line_num, row


# -- the optimal-play cache ----------------------------------------------------------------------

def load_npz(path: str | os.PathLike, kind: FileKind,
             members: Mapping[str, tuple[tuple[int, ...] | None, str | None]]) -> dict[str, Any]:
    """Arrays of a ``.npz`` archive, each checked against its expected shape and dtype from its
    header *before* its data is read (a header claiming 11 GiB is refused, not allocated).

    ``members`` maps each array's name to (shape, dtype), None meaning "any". Object arrays
    (which would need pickle) are always refused.

    Raises
    ------
    UnreadableFile
        Not a regular file or too big (:func:`read_bytes`), not a ``.npz`` archive, a member
        missing, of another shape or dtype, or larger than the file could hold.
    """
    import zipfile

    import numpy as np

    data = read_bytes(path, kind)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        arrays = {name: _npz_member(archive, path, name, expected, kind, np)
                  for name, expected in members.items()}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as error:
        if isinstance(error, UnreadableFile):
            raise
        raise UnreadableFile(kind, path, f"is not a valid .npz archive ({error})") from None
    return arrays


def _npz_member(archive, path, name: str, expected, kind: FileKind, np) -> Any:
    shape, dtype = expected
    try:
        info = archive.getinfo(f"{name}.npy")
    except KeyError:
        raise UnreadableFile(kind, path, f"has no array {name!r}") from None
    if info.file_size > kind.max_bytes:
        raise UnreadableFile(kind, path, f"array {name!r} unpacks to {info.file_size:,} bytes")
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                  else np.lib.format.read_array_header_2_0)
        got_shape, _fortran, got_dtype = header(member)
        if got_dtype.hasobject:
            raise UnreadableFile(kind, path, f"array {name!r} holds Python objects")
        if shape is not None and tuple(got_shape) != tuple(shape):
            raise UnreadableFile(kind, path, f"array {name!r} has shape {got_shape}, "
                                             f"expected {tuple(shape)}")
        if dtype is not None and got_dtype != np.dtype(dtype):
            raise UnreadableFile(kind, path, f"array {name!r} is {got_dtype}, expected {dtype}")
        need = int(np.prod(got_shape, dtype=np.int64)) * got_dtype.itemsize
    if need > info.file_size:
        raise UnreadableFile(kind, path, f"array {name!r} claims {need:,} bytes; the archive "
                                         f"holds {info.file_size:,}")
    with archive.open(info) as member:  # bounded now: the header matches the data's size
        return np.lib.format.read_array(member, allow_pickle=False)


# -- moving a damaged file aside ---------------------------------------------------------------

def move_aside(path: str | os.PathLike) -> Path | None:
    """Rename a damaged file to ``NAME.corrupt-YYYYmmddTHHMMSS`` (``-2``, ``-3``, ... when taken).

    Never deletes and never overwrites: the new name is claimed with a hard link (which fails if
    the name exists) before the old name goes; where links are not supported, the rename is
    tried only after checking the name is free.

    Returns
    -------
    Path or None
        The new name, or None when the file could not be moved (e.g. a read-only folder) or
        does not exist; the caller says so and carries on with defaults.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "scores.json"
    >>> _ = bad.write_text("{")
    >>> aside = move_aside(bad)
    >>> aside.read_text(), bad.exists(), aside.name.startswith("scores.json.corrupt-")
    ('{', False, True)
    """
    path = Path(path)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for attempt in range(1, 1000):
        target = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{attempt}" if attempt > 1
                                                                  else ""))
        try:
            os.link(path, target, follow_symlinks=False)
        except FileExistsError:
            continue
        except FileNotFoundError:
            return None
        except OSError:  # no hard links here (or no permission): rename if the name is free
            if os.path.lexists(target):
                continue
            try:
                os.rename(path, target)
            except OSError:
                return None
            return target
        try:
            os.unlink(path)
        except OSError:  # the copy is kept beside it; the damaged name stays too
            pass
        return target
    return None


# -- atomic writing ----------------------------------------------------------------------------

_PENDING: dict[str, int] = {}  # temporary file -> the pid that made it
_HANDLED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                         if hasattr(signal, name))
_installed = False


def _remove_pending() -> None:
    me = os.getpid()
    for temporary, owner in list(_PENDING.items()):
        if owner == me:  # a forked worker must not remove its parent's files
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            _PENDING.pop(temporary, None)


def _on_signal(signum, _frame) -> None:
    """Remove this process's temporary files, then let the signal do what it did before."""
    _remove_pending()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_signal_cleanup() -> None:
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    for signum in _HANDLED_SIGNALS:
        if signal.getsignal(signum) is signal.SIG_DFL:  # never replace someone's own handler
            signal.signal(signum, _on_signal)
    _installed = True


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP for a few lines so a temporary file is never unregistered."""
    held = {signal.SIGINT, *_HANDLED_SIGNALS}
    block = hasattr(signal, "pthread_sigmask")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held) if block else None
    try:
        yield
    finally:
        if block:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _destination(path: str | os.PathLike) -> Path:
    """Where the bytes go: through a symlink to its target (the link itself stays)."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _mode_for(path: str | os.PathLike, target: Path) -> int:
    """The permission bits the new content gets: the existing file's, else the umask's.

    An existing destination that is not a regular file (a device, a FIFO, a folder) is refused:
    replacing it would destroy it (as root, ``--out /dev/null`` would replace the device).
    """
    try:
        info = os.stat(target)
    except OSError:
        return _new_file_mode()
    if not stat.S_ISREG(info.st_mode):
        raise UnwritableFile(None, path, f"cannot be written: it {_not_regular(info.st_mode)}")
    return stat.S_IMODE(info.st_mode)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends normally it replaces
    ``path`` atomically, otherwise (exception, Ctrl-C, SIGTERM) it is removed.

    ``suffix`` keeps an extension on the temporary name for writers that look at it
    (matplotlib, pandas). The destination keeps its permission bits and symlinks are written
    through.

    Raises
    ------
    UnwritableFile
        The temporary file cannot be made or cannot replace the destination.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> with atomic_path(out) as temporary:
    ...     _ = temporary.write_text("whole")
    >>> out.read_text()
    'whole'
    """
    target = _destination(path)
    mode = _mode_for(path, target)
    _install_signal_cleanup()
    try:
        with _signals_held():
            handle, temporary = tempfile.mkstemp(dir=target.parent or ".",
                                                 prefix=f".{target.name}.",
                                                 suffix=suffix or ".tmp")
            _PENDING[temporary] = os.getpid()
    except OSError as error:
        raise UnwritableFile(None, path, f"cannot be written ({_os_problem(error)})") from None
    os.close(handle)
    try:
        yield Path(temporary)
        _commit(temporary, target, mode)
    except OSError as error:
        raise UnwritableFile(None, path, f"cannot be written ({_os_problem(error)})") from None
    finally:
        with _signals_held():
            if _PENDING.pop(temporary, None) is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def _commit(temporary: str, target: Path, mode: int) -> None:
    with open(temporary, "rb+") as written:
        os.fsync(written.fileno())
    os.chmod(temporary, mode)
    with _signals_held():
        os.replace(temporary, target)
        _PENDING.pop(temporary, None)
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        with contextlib.suppress(OSError):
            folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, binary: bool = False, encoding: str = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Yield an open file; on a normal exit its content replaces ``path`` atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> with atomic_write(out) as stream:
    ...     _ = stream.write("whole")
    >>> out.read_text()
    'whole'
    """
    with atomic_path(path) as temporary:
        if binary:
            with open(temporary, "wb") as stream:
                yield stream
        else:
            with open(temporary, "w", encoding=encoding, newline=newline) as stream:
                yield stream


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` atomically (see :func:`atomic_path`); returns ``path``."""
    with atomic_write(path, binary=True) as stream:
        stream.write(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str, newline: str | None = None) -> Path:
    """Write UTF-8 ``text`` atomically; returns ``path``."""
    with atomic_write(path, newline=newline) as stream:
        stream.write(text)
    return Path(path)


def write_json(path: str | os.PathLike, data: Any) -> Path:
    """Write ``data`` as indented JSON atomically (NaN and infinities refused with ValueError
    before anything is written); returns ``path``."""
    text = json.dumps(data, indent=2, allow_nan=False) + "\n"
    return write_text(path, text)
