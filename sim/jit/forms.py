"""Which strategies have a compiled form, and with which parameters.

A strategy is compiled only when the kernel reproduces its numpy ``fractions`` exactly, so the
check is on the exact class (a subclass may override ``fractions``): constant strategies whose
``fractions`` is :meth:`ConstantStrategy.fractions`, :class:`FixedAmount`, :class:`Martingale`,
:class:`BayesKelly` (coin; race at fair or generous odds, where it bets its belief) and
:class:`OptimalStrategy`. Anything else (the game's own bots, user policies, Bayes on an
over-round race, races of 8 or more outcomes) returns None and the chunk stays on numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.games import CoinGame, Game
from sim.jit.layout import AMOUNT, BAYES, CONSTANT, MARTINGALE, OPTIMAL
from sim.strategies import BayesKelly, ConstantStrategy, FixedAmount, Martingale, Strategy

#: no cap and a best case past e^LOG_MONEY_LIMIT: numpy (ln W) plays it, money would overflow
LOG_MONEY_LIMIT = 690.0
#: races with more outcomes sum their stakes pairwise in numpy; the kernel sums in order
MAX_RACE_OUTCOMES = 7
_NO_TABLE = np.zeros((1, 1), dtype=np.int16)


@dataclass(frozen=True, eq=False)
class CompiledForm:
    """A strategy as the kernels take it: a kind, float parameters, and a stake table."""

    kind: int
    params: np.ndarray
    #: sim.optimal's signed stakes in ticks (rounds left, wealth ticks); a dummy otherwise
    optimal: np.ndarray = field(default_factory=lambda: _NO_TABLE)

    @property
    def constant(self) -> bool:
        return self.kind == CONSTANT


def _is_plain_constant(strategy: Strategy) -> bool:
    return (
        isinstance(strategy, ConstantStrategy)
        and type(strategy).fractions is ConstantStrategy.fractions
    )


def _optimal_form(strategy: Strategy, game: Game) -> CompiledForm | None:
    from sim.optimal import OptimalStrategy, solve  # the dynamic program loads on demand

    if type(strategy) is not OptimalStrategy:
        return None
    stakes = solve(game).stakes
    if stakes.dtype != np.int16:  # one kernel signature: tables of more than 32,767 ticks
        return None
    return CompiledForm(OPTIMAL, np.zeros(1), np.ascontiguousarray(stakes))


def _coin_form(strategy: Strategy, game: CoinGame) -> CompiledForm | None:
    if _is_plain_constant(strategy):
        return CompiledForm(CONSTANT, np.array([float(strategy.constant_fractions(game))]))
    kind = type(strategy)
    if kind is FixedAmount:
        return CompiledForm(AMOUNT, np.array([strategy.amount]))
    if kind is Martingale:
        return CompiledForm(MARTINGALE, np.array([strategy.base]))
    if kind is BayesKelly:
        return CompiledForm(BAYES, np.array([strategy.alpha, strategy.alpha + strategy.beta]))
    if game.cap is not None and game.tick > 0:
        return _optimal_form(strategy, game)
    return None


def _race_form(strategy: Strategy, game: Game) -> CompiledForm | None:
    outcomes = len(game.outcome_probs)
    if outcomes > MAX_RACE_OUTCOMES:
        return None
    if _is_plain_constant(strategy):
        shares = np.asarray(strategy.constant_fractions(game), dtype=float)
        return CompiledForm(CONSTANT, np.ascontiguousarray(shares))
    if type(strategy) is BayesKelly and (1.0 / game.decimal_odds).sum() <= 1.0 + 1e-12:
        prior_sum = np.full(outcomes, strategy.alpha).sum()  # numpy's sum, as the policy does
        return CompiledForm(BAYES, np.array([strategy.alpha, prior_sum]))
    return None


def compiled_form(strategy: Strategy, game: Game) -> CompiledForm | None:
    """The compiled form of ``strategy`` in ``game``, or None if it must run on numpy.

    Examples
    --------
    >>> from sim.games import HAGHANI_DEWEY
    >>> from sim.strategies import parse_strategy
    >>> compiled_form(parse_strategy("kelly"), HAGHANI_DEWEY).params
    array([0.2])
    """
    if isinstance(game, CoinGame):
        return _coin_form(strategy, game)
    return _race_form(strategy, game)


def _best_multiplier(game: Game) -> float:
    if isinstance(game, CoinGame):
        return 1.0 + max(game.odds, 1.0 / game.odds)
    return float(np.max(game.decimal_odds))


def chunk_forms(game: Game, strategies: Sequence[Strategy],
                allow_constant: bool = False) -> list[CompiledForm] | None:
    """The compiled forms of a chunk's strategies, or None if numpy must play the chunk.

    None when a strategy has no compiled form; under frictionless rules when a strategy is a
    constant bet (the engine plays those from the win counts, faster), unless
    ``allow_constant``; and without a cap when money could pass e^690 (numpy keeps ln W).
    """
    forms = [compiled_form(s, game) for s in strategies]
    if any(form is None for form in forms):
        return None
    if game.is_frictionless:
        if not allow_constant and any(form.constant for form in forms):
            return None
        return forms
    best_case = math.log(game.start) + game.rounds * math.log(_best_multiplier(game))
    if game.cap is None and best_case > LOG_MONEY_LIMIT:
        return None
    return forms
