"""Results: the final bankroll, growth per round against the best possible, the rank against the
bots, the seed to replay; the game is saved to the high-score table. Opened from the menu it shows
the high scores only.

Growth achieved is the realised ln(W_t / W_0)/t; the best possible is the Kelly rate
sum p ln o - H(p) (Kelly 1956; Cover & Thomas 2006, theorem 6.1.2).
"""

from __future__ import annotations

import math
import time

import pygame

from game.saves import Score, add_score, best_scores, load_scores
from game.scene import MARGIN, TOP_BAR, Scene, row
from game.sessions.maths import percent_per_round
from game.sessions.review import review
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

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def ordinal(n: int) -> str:
    return ORDINALS.get(n, f"{n}th")


def growth_text(growth: float) -> str:
    if math.isnan(growth):
        return "—"
    if growth == -math.inf:
        return "bust"
    return f"{growth:+.4f}"


def lesson(session: BetSession, results: Results) -> str:
    """One or two sentences drawn from this game's numbers."""
    player = results.player
    facts = review(session)
    if session.kind != "coin":
        cost = facts.mean_divergence
        if not math.isfinite(cost):
            return ("At least once you left a horse that could win with nothing on it and no "
                    "cash: D(p‖b) = ∞, the bet that can lose everything. Kelly bets b = p.")
        return (f"Your splits cost D(p‖b) = {cost:.4f} of growth per race on average: the gap "
                f"between your bets b and the chances p. Kelly bets b = p and pays nothing; its "
                f"long-run rate is {results.best_growth:+.4f} a race.")
    average, kelly, rate = facts.average_stake, facts.kelly_stake, facts.stake_growth
    if player.ruined:
        return (f"You went bust. You bet {average:.0%} of your money on average; Kelly bets "
                f"{kelly:.0%}. Bet too much and one bad streak ends the game, even with an edge.")
    compare = ("more than" if average > kelly + 0.02 else
               "less than" if average < kelly - 0.02 else "about the same as")
    return (f"You bet {average:.0%} of your money on average, {compare} Kelly's {kelly:.0%}. "
            f"At that stake the long-run rate is {rate:+.4f} a flip against Kelly's "
            f"{results.best_growth:+.4f}. Luck decides one game; the rate decides the long run.")


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


def replay_command(kind: str, seed: int, session: BetSession) -> str:
    """The command line that replays a game's flips (the seed and the rules it needs)."""
    command = f"kelly play --seed {seed} --screen {kind}"
    if kind == "coin":
        command += f" --p {session.game.p:g} --odds {session.game.odds:g}"
    return command


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
NAMES = {"coin": "Coin", "race": "Race", "unknown": "Unknown coin", "challenge": "Challenge"}


class ResultsScene(Scene):
    name = "results"
    title = "Results"
    hint = "How did you do against the robots and against the best possible rate?"
    help_keys = (("R / Enter", "play again, same flips"), ("N", "new game"), ("M", "menu"))
    help_panels = (("Growth per round", "your realised growth against Kelly on the same flips and "
                    "the best long-run rate."),
                   ("High scores", "your best games with the seed and rules to replay them."))

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
        self.kind = kind or (session.kind if session is not None else "coin")
        self.about = about
        self.saved = False
        if self.session is not None:
            self.results = self.session.results()
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
            self.buttons["again"] = self.button(again, "Play again, same luck (R)", "@primary")
            self.buttons["fresh"] = self.button(fresh, "New game (N)")
        else:
            menu = pygame.Rect(buttons.left, buttons.top, 220, buttons.height)
        self.buttons["menu"] = self.button(menu, "Menu (M)")
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
        verdict = "bust" if player.ruined else money(player.final_wealth)
        text(surface, f"You finished with {verdict}", (inner.left, y), 28, colour, bold=True)
        y += 40
        text(surface, f"from {money(start)} in {player.rounds} rounds  ·  "
             f"{ordinal(player.rank)} of {len(results.standings)} against the robots",
             (inner.left, y), 16, TEXT)
        y += 34
        best = results.best_growth
        text(surface, "Growth per round", (inner.left, y), 15, MUTED, bold=True)
        y += 24
        kelly = next((s for s in results.bots if s.name == "Kelly"), None)
        rows = [("You, this game", player.growth, PLAYER)]
        if kelly is not None:
            rows.append(("Kelly, same flips", kelly.growth, bettor_colour("Kelly")))
        rows.append(("Kelly, long run", best, MUTED))
        y = self.growth_bars(surface, pygame.Rect(inner.left, y, inner.width, 60), rows)
        y += 14
        columns = (0, 0.32, 0.55, 0.78)
        table_row(surface, ("Bettor", "Final", "Growth/round", "Rank"), columns, inner, y, 13,
                  MUTED, bold=True)
        y += 22
        for i, standing in enumerate(results.standings):
            colour = bettor_colour(standing.name, i)
            note = " (bust)" if standing.ruined else " (cap)" if standing.capped else ""
            cells = (standing.name + note,
                     money(standing.final_wealth),
                     growth_text(standing.growth),
                     ordinal(standing.rank))
            table_row(surface, cells, columns, inner, y, 15, colour, bold=i == 0)
            y += 24
        y += 8
        about = self.about or game_words(session, self.kind)
        y += wrapped(surface, f"Seed {results.seed} ({about}). Replay these flips: R here, or "
                     f"{replay_command(self.kind, results.seed, session)}",
                     pygame.Rect(inner.left, y, inner.width, 40), 13, MUTED) + 8
        wrapped(surface, lesson(session, results),
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
                shown = "bust" if value == -math.inf else "—"
            text(surface, shown, (rect.right, y + 11), 14, TEXT, anchor="midright")
            y += 28
        pygame.draw.line(surface, MUTED, (zero, rect.top), (zero, y))
        return y

    def draw_scores(self, surface: pygame.Surface, kind: str, rect: pygame.Rect) -> None:
        inner = card(surface, rect, f"High scores: {NAMES.get(kind, kind)} (biggest bankroll)")
        top = best_scores(kind, self.scores, limit=12)
        if not top:
            wrapped(surface, f"No {NAMES.get(kind, kind)} games yet. Play one to the end and it "
                    "appears here.",
                    inner, 15, MUTED)
            return
        columns = (0, 0.07, 0.27, 0.46, 0.86)
        y = inner.top + 4
        table_row(surface, ("#", "Final", "Growth", "Game", "Seed"), columns, inner, y, 13, MUTED,
                  bold=True)
        y += 22
        mine = self.results
        for i, score in enumerate(top, start=1):
            highlight = mine is not None and score.seed == mine.seed and math.isclose(
                score.final_wealth, mine.player.final_wealth) and score.rounds == mine.rounds
            colour = PLAYER if highlight else TEXT
            cells = (str(i), money(score.final_wealth), growth_text(score.growth), score.game,
                     str(score.seed))
            table_row(surface, cells, columns, inner, y, 14, colour)
            y += 22
            if y > inner.bottom - 20:
                break


SCENE = ResultsScene
