"""The game's session, maths and many-worlds model, with no pygame involved."""

import json
import math

import numpy as np
import pytest

from game.sessions.maths import (
    best_growth,
    bet_decomposition,
    bet_growth,
    ensemble_rate,
    kelly_bet,
    percent_per_round,
    share_on_heads,
)
from game.sessions.replay import session_from_json
from game.sessions.session import (
    Bot,
    CoinSession,
    RaceSession,
    competition_ranks,
    realised_growth,
)
from game.sessions.worlds import PETERS_COIN, PETERS_FRACTION, ManyWorlds
from sim.games import CoinGame, RaceGame
from sim.strategies import BayesKelly, FixedFraction, Kelly
from sim.theory import coin_growth, entropy, kelly_fraction, kl_divergence

COIN = CoinGame(p=0.6, odds=1.0, start=100.0, rounds=100)


def play(session, bet, rounds):
    session.bet = bet
    for _ in range(rounds):
        session.play()
    return session


def test_player_at_kelly_fraction_matches_the_kelly_bot():
    session = play(CoinSession(COIN, seed=7), 0.2, 10)
    kelly = session.names.index("Kelly")
    assert session.round == 10
    assert session.wealth[0] == pytest.approx(session.wealth[kelly], rel=1e-12)
    heads = sum(r.outcome == 0 for r in session.history)
    assert session.wealth[0] == pytest.approx(100 * 1.2**heads * 0.8 ** (10 - heads))


def test_all_in_goes_bust_on_the_first_loss():
    session = play(CoinSession(COIN, seed=3), 0.1, 30)
    allin = session.names.index("All-in")
    first_tails = next(r.round for r in session.history if r.outcome == 1)
    paths = session.wealth_paths()
    assert paths[allin, first_tails - 1] == pytest.approx(100 * 2 ** (first_tails - 1))
    assert paths[allin, first_tails] == 0.0
    assert session.ruined[allin] and session.rounds_played[allin] == first_tails
    assert np.all(paths[allin, first_tails:] == 0.0)
    assert session.results().standings[allin].growth == -math.inf


def test_every_bettor_sees_the_same_flips_whatever_the_player_bets():
    a = play(CoinSession(COIN, seed=11), 0.5, 40)
    b = play(CoinSession(COIN, seed=11), -0.3, 40)
    assert [r.outcome for r in a.history] == [r.outcome for r in b.history]
    assert a.wealth_paths()[1:].tolist() == b.wealth_paths()[1:].tolist()


def test_same_seed_and_inputs_replay_the_same_history():
    session = CoinSession(COIN, seed=2024)
    rng = np.random.default_rng(5)
    for _ in range(60):
        session.bet = float(rng.uniform(-0.5, 0.9))
        session.play()
    again = CoinSession.replay(COIN, 2024, session.inputs)
    assert again.history == session.history
    assert again.results() == session.results()
    other = CoinSession.replay(COIN, 2025, session.inputs)
    assert other.history != session.history


def test_outcomes_follow_p():
    game = CoinGame(p=0.7, rounds=4000)
    session = play(CoinSession(game, seed=1), 0.0, 4000)
    heads = sum(r.outcome == 0 for r in session.history)
    assert abs(heads - 2800) < 4 * math.sqrt(4000 * 0.7 * 0.3)


def test_tails_bet_wins_on_tails_at_the_reciprocal_odds():
    game = CoinGame(p=0.4, odds=2.0, rounds=10)
    session = CoinSession(game, seed=9)
    session.bet = -0.25
    record = session.play()
    expected = 100 * (1 + 0.25 / 2.0) if record.outcome == 1 else 75.0
    assert record.wealth[0] == pytest.approx(expected)
    assert record.stake == pytest.approx(25.0)


def test_cap_ends_the_player_run_and_the_session():
    game = CoinGame(p=0.9, start=100, cap=150, rounds=50)
    session = CoinSession(game, seed=4)
    session.bet = 0.3
    while not session.finished:
        session.play()
    first = session.history[-1]
    if session.capped[0]:
        assert first.wealth[0] == 150.0
    else:
        assert session.ruined[0] or session.round == 50
    with pytest.raises(ValueError, match="over"):
        session.play()


