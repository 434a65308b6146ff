"""Settings and high scores as versioned JSON in the user's data folder.

The folder is ``platformdirs.user_data_dir("kelly-game")``, or ``$KELLY_DATA_DIR`` when set (tests
point it at a temporary folder). Files are read through :mod:`sim.files` (regular files only,
bounded size and nesting, so a FIFO, ``/dev/zero`` or a 5,000-deep file cannot hang or crash the
game) and written atomically (a temporary file in the same folder, then ``os.replace``). A file
that cannot be read — truncated, not JSON, the wrong version, values out of range — is moved
aside to ``NAME.corrupt-YYYYmmddTHHMMSS`` with a warning and the defaults are used, so a bad file
never stops the game. High scores are salvaged entry by entry: a damaged entry is skipped, the
valid ones are kept, and the damaged original is moved aside when the next score is saved.

High scores are merged on write: :func:`add_score` takes an exclusive lock on ``scores.json.lock``
(``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows), reads the file as it is now, adds the
new entry and writes the result atomically before letting go, so two games saving at once lose
nothing.
"""

from __future__ import annotations

import errno
import logging
import math
import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

from sim import files
from sim.files import excerpt
from sim.i18n import language_tag

VERSION = 1
SETTINGS_FILE = "settings.json"
SCORES_FILE = "scores.json"
UNFINISHED_FILE = "last_session.json"  # the game left mid-round (window closed, Ctrl-C)
MAX_SCORES = 20  # kept per game kind
LOCK_TIMEOUT = 10.0  # seconds to wait for another process's lock on the scores file

log = logging.getLogger(__name__)


def data_dir() -> Path:
    """Where the game keeps its files: $KELLY_DATA_DIR or the platform's user data folder."""
    override = os.environ.get("KELLY_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("kelly-game"))


@dataclass(frozen=True)
class Settings:
    """What the player can change on the Settings screen."""

    sound: bool = True
    auto_speed: float = 3.0  # auto-flips per second
    p: float = 0.6  # default chance of heads on the Coin screen
    odds: float = 1.0  # default net odds on heads (b-to-1)
    rounds: int = 100  # flips per coin game
    palette: str = "standard"  # or "colour-blind" (Okabe-Ito)
    larger_text: bool = False
    language: str = ""  # a shipped tag ("en", "zh-TW"); "" follows the system locale

    def __post_init__(self) -> None:
        if self.palette not in ("standard", "colour-blind"):
            raise ValueError(f"palette = {self.palette!r} must be standard or colour-blind")
        if not isinstance(self.larger_text, bool):
            raise ValueError(f"larger_text = {self.larger_text!r} must be true or false")
        if not isinstance(self.sound, bool):
            raise ValueError(f"sound = {excerpt(self.sound)} must be true or false")
        _check_number("auto_speed", self.auto_speed, 0.25, 30.0)
        _check_number("p", self.p, 0.01, 0.99)
        _check_number("odds", self.odds, 0.1, 10.0)
        if isinstance(self.rounds, bool) or not isinstance(self.rounds, int):
            raise ValueError(f"rounds = {excerpt(self.rounds)} must be a whole number")
        if not 10 <= self.rounds <= 1000:
            raise ValueError(f"rounds = {self.rounds} must be between 10 and 1000")
        if not isinstance(self.language, str):
            raise ValueError(f"language = {excerpt(self.language)} must be a language tag")
        if self.language:
            object.__setattr__(self, "language", language_tag(self.language))


def _check_number(name: str, value: object, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} = {excerpt(value)} is not a number")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} = {value!r} must be between {low:g} and {high:g}")


@dataclass(frozen=True)
class Score:
    """One finished game for the high-score table."""

    kind: str  # "coin", "race", ... (the screen that produced it)
    game: str  # the game in words, e.g. "p=0.6 b=1"
    seed: int
    rounds: int
    final_wealth: float
    growth: float  # realised growth per round; -inf is stored as null
    best_growth: float
    rank: int
    bettors: int
    when: str  # ISO date and time, local

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind:
            raise ValueError(f"kind = {excerpt(self.kind)} must be a screen name")
        if not isinstance(self.game, str):
            raise ValueError(f"game = {excerpt(self.game)} must be text")
        for name in ("seed", "rounds", "rank", "bettors"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} = {excerpt(value)} must be a whole number >= 0")
        for name in ("final_wealth", "best_growth"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} = {excerpt(value)} is not a number")
            if not math.isfinite(value):
                raise ValueError(f"{name} = {value!r} must be a finite number")
        if not isinstance(self.growth, (int, float)) or isinstance(self.growth, bool):
            raise ValueError(f"growth = {excerpt(self.growth)} is not a number")
        if math.isnan(self.growth) or self.growth == math.inf:  # -inf is a bust: kept
            raise ValueError(f"growth = {self.growth!r} must be finite or -inf (a bust)")
        if not isinstance(self.when, str):
            raise ValueError(f"when = {excerpt(self.when)} must be a date and time as text")

    def to_json(self) -> dict:
        data = asdict(self)
        data["growth"] = self.growth if math.isfinite(self.growth) else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> Score:
        if not isinstance(data, dict) or set(data) != {f.name for f in fields(cls)}:
            raise ValueError(f"score = {excerpt(data)} does not have the expected fields")
        data = dict(data)
        if data["growth"] is None:
            data["growth"] = -math.inf
        return cls(**data)


