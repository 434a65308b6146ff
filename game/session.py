"""A play-through of a repeated bet: the player against ghost bots on the same outcomes.

No pygame here: the window only renders a session and feeds it bets, so the same session runs
headless (tests, replays) and gives the same numbers.

* **Common random numbers.** One outcome is drawn per round from a ``numpy`` Generator built
  from the seed, and the player and every bot are settled on that same outcome, so differences
  between them are never luck.
* **The engine's money rules.** Every round settles all bettors at once with
  :func:`sim.engine.settle` (cap, floor, minimum bet, tick); bust or cap ends that bettor's run.
* **Replays.** Same game, same seed and same bets give the same history (:meth:`replay`).

The bots are :mod:`sim.strategies` objects asked for their bet through
:meth:`~sim.strategies.Strategy.fractions` with a one-path :class:`~sim.strategies.BetContext`,
so adaptive policies (a Bayesian bettor, optimal play) fit in as well as constant ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np

from game.maths import best_growth
from sim.engine import check_seed, resolve_seed, settle
from sim.games import CoinGame, Game, RaceGame
from sim.strategies import AllIn, BetContext, Kelly, Shares, Strategy, parse_strategy

PLAYER = "You"


@dataclass(frozen=True)
class Bot:
    """A ghost bettor: a name on screen and the policy that bets for it."""

    name: str
    strategy: Strategy


def coin_bots() -> tuple[Bot, ...]:
    """Kelly, half Kelly, double Kelly and all-in (Thorp 2006, §7: c times Kelly grows at
    about c (2 - c) g*, so half keeps 3/4 of the growth and double keeps none)."""
    return (
        Bot("Kelly", Kelly(1.0)),
        Bot("Half Kelly", Kelly(0.5)),
        Bot("Double Kelly", Kelly(2.0)),
        Bot("All-in", AllIn()),
    )


def race_bots(outcomes: int) -> tuple[Bot, ...]:
    """Kelly (shares = probabilities at fair odds), half Kelly, an even split (the bettor who
    knows nothing: growth sum p ln o - ln K) and all-in on the best expected return."""
    return (
        Bot("Kelly", Kelly(1.0)),
        Bot("Half Kelly", Kelly(0.5)),
        Bot("Even split", Shares(tuple([1.0 / outcomes] * outcomes), label="even")),
        Bot("All-in", AllIn()),
    )


@dataclass(frozen=True)
class RoundRecord:
    """One round: the outcome, the player's bet and stake, every bettor's bankroll after it."""

    round: int  # 1 for the first round
    outcome: int  # index into game.outcome_names (0 = heads for a coin)
    bet: float | tuple[float, ...]  # the player's signed fraction (coin) or shares (race)
    stake: float  # money the player staked
    wealth: tuple[float, ...]  # bankroll of every bettor after the round, the player first


@dataclass(frozen=True)
class Standing:
    """Where one bettor finished."""

    name: str
    final_wealth: float
    growth: float  # realised ln(W_t / W_0) / t over the rounds it played; nan before any
    rounds: int
    capped: bool
    ruined: bool
    rank: int  # 1 = richest; ties share the better rank


@dataclass(frozen=True)
class Results:
    """The end of a play-through: standings (the player first) and the best growth possible."""

    kind: str  # "coin" or "race"
    seed: int
    rounds: int
    standings: tuple[Standing, ...]
    best_growth: float  # the Kelly growth rate, sum p ln o - H(p) at fair odds

    @property
    def player(self) -> Standing:
        return self.standings[0]

    @property
    def bots(self) -> tuple[Standing, ...]:
        return self.standings[1:]


def realised_growth(final_wealth: float, start: float, rounds: int) -> float:
    """ln(W_t / W_0) / t, the growth per round a bankroll achieved (Kelly 1956); -inf if bust."""
    if rounds <= 0:
        return math.nan
    if final_wealth <= 0:
        return -math.inf
    return math.log(final_wealth / start) / rounds


def competition_ranks(values: Sequence[float]) -> list[int]:
    """Rank 1 for the largest value; equal values share the better rank (1, 2, 2, 4)."""
    return [1 + sum(other > value for other in values) for value in values]


class BetSession:
    """The player and the bots betting round by round on one seeded outcome stream."""

    kind = "bet"

    def __init__(self, game: Game, seed: int | None = None, bots: Iterable[Bot] | None = None):
        self.game = game
        self.seed = resolve_seed(seed)
        self.bots = tuple(self._default_bots() if bots is None else bots)
        for bot in self.bots:
            bot.strategy.constant_fractions(game)  # raises if the policy does not fit the game
            if hasattr(bot.strategy, "prepare"):
                bot.strategy.prepare(game)
        self._rng = np.random.default_rng(self.seed)
        self._cumulative = np.cumsum(game.outcome_probs)[:-1]
        n = 1 + len(self.bots)
        self.wealth = np.full(n, float(game.start))
        self.capped = np.zeros(n, dtype=bool)
        self.ruined = np.zeros(n, dtype=bool)
        self.rounds_played = np.zeros(n, dtype=np.int64)
        self.last_stake = np.zeros(n)
        self.last_won = np.zeros(n, dtype=bool)
        self.counts = np.zeros(len(game.outcome_probs), dtype=np.int64)
        self.history: list[RoundRecord] = []
        self._bet = self._initial_bet()

    # -- what subclasses define ------------------------------------------------------------

    def _default_bots(self) -> tuple[Bot, ...]:
        raise NotImplementedError

    def _initial_bet(self):
        raise NotImplementedError

    def _validate_bet(self, bet):
        raise NotImplementedError

    def _idle(self) -> np.ndarray:
        """The bet of a bettor who no longer plays."""
        raise NotImplementedError

    # -- state -----------------------------------------------------------------------------

    @property
    def names(self) -> tuple[str, ...]:
        return (PLAYER, *(bot.name for bot in self.bots))

    @property
    def round(self) -> int:
        """Rounds played so far."""
        return len(self.history)

    @property
    def active(self) -> np.ndarray:
        """Which bettors still play: not bust, not capped, rounds left."""
        return ~(self.capped | self.ruined) & (self.round < self.game.rounds)

    @property
    def finished(self) -> bool:
        """The play-through ends when the player's run ends (bust, cap) or the rounds run out."""
        return not bool(self.active[0])

    @property
    def bet(self):
        """The player's bet for the next round."""
        return self._bet

    @bet.setter
    def bet(self, value) -> None:
        self._bet = self._validate_bet(value)

    @property
    def inputs(self) -> list:
        """The player's bet of every round played, enough to replay the session."""
        return [record.bet for record in self.history]

    # -- playing ---------------------------------------------------------------------------

    def _draw_outcome(self) -> int:
        """The next outcome: the number of cumulative probabilities at or below a uniform."""
        return int(np.searchsorted(self._cumulative, self._rng.random(), side="right"))

    def bot_bets(self) -> np.ndarray:
        """Every bot's bet for the next round, asked of its strategy with a one-path context."""
        bets = []
        for i, bot in enumerate(self.bots, start=1):
            if not self.active[i]:
                bets.append(self._idle())
                continue
            context = BetContext(
                game=self.game,
                round=self.round,
                log_wealth=np.log(self.wealth[i : i + 1]),
                counts=self.counts[None, :].copy(),
                last_stake=self.last_stake[i : i + 1],
                last_won=self.last_won[i : i + 1],
            )
            bets.append(np.asarray(bot.strategy.fractions(context), dtype=float)[0])
        return np.array(bets)

    def play(self) -> RoundRecord:
        """Play one round with the current bet; every bettor is settled on the same outcome."""
        if self.finished:
            raise ValueError(f"the game is over after {self.round} rounds; start a new one")
        active = self.active
        outcome = self._draw_outcome()
        bets = np.concatenate([np.asarray(self._bet, dtype=float)[None], self.bot_bets()])
        result = settle(
            self.game, self.wealth, bets, np.full(len(self.wealth), outcome), active
        )
        self.last_won = np.where(active, result.wealth > self.wealth, self.last_won)
        self.last_stake = np.where(active, result.stake, self.last_stake)
        self.wealth = result.wealth
        self.capped |= result.capped
        self.ruined |= result.ruined
        self.rounds_played += active
        self.counts[outcome] += 1
        bet = self._bet if isinstance(self._bet, float) else tuple(float(x) for x in self._bet)
        record = RoundRecord(
            round=self.round + 1,
            outcome=outcome,
            bet=bet,
            stake=float(result.stake[0]),
            wealth=tuple(float(w) for w in result.wealth),
        )
        self.history.append(record)
        return record

    def wealth_paths(self) -> np.ndarray:
        """(bettors, rounds + 1) bankroll of every bettor from the start to now."""
        rows = [np.full(len(self.wealth), float(self.game.start))]
        rows += [np.array(record.wealth) for record in self.history]
        return np.array(rows).T

    def results(self) -> Results:
        """Final bankrolls, realised growth per round, ranks, and the best growth possible."""
        finals = [float(w) for w in self.wealth]
        ranks = competition_ranks(finals)
        standings = tuple(
            Standing(
                name=name,
                final_wealth=finals[i],
                growth=realised_growth(finals[i], self.game.start, int(self.rounds_played[i])),
                rounds=int(self.rounds_played[i]),
                capped=bool(self.capped[i]),
                ruined=bool(self.ruined[i]),
                rank=ranks[i],
            )
            for i, name in enumerate(self.names)
        )
        return Results(self.kind, self.seed, self.round, standings, best_growth(self.game))

    def to_json(self) -> dict:
        """The play-through so far as plain JSON: kind, game rules, seed, bots and the bets.

        That is everything :meth:`replay` needs (common random numbers: the same seed gives the
        same outcomes), so :func:`session_from_json` rebuilds it. Bots other than the defaults
        are saved as names and strategy specs (:func:`sim.strategies.parse_strategy` reads them).
        """
        bets = [bet if isinstance(bet, float) else list(bet) for bet in self.inputs]
        record = {"kind": self.kind, "game": asdict(self.game), "seed": int(self.seed),
                  "bets": bets}
        if self.bots != self._default_bots():
            record["bots"] = [[bot.name, bot.strategy.label] for bot in self.bots]
        return record

    @classmethod
    def replay(cls, game: Game, seed: int, bets: Iterable, bots: Iterable[Bot] | None = None):
        """A new session on ``game`` and ``seed`` that plays ``bets`` in order."""
        session = cls(game, seed, bots)
        for bet in bets:
            session.bet = bet
            session.play()
        return session


