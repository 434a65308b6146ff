"""Class play: every student (or team) stakes a fraction, all race on the same flips (no pygame).

The teacher types in names and fractions or reads them from a CSV file (columns ``name`` and
``fraction``; other columns are ignored). One seed serves the whole room: the engine
(:func:`sim.engine.simulate`) plays every participant's fixed fraction on one path of common
random numbers, so the only difference between two students is their choice, never luck. With h
heads in T flips at even money a fraction f ends at W_0 (1 + f)^h (1 - f)^(T - h), so the ranking
of the whole room follows from h alone, and the best fraction after the fact is h/T - (T-h)/T
(Kelly 1956: in the long run, 2p - 1).

The screen reveals the precomputed race round by round (:meth:`ClassRace.standings`) for a live
leaderboard; :meth:`ClassRace.export_csv` writes the results atomically.

Ranks are by final wealth, highest first. Ties share the best rank of the group and the next rank
skips ("competition ranking": 1, 2, 2, 4); wealth is compared to 12 significant digits so two
fractions that end level in exact arithmetic are not split by rounding. Everyone who went bust
shares the last rank.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from game.sessions.maths import bet_growth, kelly_bet
from sim import files
from sim.engine import simulate
from sim.files import excerpt, path_excerpt
from sim.games import CoinGame
from sim.i18n import gettext as _
from sim.stats import round_money
from sim.strategies import FixedFraction

MAX_PARTICIPANTS = 500
MAX_NAME = 40
#: the columns of the exported results, in order
RESULT_COLUMNS = ("name", "fraction", "final_wealth", "growth", "rank", "p", "odds", "rounds",
                  "seed")
#: a cell starting with one of these is prefixed with ' on export so spreadsheets do not run it
#: as a formula (OWASP, "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Participant:
    """A student or team and the fraction of the bankroll they stake on heads every round."""

    name: str
    fraction: float

    def __post_init__(self) -> None:
        name = str(self.name).strip()
        if not name:
            raise ValueError(_("name = {name} is empty").format(name=repr(self.name)))
        if len(name) > MAX_NAME:
            raise ValueError(_("name = {name} is longer than {limit} characters").format(
                name=excerpt(name), limit=MAX_NAME))
        object.__setattr__(self, "name", name)
        where = _("{name}: fraction").format(name=repr(name))
        object.__setattr__(self, "fraction", parse_fraction(self.fraction, where))


def parse_fraction(value: object, where: str = "fraction") -> float:
    """A betting fraction in [0, 1] from a number or text such as ``0.2`` or ``20%``."""
    text = value
    scale = 1.0
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            text, scale = text[:-1].strip(), 0.01
    if isinstance(text, bool):
        raise ValueError(_("{where} = {value} is not a number").format(where=where,
                                                                       value=excerpt(value)))
    try:
        number = float(text) * scale  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(_("{where} = {value} is not a number").format(
            where=where, value=excerpt(value))) from None
    if not (math.isfinite(number) and 0.0 <= number <= 1.0):
        raise ValueError(_("{where} = {value} must be a fraction of the bankroll in [0, 1]").format(
            where=where, value=excerpt(value)))
    return number


def check_participants(participants: Sequence[Participant]) -> tuple[Participant, ...]:
    """At least one participant, at most :data:`MAX_PARTICIPANTS`, no name twice (ignoring case)."""
    if not participants:
        raise ValueError(_("the class race needs at least one participant"))
    if len(participants) > MAX_PARTICIPANTS:
        raise ValueError(_("{count} participants; the limit is {limit}").format(
            count=len(participants), limit=MAX_PARTICIPANTS))
    seen: dict[str, str] = {}
    for person in participants:
        key = person.name.casefold()
        if key in seen:
            raise ValueError(_("name = {name} appears twice (also as {other})").format(
                name=repr(person.name), other=repr(seen[key])))
        seen[key] = person.name
    return tuple(participants)


def merge_participants(
    present: Sequence[Participant], incoming: Sequence[Participant]
) -> tuple[list[Participant], int, int]:
    """The class after adding ``incoming`` to ``present``: a name already there (ignoring case)
    takes the incoming fraction in its place, other names are appended in order. Returns the
    merged list, how many were added and how many updated."""
    merged = list(present)
    where = {person.name.casefold(): i for i, person in enumerate(merged)}
    added = updated = 0
    for person in incoming:
        key = person.name.casefold()
        if key in where:
            merged[where[key]] = person
            updated += 1
        else:
            where[key] = len(merged)
            merged.append(person)
            added += 1
    return merged, added, updated


def read_participants_csv(path: str | Path) -> tuple[Participant, ...]:
    """Participants from a CSV file with a header row holding ``name`` and ``fraction``, read
    through :func:`sim.files.read_text` (a regular file of at most 1 MB, UTF-8, BOM or not)."""
    text = files.read_text(path, files.CLASS_LIST)
    return parse_participants_csv(text, source=str(path))


def parse_participants_csv(text: str, source: str = "<csv>") -> tuple[Participant, ...]:
    """Participants from CSV text; errors name the file, the line and the value (a malformed
    row, e.g. a field over csv's 128 KB limit, is a ValueError too, never ``csv.Error``)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        return _participants(reader, source)
    except csv.Error as error:
        # line_num counts the lines read whole: the bad record starts on the next one
        raise files.UnreadableFile(files.CLASS_LIST, source,
                                   _("line {line}: {error}").format(line=reader.line_num + 1,
                                                                   error=error)) from None


def _participants(reader: csv.DictReader, source: str) -> tuple[Participant, ...]:
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    for column in ("name", "fraction"):
        if column not in header:
            raise ValueError(
                _("{source}: missing column {column}; the header is {header} (expected "
                  "name,fraction)").format(source=source, column=repr(column),
                                           header=excerpt(reader.fieldnames))
            )
    reader.fieldnames = header
    participants: list[Participant] = []
    lines: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        if None in row:
            raise ValueError(_("{source}: line {line} has more cells than the header").format(
                source=source, line=line))
        name = (row.get("name") or "").strip()
        where = _("{source}: line {line}").format(source=source, line=line)
        if not name:
            raise ValueError(_("{where}: name is empty").format(where=where))
        key = name.casefold()
        if key in lines:
            raise ValueError(_("{where}: name = {name} already appears on line {other}").format(
                where=where, name=excerpt(name), other=lines[key]))
        try:
            fraction = parse_fraction(row.get("fraction"), _("fraction"))
            participants.append(Participant(name, fraction))
        except ValueError as error:
            raise ValueError(f"{where} ({excerpt(name, 40)[1:-1]}): {error}") from None
        lines[key] = line
        if len(participants) > MAX_PARTICIPANTS:
            raise ValueError(_("{source}: more than {limit} rows; the limit is {limit}").format(
                source=source, limit=MAX_PARTICIPANTS))
    if not participants:
        raise ValueError(_("{source}: no participants (the file has a header but no rows)").format(
            source=source))
    return tuple(participants)


def competition_ranks(wealth: Sequence[float] | np.ndarray) -> np.ndarray:
    """Rank 1 for the highest wealth; ties (to 12 significant digits) share the best rank."""
    values = round_money(np.asarray(wealth, dtype=float))
    ascending = np.sort(values)
    # rank = 1 + how many are strictly richer
    return 1 + len(values) - np.searchsorted(ascending, values, side="right")


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard after some rounds."""

    name: str
    fraction: float
    wealth: float
    growth: float  # ln(W_t / W_0) / t; -inf after a bust, 0 before the first flip
    rank: int


class ClassRace:
    """All participants on one path of flips of ``game`` drawn from ``seed``.

    The race is computed at once by the engine and revealed round by round.
    """

    def __init__(self, participants: Iterable[Participant], game: CoinGame, seed: int):
        self.participants = check_participants(list(participants))
        if not isinstance(game, CoinGame):
            raise ValueError(f"game = {game!r} must be a coin game")
        self.game = game
        self.seed = int(seed)
        strategies = [FixedFraction(p.fraction, label=p.name) for p in self.participants]
        probe = FixedFraction(0.5, label="probe")  # rises exactly on heads: reads back the flips
        result = simulate(game, [*strategies, probe], 1, self.seed, method="paths",
                          record_paths=True)
        log_paths = result.trajectories[:, 0, :]
        self.heads = np.diff(log_paths[-1]) > 0
        with np.errstate(over="ignore"):
            # money to 12 significant digits: e^(ln 100) comes back as 100, not 99.99999999999997
            self.wealth = round_money(np.exp(log_paths[:-1]))  # (participants, rounds + 1)

    @classmethod
    def from_csv(cls, path: str | Path, game: CoinGame, seed: int) -> ClassRace:
        return cls(read_participants_csv(path), game, seed)

    @property
    def rounds(self) -> int:
        return self.game.rounds

    def heads_so_far(self, t: int) -> int:
        return int(self.heads[: self._round(t)].sum())

    def _round(self, t: int) -> int:
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t <= self.rounds:
            raise ValueError(f"round = {t!r} must be a whole number in 0..{self.rounds}")
        return int(t)

    def standings(self, t: int | None = None) -> list[Standing]:
        """The leaderboard after ``t`` rounds (default: the end), best first; ties keep the
        order in which the participants were entered."""
        t = self.rounds if t is None else self._round(t)
        wealth = self.wealth[:, t]
        ranks = competition_ranks(wealth)
        with np.errstate(divide="ignore"):
            growth = np.log(wealth / self.game.start) / t if t > 0 else np.zeros(len(wealth))
        order = sorted(range(len(wealth)), key=lambda i: (ranks[i], i))
        return [
            Standing(
                name=self.participants[i].name,
                fraction=self.participants[i].fraction,
                wealth=float(wealth[i]),
                growth=float(growth[i]),
                rank=int(ranks[i]),
            )
            for i in order
        ]

    def export_csv(self, path: str | Path) -> Path:
        """Write the final standings (:data:`RESULT_COLUMNS`) to ``path`` atomically."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(RESULT_COLUMNS)
        for row in self.standings():
            writer.writerow([
                _safe_cell(row.name), repr(row.fraction), repr(row.wealth), repr(row.growth),
                row.rank, repr(self.game.p), repr(self.game.odds), self.rounds, self.seed,
            ])
        return write_text_atomic(path, buffer.getvalue())


def export_results(race: ClassRace, path: Path, fallback: Path) -> tuple[Path | None, str]:
    """Write ``race``'s standings to ``path``; (the path written, "") or, when it cannot be
    written (a read-only folder, a full disk), (None, a line saying where it tried and offering
    ``fallback``, the user data folder). The race itself is never lost."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return race.export_csv(path), ""
    except (OSError, ValueError) as error:
        problem = str(error) if isinstance(error, ValueError) else (
            _("{path}: cannot be written ({error})").format(path=path_excerpt(path),
                                                             error=error.strerror or error))
        return None, _("not saved: {problem}; the race is kept, press E to save it in "
                       "{folder}").format(problem=problem, folder=path_excerpt(fallback)[1:-1])


def _safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (:func:`sim.files.write_text`: a temporary file beside
    ``path``, then a rename; a read-only folder is :class:`sim.files.UnwritableFile`, a
    ValueError naming the path)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"folder {path_excerpt(folder)} does not exist")
    return files.write_text(path, text, newline="")


@dataclass(frozen=True)
class RaceSummary:
    """What the class race taught, once it is over: each fraction's long-run growth G(f), who
    bet closest to Kelly, and how far apart the outcomes ended."""

    names: tuple[str, ...]
    fractions: np.ndarray  # (participants,)
    growth: np.ndarray  # G(f) per participant: the long-run growth of their fraction
    kelly: float  # f* = p - (1 - p)/b, clipped to [0, 1]
    kelly_growth: float
    closest: tuple[str, ...]  # the participant(s) whose fraction is nearest f*
    lowest: float  # final wealth: lowest, median and highest
    median: float
    highest: float
    ahead: int  # how many ended above the starting bankroll
    bust: int


def summarise(race: ClassRace) -> RaceSummary:
    """The end-of-race summary of ``race`` (:class:`RaceSummary`), from the engine's paths and
    the closed form G(f) = p ln(1 + b f) + (1 - p) ln(1 - f) (Kelly 1956)."""
    game = race.game
    fractions = np.array([p.fraction for p in race.participants])
    kelly = float(np.clip(kelly_bet(game), 0.0, 1.0))
    distance = np.abs(fractions - kelly)
    nearest = np.isclose(distance, distance.min(), rtol=0, atol=1e-12)
    final = race.wealth[:, -1]
    return RaceSummary(
        names=tuple(p.name for p in race.participants),
        fractions=fractions,
        growth=np.asarray(bet_growth(game, fractions), dtype=float),
        kelly=kelly,
        kelly_growth=float(bet_growth(game, kelly)),
        closest=tuple(p.name for p, near in zip(race.participants, nearest, strict=True) if near),
        lowest=float(final.min()),
        median=float(np.median(final)),
        highest=float(final.max()),
        ahead=int((final > game.start).sum()),
        bust=int((final <= 0).sum()),
    )
