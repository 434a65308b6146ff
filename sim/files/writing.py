"""Writing: one atomic writer that keeps modes, writes through symlinks and removes its
temporary file on every way out, signals included (see :mod:`sim.files`)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sim.files.errors import UnwritableFile, _not_regular, _os_problem

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
    temporary: str | None = None
    try:  # one try from the temporary's birth: a Ctrl-C landing anywhere still removes it
        with _signals_held():
            handle, temporary = tempfile.mkstemp(dir=target.parent or ".",
                                                 prefix=f".{target.name}.",
                                                 suffix=suffix or ".tmp")
            _PENDING[temporary] = os.getpid()
            os.close(handle)
        yield Path(temporary)
        _commit(temporary, target, mode)
    except OSError as error:
        raise UnwritableFile(None, path, f"cannot be written ({_os_problem(error)})") from None
    finally:
        if temporary is not None:
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
