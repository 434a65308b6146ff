"""Where numba caches the kernels (sim.jit.cache), and warming them up off the main thread."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from sim.engine import simulate
from sim.games import HAGHANI_DEWEY
from sim.jit import cache
from sim.jit.runner import warm_up


def test_a_cache_folder_the_user_chose_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.NUMBA_CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(cache, "_writable", lambda folder: False)
    assert cache.choose_cache_dir() == str(tmp_path)
    assert os.environ[cache.NUMBA_CACHE_ENV] == str(tmp_path)


def test_a_writable_package_caches_beside_the_source(monkeypatch):
    monkeypatch.delenv(cache.NUMBA_CACHE_ENV, raising=False)
    monkeypatch.setattr(cache, "_writable", lambda folder: True)
    assert cache.choose_cache_dir() is None
    assert cache.NUMBA_CACHE_ENV not in os.environ


def test_a_read_only_package_caches_in_the_user_cache_folder(monkeypatch):
    import numba

    monkeypatch.delenv(cache.NUMBA_CACHE_ENV, raising=False)
    monkeypatch.setattr(cache, "_writable", lambda folder: False)
    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)
    chosen = cache.choose_cache_dir()
    assert chosen == str(cache.user_numba_cache())
    assert chosen.endswith(os.path.join("kelly-game", "numba"))
    assert os.environ[cache.NUMBA_CACHE_ENV] == chosen
    assert numba.config.CACHE_DIR == chosen  # numba was imported already: told directly


def test_writable_reads_the_folder_permissions(tmp_path):
    assert cache._writable(tmp_path)
    if os.geteuid() != 0:  # root may write anywhere
        tmp_path.chmod(0o555)
        try:
            assert not cache._writable(tmp_path)
        finally:
            tmp_path.chmod(0o755)


def _first_use(code: str, folder) -> None:
    env = {**os.environ, cache.NUMBA_CACHE_ENV: str(folder)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=600)


def test_a_fresh_cache_folder_is_filled_on_first_use(tmp_path):
    # one small kernel (a second or two to compile); every kernel: the slow test below
    _first_use("import numpy as np; from sim.jit.heads import heads_histogram_tile as h; "
               "c = np.zeros(3, dtype=np.int64); h(np.zeros((1, 2, 2), dtype=np.uint8), 1, 2, "
               "0, c[:2], c, np.ones(3, dtype=np.int64), np.zeros((3, 4), dtype=np.int64), 2)",
               tmp_path)
    index = [path.name for path in tmp_path.rglob("*.nbi")]
    assert index and all(name.startswith("heads.heads_histogram_tile") for name in index)


@pytest.mark.slow
def test_warm_up_fills_a_fresh_cache_folder(tmp_path):
    _first_use("from sim.jit.runner import warm_up; warm_up()", tmp_path)
    assert any(path.suffix == ".nbi" for path in tmp_path.rglob("*"))


def test_warm_up_from_a_background_thread_then_simulate():
    worker = threading.Thread(target=warm_up, daemon=True)
    worker.start()
    worker.join(timeout=600)
    assert not worker.is_alive()
    result = simulate(HAGHANI_DEWEY, "bayes", 1024, seed=1)
    assert np.isfinite(result.log_wealth).any()
