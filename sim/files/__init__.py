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

from sim.files.errors import (
    CACHE,
    CLASS_LIST,
    CONFIG,
    LESSON,
    SCORES,
    SESSION,
    SETTINGS,
    FileError,
    FileKind,
    UnreadableFile,
    UnwritableFile,
    excerpt,
)
from sim.files.reading import (
    csv_rows,
    load_json,
    load_npz,
    load_toml,
    move_aside,
    parse_json,
    parse_toml,
    read_bytes,
    read_text,
)
from sim.files.writing import atomic_path, atomic_write, write_bytes, write_json, write_text

__all__ = [
    "CACHE", "CLASS_LIST", "CONFIG", "LESSON", "SCORES", "SESSION", "SETTINGS", "FileError",
    "FileKind", "UnreadableFile", "UnwritableFile", "atomic_path", "atomic_write", "csv_rows",
    "excerpt", "load_json", "load_npz", "load_toml", "move_aside", "parse_json", "parse_toml",
    "read_bytes", "read_text", "write_bytes", "write_json", "write_text",
]
