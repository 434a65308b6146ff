"""Work limits of the command line: a run too big to finish is refused before it starts.

This is the command line's policy, not the engine's: the engine runs whatever it is asked that
fits in memory (and refuses what does not), while ``kelly`` refuses, unless ``--force`` is
given, a run that would take hours, so a typo such as ``--rounds 10000000`` costs nothing:

* :data:`MAX_ROUND_WORK` strategy x path x round steps when rounds are played one by one;
* :data:`MAX_COUNT_WORK` strategy x path values for the exact counts method (frictionless
  rules, constant bets: one binomial draw per path whatever the number of rounds);
* :data:`MAX_SOLVE_WORK` stakes tried by optimal play's dynamic program;
* :data:`MAX_DRAW_WORK` rows x paths x rounds of ``kelly wire``, :data:`MAX_LEARN_WORK`
  steps x races of ``kelly learn``.
* :data:`MAX_STRATEGIES` strategies (fractions of a sweep) in one table: each costs a fixed
  setup, a table row and a figure entry whatever the paths, so 30,000 of them run for minutes
  even on a handful of paths.
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
#: the most strategies (or sweep fractions) one command compares without --force
MAX_STRATEGIES = 10_001


def amount(count: int) -> str:
    """A count for a message: '1,024', or '1.000e+200' when it is too long to read whole."""
    if count < 10**15:
        return f"{count:,}"
    return f"{count:.3e}" if count < 10**300 else f"a {len(str(count))}-digit number"


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
    if n > MAX_STRATEGIES:
        raise ValueError(
            f"{amount(n)} strategies are above the limit of {MAX_STRATEGIES:,} in one run "
            "(each adds a setup, a table row and a figure entry); compare fewer, or add "
            "--force to run it anyway"
        )
    simulated = -(-paths // BLOCK_PATHS) * BLOCK_PATHS
    exact = not record and game.is_frictionless and all(
        s.multipliers(game) is not None for s in strategies
    )
    if exact:
        work, limit = n * simulated, MAX_COUNT_WORK
        what = _("{strategies} x {paths} paths (exact counts)").format(
            strategies=strategies_text(n), paths=amount(paths))
    else:
        work, limit = n * simulated * game.rounds, MAX_ROUND_WORK
        what = _("{strategies} x {paths} paths x {rounds} rounds").format(
            strategies=strategies_text(n), paths=amount(paths), rounds=game.rounds)
    if work > limit:
        raise ValueError(
            _("{what} is {work} steps (paths run in blocks of {block}), above the work limit "
              "of {limit}; use fewer paths, rounds or strategies, or add --force to run it "
              "anyway (it could take hours)").format(what=what, work=amount(work),
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
    """Worst-case stakes tried by :func:`sim.optimal.solve` (:func:`sim.optimal_solver.
    solve_work`). Raises ValueError for a game optimal play cannot solve."""
    from sim.optimal_solver import solve_work, tick_rules

    return solve_work(tick_rules(game))


#: the most rows x path x round draws of ``kelly wire`` without --force (about 2.5 x 10^7 a
#: second: a minute or so)
MAX_DRAW_WORK = 10**9
#: the most training steps x races of ``kelly learn`` without --force (each step refits or
#: takes a gradient step on the training races and scores both sets: about 10^5-10^6 a second)
MAX_LEARN_WORK = 2 * 10**7


def check_draws(rows: int, paths: int, rounds: int, *, force: bool = False) -> None:
    """Refuse a ``kelly wire`` run of more than :data:`MAX_DRAW_WORK` draws unless ``force``.

    Examples
    --------
    >>> check_draws(5, 10_000, 100)
    >>> check_draws(10, 10**6, 1000)
    Traceback (most recent call last):
    ...
    ValueError: 10 rows x 1000000 paths x 1000 rounds is 1e+10 draws, above the work limit ...
    """
    work = rows * paths * rounds
    if not force and work > MAX_DRAW_WORK:
        raise ValueError(
            f"{rows} row{'s' * (rows != 1)} x {paths} paths x {rounds} rounds is {work:.3g} "
            f"draws, above the work limit of {MAX_DRAW_WORK:.3g}; use fewer paths, rounds or "
            "accuracies, or add --force to run it anyway"
        )


def check_learning(steps: int, races: int, *, force: bool = False) -> None:
    """Refuse a ``kelly learn`` run above :data:`MAX_LEARN_WORK` step x races unless ``force``.

    Examples
    --------
    >>> check_learning(100, 300)
    >>> check_learning(100_000, 300)
    Traceback (most recent call last):
    ...
    ValueError: 100000 steps x 300 races is 3e+07 race-steps, above the work limit of 2e+07; ...
    """
    work = steps * races
    if not force and work > MAX_LEARN_WORK:
        raise ValueError(
            f"{steps} steps x {races} races is {work:.3g} race-steps, above the work limit of "
            f"{MAX_LEARN_WORK:.3g}; use fewer steps, or add --force to run it anyway"
        )
