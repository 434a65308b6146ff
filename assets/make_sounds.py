"""Generate the game's sound effects from numpy waveforms into assets/sounds/*.wav.

Run from the repository root: ``.venv/bin/python assets/make_sounds.py``. The output is
deterministic (fixed seed for the noise), 16-bit mono PCM at 44.1 kHz, so the committed WAVs
can be regenerated bit for bit. Every sound is short (under a second) and fades in and out to
avoid clicks.
"""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import numpy as np

RATE = 44_100
SEED = 20_240_601


def _time(seconds: float) -> np.ndarray:
    return np.arange(int(RATE * seconds)) / RATE


def _envelope(t: np.ndarray, attack: float, decay: float) -> np.ndarray:
    """A fast linear attack then an exponential decay with time constant ``decay`` seconds."""
    rise = np.clip(t / attack, 0.0, 1.0)
    fade = np.exp(-t / decay)
    tail = np.clip((t[-1] - t) / 0.01, 0.0, 1.0)  # 10 ms fade-out at the very end
    return rise * fade * tail


def _tone(freq: float, seconds: float, decay: float, partials=((1.0, 1.0),)) -> np.ndarray:
    t = _time(seconds)
    wave_sum = sum(amp * np.sin(2 * np.pi * freq * ratio * t) for ratio, amp in partials)
    return wave_sum * _envelope(t, 0.004, decay)


def flip(rng: np.random.Generator) -> np.ndarray:
    """A coin tossed off a thumb: a noise flick, then a metallic ring of inharmonic partials."""
    t = _time(0.35)
    flick = rng.standard_normal(t.size) * np.exp(-t / 0.012) * 0.5
    ring = _tone(2_350, 0.35, 0.09, ((1.0, 1.0), (1.51, 0.55), (2.37, 0.3), (3.13, 0.15)))
    return flick + 0.6 * ring


def win() -> np.ndarray:
    """Two rising bell notes (E5 then A5)."""
    bell = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12))
    first = _tone(659.25, 0.14, 0.08, bell)
    second = _tone(880.0, 0.30, 0.12, bell)
    return np.concatenate([first, second])


def lose() -> np.ndarray:
    """A soft falling tone (A3 gliding down to E3)."""
    t = _time(0.32)
    freq = 220.0 * (1 - 0.25 * t / t[-1])
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    return (np.sin(phase) + 0.3 * np.sin(2 * phase)) * _envelope(t, 0.006, 0.12)


def bust() -> np.ndarray:
    """A long descending 'wah-wah' for a bankroll wiped out."""
    t = _time(0.9)
    freq = 180.0 * np.exp(-0.9 * t)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    wobble = 0.6 + 0.4 * np.sin(2 * np.pi * 5.0 * t)
    tone = np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.25 * np.sin(3 * phase)
    return tone * wobble * _envelope(t, 0.01, 0.45)


def goal() -> np.ndarray:
    """A major arpeggio (C5 E5 G5 C6) for reaching the cap or finishing ahead."""
    notes = (523.25, 659.25, 783.99, 1046.5)
    bell = ((1.0, 1.0), (2.0, 0.3))
    lengths = (0.11, 0.11, 0.11, 0.4)
    return np.concatenate([_tone(f, n, 0.1, bell) for f, n in zip(notes, lengths, strict=True)])


def click() -> np.ndarray:
    """A short UI tick."""
    return _tone(1_800, 0.03, 0.006, ((1.0, 1.0), (2.7, 0.4)))


def _write(path: Path, signal: np.ndarray, peak: float = 0.6) -> None:
    signal = np.asarray(signal, dtype=float)
    signal = signal / np.max(np.abs(signal)) * peak
    pcm = np.round(signal * 32_767).astype("<i2")
    temp = path.with_suffix(".wav.tmp")
    with wave.open(str(temp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    temp.replace(path)


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    sounds = {
        "flip": flip(rng),
        "win": win(),
        "lose": lose(),
        "bust": bust(),
        "goal": goal(),
        "click": click(),
    }
    for name, signal in sounds.items():
        _write(folder / f"{name}.wav", signal, peak=0.35 if name == "click" else 0.6)
        print(f"{folder / name}.wav  {signal.size / RATE:.2f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "sounds")
