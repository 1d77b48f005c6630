"""Colours that mean the same thing on every chart (the JS palette covers the rest)."""

PRIORITY = {1: "#c62828", 2: "#e07a1f", 3: "#5b7fd6", 4: "#9e9e9e"}
GOOD, BAD, NEUTRAL = "#1f5f5b", "#c62828", "#90a4ae"
REACTIVE, PROACTIVE = "#e07a1f", "#1f5f5b"
CREATED, RESOLVED = "#5b7fd6", "#1f5f5b"
BEFORE, AFTER = "#90a4ae", "#1f5f5b"
OUTCOME = {"on_time": "#1a7f37", "late": "#e0a21f", "overdue": "#c62828", "skipped": "#b0bec5",
           "cancelled": "#78909c", "open": "#5b7fd6", "moved": "#cfd8dc"}
# Days overdue, from a few to many: warmer is worse.
AGE = ["#f2c94c", "#e07a1f", "#c62828", "#7f1d1d"]
