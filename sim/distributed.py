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
    """``scheduler`` as given if it is ``"local"`` or a ``tcp://HOST:PORT`` address."""
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

    ``workers`` sets the number of worker processes of a ``"local"`` cluster (default: one
    per core); a remote cluster keeps the workers it has.
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
    """:func:`sim.engine.simulate` with its chunks run on the Dask cluster ``scheduler``.

    ``options`` are those of :func:`sim.engine.simulate` (method, record_paths, chunk_size,
    progress); the result equals the local one for the same seed.
    """
    seed = engine.resolve_seed(seed, rng)
    with dask_executor(scheduler, workers=dask_workers) as executor:
        return engine.simulate(game, strategies, paths, seed, executor=executor, **options)


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
    """:func:`sim.engine.simulate_summary` with its chunks run on the Dask cluster ``scheduler``."""
    seed = engine.resolve_seed(seed, rng)
    with dask_executor(scheduler, workers=dask_workers) as executor:
        return engine.simulate_summary(
            game, strategies, paths, seed, executor=executor, **options
        )
