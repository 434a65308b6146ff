"""Gymnasium environments for the Kelly betting games, on the project's own engine (``sim``).

``import kelly_gym`` registers ``kelly/Coinflip-v1``, ``kelly/CoinflipUnknown-v1`` and
``kelly/Race-v1`` (see :mod:`kelly_gym.registration`). The package sits above ``sim`` and beside
``game``: it imports ``sim`` and Gymnasium (the optional ``gym`` extra), and ``sim`` never
imports it.

Examples
--------
>>> import gymnasium as gym
>>> import kelly_gym
>>> env = gym.make("kelly/Coinflip-v1")
>>> env.reset(seed=0)[0].tolist()
[25.0, 300.0]
"""

try:
    import gymnasium  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError(
        "kelly_gym needs gymnasium; install the extra: pip install 'kelly-game[gym]'"
    ) from error

from kelly_gym.envs import CoinflipEnv, CoinflipUnknownEnv, RaceEnv
from kelly_gym.registration import ENV_IDS, register_envs

register_envs()

__all__ = ["ENV_IDS", "CoinflipEnv", "CoinflipUnknownEnv", "RaceEnv", "register_envs"]
