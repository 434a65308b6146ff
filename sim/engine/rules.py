"""The money rules of one round, for any number of paths (the engine and the game share them).

Frictionless rules reduce a round to a wealth multiplier (:func:`coin_settle_multiplier`,
:func:`race_settle_multiplier`); a cap, floor, minimum bet or tick is applied in money by
:func:`settle`, which :func:`settle_with_friction` wraps for the engine's log-wealth state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.games import CoinGame, Game, RaceGame

#: a bankroll of more than 2^53 ticks (minimum bets, floors) cannot be changed by their rounding
EXACT_MONEY = 2.0**53
#: the most money :func:`settle` holds: a win past the largest float saturates here instead of
#: overflowing to inf (inf - inf is NaN the first time an all-in bettor then loses)
LARGEST_MONEY = float(np.finfo(float).max)


def coin_settle_multiplier(game: CoinGame, fractions: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """Wealth multiplier of signed coin fractions given the flips (frictionless rules).

    Parameters
    ----------
    game : CoinGame
        The coin; only its odds are used.
    fractions : numpy.ndarray
        Signed fractions per path: f > 0 on heads, f < 0 on tails.
    heads : numpy.ndarray
        True where the coin came up heads.

    Returns
    -------
    numpy.ndarray
        W_{t+1} / W_t per path.

    Examples
    --------
    >>> import numpy as np
    >>> from sim.games import CoinGame
    >>> coin_settle_multiplier(CoinGame(p=0.6), np.array([0.2, 0.2, -0.5]),
    ...                        np.array([True, False, False])).tolist()
    [1.2, 0.8, 1.5]
    """
    on_heads = np.maximum(fractions, 0.0)
    on_tails = np.maximum(-fractions, 0.0)
    win_heads = 1.0 + game.odds * on_heads - on_tails
    win_tails = 1.0 - on_heads + on_tails / game.odds
    return np.where(heads, win_heads, win_tails)


def race_settle_multiplier(game: RaceGame, shares: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Wealth multiplier b_0 + b_X o_X of race shares given the winners (frictionless rules).

    Parameters
    ----------
    game : RaceGame
        The race; its decimal odds o_i are used.
    shares : numpy.ndarray
        (paths, K) shares b_i >= 0 of the bankroll on each outcome; the rest b_0 is cash.
    outcome : numpy.ndarray
        The winning outcome per path.

    Returns
    -------
    numpy.ndarray
        W_{t+1} / W_t per path.

    Examples
    --------
    >>> import numpy as np
    >>> from sim.games import RaceGame
    >>> race = RaceGame(probs=(0.5, 0.5), odds=(2.0, 2.0))
    >>> race_settle_multiplier(race, np.array([[0.5, 0.25]]), np.array([0])).tolist()
    [1.25]
    """
    winning = np.take_along_axis(shares, outcome[:, None].astype(np.intp), axis=1)[:, 0]
    return 1.0 - shares.sum(axis=1) + winning * game.decimal_odds[outcome]


def round_to_tick(amount: np.ndarray, tick: float, mode: str) -> np.ndarray:
    """``amount`` in whole ticks: ``mode`` "down" floors (with 1e-9 slack), else to the nearest."""
    if tick <= 0:
        return amount
    with np.errstate(over="ignore"):  # past max / tick no tick can be told apart anyway
        scaled = amount / tick
    whole = np.floor(scaled + 1e-9) if mode == "down" else np.round(scaled)
    return np.where(np.isfinite(scaled), whole * tick, amount)


def smallest_bet(game: Game) -> float:
    """The least stake the rules accept; a bankroll below it can no longer bet.

    Parameters
    ----------
    game : CoinGame or RaceGame
        The rules (``min_bet`` and ``tick``).

    Returns
    -------
    float
        ``max(game.min_bet, game.tick)``.

    Examples
    --------
    >>> from sim.games import HAGHANI_DEWEY
    >>> smallest_bet(HAGHANI_DEWEY)
    0.01
    """
    return max(game.min_bet, game.tick)


