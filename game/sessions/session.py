"""A play-through of a repeated bet: the player against ghost bots on the same outcomes.

No pygame here: the window only renders a session and feeds it bets, so the same session runs
headless (tests, replays) and gives the same numbers.

* **Common random numbers.** The outcomes are the engine's: path 0 of
  :func:`sim.engine.block_outcomes` for the game and the seed (SeedSequence blocks, 32-bit
  thresholds), so ``kelly play --seed 7`` flips what ``kelly paths --seed 7`` plays on its first
  path. The player and every bot are settled on that same outcome, so differences between them
  are never luck.
* **The engine's money rules.** Every round settles all bettors at once with
  :func:`sim.engine.settle` (cap, floor, minimum bet, tick); bust or cap ends that bettor's run.
* **Replays.** Same game, same seed and same bets give the same history (:meth:`replay`).
  Play-throughs saved before the engine's draws were used (no ``draws`` field) replay on the
  draws they were played with (:data:`LEGACY_DRAWS`).

The bots are :mod:`sim.strategies` objects asked for their bet through
:meth:`~sim.strategies.Strategy.fractions` with a one-path :class:`~sim.strategies.BetContext`,
so adaptive policies (a Bayesian bettor, optimal play) fit in as well as constant ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from game.sessions.maths import best_growth
from sim.engine import block_outcomes, resolve_seed, settle
from sim.games import CoinGame, Game, RaceGame
from sim.i18n import N_
from sim.strategies import AllIn, BetContext, Kelly, Shares, Strategy

#: bettors' names are message ids (and colour keys): screens show them through _()
PLAYER = N_("You")
#: the engine's block draws: round t's outcome is ``block_outcomes(game, seed, 0)[t, 0]``
ENGINE_DRAWS = "engine-blocks"
#: the draws of saves made before ENGINE_DRAWS: one ``default_rng(seed).random()`` per round,
#: classified by ``searchsorted`` on the cumulative probabilities
LEGACY_DRAWS = "default-rng"
DRAWS = (ENGINE_DRAWS, LEGACY_DRAWS)


@dataclass(frozen=True)
class Bot:
    """A ghost bettor: a name on screen and the policy that bets for it."""

    name: str
    strategy: Strategy


def coin_bots() -> tuple[Bot, ...]:
    """Kelly, half Kelly, double Kelly and all-in (Thorp 2006, §7: c times Kelly grows at
    about c (2 - c) g*, so half keeps 3/4 of the growth and double keeps none)."""
    return (
        Bot(N_("Kelly"), Kelly(1.0)),
        Bot(N_("Half Kelly"), Kelly(0.5)),
        Bot(N_("Double Kelly"), Kelly(2.0)),
        Bot(N_("All-in"), AllIn()),
    )


def race_bots(outcomes: int) -> tuple[Bot, ...]:
    """Kelly (shares = probabilities at fair odds), half Kelly, an even split (the bettor who
    knows nothing: growth sum p ln o - ln K) and all-in on the best expected return."""
    return (
        Bot("Kelly", Kelly(1.0)),
        Bot("Half Kelly", Kelly(0.5)),
        Bot(N_("Even split"), Shares(tuple([1.0 / outcomes] * outcomes), label="even")),
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


def first_path_outcomes(game: Game, seed: int) -> np.ndarray:
    """The outcome of every round (0 = heads) on the engine's path 0 for ``seed``.

    Parameters
    ----------
    game : Game
        The rules; its ``rounds`` and outcome probabilities fix the draws.
    seed : int
        The seed, as given to :func:`sim.engine.simulate`.

    Returns
    -------
    numpy.ndarray
        (game.rounds,) outcome indices, uint8.

    The engine draws paths in blocks of :data:`sim.engine.BLOCK_PATHS`, each from its own child
    of ``SeedSequence(seed)`` with 32-bit thresholds; path 0 is the first column of block 0, so
    :func:`sim.engine.simulate` (``method="paths"``) and ``kelly paths`` play these flips first.

    Examples
    --------
    >>> from sim.games import CoinGame
    >>> first_path_outcomes(CoinGame(p=0.6, rounds=8), 7).tolist()
    [0, 1, 0, 0, 1, 0, 1, 1]
    """
    return block_outcomes(game, seed, 0)[:, 0].copy()


def competition_ranks(values: Sequence[float]) -> list[int]:
    """Rank 1 for the largest value; equal values share the better rank (1, 2, 2, 4)."""
    return [1 + sum(other > value for other in values) for value in values]


class BetSession:
    """The player and the bots betting round by round on one seeded outcome stream."""

    kind = "bet"

    def __init__(self, game: Game, seed: int | None = None, bots: Iterable[Bot] | None = None,
                 *, draws: str = ENGINE_DRAWS):
        if draws not in DRAWS:
            raise ValueError(f"draws = {draws!r} must be one of {', '.join(DRAWS)}")
        self.game = game
        self.seed = resolve_seed(seed)
        self.draws = draws
        self.bots = tuple(self._default_bots() if bots is None else bots)
        for bot in self.bots:
            bot.strategy.constant_fractions(game)  # raises if the policy does not fit the game
            if hasattr(bot.strategy, "prepare"):
                bot.strategy.prepare(game)
        self._outcomes = first_path_outcomes(game, self.seed) if draws == ENGINE_DRAWS else None
        self._rng = np.random.default_rng(self.seed) if draws == LEGACY_DRAWS else None
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
        """The next round's outcome (0 = heads): the engine's draw for path 0 of this seed."""
        if self._outcomes is not None:
            return int(self._outcomes[self.round])
        cumulative = np.cumsum(self.game.outcome_probs)[:-1]
        return int(np.searchsorted(cumulative, self._rng.random(), side="right"))

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
        same outcomes), so :func:`game.sessions.replay.session_from_json` rebuilds it. Bots
        other than the defaults are saved as names and strategy specs
        (:func:`sim.strategies.parse_strategy` reads them).
        """
        bets = [bet if isinstance(bet, float) else list(bet) for bet in self.inputs]
        record = {"kind": self.kind, "game": asdict(self.game), "seed": int(self.seed),
                  "draws": self.draws, "bets": bets}
        if self.bots != self._default_bots():
            record["bots"] = [[bot.name, bot.strategy.label] for bot in self.bots]
        return record

    @classmethod
    def replay(cls, game: Game, seed: int, bets: Iterable, bots: Iterable[Bot] | None = None,
               *, draws: str = ENGINE_DRAWS):
        """A new session on ``game`` and ``seed`` that plays ``bets`` in order."""
        session = cls(game, seed, bots, draws=draws)
        for bet in bets:
            session.bet = bet
            session.play()
        return session


class CoinSession(BetSession):
    """A coin game: the player's bet is a signed fraction (f > 0 heads, f < 0 tails)."""

    kind = "coin"

    def __init__(self, game: CoinGame, seed: int | None = None, bots: Iterable[Bot] | None = None,
                 *, draws: str = ENGINE_DRAWS):
        if not isinstance(game, CoinGame):
            raise ValueError(f"game = {game!r} is not a CoinGame")
        super().__init__(game, seed, bots, draws=draws)

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

    def __init__(self, game: RaceGame, seed: int | None = None, bots: Iterable[Bot] | None = None,
                 *, draws: str = ENGINE_DRAWS):
        if not isinstance(game, RaceGame):
            raise ValueError(f"game = {game!r} is not a RaceGame")
        super().__init__(game, seed, bots, draws=draws)

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
