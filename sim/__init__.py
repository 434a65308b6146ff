"""Kelly's engine: closed forms and Monte Carlo for repeated bets.

The long-run growth rate of a repeated bet is a negative cross-entropy,
G(b) = sum_i p_i ln o_i - H(p, b), maximal at b = p (Kelly 1956; Cover & Thomas 2006, ch. 6).
This package never imports pygame.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kelly-game")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
