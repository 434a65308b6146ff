"""The numbers the game shows about a bet, all taken from :mod:`sim.theory` (no pygame here).

A coin bet is a signed fraction f of the bankroll: f > 0 stakes f on heads at b-to-1, f < 0
stakes |f| on tails at 1/b-to-1. As a portfolio on the coin's two-way book (decimal odds
o = (1 + b, 1 + 1/b)) it is the stakes (max(f, 0), max(-f, 0)) with the rest kept as cash, and
its growth per round is

    G(f) = sum_i p_i ln(b_0 + b_i o_i) = sum_i p_i ln o_i - H(p) - D(p || a),

where a are the effective shares b_i + b_0/o_i (Cover & Thomas 2006, §6.1 and §6.3). At even
money a = ((1 + f)/2, (1 - f)/2) and the decomposition reads G = ln 2 - H(p) - D(p || a), so G is
largest when the share on heads equals the chance of heads (Kelly 1956).
"""

from __future__ import annotations

import math

import numpy as np

from sim.games import CoinGame, Game
from sim.strategies import Kelly
from sim.theory import (
    GrowthDecomposition,
    ensemble_growth,
    growth_decomposition,
    kelly_shares,
    portfolio_growth,
)


def coin_stakes(fraction) -> np.ndarray:
    """Stakes (on heads, on tails) as shares of the bankroll for signed coin fractions.

    Works elementwise: ``fraction`` of shape S gives an array of shape S + (2,).
    """
    f = np.asarray(fraction, dtype=float)
    if not np.all(np.abs(f) <= 1.0):  # also rejects NaN
        raise ValueError(f"fraction = {fraction!r} must lie in [-1, 1]")
    return np.stack([np.maximum(f, 0.0), np.maximum(-f, 0.0)], axis=-1)


def bet_shares(game: Game, bet) -> np.ndarray:
    """The bet as race stakes on the game's outcomes (the rest of the bankroll is cash)."""
    if isinstance(game, CoinGame):
        return coin_stakes(bet)
    shares = np.asarray(bet, dtype=float)
    if shares.shape[-1:] != (len(game.probs),):
        raise ValueError(f"bet = {bet!r} needs one share per outcome ({len(game.probs)})")
    return shares


def bet_growth(game: Game, bet):
    """Growth per round G = sum_i p_i ln(b_0 + b_i o_i) of a bet; -inf if a loss can wipe it out."""
    return portfolio_growth(bet_shares(game, bet), game.outcome_probs, game.decimal_odds)


def bet_decomposition(game: Game, bet) -> GrowthDecomposition:
    """G = sum p ln o - H(p) - D(p || a) for the bet, with a its effective shares."""
    return growth_decomposition(bet_shares(game, bet), game.outcome_probs, game.decimal_odds)


def growth_curve(game: CoinGame, points: int) -> tuple[np.ndarray, np.ndarray]:
    """G(f) at ``points`` evenly spaced signed fractions: [-1, 1], or [0, 1] on a heads-only coin.

    Parameters
    ----------
    game : CoinGame
        The coin.
    points : int
        How many fractions (at least 2).

    Returns
    -------
    tuple of numpy.ndarray
        The fractions and the growth per round at each (-inf where a loss wipes the bet out).

    Examples
    --------
    >>> fractions, growth = growth_curve(CoinGame(p=0.6), 5)
    >>> fractions.tolist()
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    >>> round(float(growth[2]), 6), float(growth[-1])
    (0.0, -inf)
    """
    low = -1.0 if game.allow_tails else 0.0
    fractions = np.linspace(low, 1.0, points)
    return fractions, np.asarray(bet_growth(game, fractions))


def bookmaker_shares(odds) -> np.ndarray:
    """The split that copies the bookmaker: r_i = 1/o_i (scaled to the bankroll if they add up to
    more), in whole percent rounded down. With fair odds every race pays r_w o_w = 1: no gain, no
    loss, growth 0 = D(p||r) - D(p||r) (Cover & Thomas 2006, §6.1).

    Examples
    --------
    >>> bookmaker_shares([2.0, 4.0, 4.0]).tolist()
    [0.5, 0.25, 0.25]
    >>> bookmaker_shares([1.5, 1.5]).tolist()  # an overround book: scaled to the bankroll
    [0.5, 0.5]
    """
    prices = 1.0 / np.asarray(odds, dtype=float)
    prices = prices / max(prices.sum(), 1.0)
    return np.floor(prices * 100 + 1e-9) / 100


def share_on_heads(game: CoinGame, fraction: float) -> float:
    """The effective share a on heads of a coin bet: (1 + b f)/(1 + b) on heads, (1 - |f|)/(1 + b)
    on tails; at even money a = (1 + f)/2 (Kelly 1956)."""
    return float(bet_decomposition(game, fraction).effective_shares[0])


def ensemble_rate(game: Game, bet) -> float:
    """ln E[multiplier]: the growth rate of the mean bankroll (Peters 2019)."""
    return float(ensemble_growth(bet_shares(game, bet), game.outcome_probs, game.decimal_odds))


def kelly_bet(game: Game):
    """The growth-optimal bet: a signed coin fraction, or race shares (Kelly 1956)."""
    return Kelly().constant_fractions(game)


def best_growth(game: Game) -> float:
    """The largest growth per round any constant bet can reach, at the Kelly shares.

    With a fair book (the coin, or a race with sum 1/o = 1) this is sum p ln o - H(p)
    (Cover & Thomas 2006, theorem 6.1.2).
    """
    shares, _ = kelly_shares(game.outcome_probs, game.decimal_odds)
    return float(portfolio_growth(shares, game.outcome_probs, game.decimal_odds))


def percent_per_round(growth: float) -> float:
    """The typical change of the bankroll per round, e^G - 1, as a percentage."""
    if growth == -math.inf:
        return -100.0
    return 100.0 * math.expm1(growth)
