"""The flat public API: every name in ``sim.__all__`` resolves, and the analyses load lazily."""

import subprocess
import sys

import sim
from sim import analysis


def test_every_public_name_resolves():
    missing = [name for name in sim.__all__ if not hasattr(sim, name)]
    assert missing == []


def test_the_analyses_are_the_analysis_module_functions():
    for name in ("sweep", "paths", "race"):
        function = getattr(sim, name)
        assert (function.__module__, function.__name__) == (analysis.__name__, name)
    assert sim.challenge_table.__module__ == "sim.challenge"


def test_unknown_attribute_is_an_attribute_error():
    try:
        sim.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("sim.no_such_name resolved")


def test_import_sim_loads_no_pandas_until_a_table_is_made():
    code = ("import sys, sim; print('pandas' in sys.modules); "
            "sim.sweep; print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
