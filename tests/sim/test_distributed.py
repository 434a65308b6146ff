"""Dask: the same chunks on a cluster give the local result bit for bit (loopback only)."""

import warnings

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from sim import distributed as sim_dask  # noqa: E402
from sim.engine import simulate, simulate_summary  # noqa: E402
from sim.games import HAGHANI_DEWEY, CoinGame  # noqa: E402

SPECS = ["kelly", "fixed:0.1", "bayes", "allin"]
FIELDS = ("log_wealth", "max_drawdown", "capped", "ruined", "rounds_played")


@pytest.fixture(scope="module")
def scheduler():
    """A two-worker cluster inside this process, reached over TCP on 127.0.0.1."""
    with warnings.catch_warnings():  # its loopback HTTP port moved off a busy 8787
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
            host="127.0.0.1", dashboard_address=None,
        )
    with cluster:
        yield cluster.scheduler_address


def test_cluster_result_equals_the_local_run(scheduler):
    game = CoinGame(p=0.6, rounds=90)
    local = simulate(game, SPECS, 4000, seed=17, method="paths", chunk_size=1000)
    remote = sim_dask.simulate(game, SPECS, 4000, seed=17, scheduler=scheduler, method="paths",
                               chunk_size=1000)
    assert remote.seed == local.seed
    for field in FIELDS:
        assert np.array_equal(getattr(remote, field), getattr(local, field)), field


def test_cluster_summary_equals_the_local_one(scheduler):
    local = simulate_summary(HAGHANI_DEWEY, ["kelly", "bayes"], 3000, seed=2, chunk_size=65_536)
    remote = sim_dask.simulate_summary(HAGHANI_DEWEY, ["kelly", "bayes"], 3000, seed=2,
                                       scheduler=scheduler, chunk_size=1000)
    assert remote.to_frame().equals(local.to_frame())


def test_exact_sweep_on_the_cluster(scheduler):
    game = CoinGame(p=0.6, rounds=10_000)
    fractions = [f"fixed:{f / 20:g}" for f in range(21)]
    local = simulate(game, fractions, 5000, seed=4)
    remote = sim_dask.simulate(game, fractions, 5000, seed=4, scheduler=scheduler)
    assert remote.method == "counts"
    assert np.array_equal(remote.log_wealth, local.log_wealth)


@pytest.mark.parametrize("bad", ["", "cluster", "http://127.0.0.1:8786", "tcp://", 8786, None])
def test_bad_scheduler_is_refused(bad):
    with pytest.raises(ValueError, match="scheduler"):
        sim_dask.simulate(CoinGame(rounds=5), "kelly", 10, seed=1, scheduler=bad)


@pytest.mark.slow
def test_local_process_cluster_equals_the_local_run():
    game = CoinGame(p=0.6, rounds=50)
    local = simulate(game, SPECS, 3000, seed=9, method="paths", chunk_size=1024)
    remote = sim_dask.simulate(game, SPECS, 3000, seed=9, scheduler="local", dask_workers=2,
                               method="paths", chunk_size=1024)
    for field in FIELDS:
        assert np.array_equal(getattr(remote, field), getattr(local, field)), field


def test_the_cli_runs_on_a_local_dask_cluster_with_the_same_numbers(tmp_path, capsys):
    from sim.cli import main

    local, on_dask = tmp_path / "local.csv", tmp_path / "dask.csv"
    common = ["sweep", "--p", "0.6", "--fractions", "0,0.2,0.4", "--rounds", "200",
              "--paths", "3000", "-q"]
    assert main([*common, "--workers", "1", "--out", str(local)]) == 0
    assert main([*common, "--dask", "local", "--out", str(on_dask)]) == 0
    assert local.read_text() == on_dask.read_text()
    assert main([*common, "--scheduler", "udp://nowhere"]) == 2
    assert "scheduler = 'udp://nowhere'" in capsys.readouterr().err
