"""``python -m sim``: the same command line as the ``kelly`` script (see :mod:`sim.cli`; its
light entry point :mod:`sim.cli.entry` handles signals before the heavy imports)."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
