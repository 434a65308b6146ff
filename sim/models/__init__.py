"""Learning is betting: models that output probabilities, staked on races as bets.

A model q(x | features) trained on data is a gambler who bets q. At fair m-for-1 odds its growth
per race is ln m minus its cross-entropy on those races, so its training loss is what it would
lose betting on the training races and its test loss what it loses on new ones; overfitting is
overbetting, smoothing is betting less than everything, and only the log score turns into money
(Kelly 1956; Cover & Thomas 2006, ch. 6; Gneiting & Raftery 2007).

* :mod:`sim.models.datasets` — races with features: synthetic (known chances), iris, wine
* :mod:`sim.models.models` — base rate, frequency table (MLE / add-k), softmax regression, mode
* :mod:`sim.models.betting` — the bettor, the scores, the per-step identity, learning curves
* :mod:`sim.models.experiment` — one run from names (what ``kelly learn`` calls)
* :mod:`sim.models.plots` — the figure; :mod:`sim.models.cli` — the ``kelly learn`` subcommand

(:mod:`sim.learning` is a different lesson: the Unknown coin's Bayesian bettor.)
"""

from sim.models.betting import (
    bet_races,
    brier_score,
    check_identity,
    learning_curve,
    log_loss,
    score_races,
)
from sim.models.datasets import DATASETS, Races, load_races, split_races, synthetic_races
from sim.models.experiment import LearningRun, learning_run
from sim.models.models import (
    MODELS,
    BaseRate,
    FrequencyTable,
    ModeBettor,
    SoftmaxRegression,
    make_model,
)

__all__ = [
    "DATASETS", "MODELS", "BaseRate", "FrequencyTable", "LearningRun", "ModeBettor", "Races",
    "SoftmaxRegression", "bet_races", "brier_score", "check_identity", "learning_curve",
    "learning_run", "load_races", "log_loss", "make_model", "score_races", "split_races",
    "synthetic_races",
]
