"""Shared test setup: SDL's dummy video and audio drivers, and saves in a temporary folder.

The environment variables are set at import time, before any test imports pygame, so the game
runs headless everywhere (CI, a server, a laptop without audio).
"""

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def kelly_data_dir(tmp_path_factory, monkeypatch):
    """Point the game's settings and high scores (KELLY_DATA_DIR) at a fresh temporary folder."""
    folder = tmp_path_factory.mktemp("kelly-data")
    monkeypatch.setenv("KELLY_DATA_DIR", str(folder))
    return folder
