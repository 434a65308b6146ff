"""Work limits of the command line: a run too big to finish is refused before it starts.

This is the command line's policy, not the engine's: the engine runs whatever it is asked that
fits in memory (and refuses what does not), while ``kelly`` refuses, unless ``--force`` is
given, a run that would take hours, so a typo such as ``--rounds 10000000`` costs nothing:

* :data:`MAX_ROUND_WORK` strategy x path x round steps when rounds are played one by one;
* :data:`MAX_COUNT_WORK` strategy x path values for the exact counts method (frictionless
  rules, constant bets: one binomial draw per path whatever the number of rounds);
* :data:`MAX_SOLVE_WORK` stakes tried by optimal play's dynamic program.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.engine import BLOCK_PATHS
from sim.games import Game
from sim.i18n import gettext as _
from sim.i18n import ngettext
from sim.strategies import Strategy

#: the most strategy x path x round steps a command plays round by round without --force
#: (adaptive strategies run at about 10^7-10^8 steps a second per core, constant bets faster)
MAX_ROUND_WORK = 10**10
#: the most strategy x path terminal values of the exact counts method without --force
#: (about 10^7 a second, summaries included; the engine refuses above ~2.4 x 10^8 for memory)
MAX_COUNT_WORK = 2 * 10**8
#: the most (rounds x stakes x wealth levels) optimal play's dynamic program may try without
#: --force (about 2 x 10^8 a second when it has to try every stake)
MAX_SOLVE_WORK = 10**10


def strategies_text(count: int) -> str:
    """'1 strategy', '3 strategies'."""
    return ngettext("{count} strategy", "{count} strategies", count).format(count=count)


def check_work(
    game: Game,
    strategies: Sequence[Strategy],
    paths: int,
    *,
    record: bool = False,
    force: bool = False,
) -> None:
    """Refuse, before any work, a run above the work limits unless ``force`` is set.

    The engine takes the exact counts method when the rules are frictionless, every strategy
    bets constant fractions and no paths are recorded; its cost grows with strategies x paths
    (not rounds) and is limited to :data:`MAX_COUNT_WORK`. Otherwise every round is played and
    strategies x paths x rounds is limited to :data:`MAX_ROUND_WORK`. Paths count in whole
    blocks of :data:`sim.engine.BLOCK_PATHS`, as the engine simulates them (10 paths cost as
    much as 1024). Raises ValueError naming the request and how to proceed; a strategy that
    does not fit the game raises here too.
    """
    if force:
        return
    n = len(strategies)
    simulated = -(-paths // BLOCK_PATHS) * BLOCK_PATHS
    exact = not record and game.is_frictionless and all(
        s.multipliers(game) is not None for s in strategies
    )
    if exact:
        work, limit = n * simulated, MAX_COUNT_WORK
        what = _("{strategies} x {paths} paths (exact counts)").format(
            strategies=strategies_text(n), paths=paths)
    else:
        work, limit = n * simulated * game.rounds, MAX_ROUND_WORK
        what = _("{strategies} x {paths} paths x {rounds} rounds").format(
            strategies=strategies_text(n), paths=paths, rounds=game.rounds)
    if work > limit:
        raise ValueError(
            _("{what} is {work} steps (paths run in blocks of {block}), above the work limit "
              "of {limit}; use fewer paths, rounds or strategies, or add --force to run it "
              "anyway (it could take hours)").format(what=what, work=f"{work:.3g}",
                                                     block=BLOCK_PATHS, limit=f"{limit:.3g}")
        )
    if any(hasattr(s, "prepare") for s in strategies):  # optimal play solves a table first
        solve_work = optimal_solve_work(game)
        if solve_work > MAX_SOLVE_WORK:
            raise ValueError(
                _("solving optimal play for {rounds} rounds may try {work} stakes (every stake "
                  "at every wealth when the odds are not even or there is a floor or minimum "
                  "bet), above the work limit of {limit}; use fewer rounds or a coarser --tick, "
                  "or add --force to run it anyway").format(
                    rounds=game.rounds, work=f"{solve_work:.3g}", limit=f"{MAX_SOLVE_WORK:.3g}")
            )


def optimal_solve_work(game: Game) -> int:
    """Worst-case stakes tried by :func:`sim.optimal.solve`: rounds x C with the even-money
    convex step, rounds x C^2 (two sides: C^2, one side: C^2/2) when it must enumerate
    every stake (C = cap/tick ticks; see :mod:`sim.optimal`). Raises ValueError for a game
    optimal play cannot solve."""
    from sim.optimal import tick_rules

    rules = tick_rules(game)
    cap = rules.cap_ticks
    if rules.odds == 1.0 and rules.live_from == 1 and rules.min_stake == 1:
        return rules.rounds * cap
    return rules.rounds * cap * cap * len(rules.sides) // 2
