"""Run the engine on a Dask cluster (optional extra: `pip install 'kelly-game[dask]'`).

:func:`sim.engine.simulate` splits a run into chunks of whole path blocks whose random numbers
depend only on the seed and the block index, never on where a chunk runs; it accepts any
:class:`concurrent.futures.Executor`. This module supplies one backed by ``dask.distributed``
(``Client.get_executor``), so a cluster runs exactly the chunks a local run would and the result
is the same bit for bit. Each worker reduces its chunk before sending it back (to per-path
arrays, or to small mergeable tallies with :func:`simulate_summary`); workers need this
package installed.

``scheduler`` is ``"local"`` (a :class:`distributed.LocalCluster` on 127.0.0.1 with one
single-threaded worker process per core, no dashboard, closed afterwards) or the address of a
running scheduler, ``tcp://HOST:PORT`` (or ``tls://HOST:PORT``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor

import numpy as np

from sim import engine
from sim.games import Game
from sim.strategies import Strategy

LOOPBACK = "127.0.0.1"
_ADDRESS = re.compile(r"^(tcp|tls)://[^\s/:]+(:\d{1,5})?$|^(tcp|tls)://\[[0-9a-fA-F:]+\](:\d{1,5})?$")


def check_scheduler(scheduler: object) -> str:
    """``scheduler`` as given if it is ``"local"`` or a ``tcp://HOST:PORT`` address.

    Parameters
    ----------
    scheduler : object
        ``"local"`` (a LocalCluster on this machine) or a Dask scheduler address.

    Returns
    -------
    str
        The scheduler.

    Raises
    ------
    ValueError
        For anything else, naming the value.

    Examples
    --------
    >>> check_scheduler("tcp://127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    """
    if isinstance(scheduler, str) and (scheduler == "local" or _ADDRESS.match(scheduler)):
        return scheduler
    raise ValueError(
        f"scheduler = {scheduler!r}; expected 'local' or a Dask scheduler address such as "
        "'tcp://127.0.0.1:8786'"
    )


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ValueError(
            "running on Dask needs the optional 'dask' extra: pip install 'kelly-game[dask]'"
        ) from None
    return distributed


@contextlib.contextmanager
def dask_executor(scheduler: str = "local", *, workers: int | None = None) -> Iterator[Executor]:
    """An Executor whose tasks run on the Dask cluster ``scheduler`` (see the module docstring).

    Parameters
    ----------
    scheduler : str, default "local"
        As for :func:`check_scheduler`.
    workers : int, optional
        Worker processes of a ``"local"`` cluster (default: one per core); a remote cluster keeps
        the workers it has.

    Yields
    ------
    concurrent.futures.Executor
        Pass it as ``executor=`` to :func:`sim.simulate` or :func:`sim.simulate_summary`.

    Raises
    ------
    ValueError
        On a bad scheduler or worker count, or when the optional ``dask`` extra is missing.

    Examples
    --------
    >>> from sim import CoinGame, simulate
    >>> with dask_executor("local", workers=2) as executor:  # doctest: +SKIP
    ...     result = simulate(CoinGame(), "kelly", paths=10**6, seed=1, executor=executor)
    """
    scheduler = check_scheduler(scheduler)
    if workers is not None:
        workers = engine.positive_int("workers", workers)
    distributed = _distributed()
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            with warnings.catch_warnings():  # its loopback HTTP port moved off a busy 8787
                warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    host=LOOPBACK,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                ))
            client = stack.enter_context(distributed.Client(cluster))
        else:
            client = stack.enter_context(distributed.Client(scheduler))
        yield client.get_executor(pure=False)


def _on_dask(run, game, strategies, paths, seed, rng, scheduler, dask_workers, options):
    """``run`` (the engine's simulate or simulate_summary) with its chunks on the cluster.

    The seed is fixed before the cluster starts, so a bad seed or rng is refused at once and a
    Generator is drawn from exactly once, as in a local run.
    """
    seed = engine.resolve_seed(seed, rng)
    with dask_executor(scheduler, workers=dask_workers) as executor:
        return run(game, strategies, paths, seed, executor=executor, **options)


def simulate(
    game: Game,
    strategies: Sequence[Strategy | str] | Strategy | str,
    paths: int = 10_000,
    seed: int | None = None,
    *,
    scheduler: str = "local",
    dask_workers: int | None = None,
    rng: np.random.Generator | None = None,
    **options,
) -> engine.SimulationResult:
    """:func:`sim.simulate` with its chunks run on the Dask cluster ``scheduler``.

    Parameters
    ----------
    game, strategies, paths, seed, rng
        As for :func:`sim.simulate`.
    scheduler : str, default "local"
        As for :func:`check_scheduler`.
    dask_workers : int, optional
        Worker processes of a local cluster.
    **options
        The other keywords of :func:`sim.simulate` (method, record_paths, chunk_size, progress).

    Returns
    -------
    SimulationResult
        Equal to the local result for the same seed.

    Raises
    ------
    ValueError
        As :func:`sim.simulate` and :func:`dask_executor`.

    Examples
    --------
    >>> from sim import CoinGame
    >>> result = simulate(CoinGame(), "kelly", paths=10**5, seed=1)  # doctest: +SKIP
    """
    return _on_dask(engine.simulate, game, strategies, paths, seed, rng, scheduler, dask_workers,
                    options)


def simulate_summary(
    game: Game,
    strategies: Sequence[Strategy | str] | Strategy | str,
    paths: int = 10_000,
    seed: int | None = None,
    *,
    scheduler: str = "local",
    dask_workers: int | None = None,
    rng: np.random.Generator | None = None,
    **options,
) -> engine.SimulationSummary:
    """:func:`sim.simulate_summary` with its chunks run on the Dask cluster ``scheduler``.

    Parameters
    ----------
    game, strategies, paths, seed, rng, scheduler, dask_workers, **options
        As for :func:`simulate`.

    Returns
    -------
    SimulationSummary
        Equal to the local summary for the same seed.

    Raises
    ------
    ValueError
        As :func:`simulate`.

    Examples
    --------
    >>> from sim import CoinGame
    >>> summary = simulate_summary(CoinGame(), "kelly", paths=10**7, seed=1)  # doctest: +SKIP
    """
    return _on_dask(engine.simulate_summary, game, strategies, paths, seed, rng, scheduler,
                    dask_workers, options)