@dataclass(frozen=True)
class Settlement:
    """What one round did to each path."""

    wealth: np.ndarray  # bankroll after the round
    stake: np.ndarray  # money staked (absolute, summed over outcomes)
    capped: np.ndarray  # reached the cap this round
    ruined: np.ndarray  # fell to the floor / 0, or below the smallest accepted stake


def _coin_round(game: CoinGame, wealth, fractions, outcome, active):
    """New wealth (before tick, floor and cap) and money staked of a coin round."""
    stake = np.clip(np.asarray(fractions, dtype=float) * wealth, -wealth, wealth)
    if not game.allow_tails:
        stake = np.maximum(stake, 0.0)
    size = np.abs(stake)
    if game.tick > 0:
        size = np.minimum(
            round_to_tick(size, game.tick, "nearest"),
            round_to_tick(wealth, game.tick, "down"),
        )
    if game.min_bet > 0:
        size = np.where((size > 0) & (size < game.min_bet) & (wealth >= game.min_bet),
                        game.min_bet, size)
        size = np.where(size < game.min_bet, 0.0, size)
    size = np.where(active, size, 0.0)
    on_heads = np.where(stake > 0, size, 0.0)
    on_tails = np.where(stake < 0, size, 0.0)
    new_wealth = np.where(
        outcome == 0,
        wealth + game.odds * on_heads - on_tails,
        wealth - on_heads + on_tails / game.odds,
    )
    return new_wealth, size


def _race_round(game: RaceGame, wealth, fractions, outcome, active):
    """New wealth (before tick, floor and cap) and money staked of a race round."""
    stakes = np.asarray(fractions, dtype=float) * wealth[:, None]
    stakes = round_to_tick(np.maximum(stakes, 0.0), game.tick, "down")
    if game.min_bet > 0:
        stakes = np.where((stakes > 0) & (stakes < game.min_bet), game.min_bet, stakes)
    total = stakes.sum(axis=1)
    over = total > wealth
    if np.any(over):  # never stake more than the bankroll
        scale = np.where(over, wealth / np.where(total > 0, total, 1.0), 1.0)
        stakes = round_to_tick(stakes * scale[:, None], game.tick, "down")
    stakes = np.where(active[:, None], stakes, 0.0)
    winning = np.take_along_axis(stakes, outcome[:, None].astype(np.intp), axis=1)[:, 0]
    new_wealth = wealth - stakes.sum(axis=1) + winning * game.decimal_odds[outcome]
    return new_wealth, stakes.sum(axis=1)


def settle(
    game: Game,
    wealth: np.ndarray,
    fractions: np.ndarray,
    outcome: np.ndarray,
    active: np.ndarray | None = None,
) -> Settlement:
    """Apply one round of ``game``'s rules in money.

    Stakes never exceed the bankroll; with a tick they are rounded to whole ticks (to the
    nearest for a coin bet, down for race bets so their sum fits) and payouts are rounded down
    to a tick; a positive stake below ``min_bet`` is raised to it; a win past the cap pays only
    up to the cap. Wealth saturates at the largest float (:data:`LARGEST_MONEY`): it never
    becomes inf or NaN and no overflow warning is raised (the engine itself keeps ln W, which
    does not overflow).

    Parameters
    ----------
    game : CoinGame or RaceGame
        The rules.
    wealth : numpy.ndarray
        (paths,) bankroll before the round.
    fractions : numpy.ndarray
        The policy's signed coin fractions (paths,) or race shares (paths, K).
    outcome : numpy.ndarray
        The winning outcome index per path (0 = heads).
    active : numpy.ndarray, optional
        Paths still in play (default all); the others are left as they are.

    Returns
    -------
    Settlement
        Wealth after the round, money staked, and which paths were capped or ruined.

    Examples
    --------
    >>> import numpy as np
    >>> from sim.games import HAGHANI_DEWEY
    >>> done = settle(HAGHANI_DEWEY, np.array([25.0, 240.0]), np.array([0.123, 0.5]),
    ...               np.array([0, 0]))
    >>> done.wealth.round(2).tolist(), done.stake.tolist(), done.capped.tolist()
    ([28.08, 250.0], [3.08, 120.0], [False, True])
    """
    wealth = np.minimum(np.asarray(wealth, dtype=float), LARGEST_MONEY)
    active = np.ones(wealth.shape, dtype=bool) if active is None else active
    play = _coin_round if isinstance(game, CoinGame) else _race_round
    with np.errstate(over="ignore"):  # a payout past the largest float: saturated below
        new_wealth, staked = play(game, wealth, fractions, outcome, active)
    if game.tick > 0:
        new_wealth = round_to_tick(new_wealth, game.tick, "down")
    new_wealth = np.where(active, np.clip(new_wealth, 0.0, LARGEST_MONEY), wealth)
    capped = np.zeros(wealth.shape, dtype=bool)
    if game.cap is not None:
        capped = active & (new_wealth >= game.cap)
        new_wealth = np.where(capped, game.cap, new_wealth)
    minimum = smallest_bet(game)
    ruined = active & ~capped & (
        (new_wealth <= game.floor) | (new_wealth <= 0) | ((minimum > 0) & (new_wealth < minimum))
    )
    return Settlement(new_wealth, staked, capped, ruined)


