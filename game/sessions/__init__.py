"""The game's play-throughs without pygame: the rules, the draws and every number a screen shows.

Each module is one kind of play-through; the screens in :mod:`game.scenes` only draw a session
and feed it input, so a session runs the same headless (tests, replays, ``kelly play --headless``).

* :mod:`~game.sessions.session`: the player and ghost bots betting on one seeded outcome stream
  (Coin, Race); the outcomes are the engine's block draws (:func:`sim.engine.block_outcomes`).
* :mod:`~game.sessions.replay`: saved play-throughs (JSON) replayed into sessions.
* :mod:`~game.sessions.review`: what a finished play-through says about the player's bets.
* :mod:`~game.sessions.challenge`: Haghani & Dewey's experiment around a coin session.
* :mod:`~game.sessions.unknown`: a hidden-p coin, the player against a Bayesian bot.
* :mod:`~game.sessions.worlds`: one fraction played in a thousand parallel bankrolls.
* :mod:`~game.sessions.class_race`: a classroom of fixed fractions on common flips.
* :mod:`~game.sessions.maths`: the theory numbers of a bet (growth, decomposition, Kelly).
"""
