"""``kelly learn``: learning is betting, a model's loss and its bankroll per training step.

The computation is :mod:`sim.models` (data sets, models, the bettor and the per-step identity
growth = sum p ln o - cross-entropy); this module parses the options and emits the table and the
figure.
"""

from __future__ import annotations

import argparse

from sim.cli.context import RunContext, check_outputs
from sim.cli.limits import MAX_LEARN_WORK, check_learning
from sim.cli.options import add_common, add_outputs, finite, number_list, positive_int, seed_int
from sim.models.datasets import DATASETS, load_races
from sim.models.experiment import learning_run
from sim.models.models import MODELS

NAME = "learn"
HELP = "learning is betting: train and test loss beside the bankroll, per training step"
DESCRIPTION = (
    "Train a model that outputs probabilities q(x | features) on the training races and bet "
    "with it: stake q of the bankroll on each horse at fair m-for-1 odds (or --odds). Per step "
    "the table gives, on the training and the test races, the cross-entropy (log loss), the "
    "growth per race (= log_odds - cross_entropy, checked every step), ln of the bankroll, "
    "Brier score, accuracy and absolute error, and for synthetic races H(p) and D(p||q). "
    "Models: base (the base rate), table (frequencies per cell of --bins cuts of two "
    "features: the MLE, which overfits and goes bust on new races), smoothed (the same with "
    "add-k smoothing, a Dirichlet prior), softmax (regression by gradient steps on "
    "cross-entropy), hard (all on the softmax's favourite: what accuracy rewards; bust on its "
    "first miss). iris and wine need scikit-learn. Only the log score is the growth rate "
    "(Kelly 1956; Gneiting & Raftery 2007)."
)
EXAMPLES = (
    "  kelly learn --dataset synthetic --model softmax --steps 200 --plot learn.png\n"
    "  kelly learn --dataset iris --model table --bins 4 --steps 10\n"
    "  kelly learn --dataset iris --model smoothed --smoothing 0.5 --steps 10 --out learn.csv\n"
    "  kelly learn --dataset wine --model hard --steps 100\n"
)
#: rows printed on the terminal at most (the file gets every step)
PRINTED_ROWS = 12
PRINTED_COLUMNS = ["step", "train_races", "train_cross_entropy", "test_cross_entropy",
                   "train_growth", "test_growth", "test_log_wealth", "test_brier",
                   "test_accuracy", "test_bust"]


def _feature_list(text: str) -> list[int]:
    """Feature columns ``J,J`` (whole numbers from 0)."""
    values = number_list(text)
    if any(value != int(value) or value < 0 for value in values):
        raise argparse.ArgumentTypeError(f"{text!r}: feature columns are whole numbers from 0")
    return [int(value) for value in values]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=DATASETS, default="synthetic",
                        help="races to learn from")
    parser.add_argument("--model", choices=MODELS, default="softmax", help="the model")
    parser.add_argument("--smoothing", type=finite, default=1.0,
                        help="k of the add-k (Dirichlet) prior of smoothed and base, 0 or more")
    parser.add_argument("--steps", type=positive_int, default=100, help="training steps")
    parser.add_argument("--seed", type=seed_int, default=0,
                        help="draws the synthetic races and the train/test split")
    parser.add_argument("--test-fraction", type=finite, default=1 / 3,
                        help="share of the races kept for testing")
    parser.add_argument("--bins", type=positive_int, default=4,
                        help="cuts per feature of the table")
    parser.add_argument("--features", type=_feature_list, metavar="J,J",
                        help="feature columns of the table (default: two informative ones)")
    parser.add_argument("--learning-rate", type=finite, default=0.5,
                        help="the softmax's gradient step size")
    parser.add_argument("--l2", type=finite, default=0.0, help="the softmax's weight penalty")
    parser.add_argument("--odds", type=number_list, metavar="O,O,...",
                        help="the bookmaker's decimal odds per horse (default: fair m-for-1)")
    add_outputs(parser, "table (every step)", "loss curves beside the bankroll curves")
    parser.add_argument("--force", action="store_true",
                        help=f"run even above the work limit of {MAX_LEARN_WORK:.0e} steps x "
                             "races, which otherwise refuses a run before it starts")
    add_common(parser, seed=False)


def compute(args: argparse.Namespace):
    """The :class:`sim.models.experiment.LearningRun` that ``args`` ask for."""
    check_learning(args.steps, load_races(args.dataset, args.seed).size, force=args.force)
    return learning_run(
        args.dataset, args.model, smoothing=args.smoothing, steps=args.steps, seed=args.seed,
        test_fraction=args.test_fraction, bins=args.bins, features=args.features,
        learning_rate=args.learning_rate, l2=args.l2, odds=args.odds,
    )


def _printed(curve):
    """At most :data:`PRINTED_ROWS` evenly spaced steps, the last one included."""
    if len(curve) <= PRINTED_ROWS:
        return curve[PRINTED_COLUMNS]
    index = sorted({round(i * (len(curve) - 1) / (PRINTED_ROWS - 1)) for i in range(PRINTED_ROWS)})
    return curve.iloc[index][PRINTED_COLUMNS]


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    check_outputs(args)
    result = compute(args)
    title = (f"{args.model} on {args.dataset}: {result.train.size} training and "
             f"{result.test.size} test races (nats per race)")
    if args.out:
        ctx.emit_table(result.curve, args.out, title)
    else:
        ctx.emit_table(_printed(result.curve), None, title)
    if args.plot:
        from sim.models.plots import learn_figure

        ctx.emit_figure(learn_figure(result.curve, result.paths, title), args.plot)
    return 0