# -- files -------------------------------------------------------------------------------------


def usual_mode() -> int:
    """The permissions a new file gets from open() (0o666 less the umask); mkstemp uses 0o600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` as JSON atomically (:func:`sim.files.write_json`: a temporary file in the
    same folder, then os.replace; an existing file keeps its mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_json(path, data)


def _warn(message: str) -> None:
    log.warning(message)
    warnings.warn(message, UserWarning, stacklevel=4)


def move_aside(path: Path, reason: str, then: str = "using defaults") -> Path:
    """Rename a bad file to NAME.corrupt-YYYYmmddTHHMMSS (never deleting, never overwriting an
    earlier one; :func:`sim.files.move_aside`) and warn; returns the new path."""
    target = files.move_aside(path)
    if target is None:  # e.g. a read-only folder: warn, use the defaults, touch nothing
        _warn(f"{path} could not be read ({reason}) nor moved aside; {then}")
        return path
    _warn(f"{path} could not be read ({reason}); moved it to {target.name}, {then}")
    return target


def _try_lock(handle) -> bool:
    """Take an exclusive lock on an open file without waiting; False if someone else holds it."""
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:  # EAGAIN on POSIX; EACCES or EDEADLK from msvcrt on Windows
        if error.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK):
            return False
        raise
    return True


@contextmanager
def file_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on ``PATH.lock`` (created beside ``path``) for the ``with`` block.

    The lock belongs to the open file, so the operating system releases it if the process dies.
    Raises TimeoutError when another process holds it for longer than ``timeout`` seconds.
    """
    lock = path.with_name(path.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    with open(lock, "a+b") as handle:
        while not _try_lock(handle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{lock} is held by another process for over {timeout:g} s")
            time.sleep(0.01)
        try:
            yield
        finally:
            if os.name == "nt":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _read_json(path: Path, kind: files.FileKind, allow_nan: bool = False):
    """The parsed content of a save file (:func:`sim.files.load_json`: regular file only,
    bounded size and depth), or None when the file does not exist.

    Raises ValueError ("unreadable: ...") when it cannot be read or is not JSON.
    """
    try:
        return files.load_json(path, kind, missing_ok=True, allow_nan=allow_nan)
    except files.UnreadableFile as error:
        raise ValueError(f"unreadable: {error.problem}") from None


def _check_version(data) -> dict:
    version = data.get("version") if isinstance(data, dict) else None
    if type(version) is not int or version != VERSION:  # "version": true is not 1
        raise ValueError(f"version = {excerpt(version)}, expected {VERSION}")
    return data


def _read_versioned(path: Path, kind: files.FileKind = files.SETTINGS):
    """The payload of a versioned JSON file, or None when the file does not exist.

    Raises ValueError when the file is unreadable, not JSON, or not this version.
    """
    data = _read_json(path, kind)
    return None if data is None else _check_version(data)


def load_settings(folder: Path | None = None) -> Settings:
    """The saved settings, or the defaults (moving a bad file aside with a warning)."""
    path = (folder or data_dir()) / SETTINGS_FILE
    try:
        data = _read_versioned(path, files.SETTINGS)
        if data is None:
            return Settings()
        values = data.get("settings")
        if not isinstance(values, dict) or not set(values) <= {f.name for f in fields(Settings)}:
            raise ValueError(f"settings = {excerpt(values)} has unknown or missing fields")
        return Settings(**values)
    except (ValueError, TypeError) as error:
        move_aside(path, str(error))
        return Settings()


def save_settings(settings: Settings, folder: Path | None = None) -> Path:
    path = (folder or data_dir()) / SETTINGS_FILE
    write_json(path, {"version": VERSION, "settings": asdict(settings)})
    return path


def _salvage_scores(path: Path) -> tuple[list[Score], str | None]:
    """The valid entries of the scores file and what was wrong with it (None: nothing).

    Entries are checked one by one, so one damaged entry (or a wrong ``version``) never costs
    the valid ones. Raises ValueError when nothing could be salvaged from a damaged file.
    """
    data = _read_json(path, files.SCORES, allow_nan=True)  # a NaN is refused per entry below
    if data is None:
        return [], None
    entries = data.get("scores") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"scores = {excerpt(entries)} is not a list")
    kept, problems = [], []
    for number, entry in enumerate(entries, start=1):
        try:
            kept.append(Score.from_json(entry))
        except (ValueError, TypeError) as error:
            problems.append(f"entry {number}: {error}")
    try:
        _check_version(data)
    except ValueError as error:
        problems.insert(0, str(error))
    if not problems:
        return kept, None
    reason = "; ".join(problems[:2]) + (f" (+{len(problems) - 2} more)" if len(problems) > 2
                                        else "")
    if not kept:
        raise ValueError(reason)
    return kept, reason


def load_scores(folder: Path | None = None) -> list[Score]:
    """Every valid saved score; damaged entries are skipped with a warning (the file stays as
    it is until the next :func:`add_score` moves it aside), an unusable file is moved aside."""
    path = (folder or data_dir()) / SCORES_FILE
    try:
        kept, damage = _salvage_scores(path)
    except (ValueError, TypeError) as error:
        move_aside(path, str(error))
        return []
    if damage is not None:
        _warn(f"{path} could not be read in full ({damage}); using its {len(kept)} valid "
              "entries (the file is moved aside when the next score is saved)")
    return kept


def save_unfinished(session: dict, screen: str, folder: Path | None = None) -> Path:
    """Keep a play-through the player left mid-round, atomically, in ``last_session.json``.

    ``session`` is :meth:`game.sessions.session.BetSession.to_json` (kind, game, seed, draws,
    the bets so far); the file adds the version, the screen it was played on and when it was left.
    """
    path = (folder or data_dir()) / UNFINISHED_FILE
    write_json(path, {"version": VERSION, "screen": screen,
                      "when": time.strftime("%Y-%m-%d %H:%M:%S"), "session": session})
    return path


def load_unfinished(folder: Path | None = None):
    """The play-through left unfinished last time as a session (replayed), or None.

    A bad file is moved aside with a warning, like settings and scores.
    """
    from game.sessions.replay import session_from_json  # the engine loads only with a file

    path = (folder or data_dir()) / UNFINISHED_FILE
    try:
        data = _read_versioned(path, files.SESSION)
        return None if data is None else session_from_json(data.get("session"))
    except (ValueError, TypeError) as error:
        move_aside(path, str(error))
        return None


def unfinished_game(folder: Path | None = None) -> tuple[str, str] | None:
    """(screen, when) of the play-through left unfinished last time, without replaying it; None
    when there is none or the file is not a saved session (it is then left for
    :func:`load_unfinished` to move aside)."""
    try:
        data = _read_versioned((folder or data_dir()) / UNFINISHED_FILE)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("screen"), str):
        return None
    return data["screen"], str(data.get("when", ""))


