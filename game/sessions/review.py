"""What a finished play-through says about the player's bets (no pygame here).

The Results screen words its lesson from these numbers: for a coin game the average stake, the
Kelly stake and the growth rate at that average stake; for a race the divergence D(p||b) between
the chances and the player's splits, averaged over the races (Cover & Thomas 2006, §6.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from game.sessions.maths import bet_decomposition, bet_growth, kelly_bet
from game.sessions.session import BetSession


@dataclass(frozen=True)
class BetReview:
    """The player's bets over a play-through, in the terms of the theory."""

    average_stake: float  # mean |f| of the coin bets (0 before any); nan for a race
    kelly_stake: float  # |f*| of the first bot's constant bet (Kelly); nan for a race
    stake_growth: float  # G at the average stake (coin); nan for a race
    mean_divergence: float  # mean D(p||a) of the player's bets, growth lost per round


def mean_divergence(session: BetSession) -> float:
    """D(p||a) of each round's bet, averaged over the rounds played (inf if one could lose all;
    nan before any round)."""
    costs = [float(bet_decomposition(session.game, r.bet).divergence) for r in session.history]
    if not costs:
        return math.nan
    return float(np.mean(costs))


def review(session: BetSession) -> BetReview:
    """The numbers of :class:`BetReview` for ``session``.

    Examples
    --------
    >>> from game.sessions.session import CoinSession
    >>> from sim.games import CoinGame
    >>> coin = CoinSession.replay(CoinGame(p=0.6, rounds=10), 7, [0.1, 0.3])
    >>> facts = review(coin)
    >>> round(facts.average_stake, 2), round(facts.kelly_stake, 2)
    (0.2, 0.2)
    """
    divergence = mean_divergence(session)
    if session.kind != "coin":
        return BetReview(math.nan, math.nan, math.nan, divergence)
    stakes = np.abs([r.bet for r in session.history])
    average = float(stakes.mean()) if len(stakes) else 0.0
    kelly = abs(float(kelly_bet(session.game)))  # whoever the bots are (none in a Challenge)
    rate = float(bet_growth(session.game, min(average, 1.0)))
    return BetReview(average, kelly, rate, divergence)
