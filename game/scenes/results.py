"""Results: the final bankroll, growth per round against the best possible, the rank against the
bots, the seed to replay; the game is saved to the high-score table. Opened from the menu it shows
the high scores only.

Growth achieved is the realised ln(W_t / W_0)/t; the best possible is the Kelly rate
sum p ln o - H(p) (Kelly 1956; Cover & Thomas 2006, theorem 6.1.2).
"""

from __future__ import annotations

import math
import re
import time

import pygame

from game.saves import Score, Settings, add_score, best_scores, load_scores
from game.scene import MARGIN, TOP_BAR, Scene, row
from game.sessions.maths import percent_per_round
from game.sessions.review import BetReview, review
from game.sessions.session import BetSession, Results
from game.ui.layout import draw_bar
from game.ui.style import (
    BAD,
    GOOD,
    MUTED,
    PLAYER,
    TEXT,
    bettor_colour,
    card,
    money,
    table_row,
    text,
    wrapped,
)
from sim.cli.play_options import replay_command
from sim.i18n import N_, format_percent, ngettext
from sim.i18n import gettext as _

ORDINALS = {1: N_("1st"), 2: N_("2nd"), 3: N_("3rd")}
OTHER_ORDINAL = N_("{n}th")
#: the Challenge's game lengths as its saved scores name them
MODE_NAMES = {"flips": N_("flips"), "clock": N_("clock")}
#: the screens' names in the high-score titles (the menu's labels)
KIND_NAMES = {"coin": N_("Coin"), "race": N_("Race"), "worlds": N_("Many worlds"),
              "challenge": N_("Challenge"), "unknown": N_("Unknown coin")}


def ordinal(n: int) -> str:
    return _(ORDINALS.get(n, OTHER_ORDINAL)).format(n=n)


def growth_text(growth: float) -> str:
    if math.isnan(growth):
        return "—"
    if growth == -math.inf:
        return _("bust")
    return f"{growth:+.4f}"


def outcomes_text(count: int) -> str:
    return ngettext("{count} outcome", "{count} outcomes", count).format(count=count)


def game_text(saved: str) -> str:
    """A saved score's game in the current language ("3 outcomes" is stored in English)."""
    match = re.fullmatch(r"(\d+) outcomes", saved)
    if match:
        return outcomes_text(int(match[1]))
    match = re.fullmatch(r"p hidden \(([^)]*)\) b=(\S+)", saved)
    if match:
        return _("p hidden ({p}) b={b}").format(p=match[1], b=match[2])
    match = re.fullmatch(r"(flips|clock) p=(\S+) cap=(\S+)", saved)
    if match:
        return _("{mode} p={p} cap={cap}").format(mode=_(MODE_NAMES[match[1]]), p=match[2],
                                                  cap=match[3])
    return saved


def lesson(session: BetSession, results: Results, facts: BetReview | None = None) -> str:
    """One or two sentences drawn from this game's numbers (``facts``: its :func:`review`, when
    the caller has it already)."""
    player = results.player
    facts = facts if facts is not None else review(session)
    if session.kind != "coin":
        cost = facts.mean_divergence
        if not math.isfinite(cost):
            return _("At least once you left a horse that could win with nothing on it and no "
                     "cash: D(p‖b) = ∞, the bet that can lose everything. Kelly bets b = p.")
        return _("Your splits cost D(p‖b) = {cost} of growth per race on average: the gap "
                 "between your bets b and the chances p. Kelly bets b = p and pays nothing; its "
                 "long-run rate is {best} a race.").format(cost=f"{cost:.4f}",
                                                          best=f"{results.best_growth:+.4f}")
    average, kelly, rate = facts.average_stake, facts.kelly_stake, facts.stake_growth
    if player.ruined:
        return _("You went bust. You bet {average} of your money on average; Kelly bets "
                 "{kelly}. Bet too much and one bad streak ends the game, even with an edge."
                 ).format(average=format_percent(average), kelly=format_percent(kelly))
    if average > kelly + 0.02:
        compare = _("You bet {average} of your money on average, more than Kelly's {kelly}.")
    elif average < kelly - 0.02:
        compare = _("You bet {average} of your money on average, less than Kelly's {kelly}.")
    else:
        compare = _("You bet {average} of your money on average, about the same as Kelly's "
                    "{kelly}.")
    rest = _("At that stake the long-run rate is {rate} a flip against Kelly's {best}. Luck "
             "decides one game; the rate decides the long run.")
    # two sentences: a space between them in English, none in Chinese
    return _("{compare} {rest}").format(compare=compare, rest=rest).format(
        average=format_percent(average), kelly=format_percent(kelly),
        rate="−∞" if rate == -math.inf else f"{rate:+.4f}", best=f"{results.best_growth:+.4f}")


def game_words(session: BetSession, kind: str) -> str:
    """The rules of a game in a few words, as the high scores list them."""
    game = session.game
    if kind == "unknown":
        return f"p hidden ({game.p:.2f}) b={game.odds:g}"
    if kind == "challenge":
        return f"p={game.p:g} cap={money(game.cap, cents=False)}"
    if kind == "coin":
        return f"p={game.p:g} b={game.odds:g}"
    return f"{len(game.probs)} outcomes"


