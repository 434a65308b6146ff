"""sim.files: the one loader (regular files only, bounded, depth-limited, one exception type),
move_aside, excerpt and the one atomic writer (modes, symlinks, signals)."""

from __future__ import annotations

import doctest
import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sim import text_template
from sim.files import (
    CACHE,
    CLASS_LIST,
    CONFIG,
    LESSON,
    SETTINGS,
    FileKind,
    UnreadableFile,
    UnwritableFile,
    atomic_path,
    atomic_write,
    csv_rows,
    errors,
    excerpt,
    load_json,
    load_npz,
    load_toml,
    move_aside,
    parse_json,
    parse_toml,
    read_bytes,
    read_text,
    reading,
    write_json,
    write_text,
    writing,
)

POSIX = os.name == "posix"
ROOT = Path(__file__).resolve().parents[1]


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# -- reading: what the file is -------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short name: a path past ~80 characters is quoted shortened
    fifo = Path("settings.json")
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match=r"settings\.json'?: is a FIFO"):
        read_bytes(fifo, SETTINGS)
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_symlink_to_a_device_is_refused_not_read_forever(tmp_path, device):
    link = tmp_path / "lesson.toml"
    link.symlink_to(device)
    with pytest.raises(UnreadableFile, match="is a device, not a regular file") as caught:
        read_text(link, LESSON)
    assert "lesson.toml" in str(caught.value)
    assert caught.value.path == link


def test_a_folder_and_a_missing_file(tmp_path):
    with pytest.raises(UnreadableFile, match="is a folder"):
        read_bytes(tmp_path, CONFIG)
    with pytest.raises(UnreadableFile, match=r"cannot be read \(no such file\)"):
        read_bytes(tmp_path / "nope.toml", CONFIG)
    assert read_bytes(tmp_path / "nope.toml", CONFIG, missing_ok=True) is None
    assert load_json(tmp_path / "nope.json", SETTINGS, missing_ok=True) is None


def test_a_symlink_to_a_regular_file_is_read(tmp_path):
    (tmp_path / "real.toml").write_text("p = 0.5\n")
    (tmp_path / "link.toml").symlink_to("real.toml")
    assert load_toml(tmp_path / "link.toml", CONFIG) == {"p": 0.5}


def test_a_huge_file_is_refused_by_its_size_before_reading(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as handle:  # sparse: costs nothing to make
        handle.write(b"{}")
        handle.truncate(SETTINGS.max_bytes + 1)
    with pytest.raises(UnreadableFile, match=r"is 65,537 bytes; the limit is 65,536"):
        read_bytes(path, SETTINGS)
    assert len(read_bytes(path, FileKind("big", SETTINGS.max_bytes + 1))) == 65_537


def test_a_file_that_grows_while_read_is_cut_at_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "grows.csv"
    path.write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    class Smaller:  # what fstat said before the file grew
        def __init__(self, info):
            self.st_mode, self.st_size = info.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Smaller(real_fstat(fd)))
    with pytest.raises(UnreadableFile, match="grew past the limit of 100 bytes"):
        read_bytes(path, FileKind("class list", 100))


# -- reading: the text ---------------------------------------------------------------------------