def test_results_growth_rank_and_best():
    session = play(CoinSession(COIN, seed=8), 0.2, 100)
    results = session.results()
    assert results.kind == "coin" and results.seed == 8 and results.rounds == 100
    player = results.player
    assert player.growth == pytest.approx(math.log(session.wealth[0] / 100) / 100)
    assert results.best_growth == pytest.approx(coin_growth(kelly_fraction(0.6), 0.6))
    assert results.best_growth == pytest.approx(0.0201355, abs=1e-7)
    finals = [s.final_wealth for s in results.standings]
    assert [s.rank for s in results.standings] == competition_ranks(finals)


def test_competition_ranks_and_realised_growth():
    assert competition_ranks([5, 9, 9, 1]) == [3, 1, 1, 4]
    assert realised_growth(0.0, 100, 3) == -math.inf
    assert math.isnan(realised_growth(100, 100, 0))
    assert realised_growth(200, 100, 2) == pytest.approx(math.log(2) / 2)


def test_bad_bets_are_rejected_by_name():
    session = CoinSession(COIN, seed=1)
    for bad in (1.5, -2, math.nan, "half", True):
        with pytest.raises(ValueError, match="bet"):
            session.bet = bad
    heads_only = CoinSession(CoinGame(allow_tails=False), seed=1)
    with pytest.raises(ValueError, match="heads only"):
        heads_only.bet = -0.1
    race = RaceSession(RaceGame(probs=(0.5, 0.3, 0.2), odds=(2, 4, 5)), seed=1)
    for bad in ((0.5, 0.6, 0.1), (0.1, 0.2), (-0.1, 0.2, 0.3)):
        with pytest.raises(ValueError, match="bet"):
            race.bet = bad
    with pytest.raises(ValueError, match="CoinGame"):
        CoinSession(RaceGame(probs=(0.5, 0.5), odds=(2, 2)))


def test_race_player_betting_p_matches_kelly_and_even_split_growth():
    game = RaceGame(probs=(0.4, 0.3, 0.2, 0.1), odds=(3, 3, 5, 8), rounds=200)
    session = RaceSession(game, seed=12)
    session.bet = game.probs
    for _ in range(200):
        session.play()
    names = session.names
    assert session.wealth[0] == pytest.approx(session.wealth[names.index("Kelly")], rel=1e-9)
    even = np.array([0.25] * 4)
    counts = session.counts
    expected = 100 * np.prod((even * np.array(game.odds)) ** counts)
    assert session.wealth[names.index("Even split")] == pytest.approx(expected, rel=1e-9)
    replayed = RaceSession.replay(game, 12, session.inputs)
    assert replayed.history == session.history


def test_adaptive_bot_strategies_get_a_context():
    class Doubling(FixedFraction):
        """Bets 0.1 after a win, 0.2 after a loss: needs last_won from the context."""

        def fractions(self, ctx):
            return np.where(ctx.last_won, 0.1, 0.2)

    bot = Bot("Doubling", Doubling(0.1))
    session = play(CoinSession(COIN, seed=5, bots=[bot]), 0.0, 2)
    first, second = session.history
    w1 = 100 * (1.2 if first.outcome == 0 else 0.8)
    f2 = 0.1 if first.outcome == 0 else 0.2
    w2 = w1 * (1 + f2 if second.outcome == 0 else 1 - f2)
    assert session.wealth[1] == pytest.approx(w2)


def test_maths_matches_the_closed_forms():
    p = 0.6
    for f in (0.0, 0.2, 0.5):
        assert bet_growth(COIN, f) == pytest.approx(coin_growth(f, p))
        assert share_on_heads(COIN, f) == pytest.approx((1 + f) / 2)
        d = bet_decomposition(COIN, f)
        a = np.array([(1 + f) / 2, (1 - f) / 2])
        assert d.log_odds == pytest.approx(math.log(2))
        assert d.entropy == pytest.approx(entropy([p, 1 - p]))
        assert d.divergence == pytest.approx(kl_divergence([p, 1 - p], a))
        assert d.growth == pytest.approx(d.log_odds - d.entropy - d.divergence)
    assert share_on_heads(COIN, -0.2) == pytest.approx(0.4)
    odds2 = CoinGame(p=0.4, odds=2.0)
    assert share_on_heads(odds2, 0.5) == pytest.approx(2 / 3)
    assert share_on_heads(odds2, -0.5) == pytest.approx(0.5 / 3)
    assert bet_growth(COIN, 1.0) == -math.inf
    assert kelly_bet(COIN) == pytest.approx(0.2)
    assert best_growth(COIN) == pytest.approx(bet_growth(COIN, 0.2))
    assert percent_per_round(math.log(1.05)) == pytest.approx(5.0)
    assert percent_per_round(-math.inf) == -100.0
    assert ensemble_rate(COIN, 0.2) == pytest.approx(math.log(1 + 0.2 * (0.6 - 0.4)))


