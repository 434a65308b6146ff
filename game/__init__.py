"""Kelly, the desktop game: pygame-ce screens over the :mod:`sim` engine.

``game.sessions`` (no pygame) holds the rules of each play-through; ``game.app`` runs the
window.
"""

import os

# pygame prints a greeting on import unless told not to; the CLI keeps stdout for results.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