def forget_unfinished(folder: Path | None = None) -> None:
    """The unfinished play-through has been resumed: the file goes (a new one is written if the
    player leaves it unfinished again)."""
    ((folder or data_dir()) / UNFINISHED_FILE).unlink(missing_ok=True)


def _order(score: Score) -> tuple:
    return (score.kind, -score.final_wealth, score.when)


def add_score(score: Score, folder: Path | None = None) -> list[Score]:
    """Save ``score``, keeping the MAX_SCORES best per kind (by final bankroll).

    Under :func:`file_lock` the file is read as it is now (another process may have added to
    it since this game loaded it), merged with ``score`` and written atomically.
    A folder that cannot be written (or a lock held too long) gives a warning and the merged
    table unsaved, so the game goes on.
    """
    path = (folder or data_dir()) / SCORES_FILE
    try:
        with file_lock(path):
            kept = _best_per_kind([*_scores_to_merge(path), score])
            write_json(path, {"version": VERSION, "scores": [s.to_json() for s in kept]})
    except (OSError, files.UnwritableFile) as error:  # TimeoutError is an OSError too
        message = f"the high score was not saved to {path}: {error}"
        log.warning(message)
        warnings.warn(message, UserWarning, stacklevel=2)
        kept = _best_per_kind([*load_scores(path.parent), score])
    return kept


def _scores_to_merge(path: Path) -> list[Score]:
    """The valid scores on disk now; a damaged file is moved aside (kept whole) before the
    merged table replaces it, its valid entries carried over."""
    try:
        kept, damage = _salvage_scores(path)
    except (ValueError, TypeError) as error:
        move_aside(path, str(error))
        return []
    if damage is not None:
        move_aside(path, damage, then=f"keeping its {len(kept)} valid entries")
    return kept


def _best_per_kind(scores: list[Score]) -> list[Score]:
    """The MAX_SCORES richest entries of each kind, in table order."""
    kept: list[Score] = []
    for entry in sorted(scores, key=_order):
        if sum(s.kind == entry.kind for s in kept) < MAX_SCORES:
            kept.append(entry)
    return kept


def best_scores(kind: str, scores: list[Score], limit: int = 5) -> list[Score]:
    """The top ``limit`` scores of one kind, richest first."""
    return sorted((s for s in scores if s.kind == kind), key=_order)[:limit]
