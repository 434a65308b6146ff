"""The Race screen's fields: horse names, the preset chances and odds per field size, and a
field read from what the player typed, and the help overlay's text (pygame-free)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from game.scene import parse_number
from sim.games import RaceGame
from sim.i18n import N_
from sim.i18n import gettext as _

NAMES = ("Ada", "Blaze", "Comet", "Dash", "Echo", "Flint")
#: chances and decimal odds per field size; the odds form a fair book (sum 1/o = 1) whose prices
#: disagree with the chances, so the best growth is D(p||1/o) > 0 (Cover & Thomas 2006, §6.1)
PRESETS = {
    3: ((0.5, 0.3, 0.2), (2.5, 2.5, 5.0)),
    4: ((0.4, 0.3, 0.2, 0.1), (3.0, 3.0, 6.0, 6.0)),
    5: ((0.35, 0.25, 0.2, 0.12, 0.08), (4.0, 4.0, 4.0, 8.0, 8.0)),
    6: ((0.3, 0.25, 0.15, 0.12, 0.1, 0.08), (4.0, 4.0, 6.0, 6.0, 12.0, 12.0)),
}
ROUNDS = 50
#: the Race screen's help overlay: (key, what it does) and (panel, what it means)
HELP_KEYS = ((N_("Space"), N_("run a race")), ("A", N_("auto-race on / off")),
             ("↑ ↓", N_("pick a horse")), ("← →", N_("its share −/+1% (Shift: 5%)")),
             ("+ / −", N_("add or remove a horse (3 to 6)")),
             ("K / B / C", N_("bet the chances / the bookmaker's prices / all cash")),
             ("N", N_("new game (press twice during a game)")), ("F", N_("finish: the results")))
HELP_PANELS = ((N_("Your split"), N_("the share of your bankroll on each horse (bars) against its "
                "chance (outlines); what you do not bet stays as cash.")),
               (N_("Bankroll"), N_("you and four robots on the same races, log scale.")),
               (N_("Why"), N_("growth = Σ p ln o − H(p) − D(p‖b): match b to p and D vanishes.")))


def race_game(probs, odds) -> RaceGame:
    k = len(probs)
    return RaceGame(probs=tuple(probs), odds=tuple(odds), names=NAMES[:k], start=100.0,
                    rounds=ROUNDS)


def read_field(p_texts: Sequence[str], odds_texts: Sequence[str]) -> RaceGame:
    """The race typed into the boxes: one chance and one decimal odds per horse; ValueError
    naming the bad value (chances must add up to 1, odds must be above 1)."""
    probs = [parse_number(_("p of {horse}").format(horse=NAMES[i]), value)
             for i, value in enumerate(p_texts)]
    odds = [parse_number(_("odds of {horse}").format(horse=NAMES[i]), value)
            for i, value in enumerate(odds_texts)]
    total = math.fsum(probs)
    if abs(total - 1.0) > 1e-6:
        raise ValueError(_("the chances add up to {total}; they must add up to 1").format(
            total=f"{total:g}"))
    for i, o in enumerate(odds):
        if o <= 1.0:
            raise ValueError(_("odds of {horse} = {odds}: decimal odds must be above 1").format(
                horse=NAMES[i], odds=f"{o:g}"))
    return race_game(probs, odds)
