"""The disk cache of solved optimal-play tables: written atomically, trusted only once verified.

A cache file (``optimal-KEY.npz`` in ``$KELLY_CACHE_DIR`` or the user cache folder) carries

* ``key``: the hash of the rules it was solved for (:func:`rules_key`), and ``rules``: those
  rules in words, so a file says what it was computed from;
* ``stakes[n, w]``: the optimal stake (signed ticks) with n rounds left at w ticks;
* ``values``: the expected shortfall from the cap with every round left, at every wealth (the
  start state of any game with these rules), as the solve computed it;
* ``checksum``: SHA-256 of all of the above.

On load the file goes through :func:`sim.files.load_npz` (a regular file, bounded size, every
array's shape and dtype checked from its header before its data is read: a ``.npy`` in place of
the ``.npz``, a header claiming 11 GiB or a pickled object array is refused), then the checksum,
the table's shape against the rules, the stakes against the wealth they are placed from, and the
values re-evaluated from the stakes (exact policy evaluation, the solve's own arithmetic) against
the stored ones. A file that fails any check is moved aside (``NAME.corrupt-...``, never
deleted), the caller warns "cache ignored, solving again", solves and writes a good file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import platformdirs

from sim import files
from sim.optimal_solver import TickRules, evaluate_ticks, stake_dtype, terminal_shortfall

#: environment variable naming the folder for solved tables (default: the user cache folder)
CACHE_ENV = "KELLY_CACHE_DIR"
#: bump when the solver's arithmetic or the file layout changes, so old files are not reused
CACHE_VERSION = 3


def cache_dir() -> Path:
    """The folder for solved tables: ``$KELLY_CACHE_DIR`` or the user cache folder."""
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("kelly-game"))


def rules_text(rules: TickRules) -> str:
    """Everything the solution depends on, in one line (floats by their exact hex form)."""
    return "|".join([
        f"v{CACHE_VERSION}", float(rules.p).hex(), float(rules.odds).hex(),
        str(rules.allow_tails), float(rules.tick).hex(), str(rules.cap_ticks),
        str(rules.min_stake), str(rules.live_from), str(rules.rounds),
    ])


def rules_key(rules: TickRules) -> str:
    """A short hash of :func:`rules_text`: the cache file's name."""
    return hashlib.sha256(rules_text(rules).encode()).hexdigest()[:20]


def _checksum(key: str, text: str, stakes: np.ndarray, values: np.ndarray) -> str:
    digest = hashlib.sha256()
    for part in (key.encode(), text.encode(), np.ascontiguousarray(stakes).tobytes(),
                 np.ascontiguousarray(values, dtype=np.float64).tobytes()):
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.hexdigest()


def _problem(data: dict, key: str, rules: TickRules) -> str | None:
    """What is wrong with a loaded cache file, or None when it verifies."""
    stakes, values = data["stakes"], data["values"]
    if str(data["key"]) != key or str(data["rules"]) != rules_text(rules):
        return "it was solved for other rules"
    if str(data["checksum"]) != _checksum(key, str(data["rules"]), stakes, values):
        return "its checksum does not match"
    wealth = np.arange(rules.cap_ticks + 1)
    if np.any(np.abs(stakes.astype(np.int64)) > wealth) or (
            not rules.allow_tails and np.any(stakes < 0)):
        return "a stake is larger than the wealth it is placed from"
    shortfall = evaluate_ticks(rules, stakes, terminal_shortfall(rules))
    if not np.array_equal(shortfall[rules.rounds], values):
        return "its stakes do not give the values stored with them"
    return None


def load(path: Path, key: str, rules: TickRules) -> tuple[np.ndarray, int] | None:
    """Verified cached stakes and enumerated-round count; None when there is no file.

    Raises
    ------
    sim.files.UnreadableFile
        The file is damaged, foreign or tampered with (one line naming the problem); the caller
        moves it aside and solves again.
    """
    if not os.path.lexists(path):
        return None
    cells = (rules.rounds + 1, rules.cap_ticks + 1)
    data = files.load_npz(path, files.CACHE, {
        "key": ((), None), "rules": ((), None), "checksum": ((), None),
        "stakes": (cells, stake_dtype(rules.cap_ticks)), "values": ((rules.cap_ticks + 1,),
                                                                    np.float64),
        "enumerated_rounds": ((), None),
    })
    problem = _problem(data, key, rules)
    if problem is not None:
        raise files.UnreadableFile(files.CACHE, path, problem)
    return data["stakes"], int(data["enumerated_rounds"])


def save(path: Path, key: str, rules: TickRules, stakes: np.ndarray, values: np.ndarray,
         enumerated: int) -> None:
    """Write a cache file atomically (:func:`sim.files.atomic_path`) with its checksum.

    Raises OSError or :class:`sim.files.UnwritableFile` when the folder cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = rules_text(rules)
    with files.atomic_path(path, suffix=".npz") as temporary:
        with open(temporary, "wb") as handle:
            np.savez(handle, key=np.array(key), rules=np.array(text), stakes=stakes,
                     values=np.asarray(values, dtype=np.float64),
                     checksum=np.array(_checksum(key, text, stakes, values)),
                     enumerated_rounds=np.array(enumerated))
