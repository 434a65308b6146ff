"""Betting policies, vectorised over paths, and the parser for specs such as ``kelly:0.5``.

A policy answers one question for a whole vector of paths at once: which *fractions of the
current bankroll* to stake this round. Fractions (not amounts) keep the engine in log-wealth,
so 10^6 rounds never overflow; the engine turns them into amounts only where the rules need
money (caps, floors, minimum bets, ticks).

* In a :class:`~sim.games.CoinGame` a policy returns one signed fraction per path: f > 0 stakes
  f of the bankroll on heads, f < 0 stakes |f| on tails; |f| <= 1.
* In a :class:`~sim.games.RaceGame` it returns an (paths, K) array of shares b_i >= 0 with
  sum_i b_i <= 1; the rest is kept as cash.

Policies whose fractions never change (fixed fraction, Kelly, shares, all-in) also report their
constant per-outcome wealth multipliers, which lets the engine use win counts instead of rounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.games import CoinGame, Game
from sim.optimal import OptimalStrategy
from sim.policy import BetContext, Strategy, coin_multipliers, race_multipliers
from sim.theory import kelly_shares

__all__ = [
    "STRATEGY_EXAMPLES",
    "AllIn",
    "BayesKelly",
    "BetContext",
    "ConstantStrategy",
    "FixedAmount",
    "FixedFraction",
    "Kelly",
    "Martingale",
    "OptimalStrategy",
    "Shares",
    "Strategy",
    "coin_fraction_for_share",
    "coin_multipliers",
    "parse_strategy",
    "race_multipliers",
]


def coin_fraction_for_share(game: CoinGame, share: float) -> float:
    """Signed coin fraction equivalent to putting share a of the bankroll on heads, 1 - a on tails.

    With a fair two-way book (decimal odds 1 + b and 1 + 1/b) the split pays a (1 + b) on heads
    and (1 - a)(1 + b)/b on tails: a heads stake f = (a (1 + b) - 1)/b when a >= 1/(1 + b),
    otherwise a tails stake 1 - a (1 + b).
    """
    b = game.odds
    heads_multiplier = share * (1.0 + b)
    if heads_multiplier >= 1.0:
        return (heads_multiplier - 1.0) / b
    return -(1.0 - heads_multiplier)


class ConstantStrategy(Strategy):
    """A policy that stakes the same fractions every round."""

    def fractions(self, ctx: BetContext) -> np.ndarray:
        constant = self.constant_fractions(ctx.game)
        if isinstance(ctx.game, CoinGame):
            return np.full(ctx.paths, float(constant))
        return np.broadcast_to(np.asarray(constant, dtype=float), (ctx.paths, len(constant)))


def _check_fraction(label: str, value: float, low: float = 0.0, high: float = 1.0) -> float:
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(
            f"strategy {label!r}: {value!r} is out of range; "
            f"expected a number in [{low:g}, {high:g}]"
        )
    return value


@dataclass(frozen=True, repr=False)
class FixedFraction(ConstantStrategy):
    """Stake a fixed fraction f of the bankroll on heads every round (coin games)."""

    fraction: float
    label: str = ""

    def __post_init__(self) -> None:
        _check_fraction(f"fixed:{self.fraction}", self.fraction)
        object.__setattr__(self, "label", self.label or f"fixed:{self.fraction:g}")

    def constant_fractions(self, game: Game) -> float:
        _require_coin(self.label, game)
        return self.fraction


@dataclass(frozen=True, repr=False)
class Kelly(ConstantStrategy):
    """Bet ``multiple`` times the growth-optimal Kelly bet (Kelly 1956; Thorp 2006, §7).

    Coin: f* = p - (1 - p)/b on heads, or the mirror bet on tails when tails has the edge.
    Race: the optimal shares of :func:`sim.theory.kelly_shares` (b = p at fair odds), scaled.
    A multiple that would stake more than the bankroll is held at the whole bankroll.
    """

    multiple: float = 1.0
    label: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.multiple) and 0 <= self.multiple <= 100):
            raise ValueError(
                f"strategy 'kelly:{self.multiple}': the multiple of Kelly must be in [0, 100]"
            )
        default = "kelly" if self.multiple == 1 else f"kelly:{self.multiple:g}"
        object.__setattr__(self, "label", self.label or default)

    def constant_fractions(self, game: Game):
        if isinstance(game, CoinGame):
            p, b = game.p, game.odds
            heads_edge = p - (1.0 - p) / b
            tails_edge = (1.0 - p) - p * b if game.allow_tails else -math.inf
            if heads_edge >= tails_edge:
                return min(1.0, self.multiple * max(heads_edge, 0.0))
            return -min(1.0, self.multiple * max(tails_edge, 0.0))
        shares, _ = kelly_shares(game.outcome_probs, game.decimal_odds)
        scaled = self.multiple * shares
        total = scaled.sum()
        return scaled / total if total > 1.0 else scaled


@dataclass(frozen=True, repr=False)
class AllIn(ConstantStrategy):
    """Stake the whole bankroll every round on the side with the best expected return."""

    label: str = "allin"

    def constant_fractions(self, game: Game):
        expected = game.outcome_probs * game.decimal_odds
        if isinstance(game, CoinGame):
            return 1.0 if expected[0] >= expected[1] or not game.allow_tails else -1.0
        shares = np.zeros(len(expected))
        shares[int(np.argmax(expected))] = 1.0
        return shares


@dataclass(frozen=True, repr=False)
class Shares(ConstantStrategy):
    """Split the bankroll in fixed shares: ``share:0.6`` puts 0.6 on heads and 0.4 on tails in a
    coin game; ``share:0.5,0.3,0.2`` bets those shares on a race's outcomes (the rest is cash)."""

    shares: tuple[float, ...]
    label: str = ""

    def __post_init__(self) -> None:
        label = self.label or "share:" + ",".join(f"{s:g}" for s in self.shares)
        for value in self.shares:
            _check_fraction(label, value)
        if math.fsum(self.shares) > 1.0 + 1e-9:
            raise ValueError(f"strategy {label!r}: the shares sum above 1 (the whole bankroll)")
        object.__setattr__(self, "label", label)

    def constant_fractions(self, game: Game):
        if isinstance(game, CoinGame):
            if len(self.shares) != 1:
                raise ValueError(
                    f"strategy {self.label!r}: a coin game takes one share (on heads), "
                    f"got {len(self.shares)}"
                )
            return coin_fraction_for_share(game, self.shares[0])
        if len(self.shares) != len(game.probs):
            raise ValueError(
                f"strategy {self.label!r}: {len(self.shares)} shares for a race of "
                f"{len(game.probs)} outcomes"
            )
        return np.array(self.shares)


