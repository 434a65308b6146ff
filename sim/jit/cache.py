"""Where numba caches compiled kernels; imported before numba by :mod:`sim.jit.kernels`.

``@njit(cache=True)`` writes its cache next to the source (``sim/jit/__pycache__``) when that
folder is writable. In an installed, read-only package it would otherwise fall back to a folder
of numba's choosing, so when the package folder is read-only and the user has not set
``NUMBA_CACHE_DIR`` we point it at ``<user cache folder of kelly-game>/numba`` (platformdirs,
the same folder family as the optimal-play tables). A ``NUMBA_CACHE_DIR`` the user set is
always kept. The decision is made once, before the kernels are defined; numba reads the
variable when it is imported, so if it was imported earlier its config is set as well.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

#: numba's own environment variable for its cache folder
NUMBA_CACHE_ENV = "NUMBA_CACHE_DIR"
PACKAGE_DIR = Path(__file__).resolve().parent


def user_numba_cache() -> Path:
    """The kelly-game user cache folder for compiled kernels."""
    return Path(platformdirs.user_cache_dir("kelly-game")) / "numba"


def _writable(folder: Path) -> bool:
    cache = folder / "__pycache__"
    target = cache if cache.exists() else folder
    return os.access(target, os.W_OK | os.X_OK)


def choose_cache_dir() -> str | None:
    """Set ``NUMBA_CACHE_DIR`` if needed and return the folder in use (None: beside the source).

    Returns the user's own setting unchanged when there is one.
    """
    chosen = os.environ.get(NUMBA_CACHE_ENV)
    if chosen:
        return chosen
    if _writable(PACKAGE_DIR):
        return None
    folder = user_numba_cache()
    os.environ[NUMBA_CACHE_ENV] = str(folder)
    numba = sys.modules.get("numba")
    if numba is not None:  # already imported: it read the variable then, so tell it directly
        numba.config.CACHE_DIR = str(folder)
    return str(folder)


CACHE_DIR = choose_cache_dir()


def cached_kernels() -> int:
    """How many compiled kernels the cache folder indexes (0: a cold start compiles them)."""
    folder = Path(CACHE_DIR) if CACHE_DIR else PACKAGE_DIR / "__pycache__"
    return sum(1 for _ in folder.rglob("*.nbi")) if folder.is_dir() else 0