class CoinSession(BetSession):
    """A coin game: the player's bet is a signed fraction (f > 0 heads, f < 0 tails)."""

    kind = "coin"

    def __init__(self, game: CoinGame, seed: int | None = None, bots: Iterable[Bot] | None = None):
        if not isinstance(game, CoinGame):
            raise ValueError(f"game = {game!r} is not a CoinGame")
        super().__init__(game, seed, bots)

    def _default_bots(self) -> tuple[Bot, ...]:
        return coin_bots()

    def _initial_bet(self) -> float:
        return 0.0

    def _idle(self) -> np.ndarray:
        return np.array(0.0)

    def _validate_bet(self, bet) -> float:
        if isinstance(bet, bool) or not isinstance(bet, (int, float, np.floating, np.integer)):
            raise ValueError(f"bet = {bet!r} is not a number")
        value = float(bet)
        if not (math.isfinite(value) and -1.0 <= value <= 1.0):
            raise ValueError(f"bet = {bet!r} must be a fraction of the bankroll in [-1, 1]")
        if value < 0 and not self.game.allow_tails:
            raise ValueError(f"bet = {bet!r}: this game takes bets on heads only")
        return value


class RaceSession(BetSession):
    """A race: the player's bet is one share of the bankroll per outcome, the rest is cash."""

    kind = "race"

    def __init__(self, game: RaceGame, seed: int | None = None, bots: Iterable[Bot] | None = None):
        if not isinstance(game, RaceGame):
            raise ValueError(f"game = {game!r} is not a RaceGame")
        super().__init__(game, seed, bots)

    def _default_bots(self) -> tuple[Bot, ...]:
        return race_bots(len(self.game.probs))

    def _initial_bet(self) -> np.ndarray:
        return np.zeros(len(self.game.probs))

    def _idle(self) -> np.ndarray:
        return np.zeros(len(self.game.probs))

    def _validate_bet(self, bet) -> np.ndarray:
        try:
            shares = np.array(bet, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"bet = {bet!r} is not a list of shares") from None
        k = len(self.game.probs)
        if shares.shape != (k,):
            raise ValueError(f"bet = {bet!r} needs {k} shares, one per outcome")
        if not np.all(np.isfinite(shares) & (shares >= 0)):
            raise ValueError(f"bet = {bet!r} has a negative or non-finite share")
        if shares.sum() > 1.0 + 1e-9:
            raise ValueError(f"bet = {bet!r} stakes more than the whole bankroll")
        return shares


