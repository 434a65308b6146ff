"""Compiled kernels (numba) for the rules that need the path: caps, ticks, floors, minimum bets,
fixed amounts, martingale, Bayes-Kelly and optimal play, on coins and races.

* :mod:`sim.jit.cache` decides where numba keeps its compiled code (imported first).
* :mod:`sim.jit.kernels` (coins in money and in ln W), :mod:`sim.jit.lookups` (rounds that are
  a look-up or a multiply) and :mod:`sim.jit.race` hold the ``@njit(cache=True)`` functions
  that step every path of a chunk over a tile of outcomes; :mod:`sim.jit.layout` their inputs.
* :mod:`sim.jit.forms` says which strategies have a compiled form and with which parameters.
* :mod:`sim.jit.dispatch` is the engine's entry (decides without importing numba);
  :mod:`sim.jit.runner` plays a whole chunk (:func:`~sim.jit.runner.play_chunk`) and compiles or
  loads every kernel ahead of use (:func:`~sim.jit.runner.warm_up`).

Nothing here imports :mod:`sim.engine`: the engine hands the chunk's draw function in, so the
dependency runs one way (engine -> jit).
"""