def test_a_byte_order_mark_is_stripped(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes(b"\xef\xbb\xbfp = 0.5\n")
    assert load_toml(path, CONFIG) == {"p": 0.5}
    path.write_bytes(b'\xef\xbb\xbf{"version": 1}')
    assert load_json(path, SETTINGS) == {"version": 1}


def test_non_utf8_names_the_file_line_and_column(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_bytes(b"p = 0.5\n# caf\xe9\n")
    with pytest.raises(UnreadableFile) as caught:
        read_text(path, CONFIG)
    message = str(caught.value)
    assert "sweep.toml" in message
    assert "byte 0xe9 at line 2, column 6" in message
    assert "codec" not in message


def test_utf16_is_refused_as_not_utf8(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes("p = 0.5".encode("utf-16"))
    with pytest.raises(UnreadableFile, match="not UTF-8"):
        read_text(path, CONFIG)


# -- depth, NaN, syntax --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "[" * 5000 + "]" * 5000,
    '{"a": ' * 5000 + "1" + "}" * 5000,
    "[" * 100_000,  # unclosed as well
])
def test_deep_json_is_refused_without_recursion_error(text):
    with pytest.raises(UnreadableFile, match="nested more than 8 deep"):
        parse_json(text, "scores.json", SETTINGS)


@pytest.mark.parametrize("text", [
    "a = " + "[" * 5000 + "]" * 5000,
    "a = " + "{b = " * 5000 + "1" + "}" * 5000,
    "a" + ".a" * 5000 + " = 1",
    "[" + ".".join(["t"] * 5000) + "]\nx = 1",
])
def test_deep_toml_is_refused_without_recursion_error(text):
    with pytest.raises(UnreadableFile, match="nested more than 16 deep"):
        parse_toml(text, "lesson.toml", LESSON)


def test_brackets_in_strings_and_comments_do_not_count():
    deep = "[" * 50
    assert parse_json(json.dumps({"a": deep}), "s.json", SETTINGS) == {"a": deep}
    text = (f'a = "{deep}"\nb = \'{deep}\'\nc = """\n{deep}\n"""\nd = \'\'\'{deep}\'\'\'\n'
            f'# {deep}\ne = "\\"[["\n')
    assert parse_toml(text, "c.toml", CONFIG)["a"] == deep


def test_json_nan_and_infinity_are_refused_unless_allowed():
    for token in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(UnreadableFile, match=f"{token} is not allowed"):
            parse_json(f'{{"growth": {token}}}', "scores.json", SETTINGS)
    assert np.isnan(parse_json('{"g": NaN}', "s.json", SETTINGS, allow_nan=True)["g"])


def test_toml_nan_is_allowed_by_default_and_refusable():
    assert np.isnan(parse_toml("p = nan", "c.toml", CONFIG)["p"])
    with pytest.raises(UnreadableFile, match="inf is not allowed"):
        parse_toml("p = -inf", "c.toml", CONFIG, allow_nan=False)


def test_syntax_errors_are_one_line_naming_the_file():
    with pytest.raises(UnreadableFile) as caught:
        parse_json('{"a": 1,,}', "/data/scores.json", SETTINGS)
    assert str(caught.value).startswith("settings file '/data/scores.json': is not valid JSON")
    assert "line 1, column 9" in str(caught.value)
    with pytest.raises(UnreadableFile, match=r"c\.toml'?: is not valid TOML"):
        parse_toml("p = = 1", "c.toml", CONFIG)


def test_every_problem_is_a_value_error_with_one_short_line(tmp_path):
    name = tmp_path / ("n" * 3000 + ".toml")
    with pytest.raises(ValueError) as caught:
        read_text(name, CONFIG)
    assert isinstance(caught.value, UnreadableFile)
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 200


# -- CSV and the cache ---------------------------------------------------------------------------

def test_csv_rows_turn_csv_errors_into_unreadable_file():
    assert list(csv_rows("a,b\n1,2\n", "c.csv")) == [(1, ["a", "b"]), (2, ["1", "2"])]
    with pytest.raises(UnreadableFile, match=r"c\.csv'?: line 2: field larger"):
        list(csv_rows("name\n" + "x" * 200_000 + "\n", "c.csv", CLASS_LIST))


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


MEMBERS = {"stakes": ((3, 4), "int16"), "key": (None, None)}


def test_load_npz_reads_checked_arrays(tmp_path):
    path = tmp_path / "c.npz"
    path.write_bytes(npz(stakes=np.ones((3, 4), np.int16), key=np.array("k")))
    arrays = load_npz(path, CACHE, MEMBERS)
    assert arrays["stakes"].sum() == 12 and str(arrays["key"]) == "k"


@pytest.mark.parametrize(("content", "problem"), [
    (npz(stakes=np.ones((3, 5), np.int16), key=np.array("k")), "has shape"),
    (npz(stakes=np.ones((3, 4), np.int32), key=np.array("k")), "is int32, expected int16"),
    (npz(key=np.array("k")), "has no array 'stakes'"),
    (npz(stakes=np.array([None] * 12, dtype=object).reshape(3, 4), key=np.array("k")),
     "holds Python objects"),
    (b"\x93NUMPY junk", "is not a valid .npz archive"),
    (b"", "is not a valid .npz archive"),
])
def test_load_npz_refuses_a_damaged_cache(tmp_path, content, problem):
    path = tmp_path / "c.npz"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=problem):
        load_npz(path, CACHE, MEMBERS)


def test_load_npz_refuses_a_header_claiming_more_than_it_holds(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<i8", "fortran_order": False, "shape": (1 << 30, 11)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stakes.npy", header.getvalue() + b"\0" * 64)
    path = tmp_path / "c.npz"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnreadableFile, match="claims 94,489,280,512 bytes"):
        load_npz(path, CACHE, {"stakes": (None, None)})


# -- move_aside and excerpt -----------------------------------------------------------------------

def test_move_aside_never_overwrites_an_earlier_one(tmp_path):
    path = tmp_path / "scores.json"
    moved = []
    for content in ("first", "second", "third"):
        path.write_text(content)
        moved.append(move_aside(path))
    assert not path.exists()
    assert [p.read_text() for p in moved] == ["first", "second", "third"]
    assert len(set(moved)) == 3
    assert all(p.name.startswith("scores.json.corrupt-") for p in moved)


def test_move_aside_of_special_files_and_missing_ones(tmp_path):
    assert move_aside(tmp_path / "missing.json") is None
    link = tmp_path / "settings.json"
    link.symlink_to("/dev/zero")
    moved = move_aside(link)
    assert moved.is_symlink() and not os.path.lexists(link)