def score_of(session: BetSession, results: Results, kind: str, about: str | None = None) -> Score:
    """A finished game as a high-score entry."""
    player = results.player
    return Score(
        kind=kind,
        game=about or game_words(session, kind),
        seed=results.seed,
        rounds=results.rounds,
        final_wealth=player.final_wealth,
        growth=player.growth,
        best_growth=results.best_growth,
        rank=player.rank,
        bettors=len(results.standings),
        when=time.strftime("%Y-%m-%d %H:%M"),
    )


#: the games with a high-score table
KINDS = ("coin", "race", "unknown", "challenge")


class ResultsScene(Scene):
    name = "results"
    title = property(lambda self: _("Results"))
    hint = property(lambda self: _("How did you do against the robots and against the best "
                                   "possible rate?"))
    help_keys = ((N_("R / Enter"), N_("play again, same flips")), ("N", N_("new game")),
                 ("M", N_("menu")))
    help_panels = ((N_("Growth per round"), N_("your realised growth against Kelly on the same "
                    "flips and the best long-run rate.")),
                   (N_("High scores"), N_("your best games with the seed and rules to replay "
                    "them.")))

    def __init__(self, app, session: BetSession | None = None, again=None, fresh=None,
                 kind: str | None = None, about: str | None = None, record: bool = True,
                 **options):
        """``kind`` and ``about`` name the screen and its rules when they are not the
        session's own (Unknown coin, Challenge); ``record=False`` when the screen has already
        put the game in the high scores."""
        super().__init__(app, **options)
        self.session = session if session is not None and session.round > 0 else None
        self.again = again
        self.fresh = fresh
        self.results: Results | None = None
        self.facts: BetReview | None = None  # the lesson's numbers, reviewed once, not per frame
        self.kind = kind or (session.kind if session is not None else "coin")
        self.about = about
        self.saved = False
        if self.session is not None:
            self.results = self.session.results()
            self.facts = review(self.session)
            self.saved = self.session.finished  # a game ended early is not a high score
            record = record and self.saved
            self.scores = (add_score(score_of(self.session, self.results, self.kind, about))
                           if record else load_scores())
            sound = "goal" if self.results.player.rank == 1 else "click"
            app.sounds.play("bust" if self.results.player.ruined else sound)
        else:
            self.scores = load_scores()

    def layout(self, window: pygame.Rect) -> None:
        width, height = window.size
        buttons = pygame.Rect(MARGIN, height - MARGIN - 44, min(760, width - 2 * MARGIN), 44)
        self.buttons = {}
        if self.session is not None:
            again, fresh, menu = row(buttons, 1.25, 1, 1, gap=MARGIN)
            self.buttons["again"] = self.button(again, _("Play again, same luck (R)"),
                                                "@primary")
            self.buttons["fresh"] = self.button(fresh, _("New game (N)"))
        else:
            menu = pygame.Rect(buttons.left, buttons.top, 220, buttons.height)
        self.buttons["menu"] = self.button(menu, _("Menu (M)"))
        body = pygame.Rect(MARGIN, TOP_BAR, width - 2 * MARGIN, buttons.top - TOP_BAR - MARGIN)
        if self.session is not None:
            self.game_rect, scores = row(body, 1.5, 1, gap=MARGIN)
            self.tables = [(self.kind, scores)]
        else:
            self.game_rect = None
            top, bottom = (pygame.Rect(body.left, body.top, body.width, body.height // 2 - 8),
                           pygame.Rect(body.left, body.centery + 8, body.width,
                                       body.height - body.height // 2 - 8))
            self.tables = list(zip(KINDS, [*row(top, 1, 1, gap=MARGIN),
                                           *row(bottom, 1, 1, gap=MARGIN)], strict=True))

    def act(self, what: str) -> None:
        if what == "menu":
            self.app.pop_to("menu")
            return
        callback = self.again if what == "again" else self.fresh
        self.app.pop()
        if callback is not None:
            callback()

    def on_button(self, button) -> None:
        for what, widget in self.buttons.items():
            if widget is button:
                self.act(what)

    def on_key(self, event) -> None:
        keys = {pygame.K_r: "again", pygame.K_n: "fresh", pygame.K_m: "menu"}
        what = keys.get(event.key)
        if what == "menu" or (what and self.session is not None):
            self.act(what)
        elif event.key in (pygame.K_RETURN, pygame.K_SPACE) and self.session is not None:
            self.act("again")

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        if self.results is not None:
            self.draw_game(surface)
        for kind, rect in self.tables:
            self.draw_scores(surface, kind, rect)

    def draw_game(self, surface: pygame.Surface) -> None:
        results, session = self.results, self.session
        inner = card(surface, self.game_rect)
        player = results.player
        y = inner.top
        start = session.game.start
        colour = GOOD if player.final_wealth > start else BAD
        verdict = _("bust") if player.ruined else money(player.final_wealth)
        text(surface, _("You finished with {verdict}").format(verdict=verdict), (inner.left, y),
             28, colour, bold=True)
        y += 40
        text(surface, _("from {start} in {rounds} rounds  ·  {rank} of {bettors} against the "
                        "robots").format(start=money(start), rounds=player.rounds,
                                         rank=ordinal(player.rank),
                                         bettors=len(results.standings)),
             (inner.left, y), 16, TEXT)
        y += 34
        best = results.best_growth
        text(surface, _("Growth per round"), (inner.left, y), 15, MUTED, bold=True)
        y += 24
        kelly = next((s for s in results.bots if s.name == "Kelly"), None)
        rows = [(_("You, this game"), player.growth, PLAYER)]
        if kelly is not None:
            rows.append((_("Kelly, same flips"), kelly.growth, bettor_colour("Kelly")))
        rows.append((_("Kelly, long run"), best, MUTED))
        y = self.growth_bars(surface, pygame.Rect(inner.left, y, inner.width, 60), rows)
        y += 14
        columns = (0, 0.32, 0.55, 0.78)
        table_row(surface, (_("Bettor"), _("Final"), _("Growth/round"), _("Rank")), columns,
                  inner, y, 13, MUTED, bold=True)
        y += 22
        for i, standing in enumerate(results.standings):
            colour = bettor_colour(standing.name, i)
            note = _(" (bust)") if standing.ruined else _(" (cap)") if standing.capped else ""
            cells = (_(standing.name) + note,
                     money(standing.final_wealth),
                     growth_text(standing.growth),
                     ordinal(standing.rank))
            table_row(surface, cells, columns, inner, y, 15, colour, bold=i == 0)
            y += 24
        y += 8
        kind = self.kind
        game = session.game
        about = game_text(self.about) if self.about else (
            f"p = {game.p:g}, b = {game.odds:g}" if kind == "coin" else
            outcomes_text(len(game.probs)) if kind == "race" else
            game_text(game_words(session, kind)))
        rules = {"p": game.p, "odds": game.odds} if kind == "coin" else None
        usual = vars(Settings()) if self.app.settings == Settings() else None  # else spell out
        replay = _("Seed {seed} ({about}). Replay these flips: R here, or {command}").format(
            seed=results.seed, about=about,
            command=replay_command(results.seed, kind, rules, usual))
        used = wrapped(surface, replay, pygame.Rect(inner.left, y, inner.width, 40), 13, MUTED)
        y += max(26, used + 8)  # two lines when the window is narrow
        wrapped(surface, lesson(session, results, self.facts),
                pygame.Rect(inner.left, y, inner.width, inner.bottom - y), 15, TEXT)

    def growth_bars(self, surface, rect: pygame.Rect, rows) -> int:
        """One bar per (label, growth, colour) on a shared scale, zero line marked."""
        label_w, value_w = 160, 180
        values = [v for _, v, _ in rows if math.isfinite(v)]
        scale = max([abs(v) for v in values] + [1e-4])
        negative = any(v < 0 for _, v, _ in rows)
        span = rect.width - label_w - value_w
        zero = rect.left + label_w + (span / 2 if negative else 0)
        half = span / 2 if negative else span
        y = rect.top
        for label, value, colour in rows:
            text(surface, label, (rect.left, y + 11), 14, colour, anchor="midleft")
            if math.isfinite(value):
                length = value / scale * half
                bar = pygame.Rect(min(zero, zero + length), y + 2, abs(length), 18)
                draw_bar(surface, colour, bar, border_radius=3, label=label, within=rect)
                shown = f"{value:+.4f}  ({percent_per_round(value):+.2f}%)"
            else:
                shown = _("bust") if value == -math.inf else "—"
            text(surface, shown, (rect.right, y + 11), 14, TEXT, anchor="midright")
            y += 28
        pygame.draw.line(surface, MUTED, (zero, rect.top), (zero, y))
        return y

    def draw_scores(self, surface: pygame.Surface, kind: str, rect: pygame.Rect) -> None:
        name = _(KIND_NAMES.get(kind, kind))
        inner = card(surface, rect, _("High scores: {kind} (biggest bankroll)").format(kind=name))
        top = best_scores(kind, self.scores, limit=12)
        if not top:
            wrapped(surface, _("No {kind} games yet. Play one to the end and it appears here.")
                    .format(kind=name), inner, 15, MUTED)
            return
        columns = (0, 0.07, 0.27, 0.46, 0.86)
        y = inner.top + 4
        table_row(surface, ("#", _("Final"), _("Growth"), _("Game"), _("Seed")), columns, inner,
                  y, 13, MUTED, bold=True)
        y += 22
        mine = self.results
        for i, score in enumerate(top, start=1):
            highlight = mine is not None and score.seed == mine.seed and math.isclose(
                score.final_wealth, mine.player.final_wealth) and score.rounds == mine.rounds
            colour = PLAYER if highlight else TEXT
            cells = (str(i), money(score.final_wealth), growth_text(score.growth),
                     game_text(score.game), str(score.seed))
            table_row(surface, cells, columns, inner, y, 14, colour)
            y += 22
            if y > inner.bottom - 20:
                break


SCENE = ResultsScene