def _require_coin(label: str, game: Game) -> None:
    if not isinstance(game, CoinGame):
        raise ValueError(
            f"strategy {label!r} is for coin games; a race takes 'share:...' or 'kelly'"
        )


@dataclass(frozen=True, repr=False)
class FixedAmount(Strategy):
    """Stake the same amount of money on heads every round (all that is left if less)."""

    amount: float
    label: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.amount) and self.amount > 0):
            raise ValueError(f"strategy 'amount:{self.amount}': the amount must be greater than 0")
        object.__setattr__(self, "label", self.label or f"amount:{self.amount:g}")

    def fractions(self, ctx: BetContext) -> np.ndarray:
        _require_coin(self.label, ctx.game)
        wealth = ctx.wealth
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(wealth > 0, np.minimum(1.0, self.amount / wealth), 0.0)


@dataclass(frozen=True, repr=False)
class Martingale(Strategy):
    """Stake ``base`` on heads; after a loss double the stake, after a win go back to ``base``.

    The classic doubling system: it wins ``base`` per cycle until a losing streak exhausts the
    bankroll, so its growth rate is no better than the stake it can afford (Breiman 1961).
    """

    base: float = 1.0
    label: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.base) and self.base > 0):
            raise ValueError(f"strategy 'martingale:{self.base}': the base stake must be > 0")
        default = "martingale" if self.base == 1 else f"martingale:{self.base:g}"
        object.__setattr__(self, "label", self.label or default)

    def fractions(self, ctx: BetContext) -> np.ndarray:
        _require_coin(self.label, ctx.game)
        stake = np.where((ctx.round == 0) | ctx.last_won, self.base, 2.0 * ctx.last_stake)
        stake = np.where(stake > 0, stake, self.base)
        wealth = ctx.wealth
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(wealth > 0, np.minimum(1.0, stake / wealth), 0.0)


@dataclass(frozen=True, repr=False)
class BayesKelly(Strategy):
    """Kelly betting on a coin whose p is unknown, with the posterior mean of a Beta prior.

    After h heads in n flips the belief is q = (alpha + h)/(alpha + beta + n); the policy bets the
    Kelly fraction for q. Betting with belief q instead of p loses exactly D(p||q) per round
    against the known-p Kelly bettor (Cover & Thomas 2006, §6.1; Kelly 1956), and D(p||q) -> 0
    as q -> p. For races, a Dirichlet(alpha, ..., alpha) prior plays the same role.
    """

    alpha: float = 1.0
    beta: float = 1.0
    label: str = ""
    needs_counts: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        for name, value in (("alpha", self.alpha), ("beta", self.beta)):
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"strategy 'bayes': prior {name} = {value!r} must be > 0")
        default = "bayes" if (self.alpha, self.beta) == (1.0, 1.0) else (
            f"bayes:{self.alpha:g},{self.beta:g}"
        )
        object.__setattr__(self, "label", self.label or default)

    def belief(self, ctx: BetContext) -> np.ndarray:
        """Posterior mean q per path: (paths,) for a coin, (paths, K) for a race."""
        counts = ctx.counts
        if isinstance(ctx.game, CoinGame):
            return (self.alpha + counts[:, 0]) / (self.alpha + self.beta + counts.sum(axis=1))
        prior = np.full(counts.shape[1], self.alpha)
        return (prior + counts) / (prior.sum() + counts.sum(axis=1, keepdims=True))

    def fractions(self, ctx: BetContext) -> np.ndarray:
        q = self.belief(ctx)
        game = ctx.game
        if isinstance(game, CoinGame):
            b = game.odds
            heads = np.maximum(q - (1.0 - q) / b, 0.0)
            tails = np.maximum((1.0 - q) - q * b, 0.0) if game.allow_tails else 0.0
            return np.where(heads >= tails, heads, -tails)
        inverse_odds = 1.0 / game.decimal_odds
        if inverse_odds.sum() <= 1.0 + 1e-12:
            return q
        return np.stack([kelly_shares(row, game.decimal_odds)[0] for row in q])


