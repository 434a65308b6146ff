"""The result types: one summary table for both, printed as text and as HTML."""

import numpy as np
import pytest

import sim
from sim.engine import check_seed, resolve_seed
from sim.stats import SUMMARY_COLUMNS, summarize

GAME = sim.CoinGame(p=0.6, rounds=200)


def test_both_results_build_the_same_rows_through_one_builder():
    full = sim.simulate(GAME, ["kelly", "fixed:0.5"], paths=3000, seed=4, method="paths")
    merged = sim.simulate_summary(GAME, ["kelly", "fixed:0.5"], paths=3000, seed=4,
                                  method="paths")
    a, b = full.to_frame(), merged.to_frame()
    assert list(a.columns) == list(b.columns) == SUMMARY_COLUMNS
    assert summarize(full).equals(a) and summarize(merged).equals(b)
    exact = ["strategy", "paths", "median_wealth", "wealth_q05", "wealth_q95", "p_ruin", "p_cap",
             "mean_wealth", "growth_theory"]
    assert a[exact].equals(b[exact])
    np.testing.assert_allclose(a["growth"], b["growth"], rtol=1e-12)


def test_results_print_as_a_table_in_a_terminal_and_a_notebook():
    result = sim.simulate(sim.HAGHANI_DEWEY, ["kelly", "allin"], paths=1024, seed=2)
    text = repr(result).splitlines()
    assert text[0].startswith("SimulationResult: 1,024 paths x 300 rounds, seed 2")
    assert text[2].split() == ["strategy", "growth", "±", "se", "theory", "median", "wealth",
                               "P(ruin)", "P(cap)"]
    assert text[3].split()[0] == "kelly" and text[4].split()[0] == "allin"
    p_cap = result.to_frame().loc[0, "p_cap"]
    assert text[3].split()[-1] == f"{p_cap:.4f}"
    page = result._repr_html_()
    assert page.count("<tr>") == 3 and "<th>P(cap)</th>" in page and "&#x27;paths&#x27;" in page
    summary = sim.simulate_summary(GAME, "kelly:2", paths=1024, seed=2)
    assert repr(summary).startswith("SimulationSummary: 1,024 paths x 200 rounds, seed 2")


def test_one_seed_check_names_the_bad_value():
    assert check_seed(np.int64(5)) == 5 and type(check_seed(np.int64(5))) is int
    for bad in (-1, True, 1.5, "7", None):
        with pytest.raises(ValueError, match=r"seed = .* must be a non-negative whole number"):
            check_seed(bad)
    with pytest.raises(ValueError, match=r"seed = '7{76}\.\.\. must be"):
        check_seed("7" * 200)
    with pytest.raises(ValueError, match=r"not a numpy\.random\.Generator"):
        resolve_seed(rng=42)
    with pytest.raises(ValueError, match="either seed or rng"):
        resolve_seed(1, np.random.default_rng(1))
