"""``kelly learn``: learning is betting, a model's loss and its bankroll per training step.

A subcommand module of the ``kelly`` command line (NAME, HELP, DESCRIPTION, EXAMPLES,
:func:`add_arguments`, :func:`run`). Bad values raise ValueError naming the value; the command
line turns that into one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from sim.information import quote
from sim.models.datasets import DATASETS
from sim.models.experiment import learning_run
from sim.models.models import MODELS
from sim.output import check_figure_path, check_table_path, print_table, write_figure, write_table

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


def _numbers(name: str, text: str | None, kind=float):
    if text is None:
        return None
    try:
        return [kind(item) for item in str(text).split(",")]
    except ValueError:
        raise ValueError(f"--{name} {quote(text)} is not a list of numbers separated by commas"
                         ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``kelly learn``'s options to ``parser``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> options = parser.parse_args(["--dataset", "iris", "--model", "smoothed"])
    >>> options.dataset, options.model, options.smoothing, options.steps
    ('iris', 'smoothed', 1.0, 100)
    """
    parser.add_argument("--dataset", default="synthetic",
                        help=f"races to learn from: {', '.join(DATASETS)} (default: synthetic)")
    parser.add_argument("--model", default="softmax",
                        help=f"the model: {', '.join(MODELS)} (default: softmax)")
    parser.add_argument("--smoothing", type=float, default=1.0,
                        help="k of the add-k (Dirichlet) prior of smoothed and base, 0 or more")
    parser.add_argument("--steps", type=int, default=100, help="training steps")
    parser.add_argument("--seed", type=int, default=0,
                        help="draws the synthetic races and the train/test split")
    parser.add_argument("--test-fraction", type=float, default=1 / 3,
                        help="share of the races kept for testing")
    parser.add_argument("--bins", type=int, default=4, help="cuts per feature of the table")
    parser.add_argument("--features", metavar="J,J",
                        help="feature columns of the table (default: two informative ones)")
    parser.add_argument("--learning-rate", type=float, default=0.5,
                        help="the softmax's gradient step size")
    parser.add_argument("--l2", type=float, default=0.0, help="the softmax's weight penalty")
    parser.add_argument("--odds", metavar="O,O,...",
                        help="the bookmaker's decimal odds per horse (default: fair m-for-1)")
    parser.add_argument("--out", metavar="FILE",
                        help="write the table (every step): .csv, .json or .parquet")
    parser.add_argument("--plot", metavar="FILE", help="draw the figure: .png or .svg")
    parser.add_argument("-q", "--quiet", action="store_true", help="no 'wrote FILE' notes")


def _note(args, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(f"kelly: {message}", file=sys.stderr)


def compute(args):
    """The :class:`sim.models.experiment.LearningRun` that ``args`` ask for."""
    return learning_run(
        args.dataset, args.model, smoothing=args.smoothing, steps=args.steps, seed=args.seed,
        test_fraction=args.test_fraction, bins=args.bins,
        features=_numbers("features", args.features, int), learning_rate=args.learning_rate,
        l2=args.l2, odds=_numbers("odds", args.odds),
    )


def _printed(curve):
    """At most :data:`PRINTED_ROWS` evenly spaced steps, the last one included."""
    if len(curve) <= PRINTED_ROWS:
        return curve[PRINTED_COLUMNS]
    index = sorted({round(i * (len(curve) - 1) / (PRINTED_ROWS - 1)) for i in range(PRINTED_ROWS)})
    return curve.iloc[index][PRINTED_COLUMNS]


def run(ctx, args) -> int:
    """Run ``kelly learn``: check the output paths, train and bet, write or print, draw.

    ``ctx`` is the command line's run context (unused here: output goes through
    :mod:`sim.output`, and 'wrote FILE' notes to stderr unless ``--quiet``).
    """
    if args.out:
        check_table_path(args.out)
    if args.plot:
        check_figure_path(args.plot)
    result = compute(args)
    title = (f"{args.model} on {args.dataset}: {result.train.size} training and "
             f"{result.test.size} test races (nats per race)")
    if args.out:
        write_table(result.curve, args.out)
        _note(args, f"wrote {args.out}")
    else:
        print_table(_printed(result.curve), title=title)
    if args.plot:
        from sim.models.plots import learn_figure

        write_figure(learn_figure(result.curve, result.paths, title), args.plot)
        _note(args, f"wrote {args.plot}")
    return 0