def _numbers(spec: str, text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(
            f"strategy {spec!r}: {text!r} is not a number or a list of numbers"
        ) from None
    if any(not math.isfinite(v) for v in values):
        raise ValueError(f"strategy {spec!r}: {text!r} must be finite")
    return values


def _one_number(spec: str, text: str) -> float:
    values = _numbers(spec, text)
    if len(values) != 1:
        raise ValueError(f"strategy {spec!r}: expected one number after ':'")
    return values[0]


def _optimal(spec: str, argument: str | None) -> Strategy:
    if argument is not None:
        raise ValueError(f"strategy {spec!r}: 'optimal' takes no argument")
    return OptimalStrategy()


def _bayes(spec: str, argument: str | None) -> Strategy:
    if argument is None:
        return BayesKelly()
    values = _numbers(spec, argument)
    if len(values) != 2:
        raise ValueError(f"strategy {spec!r}: expected 'bayes:ALPHA,BETA'")
    return BayesKelly(*values)


_PARSERS: dict[str, Callable[[str, str | None], Strategy]] = {
    "kelly": lambda spec, arg: Kelly(1.0 if arg is None else _one_number(spec, arg)),
    "fixed": lambda spec, arg: FixedFraction(_one_number(spec, _required(spec, arg))),
    "amount": lambda spec, arg: FixedAmount(_one_number(spec, _required(spec, arg))),
    "allin": lambda spec, arg: AllIn() if arg is None else _no_argument(spec),
    "martingale": lambda spec, arg: Martingale(1.0 if arg is None else _one_number(spec, arg)),
    "share": lambda spec, arg: Shares(tuple(_numbers(spec, _required(spec, arg)))),
    "bayes": _bayes,
    "optimal": _optimal,
}

#: Specs understood by :func:`parse_strategy`, with an example of each.
STRATEGY_EXAMPLES = {
    "kelly": "kelly, kelly:0.5 (half Kelly), kelly:2 (double Kelly)",
    "fixed": "fixed:0.2 (20% of the bankroll on heads)",
    "amount": "amount:5 (5 units on heads)",
    "allin": "allin",
    "martingale": "martingale, martingale:2 (base stake 2)",
    "share": "share:0.6 (60% on heads, 40% on tails), share:0.5,0.3,0.2 (race)",
    "bayes": "bayes, bayes:2,2 (Beta prior)",
    "optimal": "optimal (dynamic programming, capped coin games)",
}


def _required(spec: str, argument: str | None) -> str:
    if argument is None or not argument.strip():
        example = STRATEGY_EXAMPLES[spec.split(":")[0].lower()]
        raise ValueError(f"strategy {spec!r} needs a value after ':', e.g. {example}")
    return argument


def _no_argument(spec: str) -> Strategy:
    raise ValueError(f"strategy {spec!r}: 'allin' takes no argument")


def parse_strategy(spec: str) -> Strategy:
    """Build a policy from a spec: ``kelly``, ``kelly:0.5``, ``fixed:0.2``, ``share:0.6``, ...

    Parameters
    ----------
    spec : str
        ``NAME`` or ``NAME:ARGUMENT``; the names and examples are in :data:`STRATEGY_EXAMPLES`.

    Returns
    -------
    Strategy
        The policy (its ``label`` is the spec as written).

    Raises
    ------
    ValueError
        For an empty or unknown name, a missing, extra or out-of-range argument.

    Examples
    --------
    >>> parse_strategy("kelly:0.5").label
    'kelly:0.5'
    >>> type(parse_strategy("bayes:2,2")).__name__
    'BayesKelly'
    >>> parse_strategy("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown strategy 'nope'; known: kelly, fixed, amount, allin, ...
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"strategy {spec!r} is empty; known: {', '.join(_PARSERS)}")
    name, _, argument = spec.strip().partition(":")
    name = name.strip().lower()
    if name not in _PARSERS:
        raise ValueError(f"unknown strategy {spec!r}; known: {', '.join(_PARSERS)}")
    return _PARSERS[name](spec.strip(), argument if _ else None)
