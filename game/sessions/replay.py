"""Saved play-throughs back as sessions: :meth:`BetSession.to_json` records, replayed.

A record holds the kind, the game's rules, the seed, the draws and the player's bets (and the
bots when they are not the defaults); replaying the bets on the same seed and draws rebuilds the
whole play-through (common random numbers: the outcomes do not depend on the bets).
"""

from __future__ import annotations

from dataclasses import fields

from game.sessions.session import DRAWS, LEGACY_DRAWS, BetSession, Bot, CoinSession, RaceSession
from sim.engine import check_seed
from sim.games import CoinGame, RaceGame
from sim.optimal_solver import solve_work, tick_rules
from sim.strategies import parse_strategy

SESSIONS = {"coin": (CoinSession, CoinGame), "race": (RaceSession, RaceGame)}
_FIELDS = ("kind", "game", "seed", "bets")


def _bots_from_json(data: object) -> tuple[Bot, ...] | None:
    """Bots saved as [[name, spec], ...]; None (the default bots) when absent."""
    if data is None:
        return None
    if not isinstance(data, list) or not all(
        isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)
        for item in data
    ):
        raise ValueError(f"bots = {str(data)[:80]!r} must be a list of [name, strategy] pairs")
    return tuple(Bot(name, parse_strategy(spec)) for name, spec in data)


#: the most stakes optimal play may try while a saved session loads (about a second); the
#: screen that started the game solved it with a progress indicator, a load must not stall
MAX_LOAD_SOLVE_WORK = 2 * 10**8


def _check_load_work(game, bots: tuple[Bot, ...] | None) -> None:
    """Refuse, before any solve, a saved session whose optimal bots would take long to load."""
    if not bots or not any(hasattr(bot.strategy, "prepare") for bot in bots):
        return
    work = solve_work(tick_rules(game))
    if work > MAX_LOAD_SOLVE_WORK:
        raise ValueError(
            f"optimal play at these rules may try {work:.3g} stakes, above the "
            f"{MAX_LOAD_SOLVE_WORK:.0e} a saved session may solve while it loads"
        )


def session_from_json(data: object) -> BetSession:
    """Rebuild a play-through saved by :meth:`BetSession.to_json` by replaying its bets.

    A record without ``draws`` was saved before the game used the engine's draws and replays
    on :data:`LEGACY_DRAWS`, so its flips stay the ones it was played with.

    Raises ValueError naming the problem when the data is not such a record (unknown kind,
    game rules the engine rejects, a bet out of range, more bets than rounds).
    """
    if not isinstance(data, dict) or not (
        {"kind", "game", "seed", "bets"} <= set(data) <= {*_FIELDS, "bots", "draws"}
    ):
        raise ValueError(f"session = {str(data)[:80]!r} does not have the fields kind, game, "
                         "seed, bets (and bots, draws)")
    draws = data.get("draws", LEGACY_DRAWS)
    if draws not in DRAWS:
        raise ValueError(f"draws = {str(draws)[:80]!r} must be one of {', '.join(DRAWS)}")
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
    bots = _bots_from_json(data.get("bots"))
    _check_load_work(game, bots)
    session = session_class(game, seed, bots, draws=draws)
    for bet in bets:
        session.bet = bet
        session.play()  # raises ValueError if the game ended before the bets ran out
    return session
