"""The rules of a repeated bet, as frozen dataclasses that validate themselves.

Two games share one set of bankroll rules (start, cap, floor, minimum bet, tick, rounds):

* :class:`CoinGame` — a coin that lands heads with probability ``p``; a bet on heads pays
  ``odds``-to-1 (net odds b), a bet on tails pays 1/b-to-1. The two prices form a fair book
  (1/(1+b) + b/(1+b) = 1), so a coin at net odds b is the two-horse race with decimal odds
  o = (1 + b, 1 + 1/b), and staking a fraction f of wealth on heads is the same as splitting the
  whole bankroll a = (1 + b f)/(1 + b) on heads and 1 - a on tails. At even money (b = 1) this is
  a = (1 + f)/2, the identity behind G(f) = ln 2 - H(p, a) (Kelly 1956; Cover & Thomas 2006, §6.1).
* :class:`RaceGame` — K >= 2 outcomes with probabilities ``probs`` and decimal odds ``odds``
  (payout per unit staked, stake included); money not bet is kept as cash.

Every bad value raises ``ValueError`` naming the field and the value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

PROBABILITY_TOLERANCE = 1e-9
#: the most rounds a game may have: round counts stay exact in float64 (numpy's binomial
#: sampler of the exact counts method takes at most 2^63 - 1)
MAX_ROUNDS = 2**53


def is_number(value: object) -> bool:
    """True for a real number (numpy's scalars included); a bool is not one.

    The type check behind every rule's validation, for layers that word their own message.

    Examples
    --------
    >>> is_number(0.5), is_number(np.int64(3)), is_number(True), is_number("1")
    (True, True, False, False)
    """
    return isinstance(value, Real) and not isinstance(value, bool)


def is_whole_number(value: object) -> bool:
    """True for an integer (numpy's included); a bool is not one.

    Examples
    --------
    >>> [is_whole_number(v) for v in (3, np.uint8(3), 3.0, False)]
    [True, True, False, False]
    """
    return isinstance(value, Integral) and not isinstance(value, bool)


def _number(name: str, value: object) -> float:
    """``value`` as a finite float, or a ValueError naming ``name``."""
    if not is_number(value):
        raise ValueError(f"{name} = {value!r} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} = {number} is not a finite number")
    return number


def _probability(name: str, value: object) -> float:
    number = _number(name, value)
    if not 0.0 <= number <= 1.0:  # repr, not :g, so 1.0000001 is not shown as 1
        raise ValueError(f"{name} = {number!r} is not a probability; expected a number in [0, 1]")
    return number


def _positive(name: str, value: object) -> float:
    number = _number(name, value)
    if number <= 0.0:
        raise ValueError(f"{name} = {number:g} must be greater than 0")
    return number


def _odds(name: str, value: object) -> float:
    """Positive odds whose reciprocal is finite too (the other side of a coin pays 1/b)."""
    number = _positive(name, value)
    if not math.isfinite(1.0 / number):
        raise ValueError(f"{name} = {number!r} is too small: its reciprocal is not a finite number")
    return number


def _non_negative(name: str, value: object) -> float:
    number = _number(name, value)
    if number < 0.0:
        raise ValueError(f"{name} = {number:g} must be 0 or more")
    return number


def _vector(name: str, values: object, check) -> tuple[float, ...]:
    try:
        items = tuple(values)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} = {values!r} is not a list of numbers") from None
    if len(items) < 2:
        raise ValueError(f"{name} = {list(items)!r} needs at least 2 outcomes")
    return tuple(check(f"{name}[{i}]", v) for i, v in enumerate(items))


@dataclass(frozen=True, kw_only=True)
class BankrollRules:
    """Rules shared by every game; all amounts are in currency units.

    start    bankroll at round 0 (> 0)
    cap      winnings are capped here: a win that would pass it pays up to the cap and the
             game ends (None: no cap; otherwise > start)
    floor    betting stops once wealth falls to the floor or below (>= 0, < start); such a
             path counts as ruined
    min_bet  the smallest stake accepted (0: any); a smaller positive stake is raised to it
             when the bankroll covers it, otherwise the path can no longer bet (ruined)
    tick     stakes are rounded to a multiple of tick (0: no rounding; 0.01: cents)
    rounds   number of bets (>= 1)
    """

    start: float = 100.0
    cap: float | None = None
    floor: float = 0.0
    min_bet: float = 0.0
    tick: float = 0.0
    rounds: int = 100

    def _validate_rules(self) -> None:
        start = _positive("start", self.start)
        object.__setattr__(self, "start", start)
        if self.cap is not None:
            cap = _number("cap", self.cap)
            if cap <= start:
                raise ValueError(f"cap = {cap:g} must be greater than start = {start:g}")
            object.__setattr__(self, "cap", cap)
        floor = _non_negative("floor", self.floor)
        if floor >= start:
            raise ValueError(f"floor = {floor:g} must be less than start = {start:g}")
        object.__setattr__(self, "floor", floor)
        object.__setattr__(self, "min_bet", _non_negative("min_bet", self.min_bet))
        object.__setattr__(self, "tick", _non_negative("tick", self.tick))
        if not is_whole_number(self.rounds):
            raise ValueError(f"rounds = {self.rounds!r} is not a whole number")
        if not 1 <= self.rounds <= MAX_ROUNDS:
            raise ValueError(f"rounds = {self.rounds} must be at least 1 and at most 2^53")
        object.__setattr__(self, "rounds", int(self.rounds))

    @property
    def is_frictionless(self) -> bool:
        """True when no cap, floor, minimum bet or tick changes a constant-share bet.

        Then terminal wealth depends only on how often each outcome won, and the engine may
        sample those counts directly (binomial/multinomial) instead of every round.
        """
        return self.cap is None and self.floor == 0 and self.min_bet == 0 and self.tick == 0


@dataclass(frozen=True, kw_only=True)
class CoinGame(BankrollRules):
    """A coin landing heads with probability ``p``; heads pays ``odds``-to-1, tails 1/odds-to-1.

    The bankroll rules (start, cap, floor, min_bet, tick, rounds) are those of
    :class:`BankrollRules`; ``allow_tails`` permits bets on tails. Bad values raise ValueError
    naming them.

    Examples
    --------
    >>> coin = CoinGame(p=0.6, odds=1.0, rounds=300)
    >>> coin.outcome_probs.tolist(), coin.decimal_odds.tolist(), coin.is_frictionless
    ([0.6, 0.4], [2.0, 2.0], True)
    >>> CoinGame(p=1.5)
    Traceback (most recent call last):
    ...
    ValueError: p = 1.5 is not a probability; expected a number in [0, 1]
    """

    p: float = 0.6
    odds: float = 1.0
    allow_tails: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "p", _probability("p", self.p))
        object.__setattr__(self, "odds", _odds("odds", self.odds))
        self._validate_rules()

    @property
    def outcome_names(self) -> tuple[str, ...]:
        return ("heads", "tails")

    @property
    def outcome_probs(self) -> np.ndarray:
        """Outcome probabilities (heads, tails)."""
        return np.array([self.p, 1.0 - self.p])

    @property
    def decimal_odds(self) -> np.ndarray:
        """Decimal odds (1 + b, 1 + 1/b) of the fair two-way book at net odds b."""
        return np.array([1.0 + self.odds, 1.0 + 1.0 / self.odds])

    def share_of_fraction(self, fraction):
        """Share on heads a equivalent to a signed stake f (f > 0 heads, f < 0 tails).

        A heads stake f pays 1 + b f on heads, the split pays a (1 + b): a = (1 + b f)/(1 + b).
        A tails stake |f| leaves 1 - |f| on heads: a = (1 - |f|)/(1 + b).
        """
        fraction = np.asarray(fraction, dtype=float)
        heads = np.maximum(fraction, 0.0)
        tails = np.maximum(-fraction, 0.0)
        return (1.0 + self.odds * heads - tails) / (1.0 + self.odds)


@dataclass(frozen=True, kw_only=True)
class RaceGame(BankrollRules):
    """K outcomes ("horses") with probabilities ``probs`` and decimal odds ``odds``.

    A winning share b_i of the bankroll returns b_i o_i; what is not bet is kept as cash.
    The bankroll rules are those of :class:`BankrollRules`.

    Examples
    --------
    >>> race = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 4.0, 5.0), names=("a", "b", "c"))
    >>> race.outcome_names, race.decimal_odds.tolist()
    (('a', 'b', 'c'), [2.0, 4.0, 5.0])
    """

    probs: tuple[float, ...]
    odds: tuple[float, ...]
    names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        probs = _vector("probs", self.probs, _probability)
        total = math.fsum(probs)
        if abs(total - 1.0) > PROBABILITY_TOLERANCE * len(probs):
            raise ValueError(f"probs = {list(probs)} sum to {total:g}; they must sum to 1")
        odds = _vector("odds", self.odds, _odds)
        if len(odds) != len(probs):
            raise ValueError(
                f"odds = {list(odds)} has {len(odds)} entries but probs has {len(probs)}"
            )
        names = self.names or tuple(f"#{i + 1}" for i in range(len(probs)))
        if len(names) != len(probs):
            raise ValueError(
                f"names = {list(names)} has {len(names)} entries, expected {len(probs)}"
            )
        object.__setattr__(self, "probs", probs)
        object.__setattr__(self, "odds", odds)
        object.__setattr__(self, "names", tuple(str(n) for n in names))
        self._validate_rules()

    @property
    def outcome_names(self) -> tuple[str, ...]:
        return self.names  # type: ignore[return-value]

    @property
    def outcome_probs(self) -> np.ndarray:
        return np.array(self.probs)

    @property
    def decimal_odds(self) -> np.ndarray:
        return np.array(self.odds)


Game = CoinGame | RaceGame

#: Haghani & Dewey (2016): $25, a 60% coin at even money, bets in cents, winnings capped at
#: $250, about 300 flips in 30 minutes; bets on either side allowed.
HAGHANI_DEWEY = CoinGame(p=0.6, odds=1.0, start=25.0, cap=250.0, tick=0.01, rounds=300)
