"""The desk's capacity pages (/desk/capacity/…)."""
