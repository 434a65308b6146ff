"""sim.output: atomic tables and figures, path checks, terminal tables."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import stat

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim import output
from sim.output import (
    PARQUET_HINT,
    check_figure_path,
    check_table_path,
    format_value,
    print_table,
    write_figure,
    write_table,
    write_text,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "strategy": ["kelly", "allin", "cash"],
        "growth": [0.0201, -np.inf, np.nan],
        "paths": [10, 10, 10],
    })


def _leftovers(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


def test_csv_round_trip_keeps_infinity_and_nan(tmp_path, frame):
    path = write_table(frame, tmp_path / "t.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == ["strategy", "growth", "paths"]
    assert back["growth"].iloc[0] == pytest.approx(0.0201)
    assert back["growth"].iloc[1] == -np.inf
    assert np.isnan(back["growth"].iloc[2])
    assert _leftovers(tmp_path) == []


def test_json_is_a_list_of_records_with_null_for_non_finite(tmp_path, frame):
    records = json.loads(write_table(frame, tmp_path / "t.json").read_text())
    assert [r["strategy"] for r in records] == ["kelly", "allin", "cash"]
    assert records[0]["growth"] == pytest.approx(0.0201)
    assert records[1]["growth"] is None and records[2]["growth"] is None


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow not installed")
def test_parquet_round_trip(tmp_path, frame):
    back = pd.read_parquet(write_table(frame, tmp_path / "t.parquet"))
    pd.testing.assert_frame_equal(back, frame)


def test_parquet_without_pyarrow_says_how_to_install(tmp_path, frame, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(output.importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(ValueError, match="pyarrow") as error:
        write_table(frame, tmp_path / "t.parquet")
    assert PARQUET_HINT in str(error.value)
    assert not (tmp_path / "t.parquet").exists()


@pytest.mark.parametrize("name", ["t.xlsx", "t", "t.txt"])
def test_unknown_table_extension_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match=r"unknown extension .*\.csv, \.json, \.parquet"):
        check_table_path(tmp_path / name)


def test_unknown_figure_extension_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"'\.pdf'.*\.png or \.svg"):
        check_figure_path(tmp_path / "f.pdf")


def test_missing_folder_and_unwritable_place_are_refused(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        check_table_path(tmp_path / "missing" / "t.csv")
    with pytest.raises(ValueError, match=r"/proc/x\.csv"):
        check_table_path("/proc/x.csv")


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path, frame, monkeypatch):
    target = tmp_path / "t.csv"
    target.write_text("old\n")

    def broken(self, path, **kwargs):
        with open(path, "w") as handle:
            handle.write("half a ta")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(KeyboardInterrupt):
        write_table(frame, target)
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_os_errors_while_writing_become_value_errors(tmp_path, frame, monkeypatch):
    def full_disk(self, path, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    with pytest.raises(ValueError, match="No space left"):
        write_table(frame, tmp_path / "t.csv")
    assert os.listdir(tmp_path) == []


def test_written_files_get_the_usual_permissions(tmp_path):
    path = write_text(tmp_path / "a.txt", "hello")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert path.read_text() == "hello"


def test_figures_are_real_png_and_svg(tmp_path):
    from matplotlib.image import imread

    figure = Figure(figsize=(4, 3))
    figure.subplots().plot([0, 1], [0, 1])
    png = write_figure(figure, tmp_path / "f.png", dpi=100)
    assert png.read_bytes()[:8] == PNG_MAGIC
    height, width = imread(png).shape[:2]
    assert 200 < width < 500 and 150 < height < 400
    svg = write_figure(figure, tmp_path / "f.svg")
    assert "<svg" in svg.read_text()[:2000]


def test_format_value():
    assert format_value(float("nan")) == "-"
    assert format_value(float("-inf")) == "-inf"
    assert format_value(0.0201355) == "0.02014"
    assert format_value(3) == "3"
    assert format_value(True) == "yes"


def test_print_table_keeps_its_width_in_a_pipe(frame, capsys):
    wide = frame.assign(**{f"column_{i}": [1.0, 2.0, 3.0] for i in range(12)})
    print_table(wide, title="numbers")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("numbers")
    header = next(line for line in lines if "strategy" in line)
    assert "column_11" in header  # not wrapped at 80 columns
    assert any("-inf" in line for line in lines)


class _Terminal:
    """A text stream that says it is a terminal (rich then fits the table to COLUMNS)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def lines(self) -> list[str]:
        """The lines shown, styles (ANSI escapes) and trailing blanks left out."""
        shown = re.sub(r"\x1b\[[0-9;]*m", "", "".join(self.parts))
        return [line.rstrip() for line in shown.splitlines()]


def _race_like() -> pd.DataFrame:
    """A table as wide as ``kelly race`` prints: 18 columns of long names and 4-digit numbers."""
    names = ["strategy", "bet_1", "bet_2", "bet_3", "cash", "growth_theory", "growth_mc",
             "growth_se", "growth_ci_low", "growth_ci_high", "log_odds", "cash_term", "entropy",
             "divergence", "cross_entropy", "median_wealth", "mean_wealth", "p_ruin"]
    data = {"strategy": ["kelly", "kelly:0.5", "share:0.6,0.3,0.1"]}
    for i, name in enumerate(names[1:]):
        data[name] = [0.09116 * (i + 1), -0.0004029, 1.278e6]
    return pd.DataFrame(data)


@pytest.mark.parametrize("columns", [100, 80, 60])
def test_a_wide_table_folds_into_panels_that_fit_with_whole_cells(columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.delenv("NO_COLOR", raising=False)
    table = _race_like()
    terminal = _Terminal()
    print_table(table, title="Horse race", file=terminal)
    lines = terminal.lines()
    assert max(len(line) for line in lines) <= columns
    text = "\n".join(lines)
    for header in table.columns:  # every header whole, on one line
        assert any(f" {header} " in line for line in lines), header
    for value in ("0.09116", "-0.0004029", "1.278e+06", "share:0.6,0.3,0.1"):
        assert value in text
    panels = [line for line in lines if "strategy" in line and "┃" in line]
    assert len(panels) >= 2  # folded, the name column repeated in each panel
    assert lines[0].startswith("Horse race (part 1 of")
    row_lines = [line for line in lines if line.startswith("│ kelly ")]
    assert len(row_lines) == len(panels)  # each row once per panel, never cut into slivers


def test_a_table_that_fits_is_one_panel(frame, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    terminal = _Terminal()
    print_table(frame, title="small", file=terminal)
    lines = terminal.lines()
    assert lines[0] == "small"
    assert sum("strategy" in line for line in lines) == 1
