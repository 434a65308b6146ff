"""The line-up of a horse race: which strategies ``kelly race`` and the handout compare.

:func:`race_strategies` takes what was asked for (share bets, named strategies) and adds the
optimum unless full Kelly is already there; :func:`default_race_strategies` is the line-up when
nothing was asked for. :mod:`sim.analysis` re-exports both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.games import RaceGame
from sim.strategies import Kelly, Shares, Strategy, parse_strategy

__all__ = ["DEFAULT_RACE_STRATEGIES", "default_race_strategies", "race_strategies"]

DEFAULT_RACE_STRATEGIES = ("kelly", "kelly:0.5", "share:0.6,0.3,0.1")


def race_strategies(
    game: RaceGame, strategies: Sequence[Strategy], bets: Sequence[float] | None = None
) -> list[Strategy]:
    """The strategies of ``kelly race``, with the optimum added unless full Kelly is there.

    Parameters
    ----------
    game : RaceGame
        The race the strategies bet on.
    strategies : sequence of Strategy
        Strategies chosen by name (``--strategy``).
    bets : sequence of float, optional
        Shares of the bankroll on each outcome (``--bets``), listed first.

    Returns
    -------
    list of Strategy
        ``bets`` as :class:`~sim.strategies.Shares`, then ``strategies``, or
        :func:`default_race_strategies` when both are empty; then the optimum (Kelly: b = p at
        fair or better odds, :func:`sim.theory.kelly_shares` otherwise) unless full Kelly is
        already among them.

    Examples
    --------
    >>> from sim.games import RaceGame
    >>> game = RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 4.0, 6.0))
    >>> [s.label for s in race_strategies(game, [], bets=[0.5, 0.5, 0.0])]
    ['share:0.5,0.5,0', 'optimum b = p']
    >>> [s.label for s in race_strategies(game, [])]
    ['kelly', 'kelly:0.5', 'share:0.6,0.3,0.1']
    """
    chosen: list[Strategy] = []
    if bets is not None:
        chosen.append(Shares(tuple(bets)))
    chosen.extend(strategies)
    if not chosen:
        chosen = default_race_strategies(len(game.outcome_probs))
    if not any(isinstance(s, Kelly) and s.multiple == 1 for s in chosen):
        fair = float(np.sum(1.0 / game.decimal_odds)) <= 1.0 + 1e-12
        chosen.append(Kelly(1.0, label="optimum b = p" if fair else "optimum (Kelly shares)"))
    return chosen


def default_race_strategies(outcomes: int) -> list[Strategy]:
    """The strategies :data:`DEFAULT_RACE_STRATEGIES`, fitted to a race of ``outcomes`` horses.

    Parameters
    ----------
    outcomes : int
        Horses in the race.

    Returns
    -------
    list of Strategy
        A share bet that does not fit ``outcomes`` horses becomes equal shares 1/K (the bettor
        who knows nothing about the horses).

    Examples
    --------
    >>> [s.label for s in default_race_strategies(2)]
    ['kelly', 'kelly:0.5', 'share:0.5,0.5']
    """
    chosen = []
    for spec in DEFAULT_RACE_STRATEGIES:
        strategy = parse_strategy(spec)
        if isinstance(strategy, Shares) and len(strategy.shares) != outcomes:
            strategy = Shares((1.0 / outcomes,) * outcomes)
        chosen.append(strategy)
    return chosen
