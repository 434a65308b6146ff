"""Registration of the Kelly environments with Gymnasium.

Gymnasium 1.x has no plugin loader (the ``gymnasium.envs`` entry-point group was read by
Gymnasium 0.26-0.29 and dropped in 1.0), so ``import kelly_gym`` registers the environments, and
``gymnasium.make("kelly_gym:kelly/Coinflip-v1")`` imports the package first. The distribution
also declares :func:`register_envs` under the ``gymnasium.envs`` entry point named ``kelly``, for
the older loaders, which call it inside the ``kelly`` namespace.
"""

from __future__ import annotations

import gymnasium as gym

#: the entry point group and name of this distribution (pyproject.toml)
ENTRY_POINT_GROUP = "gymnasium.envs"
ENTRY_POINT_NAME = "kelly"
ENTRY_POINT_VALUE = "kelly_gym.registration:register_envs"

#: id -> (entry point, vector entry point)
ENVIRONMENTS = {
    "kelly/Coinflip-v1": ("kelly_gym.envs:CoinflipEnv", "kelly_gym.vector:CoinflipVectorEnv"),
    "kelly/CoinflipUnknown-v1": (
        "kelly_gym.envs:CoinflipUnknownEnv", "kelly_gym.vector:CoinflipUnknownVectorEnv"
    ),
    "kelly/Race-v1": ("kelly_gym.envs:RaceEnv", None),
}
ENV_IDS = tuple(ENVIRONMENTS)


def register_envs() -> tuple[str, ...]:
    """Register every Kelly environment with Gymnasium (again is a no-op).

    No ``max_episode_steps``: the rounds are part of the game and end the episode themselves
    (see :mod:`kelly_gym.envs`), so no TimeLimit wrapper is added.

    Returns
    -------
    tuple of str
        The registered ids, :data:`ENV_IDS`.

    Examples
    --------
    >>> register_envs()
    ('kelly/Coinflip-v1', 'kelly/CoinflipUnknown-v1', 'kelly/Race-v1')
    >>> gym.make("kelly/Coinflip-v1").unwrapped.game.cap
    250.0
    """
    for env_id, (entry_point, vector_entry_point) in ENVIRONMENTS.items():
        if env_id in gym.registry:
            continue
        gym.register(id=env_id, entry_point=entry_point, vector_entry_point=vector_entry_point)
    return ENV_IDS
