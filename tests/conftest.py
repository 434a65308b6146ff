"""Shared test setup: headless SDL, saves and caches in temporary folders, hypothesis profiles.

The environment variables are set at import time, before any test imports pygame or the engine,
so the game runs headless everywhere (CI, a server, a laptop without audio) and the suite never
writes the optimal-play cache (about 15 MB) into the real user cache. ``setdefault`` keeps a
folder the caller chose (e.g. a warm cache in CI).

Under pytest-xdist (``make test`` runs ``-n auto``) the controller imports this file first, so
its workers inherit one ``KELLY_CACHE_DIR`` for the run: a table one worker solved, another
loads. That is safe because cache files are written atomically (a temporary file, then a
rename) and verified before use; tests that check the cache itself use their own ``tmp_path``.
numba's kernel cache (beside the source, or ``NUMBA_CACHE_DIR``) is shared the same way: numba
also writes a temporary file and renames it, so a kernel compiled by one worker is loaded by
the others.

Hypothesis uses the "ci" profile (derandomized: the same examples on every run) when ``CI`` is
set, else "dev"; neither has a deadline, because a shared machine makes timings noisy.
"""

import atexit
import os
import shutil
import tempfile

import pytest
from hypothesis import settings

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("MPLBACKEND", "Agg")
# The suite reads English messages: a developer's zh_TW locale must not change them (the tests
# of the language choice pass their own environment). GNU gettext reads LANGUAGE first.
os.environ["LANGUAGE"] = "en"
if "KELLY_CACHE_DIR" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="kelly-test-cache-")
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)
    os.environ["KELLY_CACHE_DIR"] = _cache

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def kelly_data_dir(tmp_path_factory, monkeypatch):
    """Point the game's settings and high scores (KELLY_DATA_DIR) at a fresh temporary folder."""
    folder = tmp_path_factory.mktemp("kelly-data")
    monkeypatch.setenv("KELLY_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def english_messages():
    """Every test starts in English and leaves the language as it found it."""
    from sim.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def signal_handlers_as_found():
    """Every test leaves SIGTERM/SIGHUP as it found them: the first atomic write installs
    sim.files' temporary-file cleanup for good, and a later test of the game's own signal
    handling must not depend on which tests wrote a file before it."""
    import signal

    import sim.files.writing as writing

    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    before = {name: signal.getsignal(getattr(signal, name)) for name in names}
    installed = writing._installed
    yield
    for name, handler in before.items():
        signal.signal(getattr(signal, name), handler)
    writing._installed = installed
