"""``kelly paths``: bankroll paths of several strategies, summary table and fan chart."""

from __future__ import annotations

import argparse

from sim import analysis
from sim.analysis import DEFAULT_PATH_STRATEGIES, paths
from sim.cli.context import RunContext, check_outputs
from sim.cli.limits import MAX_ROUND_WORK, check_work, strategies_text
from sim.cli.options import (
    STRATEGY_HELP,
    OnceAction,
    add_coin,
    add_common,
    add_force,
    add_outputs,
    finite,
    optional_amount,
    positive_int,
    seed_int,
    strategy_spec,
)
from sim.config import CollectAction
from sim.engine import simulate
from sim.games import CoinGame
from sim.i18n import gettext as _
from sim.stats import summarize, wealth_paths_long
from sim.strategies import parse_strategy

NAME = "paths"
HELP = "bankroll paths of several strategies: summary and fan chart"
DESCRIPTION = (
    "Run several strategies on the same flips. The table has one row per strategy (growth "
    "with 95% CI and theory, mean/median wealth and quantiles, P(ruin), P(cap), drawdown, "
    "rounds to the cap). --paths-out writes wealth paths in long form (path, round, strategy, "
    "wealth), the first --paths-out-max paths only. The fan chart shows the median, the "
    "25-75% and 5-95% bands on a log scale and a few sample paths; its bands count every "
    "path round by round in bounded memory (per-round histograms), except for a strategy "
    "without a compiled form, whose bands come from the first paths (a few hundred)."
    f"\n\nstrategies: {STRATEGY_HELP}"
)
EXAMPLES = (
    "  kelly paths --plot paths.png\n"
    "  kelly paths --strategy kelly --strategy fixed:0.5 --strategy allin \\\n"
    "      --start 25 --cap 250 --tick 0.01 --rounds 300 --out summary.csv\n"
    "  kelly paths --strategy bayes --paths 200 --paths-out paths.parquet\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_coin(parser, rounds=300, paths=1000)
    parser.add_argument("--strategy", action=CollectAction, type=strategy_spec, metavar="SPEC",
                        help="a strategy (repeat for several); default: "
                             + " ".join(DEFAULT_PATH_STRATEGIES))
    parser.add_argument("--cap", type=optional_amount, default=None,
                        help="winnings capped here; the path stops ('none': no cap)")
    parser.add_argument("--floor", type=finite, default=0.0,
                        help="betting stops (ruin) once the bankroll falls to this")
    parser.add_argument("--min-bet", type=finite, default=0.0, help="smallest stake accepted")
    parser.add_argument("--tick", type=finite, default=0.0,
                        help="stakes rounded to multiples of this (0.01 = cents; 0 = none)")
    parser.add_argument("--heads-only", dest="allow_tails", action="store_false",
                        help="bets on tails are not allowed")
    parser.add_argument("--paths-out", metavar="FILE", action=OnceAction,
                        help="write wealth paths in long form (.csv, .json, .parquet)")
    parser.add_argument("--paths-out-max", type=positive_int, default=200, metavar="N",
                        help="how many paths --paths-out writes (the first N)")
    parser.add_argument("--samples", type=seed_int, default=5, metavar="N",
                        help="sample paths drawn in each panel of the fan chart")
    add_outputs(parser, "summary table", "fan chart")
    add_force(parser)
    add_common(parser)


#: recorded paths behind the fan chart's sample lines and its bands' bin edges
FAN_SAMPLE_PATHS = 256
FAN_SAMPLE_BYTES = 64 * 1024**2


def _sample_size(game: CoinGame, strategies, args: argparse.Namespace) -> int:
    """Paths to record: the fan chart's sample and the first --paths-out-max, memory bounded."""
    wanted = max(args.paths_out_max if args.paths_out else 0,
                 FAN_SAMPLE_PATHS if args.plot else 0)
    if not wanted:
        return 0
    budget = analysis.recordable_paths(game, strategies)
    if not args.paths_out:
        budget = min(budget, analysis.recordable_paths(game, strategies, FAN_SAMPLE_BYTES))
    return min(args.paths, wanted, budget)


def _check_band_work(game: CoinGame, strategies, paths_count: int, force: bool) -> None:
    from sim.bands import band_work  # the compiled kernels load only for a fan chart

    work = band_work(game, strategies, paths_count)
    if not force and work > MAX_ROUND_WORK:
        raise ValueError(  # not yet in the catalogues (tools/catalog.py extract)
            f"the fan chart's bands are {work:.3g} path-rounds, above the work limit of "
            f"{MAX_ROUND_WORK:.3g}; use fewer paths or rounds, or add --force")


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    game = CoinGame(p=args.p, odds=args.odds, start=args.start, cap=args.cap, floor=args.floor,
                    min_bet=args.min_bet, tick=args.tick, rounds=args.rounds,
                    allow_tails=args.allow_tails)
    strategies = [parse_strategy(spec) for spec in args.strategy or DEFAULT_PATH_STRATEGIES]
    check_outputs(args, tables=("out", "paths_out"))
    sample = _sample_size(game, strategies, args)
    check_work(game, strategies, args.paths, force=args.force)
    if sample:
        check_work(game, strategies, sample, record=True, force=args.force)
    if args.plot:
        _check_band_work(game, strategies, args.paths, args.force)
    description = _("paths of {strategies}").format(strategies=strategies_text(len(strategies)))
    with ctx.simulation(description, args.paths) as simulation:
        options = simulation.options()
        result, _unused = paths(game, strategies, args.paths, args.seed, record=False, **options)
    recorded = None
    if sample:  # the first paths, recorded: the same paths as the first of the full run
        recorded = simulate(game, strategies, sample, args.seed, method="paths",
                            record_paths=True)
    title = _("Strategies over {rounds} bets, {paths} paths (growth in nats per bet)").format(
        rounds=args.rounds, paths=args.paths)
    ctx.emit_table(summarize(result), args.out, title)
    if args.paths_out:
        ctx.emit_table(wealth_paths_long(recorded, max_paths=args.paths_out_max),
                       args.paths_out, "")
    if args.plot:
        from sim.bands import fan_quantiles
        from sim.plots import fan_figure

        bands = fan_quantiles(game, strategies, args.paths, args.seed, recorded.trajectories,
                              executor=options["executor"])
        figure = fan_figure(recorded, samples=args.samples, total_paths=args.paths,
                            bands=bands, full=result)
        ctx.emit_figure(figure, args.plot)
    return 0