def _settle_in_log_space(game: Game, log_wealth, wealth, fractions, outcome):
    """A round for paths too rich for ticks, minimum bets and floors to change their stakes."""
    if isinstance(game, CoinGame):
        bet = np.clip(fractions, 0.0 if not game.allow_tails else -1.0, 1.0)
        multiplier = coin_settle_multiplier(game, bet, outcome == 0)
        share = np.abs(bet)
    else:
        bet = np.maximum(fractions, 0.0)
        total = bet.sum(axis=1)
        bet = bet / np.maximum(total, 1.0)[:, None]  # never more than the bankroll
        multiplier = race_settle_multiplier(game, bet, outcome)
        share = bet.sum(axis=1)
    with np.errstate(divide="ignore", over="ignore"):
        log_wealth = log_wealth + np.log(multiplier)
        staked = share * np.minimum(wealth, LARGEST_MONEY)  # not 0 * inf = NaN past 1.8e308
        lowest = math.log(max(game.floor, smallest_bet(game)))
    ruined = (log_wealth <= lowest) | (log_wealth == -np.inf)
    return log_wealth, multiplier > 1.0, staked, ruined


def settle_with_friction(
    game: Game,
    log_wealth: np.ndarray,
    wealth: np.ndarray,
    fractions: np.ndarray,
    outcome: np.ndarray,
    active: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """One round under a cap, floor, minimum bet or tick: new ln W, won, staked, capped, ruined.

    In money by :func:`settle`, except (without a cap) for paths holding more than 2^53 ticks,
    minimum bets and floors: those rules can no longer change their stakes by a representable
    amount, so they are settled in log space and wealth past 1.8e308 stays finite.
    """
    rich = np.zeros(active.shape, dtype=bool)
    if game.cap is None:
        rich = active & (wealth > EXACT_MONEY * max(game.tick, game.min_bet, game.floor))
    if not rich.any():
        settlement = settle(game, wealth, fractions, outcome, active)
        with np.errstate(divide="ignore"):
            log_wealth = np.where(active, np.log(settlement.wealth), log_wealth)
        won = settlement.wealth > wealth
        return log_wealth, won, settlement.stake, settlement.capped, settlement.ruined
    log_wealth = log_wealth.copy()
    won = np.zeros(active.shape, dtype=bool)
    staked = np.zeros(active.shape)
    capped = np.zeros(active.shape, dtype=bool)
    ruined = np.zeros(active.shape, dtype=bool)
    money = np.flatnonzero(active & ~rich)
    if money.size:
        settlement = settle(game, wealth[money], fractions[money], outcome[money])
        with np.errstate(divide="ignore"):
            log_wealth[money] = np.log(settlement.wealth)
        won[money] = settlement.wealth > wealth[money]
        staked[money] = settlement.stake
        capped[money] = settlement.capped
        ruined[money] = settlement.ruined
    rich = np.flatnonzero(rich)
    log_wealth[rich], won[rich], staked[rich], ruined[rich] = _settle_in_log_space(
        game, log_wealth[rich], wealth[rich], fractions[rich], outcome[rich]
    )
    return log_wealth, won, staked, capped, ruined
