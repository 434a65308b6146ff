"""Compiled kernels (numba) for the rules that need the path: caps, ticks, floors, minimum bets,
fixed amounts, martingale, Bayes-Kelly and optimal play, on coins and races.

* :mod:`sim.jit.cache` decides where numba keeps its compiled code (imported first).
* :mod:`sim.jit.draws` makes the engine's PCG64 32-bit draws and their outcomes in compiled
  code, bit for bit (no raw buffer, no separate classification pass).
* :mod:`sim.jit.kernels` (coins in money and in ln W), :mod:`sim.jit.lookups` (rounds that are
  a look-up or a multiply), :mod:`sim.jit.bayes` (Bayes-Kelly from a fraction table f[t, h]),
  :mod:`sim.jit.race` and :mod:`sim.jit.heads` (heads-count histograms for fan-chart bands)
  hold the ``@njit(cache=True)`` functions that step every path of a chunk over a tile of
  outcomes; :mod:`sim.jit.layout` their inputs; :mod:`sim.jit.players` a chunk's state.
* :mod:`sim.jit.forms` says which strategies have a compiled form and with which parameters.
* :mod:`sim.jit.dispatch` is the engine's entry (decides without importing numba) and warms
  the kernels in the background (:func:`~sim.jit.dispatch.warm_up_in_background`, the game);
  :mod:`sim.jit.runner` plays a whole chunk (:func:`~sim.jit.runner.play_chunk`) and compiles or
  loads every kernel ahead of use (:func:`~sim.jit.runner.warm_up`).

Nothing here imports :mod:`sim.engine`: the engine hands in the chunk's generators and thresholds
(:class:`~sim.jit.layout.BlockDraws`) or a draw function, so the
dependency runs one way (engine -> jit).
"""