def test_excerpt_quotes_at_most_the_limit():
    assert excerpt("abc") == "'abc'"
    long = excerpt("9" * 200_000)
    assert len(long) < 120 and long.endswith("(200,000 characters)")
    assert len(excerpt(list(range(200_000)))) < 120
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    assert len(excerpt(deep)) < 120
    assert "\n" not in excerpt("a\nb" * 100)


# -- atomic writing ------------------------------------------------------------------------------

def test_write_text_replaces_and_leaves_no_temporary(tmp_path):
    out = tmp_path / "t.csv"
    out.write_text("old")
    write_text(out, "new")
    assert out.read_text() == "new"
    assert hidden(tmp_path) == []


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644])
def test_an_existing_file_keeps_its_mode(tmp_path, mode):
    out = tmp_path / "scores.json"
    out.write_text("{}")
    os.chmod(out, mode)
    write_json(out, {"version": 1})
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert json.loads(out.read_text()) == {"version": 1}


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path):
    previous = os.umask(0o022)
    try:
        write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_a_symlinked_destination_is_written_through(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.csv"
    target.write_text("old")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert hidden(tmp_path) == [] and hidden(tmp_path / "real") == []


def test_a_failure_inside_keeps_the_old_file_and_no_temporary(tmp_path):
    out = tmp_path / "t.txt"
    out.write_text("old")
    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            with atomic_write(out) as stream:
                stream.write("half")
                raise error
    with pytest.raises(ValueError, match="Out of range float"):
        write_json(out, {"growth": float("nan")})
    assert out.read_text() == "old" and hidden(tmp_path) == []
    assert writing._PENDING == {}


def test_atomic_path_keeps_the_extension_for_writers_that_look(tmp_path):
    with atomic_path(tmp_path / "fig.PNG", suffix=".PNG") as temporary:
        assert temporary.name.endswith(".PNG") and temporary.parent == tmp_path
        temporary.write_bytes(b"png")
    assert (tmp_path / "fig.PNG").read_bytes() == b"png" and hidden(tmp_path) == []


def test_an_unwritable_destination_is_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short name: a path past ~80 characters is quoted shortened
    with pytest.raises(UnwritableFile, match=r"nope/t\.csv'?: cannot be written"):
        write_text(Path("nope") / "t.csv", "x")
    with pytest.raises(UnwritableFile, match="cannot be written"):
        write_text(tmp_path, "x")  # a folder cannot be replaced by a file
    assert hidden(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_device_destination_is_refused_never_replaced(tmp_path):
    link = tmp_path / "out.txt"
    link.symlink_to("/dev/full")  # written through, the temporary would land in /dev
    with pytest.raises(UnwritableFile, match="is a device, not a regular file"):
        write_text(link, "x")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode) and link.is_symlink()
    assert not [p for p in Path("/dev").iterdir() if p.name.startswith(".full.")]


def test_a_full_disk_mid_write_is_unwritable_file(tmp_path, monkeypatch):
    def no_space(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(UnwritableFile, match="No space left on device"):
        write_text(tmp_path / "t.txt", "x")
    assert hidden(tmp_path) == [] and not (tmp_path / "t.txt").exists()


WRITER = textwrap.dedent("""
    import sys, time
    from sim.files import atomic_write
    with atomic_write(sys.argv[1]) as stream:
        stream.write("half" * 1000)
        stream.flush()
        print("writing", flush=True)
        time.sleep(30)
""")


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_during_a_write_leaves_no_temporary_file(tmp_path, signum):
    out = tmp_path / "results.csv"
    out.write_text("whole old file")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(out)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing"
        assert len(hidden(tmp_path)) == 1  # the temporary exists while writing
        process.send_signal(signum)
        process.wait(timeout=20)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode != 0
    if signum != signal.SIGINT:  # the signal ends the process with the shell's status for it
        assert process.returncode == 128 + signum
    assert hidden(tmp_path) == []
    assert out.read_text() == "whole old file"


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
def test_the_signal_handler_is_not_installed_over_someone_elses():
    script = textwrap.dedent("""
        import signal, tempfile, os
        mine = lambda *a: None
        signal.signal(signal.SIGTERM, mine)
        from sim.files import write_text
        write_text(os.path.join(tempfile.mkdtemp(), "x"), "y")
        print(signal.getsignal(signal.SIGTERM) is mine)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert done.stdout.strip() == "True", done.stderr


@pytest.mark.parametrize("module", [errors, reading, writing, text_template])
def test_the_docstring_examples_run(module):
    failures, tried = doctest.testmod(module)
    assert failures == 0
    assert tried > 0 or module is errors


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_never_removes_its_parents_temporary(tmp_path):
    with atomic_write(tmp_path / "t.txt") as stream:
        stream.write("parent's")
        child = os.fork()
        if child == 0:  # a worker process cleaning up on its own SIGTERM
            writing._remove_pending()
            os._exit(0)
        os.waitpid(child, 0)
        assert len(hidden(tmp_path)) == 1
    assert (tmp_path / "t.txt").read_text() == "parent's"