def test_many_worlds_peters_coin():
    worlds = ManyWorlds(PETERS_COIN, PETERS_FRACTION, paths=1000, seed=3)
    assert worlds.ensemble_growth == pytest.approx(math.log(1.05))
    assert worlds.time_growth == pytest.approx(0.5 * math.log(0.9))
    end = worlds.snapshot(100)
    assert end.median < 100 < worlds.theory_mean(100)
    assert end.share_ahead < 0.3
    column = worlds.wealth[:, 100]
    assert end.mean == pytest.approx(column.mean())
    assert end.share_ruined == pytest.approx(np.mean(column <= worlds.game.floor))
    start = worlds.snapshot(0)
    assert (start.median, start.mean) == pytest.approx((100, 100))
    assert (start.share_ahead, start.share_ruined) == (0, 0)
    again = ManyWorlds(PETERS_COIN, PETERS_FRACTION, paths=1000, seed=3)
    assert np.array_equal(again.log_wealth, worlds.log_wealth)
    with pytest.raises(ValueError, match="round"):
        worlds.snapshot(101)


def test_many_worlds_kelly_median_follows_the_time_average():
    game = CoinGame(p=0.6, rounds=200)
    worlds = ManyWorlds(game, 0.2, paths=1000, seed=1)
    assert worlds.game.floor == pytest.approx(1.0)
    growth = np.log(worlds.snapshot(200).median / 100) / 200
    assert growth == pytest.approx(worlds.time_growth, abs=0.006)
    allin = ManyWorlds(game, 1.0, paths=1000, seed=1)
    assert allin.snapshot(20).share_ruined > 0.99
    assert allin.theory_median(0) == 100


def test_strategy_bots_reject_games_they_do_not_fit():
    race = RaceGame(probs=(0.5, 0.5), odds=(2, 2))
    with pytest.raises(ValueError):
        RaceSession(race, seed=1, bots=[Bot("fixed", FixedFraction(0.1))])
    RaceSession(race, seed=1, bots=[Bot("kelly", Kelly())])


def test_a_session_survives_json_and_replays_exactly():
    coin = CoinSession.replay(CoinGame(p=0.6, rounds=20), 11, [0.2, -0.1, 0.5, 0.0])
    race = RaceSession.replay(RaceGame(probs=(0.5, 0.3, 0.2), odds=(2.0, 4.0, 5.0), rounds=9), 3,
                              [(0.5, 0.3, 0.2), (0.1, 0.0, 0.0)])
    for session in (coin, race):
        data = json.loads(json.dumps(session.to_json()))
        again = session_from_json(data)
        assert type(again) is type(session) and again.game == session.game
        assert again.history == session.history
        assert np.array_equal(again.wealth, session.wealth)


def test_custom_bots_survive_json():
    bots = (Bot("Bayes", BayesKelly()), Bot("Knows p", Kelly()))
    coin = CoinSession.replay(CoinGame(p=0.7, rounds=10), 5, [0.1, 0.3], bots=bots)
    again = session_from_json(json.loads(json.dumps(coin.to_json())))
    assert again.bots == bots and again.history == coin.history
    assert "bots" not in CoinSession(CoinGame(p=0.6), 1).to_json()  # defaults: left out


