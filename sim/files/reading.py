"""Reading: regular files only, bounded sizes and depths, BOM and UTF-8, JSON/TOML/CSV/.npz,
and moving a damaged file aside (see :mod:`sim.files`)."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from sim.files.errors import (
    CLASS_LIST,
    FileKind,
    MiB,
    UnreadableFile,
    _not_regular,
    _os_problem,
)


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
    >>> from sim.files import CONFIG
    >>> try:
    ...     read_bytes("/dev/zero", CONFIG)
    ... except UnreadableFile as error:
    ...     print(error)
    config '/dev/zero': is a device, not a regular file
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
    >>> from sim.files import CONFIG
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
    >>> from sim.files import SETTINGS
    >>> parse_json('{"a": [1, 2]}', "s.json", SETTINGS)
    {'a': [1, 2]}
    >>> try:
    ...     parse_json('{"a": NaN}', "s.json", SETTINGS)
    ... except UnreadableFile as error:
    ...     print(error)
    settings file 's.json': is not valid JSON: NaN is not allowed
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
    >>> from sim.files import CONFIG
    >>> parse_toml("p = 0.5", "c.toml", CONFIG)
    {'p': 0.5}
    >>> try:
    ...     parse_toml("a" + ".a" * 40 + " = 1", "c.toml", CONFIG)
    ... except UnreadableFile as error:
    ...     print(error)
    config 'c.toml': is nested more than 16 deep
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
    >>> try:
    ...     list(csv_rows("a\\n" + "x" * 200_000 + "\\n", "c.csv"))
    ... except UnreadableFile as error:
    ...     print(error)
    class list 'c.csv': line 2: field larger than field limit (131072)
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
