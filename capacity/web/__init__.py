"""Capacity pages of the desk: the board, the agent set-up page, the asset page section."""
