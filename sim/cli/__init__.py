"""The ``kelly`` command line: simulations without a window, as tables and figures.

Commands (``kelly COMMAND --help`` shows each one's options and examples)::

    kelly sweep      growth rate against the bet fraction, theory and Monte Carlo
    kelly paths      bankroll paths of several strategies: summary table and fan chart
    kelly race       a horse race: growth of bet shares and its cross-entropy split
    kelly challenge  the Haghani & Dewey (2016) capped coin game, strategy by strategy
    kelly report     the classroom handout: CSVs, PNGs and index.html in one folder
    kelly play       open the game (options pass through to it)

Every bad value ends the run with one line on stderr (``kelly: error: ...``) and exit status 2;
Ctrl-C ends it with status 130 (SIGTERM 143) and one line saying how far it got and which files
it wrote, also while the program is still loading (:mod:`sim.cli.entry`, the light entry point:
this package imports nothing heavy until a command runs).
Files are written atomically (:mod:`sim.output`), so an interrupted run leaves no partial file.
Runs above a work limit are refused before they start unless ``--force`` is given
(:mod:`sim.cli.limits`).

One module per subcommand (``sim.cli.sweep``, ``paths``, ``race``, ``challenge``, ``report``,
``play``), each with ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(ctx, args)``;
argument types in :mod:`sim.cli.options`; the run context in :mod:`sim.cli.context`; the parser
and :func:`main` in :mod:`sim.cli.dispatch`. The analyses themselves are :mod:`sim.analysis`.
"""

from sim.cli.entry import EXIT_INTERRUPTED, EXIT_USAGE, main

__all__ = ["EXIT_INTERRUPTED", "EXIT_USAGE", "main"]
