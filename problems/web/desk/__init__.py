"""Desk pages for problems (/desk/problems/…)."""
