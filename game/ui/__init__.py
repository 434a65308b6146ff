"""Drawing for the game: colours and fonts, charts, the coin animation (pygame only)."""
