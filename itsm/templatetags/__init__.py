"""Template tags of the core, loaded with {% load tend %}."""
