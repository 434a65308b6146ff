"""Short sound effects that never stop the game: no audio device means silence, not an error."""

from __future__ import annotations

import logging

import pygame

from game.assets import asset

log = logging.getLogger(__name__)

SOUNDS = ("flip", "win", "lose", "bust", "goal", "click")


class Sounds:
    """The game's WAVs (made by assets/make_sounds.py), loaded once; ``play`` is a no-op when the
    mixer could not start or sound is switched off.

    ``device=False`` (headless runs) starts no mixer at all: pygame's mixer thread takes the
    GIL to release a sound that has just finished, and ``pygame.quit()`` waits for that thread
    while holding the GIL, so a sound ending just as a headless run closed could hang it (seen
    once in the test suite).
    """

    def __init__(self, enabled: bool = True, device: bool = True):
        self.enabled = enabled
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        if not device:  # headless: no mixer, so no audio thread (see App.close)
            return
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=44_100, size=-16, channels=1, buffer=512)
            for name in SOUNDS:
                self._sounds[name] = pygame.mixer.Sound(str(asset("sounds", f"{name}.wav")))
        except (pygame.error, FileNotFoundError, OSError) as error:
            log.warning("sound is off: %s", error)
            self._sounds.clear()

    @property
    def available(self) -> bool:
        """Whether a mixer is running and the sounds loaded."""
        return bool(self._sounds)

    def play(self, name: str) -> None:
        if not self.enabled:
            return
        sound = self._sounds.get(name)
        if sound is None:
            return
        try:
            sound.play()
        except pygame.error as error:  # the device went away mid-game
            log.warning("sound %s failed: %s", name, error)
