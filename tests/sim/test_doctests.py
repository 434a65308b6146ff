"""The Examples sections of every module in sim/ run as doctests (numpydoc docstrings).

Modules are found by walking the package, so new modules are covered without a change here.
Importing them must not pull in pygame or the game (sim never imports game/): checked in a
fresh interpreter, since other tests of the session do load the game.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sim

#: a module run as a program, not imported
SKIP = {"sim.__main__"}
ROOT = Path(sim.__file__).parents[1]


def _modules() -> list[str]:
    names = ["sim"]
    for info in pkgutil.walk_packages(sim.__path__, prefix="sim."):
        if info.name not in SKIP:
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_examples_in_docstrings_run(name, tmp_path, monkeypatch):
    monkeypatch.setenv("KELLY_CACHE_DIR", str(tmp_path))  # optimal play caches its tables here
    module = importlib.import_module(name)
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder().find(module, name):
        if test.examples and test.filename == module.__file__:  # defined here, not re-exported
            runner.run(test, out=report.append)
    assert runner.summarize(verbose=False).failed == 0, "".join(report)


def test_importing_every_sim_module_loads_no_game_and_no_pygame():
    code = (
        "import importlib, sys\n"
        f"for name in {_modules()!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('game', 'pygame')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"