@pytest.mark.parametrize("change, problem", [
    ({"kind": "dice"}, "kind"),
    ({"seed": -1}, "seed"),
    ({"seed": True}, "seed"),
    ({"bets": [2.0]}, "bet"),
    ({"bets": "0.1"}, "bets"),
    ({"bets": [0.1] * 21}, "at most 20"),
    ({"game": {"p": 1.5}}, "p"),
    ({"game": {"colour": 1}}, "game"),
    ({"extra": 1}, "fields"),
    ({"bots": [["Kelly"]]}, "bots"),
    ({"bots": [["Robot", "magic"]]}, "unknown strategy 'magic'"),
])
def test_bad_session_records_raise_value_error(change, problem):
    data = {**CoinSession.replay(CoinGame(p=0.6, rounds=20), 1, [0.1]).to_json(), **change}
    with pytest.raises(ValueError, match=problem):
        session_from_json(data)


def test_many_worlds_stop_at_the_floor_as_the_old_rule_did():
    """The engine applies the floor: the same worlds as playing frictionless and then holding
    each world at the bankroll of the round it fell to the floor (the rule the game used)."""
    from dataclasses import replace

    from sim.engine import simulate

    for fraction in (0.4, 1.0):
        worlds = ManyWorlds(PETERS_COIN, fraction, 300, 7)
        free = simulate(replace(worlds.game, floor=0.0), [FixedFraction(fraction)], 300, 7,
                        record_paths=True).trajectories[0]
        down = free <= np.log(worlds.game.floor)
        ruined_at = np.where(down.any(axis=1), down.argmax(axis=1), worlds.rounds + 1)
        held = free.copy()
        for i in np.flatnonzero(ruined_at <= worlds.rounds):
            held[i, ruined_at[i] + 1:] = held[i, ruined_at[i]]
        assert np.array_equal(worlds.ruined_at, ruined_at)
        finite = np.isfinite(held)
        assert np.array_equal(np.isfinite(worlds.log_wealth), finite)
        assert np.allclose(worlds.log_wealth[finite], held[finite], rtol=0, atol=1e-9)


def test_many_worlds_bands_and_paths_are_the_cross_sections():
    worlds = ManyWorlds(PETERS_COIN, 1.0, 200, 3)  # all-in: worlds go bust (W = 0)
    bands = worlds.log_quantiles((0.05, 0.5, 0.95))
    assert bands.shape == (3, worlds.rounds + 1) and np.all(np.isfinite(bands))
    t = 10
    column = np.where(np.isfinite(worlds.log_wealth[:, t]), worlds.log_wealth[:, t],
                      np.log(worlds.game.floor) - 5)
    assert bands[1, t] == pytest.approx(np.median(column))
    assert np.all(np.diff(bands, axis=0) >= 0)
    snap = worlds.snapshot(t)
    assert np.exp(worlds.median_log_path()[t]) == pytest.approx(snap.median)
    assert np.exp(worlds.mean_log_path()[t]) == pytest.approx(snap.mean)


def test_the_review_of_a_game_is_its_bets_in_theory_terms():
    from game.sessions.maths import bookmaker_shares
    from game.sessions.review import review

    coin = CoinSession.replay(COIN, 7, [0.1, -0.3, 0.2])
    facts = review(coin)
    assert facts.average_stake == pytest.approx(0.2)
    assert facts.kelly_stake == pytest.approx(kelly_fraction(0.6, 1.0))
    assert facts.stake_growth == pytest.approx(coin_growth(0.2, 0.6, 1.0))
    divergences = [kl_divergence(np.array([0.6, 0.4]), np.array([a, 1 - a]))
                   for a in (0.55, 0.35, 0.6)]
    assert facts.mean_divergence == pytest.approx(np.mean(divergences))
    race = RaceSession.replay(RaceGame(probs=(0.5, 0.5), odds=(2.0, 2.0), rounds=5), 1,
                              [(0.5, 0.5), (1.0, 0.0)])
    assert review(race).mean_divergence == math.inf  # all on one horse: D = inf
    assert bookmaker_shares((2.0, 4.0, 4.0)).tolist() == [0.5, 0.25, 0.25]


@pytest.mark.parametrize("module", ["maths", "review", "session"])
def test_the_session_docstring_examples_run(module):
    import doctest
    import importlib

    found = importlib.import_module(f"game.sessions.{module}")
    failed, tried = doctest.testmod(found, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failed == 0
