"""Writing results: tables as CSV/JSON/Parquet, figures as PNG/SVG, tables on the terminal.

Every file is written atomically: the content goes to a temporary file in the destination's
folder, which then replaces the destination with :func:`os.replace` (atomic on POSIX and
Windows). An interrupted or failed run therefore never leaves a half-written file behind.

Output paths are checked *before* any simulation runs (:func:`check_table_path`,
:func:`check_figure_path`), so a typo in a file name costs nothing. Bad paths raise
``ValueError`` naming the path and what is allowed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pandas as pd
from rich.console import Console
from rich.table import Table

TABLE_FORMATS = (".csv", ".json", ".parquet")
FIGURE_FORMATS = (".png", ".svg")
PARQUET_HINT = "pip install 'kelly-game[parquet]'"


def _file_mode() -> int:
    """The permission bits a plain ``open(path, "w")`` would give under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def check_writable_folder(path: Path) -> None:
    """Raise ValueError unless a file can be created next to ``path`` (probe with a temp file)
    and ``path`` is not a folder (which no file can replace)."""
    folder = path.parent
    # os.path.isdir answers False where Path.is_dir raises (e.g. a name too long)
    if not os.path.isdir(folder):
        raise ValueError(f"cannot write {str(path)!r}: folder {str(folder)!r} does not exist")
    if os.path.isdir(path):
        raise ValueError(f"cannot write {str(path)!r}: it is a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".probe")
    except OSError as error:
        raise ValueError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
    os.close(handle)
    os.unlink(probe)


def check_table_path(path: str | os.PathLike) -> Path:
    """Validate a table destination: a known extension, Parquet support, a writable folder."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix not in TABLE_FORMATS:
        raise ValueError(
            f"cannot write table {str(path)!r}: unknown extension {suffix or '(none)'!r}; "
            f"use {', '.join(TABLE_FORMATS)}"
        )
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        raise ValueError(f"writing {str(path)!r} needs pyarrow: {PARQUET_HINT}")
    check_writable_folder(path)
    return path


def check_figure_path(path: str | os.PathLike) -> Path:
    """Validate a figure destination: .png or .svg in a writable folder."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix not in FIGURE_FORMATS:
        raise ValueError(
            f"cannot write figure {str(path)!r}: unknown extension {suffix or '(none)'!r}; "
            f"use {' or '.join(FIGURE_FORMATS)}"
        )
    check_writable_folder(path)
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``, else vanishes.

    ``suffix`` keeps the real extension on the temporary name for writers that look at it.
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=suffix or ".tmp"
    )
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, _FILE_MODE)  # mkstemp makes 0600; give the usual umask mode
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary_path)`` and move the result onto ``path`` atomically."""
    path = Path(path)
    try:
        with atomic_path(path, suffix=path.suffix) as temporary:
            write(temporary)
    except OSError as error:
        raise ValueError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
    return path


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return write_atomic(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` atomically; the extension picks the format.

    .csv keeps full float precision (inf as ``inf``); .json is a list of records with 15
    significant digits, pandas' most (JSON has no NaN or infinity, so those become ``null``);
    .parquet needs pyarrow.
    """
    path = check_table_path(path)
    suffix = _suffix(path)
    if suffix == ".csv":
        writer = lambda temporary: frame.to_csv(temporary, index=False)  # noqa: E731
    elif suffix == ".json":
        writer = lambda temporary: frame.to_json(  # noqa: E731
            temporary, orient="records", indent=2, double_precision=15
        )
    else:
        writer = lambda temporary: frame.to_parquet(temporary, index=False)  # noqa: E731
    return write_atomic(path, writer)


def write_figure(figure, path: str | os.PathLike, dpi: int = 150) -> Path:
    """Save a matplotlib Figure atomically as PNG or SVG (the extension decides)."""
    path = check_figure_path(path)
    fmt = _suffix(path).lstrip(".")
    return write_atomic(
        path, lambda temporary: figure.savefig(temporary, format=fmt, dpi=dpi, bbox_inches="tight")
    )


def format_value(value: object) -> str:
    """A table cell for the terminal: 4 significant digits, NaN as a dash, infinities as ±inf."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.4g}"
    return str(value)


#: a rich table column's width beyond its text: one space each side and one rule
CELL_EXTRA = 3


def column_panels(widths: list[int], room: int) -> list[list[int]]:
    """Columns (by index) per panel so that each panel fits ``room`` characters; every panel
    starts with column 0, the row's name, so each line still says what it is.

    Parameters
    ----------
    widths : list of int
        The text width of each column (header or widest cell).
    room : int
        Characters a line may take (the terminal's width).

    Returns
    -------
    list of list of int
        One panel if everything fits; otherwise as many as needed, columns in their order (a
        column too wide for any panel gets one of its own and wraps).

    Examples
    --------
    >>> column_panels([8, 6, 6, 6], room=40)
    [[0, 1, 2, 3]]
    >>> column_panels([8, 6, 6, 6], room=30)
    [[0, 1, 2], [0, 3]]
    """
    panels: list[list[int]] = []
    current, used = [0], 1 + widths[0] + CELL_EXTRA
    for index in range(1, len(widths)):
        need = widths[index] + CELL_EXTRA
        if used + need > room and len(current) > 1:
            panels.append(current)
            current, used = [0], 1 + widths[0] + CELL_EXTRA
        current.append(index)
        used += need
    panels.append(current)
    return panels


def print_table(frame: pd.DataFrame, title: str | None = None, file: IO[str] | None = None) -> None:
    """Print ``frame`` as a rich table (numbers right-aligned, never broken inside).

    Into a pipe or file the table keeps its natural width. On a terminal too narrow for every
    column, the columns are folded into panels one under the other (see
    :func:`column_panels`), each led by the first column and saying which columns it shows,
    rather than every cell being cut into slivers.
    """
    console = Console(file=file)
    if not console.is_terminal:
        console = Console(file=file, width=100_000, no_color=True, highlight=False)
    headers = [str(column) for column in frame.columns]
    rows = [[format_value(_python_scalar(v)) for v in row]
            for row in frame.itertuples(index=False)]
    widths = [max([len(header)] + [len(row[i]) for row in rows]) for i, header in
              enumerate(headers)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c].dtype) for c in frame.columns]
    panels = column_panels(widths, console.width) if headers else [[]]
    for number, panel in enumerate(panels, start=1):
        heading = title
        if len(panels) > 1:
            part = f"part {number} of {len(panels)}"
            heading = (f"{title} ({part}: the columns continue below)" if number == 1 and title
                       else f"... {part}")
        table = Table(title=heading, title_justify="left", header_style="bold")
        for i in panel:
            table.add_column(headers[i], justify="right" if numeric[i] else "left",
                             no_wrap=numeric[i], overflow="fold")
        for row in rows:
            table.add_row(*(row[i] for i in panel))
        console.print(table)


def _python_scalar(value: object) -> object:
    item = getattr(value, "item", None)
    return item() if callable(item) else value