SESSIONS = {"coin": (CoinSession, CoinGame), "race": (RaceSession, RaceGame)}


def _bots_from_json(data: object) -> tuple[Bot, ...] | None:
    """Bots saved as [[name, spec], ...]; None (the default bots) when absent."""
    if data is None:
        return None
    if not isinstance(data, list) or not all(
        isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)
        for item in data
    ):
        raise ValueError(f"bots = {data!r} must be a list of [name, strategy] pairs")
    return tuple(Bot(name, parse_strategy(spec)) for name, spec in data)


def session_from_json(data: object) -> BetSession:
    """Rebuild a play-through saved by :meth:`BetSession.to_json` by replaying its bets.

    Raises ValueError naming the problem when the data is not such a record (unknown kind,
    game rules the engine rejects, a bet out of range, more bets than rounds).
    """
    if not isinstance(data, dict) or not (
        {"kind", "game", "seed", "bets"} <= set(data) <= {"kind", "game", "seed", "bets", "bots"}
    ):
        raise ValueError(
            f"session = {data!r} does not have the fields kind, game, seed, bets (and bots)"
        )
    if data["kind"] not in SESSIONS:
        raise ValueError(f"kind = {data['kind']!r} is not one of {', '.join(SESSIONS)}")
    session_class, game_class = SESSIONS[data["kind"]]
    rules = data["game"]
    if not isinstance(rules, dict) or not set(rules) <= {f.name for f in fields(game_class)}:
        raise ValueError(f"game = {rules!r} is not a {game_class.__name__}")
    rules = {k: tuple(v) if isinstance(v, list) else v for k, v in rules.items()}
    try:
        game = game_class(**rules)
    except TypeError as error:
        raise ValueError(f"game = {rules!r}: {error}") from None
    seed, bets = data["seed"], data["bets"]
    seed = check_seed(seed)
    if not isinstance(bets, list) or len(bets) > game.rounds:
        raise ValueError(f"bets must be a list of at most {game.rounds} bets")
    session = session_class(game, seed, _bots_from_json(data.get("bots")))
    for bet in bets:
        session.bet = bet
        session.play()  # raises ValueError if the game ended before the bets ran out
    return session
